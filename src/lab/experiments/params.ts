/**
 * The params experiment: the lesson's parameter formulas, (in + 1) × out for Dense and
 * (kh × kw × cin + 1) × cout for Conv2D, computed from each layer's arguments and input shape and
 * checked against the counts `summary()` prints, layer by layer and in total, for the lesson's models.
 */
import { clearSession } from '../../core/session.js';
import { Conv2D } from '../../layers/conv.js';
import { Dense } from '../../layers/dense.js';
import type { Layer } from '../../layers/layer.js';
import type { SymbolicShape } from '../../layers/symbolic-tensor.js';
import type { Sequential } from '../../models/sequential.js';
import { formatCount } from '../../models/summary.js';
import type { Experiment, LabClaim, LabValue } from '../experiment.js';
import { lessonModel, type LessonModelName } from '../lesson-models.js';

/** The models counted: sigmoid has the relu network's shapes, so it is left out. */
const MODELS: readonly LessonModelName[] = ['softmax', 'relu', 'dropout', 'cnn'];

/** One layer: what the lesson's formula gives (null for a layer it has none for) and what the summary shows. */
interface Row {
  model: string;
  layer: string;
  type: string;
  formula: string | null;
  byFormula: number | null;
  summary: number;
}

/** The lesson's formula for a Dense or Conv2D layer, from its arguments and its input's last axis (not from its weights). */
function lessonFormula(layer: Layer): { text: string; count: number } | null {
  const inputs = (layer.inputShape as SymbolicShape).at(-1)!;
  if (layer instanceof Dense) return { text: `(${inputs} + 1) × ${layer.units}`, count: (inputs + 1) * layer.units };
  if (layer instanceof Conv2D) {
    const [kh, kw] = layer.kernelSize as [number, number];
    return { text: `(${kh} × ${kw} × ${inputs} + 1) × ${layer.filters}`, count: (kh * kw * inputs + 1) * layer.filters };
  }
  return null;
}

/** The rows of a model, in the summary's order. */
function rowsOf(name: string, model: Sequential): Row[] {
  return model.layers.map((layer) => {
    const lesson = lessonFormula(layer);
    return { model: name, layer: layer.name, type: layer.constructor.name, formula: lesson?.text ?? null, byFormula: lesson?.count ?? null, summary: layer.countParams() };
  });
}

/** The total the summary's text prints (`Total params: 79,510 (310.59 KB)`). */
function printedTotal(lines: readonly string[]): number {
  const line = lines.find((l) => l.startsWith(' Total params: '));
  return Number(line?.match(/Total params: ([\d,]+)/)?.[1]?.replace(/,/g, '') ?? NaN);
}

const asValue = (rows: Row[]): LabValue => rows.map((r) => ({ ...r }));

/** A claim about the layers of one type: the lesson's formula gives each one's count. */
function formulaClaim(claim: string, rows: Row[]): LabClaim {
  return { claim, holds: rows.length > 0 && rows.every((r) => r.byFormula === r.summary), figures: { layers: asValue(rows) } };
}

/** `(784 + 1) × 100 = 78,500` */
const equation = (r: Row): string => `${r.formula} = ${formatCount(r.byFormula!)}`;

/**
 * The experiment: no training, the counts follow from the shapes.
 *
 * @example
 * const report = await params.run(ctx); // report.claims[0].holds: the Dense formula held for every Dense layer
 */
export const params: Experiment = {
  name: 'params',
  summary: "Dense has (in + 1) × out parameters and Conv2D (kh × kw × cin + 1) × cout: checked against summary() for each layer of the lesson's models",
  guide: 'docs/lab/params.md',
  async run(ctx) {
    // A fresh session per model, so that its layers have the names of the lesson's summaries (dense, dense_1).
    const models = MODELS.map((name) => {
      clearSession();
      return { name, model: lessonModel(name) };
    });
    const rows = models.flatMap(({ name, model }) => rowsOf(name, model));
    const totals = models.map(({ name, model }) => ({ model: name, byFormula: rowsOf(name, model).reduce((n, r) => n + (r.byFormula ?? r.summary), 0), printed: printedTotal(model.summaryLines()) }));
    const dense = rows.filter((r) => r.type === 'Dense');
    const conv = rows.filter((r) => r.type === 'Conv2D');
    const others = rows.filter((r) => r.byFormula === null);
    ctx.log(`params: ${rows.length} layers in ${models.length} models`);

    const weighted = rows.filter((r) => r.summary > 0);
    const largest = weighted.reduce((a, b) => (b.summary > a.summary ? b : a));
    await ctx.figure('per-layer', {
      kind: 'bars',
      title: "Parameters per layer of the lesson's models",
      xLabel: 'model · layer',
      yLabel: 'parameters (log scale)',
      yScale: 'log',
      categories: weighted.map((r) => `${r.model} · ${r.layer}`),
      series: [{ name: 'parameters', values: weighted.map((r) => r.summary) }],
      highlight: weighted.indexOf(largest),
    });

    const cnn = models.find((m) => m.name === 'cnn')!;
    const cnnTotal = cnn.model.countParams();
    const relu = models.find((m) => m.name === 'relu')!;
    const findings = [
      `Dense: (in + 1) × out gives the summary's count for ${dense.filter((r) => r.byFormula === r.summary).length} of ${dense.length} Dense layers, e.g. ${equation(dense.find((r) => r.model === 'relu')!)}.`,
      `Conv2D: (kh × kw × cin + 1) × cout gives it for ${conv.filter((r) => r.byFormula === r.summary).length} of ${conv.length} Conv2D layers: ${conv.map(equation).join(' and ')}.`,
      `Layers without weights (${[...new Set(others.map((r) => r.type))].join(', ')}) add ${others.reduce((n, r) => n + r.summary, 0)} parameters.`,
      `Totals, by the formulas and as summary() prints them: ${totals.map((t) => `${t.model} ${formatCount(t.byFormula)} / ${formatCount(t.printed)}`).join(', ')}.`,
      `The CNN's largest layer is ${largest.layer}: ${formatCount(largest.summary)} of its ${formatCount(cnnTotal)} parameters (${((100 * largest.summary) / cnnTotal).toFixed(1)}%), since Flatten hands it every one of 7 × 7 × 64 = 3136 values; its convolutions, whose weights are shared across the image, have ${formatCount(conv.reduce((n, r) => n + r.summary, 0))}.`,
      `summary({ explain: true }) of the ${relu.name} network and of the CNN:`,
      ...relu.model.summaryLines({ explain: true }),
      ...cnn.model.summaryLines({ explain: true }),
    ];
    for (const { model } of models) model.dispose();
    return {
      claims: [
        formulaClaim('A Dense layer with in inputs and out units has (in + 1) × out parameters', dense),
        formulaClaim('A Conv2D layer with a kh × kw window, cin input channels and cout filters has (kh × kw × cin + 1) × cout parameters', conv),
        {
          claim: 'Layers without weights (Flatten, MaxPooling2D, Dropout) add no parameters, and the total is the sum of the layers\' formulas',
          holds: others.every((r) => r.summary === 0) && totals.every((t) => t.byFormula === t.printed),
          figures: { totals: totals.map((t) => ({ ...t })), withoutWeights: asValue(others) },
        },
      ],
      findings,
      setup: { models: [...MODELS], full: ctx.full, training: 'none: the counts follow from the shapes' },
    };
  },
};
