/**
 * The Evaluation logs: PR curves in TensorBoard's `pr_curves` form against counts made by hand, the
 * confusion matrix's picture pixel by pixel, the ClassifierEvaluation callback during `fit`, and the
 * Board's API serving the curves and the scalar downloads.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { decode } from 'fast-png';
import * as s from '../../src/node/index.js';
import { CELL_PIXELS, confusionImage, confusionMatrix } from '../../src/board/confusion-matrix.js';
import { prCurve, prCurveValue } from '../../src/board/pr-curve.js';
import { RunData } from '../../src/board/event-reader.js';
import { SummaryWriter } from '../../src/board/summary-writer.js';

const FIXTURES = fileURLToPath(new URL('../../../../shared/fixtures/tensorboard/', import.meta.url));

test('prCurve counts positives at thresholds i/(n-1) as worked out by hand', () => {
  // Buckets floor(p·2): 0.9, 0.8, 0.6 → 1; 0.3, 0.2 → 0. Positives: 0.9, 0.6 (bucket 1), 0.2 (bucket 0).
  const curve = prCurve([1, 0, 1, 0, 1], [0.9, 0.8, 0.6, 0.3, 0.2], 3);
  assert.deepEqual(curve.thresholds, [0, 0.5, 1]);
  assert.deepEqual(curve.truePositives, [3, 2, 0]);
  assert.deepEqual(curve.falsePositives, [2, 1, 0]);
  assert.deepEqual(curve.trueNegatives, [0, 1, 2]);
  assert.deepEqual(curve.falseNegatives, [0, 1, 3]);
  assert.deepEqual(curve.precision, [3 / 5, 2 / 3, 0]);
  assert.deepEqual(curve.recall, [1, 2 / 3, 0]);
  assert.throws(() => prCurve([1], [0.5, 0.4]), s.ValueError);
  assert.throws(() => prCurve([1], [0.5], 1), /at least 2/);
});

test('a pr_curves summary is a [6, n] float tensor that the reader gives back, with num_thresholds in its content', () => {
  const value = prCurveValue('pr/a', prCurve([true, false, true], [0.9, 0.6, 0.3], 3));
  assert.equal(value.metadata?.pluginData?.pluginName, 'pr_curves');
  assert.deepEqual([...value.metadata!.pluginData!.content!], [16, 3]);
  assert.deepEqual(value.tensor?.tensorShape?.dim?.map((d) => Number(d.size)), [6, 3]);
  const records: Uint8Array[] = [];
  const writer = new SummaryWriter({ write: (b) => records.push(b), close: () => {} });
  writer.writeValues(4, [value]);
  const run = new RunData('r');
  for (const r of records) run.feed('f', r);
  const entry = run.prCurves.get('pr/a')!.items[0]!;
  assert.equal(entry.step, 4);
  assert.deepEqual(entry.truePositives, [2, 1, 0]);
  assert.deepEqual(entry.precision.map((v) => Math.fround(v)), [2 / 3, 1 / 2, 0].map(Math.fround));
  assert.deepEqual(run.info().prCurveTags, ['pr/a']);
});

test('the PR curve PyTorch\'s add_pr_curve wrote (shared fixture) reads as [6, 127] with consistent counts', { skip: !readdirSafe(`${FIXTURES}generated/pytorch2.13-summarywriter/run1`).length && 'no fixture' }, () => {
  const dir = `${FIXTURES}generated/pytorch2.13-summarywriter/run1`;
  const run = new RunData('run1');
  for (const f of readdirSafe(dir).filter((n) => n.includes('tfevents'))) run.feed(f, new Uint8Array(readFileSync(join(dir, f))));
  const entry = run.prCurves.get('pr/class0')!.items[0]!;
  assert.equal(entry.thresholds.length, 127);
  // 100 samples: at threshold 0 everything is positive, so tp + fp = 100 and tn = fn = 0.
  assert.equal(entry.truePositives[0]! + entry.falsePositives[0]!, 100);
  assert.equal(entry.trueNegatives[0], 0);
  for (let i = 0; i < 127; i++) assert.equal(entry.truePositives[i]! + entry.falseNegatives[i]!, entry.truePositives[0]);
});

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

test('confusionMatrix counts (true, predicted) and confusionImage shades each cell by its share of the row', () => {
  const matrix = confusionMatrix([0, 0, 0, 0, 1, 1], [0, 0, 0, 1, 1, 1], 2);
  assert.deepEqual(matrix, [[3, 1], [0, 2]]);
  const img = confusionImage(matrix);
  assert.equal(img.width, 2 * CELL_PIXELS + 1);
  const at = (x: number, y: number): number[] => [...img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3)];
  const mid = CELL_PIXELS / 2;
  assert.deepEqual(at(mid, mid), [Math.round(255 + (8 - 255) * 0.75), Math.round(255 + (69 - 255) * 0.75), Math.round(255 + (148 - 255) * 0.75)], 'row 0, column 0: 3 of 4');
  assert.deepEqual(at(CELL_PIXELS + mid, mid), [Math.round(255 - 247 * 0.25), Math.round(255 - 186 * 0.25), Math.round(255 - 107 * 0.25)], 'row 0, column 1: 1 of 4');
  assert.deepEqual(at(mid, CELL_PIXELS + mid), [255, 255, 255], 'row 1, column 0: none');
  assert.deepEqual(at(CELL_PIXELS + mid, CELL_PIXELS + mid), [8, 69, 148], 'row 1, column 1: all');
  assert.deepEqual(at(0, 0), [190, 190, 190], 'the grid');
  assert.throws(() => confusionMatrix([2], [0], 2), /outside 0\.\.1/);
});

test('ClassifierEvaluation logs the confusion matrix and a PR curve per class each epoch, and the Board serves them', { timeout: 30_000 }, async () => {
  const logDir = mkdtempSync(join(tmpdir(), 'strata-eval-'));
  s.setSeed(3);
  const x = s.randomUniform([30, 4], 0, 1, { seed: 3 });
  const labels = Array.from({ length: 30 }, (_, i) => i % 3);
  const y = s.tensor(labels, [30], 'int32');
  const model = new s.Sequential({ layers: [s.Input({ shape: [4] }), new s.layers.Dense({ units: 3, activation: 'softmax' })] });
  model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
  const names = ['cat', 'dog', 'owl'];
  await model.fit(x, y, { epochs: 2, batchSize: 10, verbose: 0, callbacks: [new s.TensorBoard({ logDir, histogramFreq: 0 }), new s.ClassifierEvaluation({ logDir, x, y, classNames: names, numThresholds: 11 })] });
  // The numbers the callback must have logged for the last epoch, from the model's own predictions.
  const probs = model.predict(x) as s.Tensor;
  const p = probs.dataSync() as Float32Array;
  const expected = prCurve(labels.map((l) => l === 1), labels.map((_, i) => p[i * 3 + 1]!), 11);
  const predicted = labels.map((_, i) => [0, 1, 2].reduce((b, c) => (p[i * 3 + c]! > p[i * 3 + b]! ? c : b), 0));

  const board = await s.runBoard({ logDir, port: 0 });
  try {
    const curves = await (await fetch(`${board.url}api/pr-curves?run=validation`)).json();
    assert.deepEqual(Object.keys(curves).sort(), ['pr_curves/cat', 'pr_curves/dog', 'pr_curves/owl']);
    const dog = curves['pr_curves/dog'];
    assert.deepEqual(dog.map((e: { step: number }) => e.step), [0, 1]);
    assert.deepEqual(dog[1].truePositives, expected.truePositives);
    assert.deepEqual(dog[1].falsePositives, expected.falsePositives);
    assert.deepEqual(dog[1].precision, expected.precision.map(Math.fround));
    const images = await (await fetch(`${board.url}api/images?run=validation`)).json();
    assert.equal(images.confusion_matrix.length, 2);
    const png = decode(new Uint8Array(await (await fetch(`${board.url}api/image?run=validation&tag=confusion_matrix&index=1`)).arrayBuffer()));
    assert.deepEqual([png.width, png.height], [3 * CELL_PIXELS + 1, 3 * CELL_PIXELS + 1]);
    const matrix = confusionMatrix(labels, predicted, 3);
    const share = matrix[0]![0]! / 10;
    const centre = ((CELL_PIXELS / 2) * png.width + CELL_PIXELS / 2) * png.channels;
    assert.equal(png.data[centre], Math.round(255 + (8 - 255) * share), 'the top-left cell is shaded by its share of row 0');
    const text = await (await fetch(`${board.url}api/text?run=validation`)).json();
    const table = text['confusion_matrix/table'][1];
    assert.deepEqual(table.shape, [4, 4]);
    assert.deepEqual(table.values.slice(0, 4), ['true \\ predicted', 'cat', 'dog', 'owl']);
    assert.deepEqual(table.values.slice(5, 8), matrix[0]!.map(String));
    // Scalar downloads: CSV and JSON rows of wall time, step and value.
    const csv = await fetch(`${board.url}api/scalars?run=train&tag=epoch_loss&format=csv`);
    assert.match(csv.headers.get('content-type')!, /text\/csv/);
    assert.match(csv.headers.get('content-disposition')!, /run-train-tag-epoch_loss\.csv/);
    const lines = (await csv.text()).trim().split('\n');
    assert.equal(lines[0], 'Wall time,Step,Value');
    const json = await (await fetch(`${board.url}api/scalars?run=train&tag=epoch_loss&format=json`)).json();
    assert.equal(json.length, 2);
    assert.deepEqual(lines.slice(1).map((l) => l.split(',').map(Number)), json);
    assert.deepEqual(json.map((r: number[]) => r[1]), [0, 1]);
    assert.equal((await fetch(`${board.url}api/scalars?run=train&tag=epoch_loss&format=xml`)).status, 400);
    assert.equal((await fetch(`${board.url}api/scalars?run=train&tag=nope&format=csv`)).status, 404);
  } finally {
    await board.close();
  }
});

test('ClassifierEvaluation takes one-hot labels and names what is wrong with its inputs', () => {
  const x = s.zeros([4, 2]);
  assert.throws(() => new s.ClassifierEvaluation({ x, y: s.tensor([0, 1, 2], [3], 'int32') }), (e: Error) => e instanceof s.ShapeError && /x has 4 samples but y has 3/.test(e.message));
  assert.throws(() => new s.ClassifierEvaluation({ x, y: s.zeros([4, 2, 1]) }), /class indices \[samples\] or one-hot rows/);
  assert.throws(() => new s.ClassifierEvaluation({ x, y: s.zeros([4]), numThresholds: 1 }), /numThresholds must be an integer of at least 2/);
  assert.doesNotThrow(() => new s.ClassifierEvaluation({ x, y: s.tensor([[1, 0], [0, 1], [0, 1], [1, 0]], [4, 2]) }));
});
