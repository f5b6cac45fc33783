/**
 * `strata plot`: the classic train/validation curves of one metric of a run, drawn by Apache
 * ECharts's server-side renderer as SVG, or as PNG through resvg (Node only).
 */
import { statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { NotFoundError, ValueError } from '../../core/errors.js';
import { checkOptions, optionKeys } from '../../core/options.js';
import type { ScalarPoint } from '../api-types.js';
import { LogDirectory } from './log-dir.js';
import { lineChartOption, renderChartSvg, svgToPng } from './render-chart.js';

/** Options of `plotRun`. */
export interface PlotArgs {
  /** The run's directory: the `logDir` given to the TensorBoard callback (holding `train/` and `validation/`), or one run directory. */
  run: string;
  /** The figure to draw, as logged: `loss`, `accuracy`, ... (read from the tag `epoch_<metric>`, or the tag itself). Default `loss`. */
  metric?: string;
  /** The file to write: `.png` or `.svg`, in a directory that exists (it is not created, as `cp` or `>` would not). */
  out: string;
  /** Size in pixels (default 800 × 480). */
  width?: number;
  height?: number;
  /** A TrueType/OpenType font for the PNG's text (default: a common system font: DejaVu Sans, Liberation Sans, Arial, Helvetica). */
  font?: string;
}

const PLOT_KEYS = optionKeys<PlotArgs>({ run: true, metric: true, out: true, width: true, height: true, font: true });

/** What was drawn: one series per run directory holding the metric. */
export interface PlotResult {
  out: string;
  tag: string;
  series: { name: string; points: ScalarPoint[] }[];
}

/** The series of `metric` in every run below `run`: `train` first, then `validation`, then the others by name. */
function readSeries(run: string, metric: string): { tag: string; series: PlotResult['series'] } {
  const dir = new LogDirectory(run);
  dir.refresh();
  const runs = dir.list().sort((a, b) => order(a.name) - order(b.name) || a.name.localeCompare(b.name));
  for (const tag of [`epoch_${metric}`, metric]) {
    const series = runs.filter((r) => r.scalars.has(tag)).map((r) => ({ name: r.name === '.' ? basename(resolve(run)) : r.name, points: r.scalars.get(tag)!.items }));
    if (series.length) return { tag, series };
  }
  const known = [...new Set(runs.flatMap((r) => [...r.scalars.keys()]))].map((t) => t.replace(/^epoch_/, ''));
  throw new NotFoundError(`strata plot: no '${metric}' in ${run}. Logged there: ${known.join(', ') || 'nothing (no event files with scalars)'}.`);
}

function order(name: string): number {
  const leaf = name.split('/').pop();
  return leaf === 'train' ? 0 : leaf === 'validation' ? 1 : 2;
}

/** The chart as SVG text. */
function renderSvg(title: string, result: Omit<PlotResult, 'out'>, width: number, height: number): Promise<string> {
  const chart = {
    title,
    xLabel: result.tag.startsWith('batch_') ? 'step' : 'epoch',
    yLabel: result.tag.replace(/^epoch_/, ''),
    xIntegers: true,
    series: result.series.map((s) => ({ name: s.name, points: s.points.map((p): [number, number] => [p[0], p[1]]) })),
  };
  return renderChartSvg(lineChartOption(chart), width, height);
}

/** Fails before any drawing when `out` cannot be written for want of its directory. */
function checkOutputDirectory(out: string): void {
  const dir = dirname(resolve(out));
  const stat = statSync(dir, { throwIfNoEntry: false });
  if (!stat) throw new NotFoundError(`strata plot: cannot write '${out}': the directory '${dir}' does not exist; create it first (mkdir -p) or write elsewhere.`);
  if (!stat.isDirectory()) throw new ValueError(`strata plot: cannot write '${out}': '${dir}' is not a directory.`);
}

/**
 * Draws the train and validation curves of one metric of a run to a PNG or SVG file.
 *
 * @example
 * await plotRun({ run: 'logs/mlp', metric: 'loss', out: 'loss.png' });
 */
export async function plotRun(args: PlotArgs): Promise<PlotResult> {
  checkOptions('plotRun', args, PLOT_KEYS);
  const metric = args.metric ?? 'loss';
  const kind = extname(args.out).toLowerCase();
  if (kind !== '.png' && kind !== '.svg') throw new ValueError(`strata plot: the output must end in .png or .svg, got '${args.out}'.`);
  checkOutputDirectory(args.out);
  const width = args.width ?? 800;
  const height = args.height ?? 480;
  const found = readSeries(args.run, metric);
  const svg = await renderSvg(`${metric} — ${basename(resolve(args.run))}`, found, width, height);
  writeFileSync(args.out, kind === '.svg' ? svg : await svgToPng(svg, args.font, 'strata plot'));
  return { out: args.out, ...found };
}
