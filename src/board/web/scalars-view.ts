/** Scalars: one chart per metric (train and validation together), runs overlaid, smoothing and log scale. */
import type { ScalarPoint, ScalarsResponse } from '../api-types.js';
import { formatNumber, h, keyed, pruneKeyed } from './dom.js';
import { api } from './api.js';
import { smooth } from './smoothing.js';
import { AXIS_TEXT, PALETTE, chartCard, chartIn, disposeCharts, emptyNote, type View, type ViewContext } from './view.js';

interface Series {
  name: string;
  run: string;
  tag: string;
  points: ScalarPoint[];
}

/** `gradient_norm/dense` is drawn in the chart `gradient_norm` as the series `dense`; `epoch_loss` in its own chart. */
function chartKey(tag: string): { key: string; part: string } {
  const slash = tag.indexOf('/');
  return slash < 0 ? { key: tag, part: '' } : { key: tag.slice(0, slash), part: tag.slice(slash + 1) };
}

/** Loss first, then the other epoch figures, gradient norms, anything else, and batch figures last. */
function rank(key: string): number {
  if (key === 'epoch_loss') return 0;
  if (key.startsWith('epoch_')) return 1;
  if (key === 'gradient_norm') return 2;
  return key.startsWith('batch_') ? 4 : 3;
}

function describe(key: string): string {
  if (key === 'gradient_norm') return 'L2 norm of each layer\'s gradients, mean over the epoch\'s batches';
  if (key === 'batch_gradient_norm') return 'L2 norm of each layer\'s gradients, per batch';
  if (key.startsWith('epoch_')) return `${key.slice(6).replace(/_/g, ' ')} per epoch`;
  if (key.startsWith('batch_')) return `${key.slice(6).replace(/_/g, ' ')} per batch`;
  return '';
}

let data: ScalarsResponse = {};

/** The Scalars tab. */
export const scalarsView: View = {
  id: 'scalars',
  title: 'Scalars',
  async render(main, ctx, changed) {
    if (changed || Object.keys(data).length === 0) data = await api.scalars();
    const groups = new Map<string, Series[]>();
    for (const run of ctx.selected) {
      for (const [tag, points] of Object.entries(data[run] ?? {})) {
        const { key, part } = chartKey(tag);
        (groups.get(key) ?? groups.set(key, []).get(key)!).push({ name: part ? `${run} · ${part}` : run, run, tag, points });
      }
    }
    const grid = keyed(main, 'grid', () => h('div', { class: 'grid' }));
    const keys = [...groups.keys()].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    pruneKeyed(grid, new Set(keys), disposeCharts);
    keyed(main, 'note', () => h('div')).replaceChildren(...(keys.length ? [] : [emptyNote(ctx.selected.length ? 'No scalars logged in the selected runs yet.' : 'Select a run on the left.')]));
    keys.forEach((key, i) => {
      const el = chartCard(grid, key, key, `${describe(key)}${latest(groups.get(key)!)}`);
      // Keep the cards in order as new charts appear.
      if (grid.children[i] !== el.parentElement) grid.insertBefore(el.parentElement!, grid.children[i] ?? null);
      drawChart(el, key, groups.get(key)!, ctx);
      downloadLinks(el.parentElement!, groups.get(key)!);
    });
  },
};

/** Links to each series of a card as CSV and JSON (TensorBoard's download buttons), under the chart. */
function downloadLinks(card: HTMLElement, series: Series[]): void {
  const links = keyed(card, 'downloads', () => h('p', { class: 'downloads' }));
  const names = series.map((s) => `${s.run}\n${s.tag}`).join('\n');
  if (links.dataset['names'] === names) return;
  links.dataset['names'] = names;
  links.replaceChildren('Download: ', ...series.flatMap((s) => (['csv', 'json'] as const).map((format) =>
    h('a', { href: api.scalarFileUrl(s.run, s.tag, format), download: '', 'aria-label': `${s.name} as ${format.toUpperCase()}` }, `${s.name} ${format.toUpperCase()}`))));
}

/** Where a point lies on the chosen horizontal axis: its step, hours since `start` (the run's first event), or its time. */
function xOf(p: ScalarPoint, axis: ViewContext['options']['xAxis'], start: number): number {
  if (axis === 'relative') return (p[2] - start) / 3600;
  return axis === 'wall' ? p[2] * 1000 : p[0];
}

/** The wall time of the first scalar event of each run. */
function firstEvents(): Map<string, number> {
  return new Map(Object.entries(data).map(([run, tags]) => [run, Math.min(...Object.values(tags).flatMap((points) => points.map((p) => p[2])))]));
}

/** The last value of each series, when there are few enough to read at a glance. */
function latest(series: Series[]): string {
  if (series.length > 4) return '';
  const parts = series.filter((s) => s.points.length).map((s) => `${s.name} ${formatNumber(s.points[s.points.length - 1]![1])}`);
  return parts.length ? ` · last: ${parts.join(', ')}` : '';
}

/**
 * An explicit range around a curve that does not move (a constant learning rate): left to
 * itself, the axis would stretch rounding noise across the whole chart.
 */
function flatRange(values: number[]): { min?: number; max?: number } {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return {};
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  if (hi - lo > 1e-6 * Math.max(Math.abs(hi), Math.abs(lo))) return {};
  // From 0 to twice the value (or the mirror for a negative one): round ticks, the line in the middle.
  if (hi > 0) return { min: 0, max: 2 * hi };
  return lo < 0 ? { min: 2 * lo, max: 0 } : { min: -1, max: 1 };
}

/** The horizontal axis's name for the time axes (the step axis says epoch or step by the chart). */
const X_NAMES: Partial<Record<ViewContext['options']['xAxis'], string>> = { relative: 'hours since the run\'s first event', wall: 'wall time' };

function drawChart(el: HTMLElement, key: string, series: Series[], ctx: ViewContext): void {
  const { smoothing, logScale, xAxis } = ctx.options;
  const starts = firstEvents();
  const byPart = series.some((s) => s.name !== s.run);
  const usable = (p: ScalarPoint): boolean => Number.isFinite(p[1]) && (!logScale || p[1] > 0);
  const lines = series.flatMap((s, i) => {
    const color = byPart ? PALETTE[i % PALETTE.length]! : ctx.colorOf(s.run);
    const pts = s.points.filter(usable);
    const smoothed = smooth(pts.map((p) => p[1]), smoothing);
    const main = {
      name: s.name,
      type: 'line' as const,
      color,
      showSymbol: pts.length <= 60,
      symbolSize: 5,
      lineStyle: { width: 2 },
      data: pts.map((p, k) => [xOf(p, xAxis, starts.get(s.run)!), smoothed[k]!]),
      z: 3,
    };
    if (smoothing === 0) return [main];
    const raw = { name: s.name, type: 'line' as const, color, showSymbol: false, lineStyle: { width: 1, opacity: 0.3 }, data: pts.map((p) => [xOf(p, xAxis, starts.get(s.run)!), p[1]]), z: 2, tooltip: { show: false } };
    return [raw, main];
  });
  chartIn(el).setOption(
    {
      animation: false,
      grid: { left: 8, right: 18, top: 34, bottom: 28, containLabel: true },
      legend: { top: 0, type: 'scroll', textStyle: AXIS_TEXT, itemHeight: 8 },
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => formatNumber(Number(v)) },
      xAxis: { type: xAxis === 'wall' ? 'time' : 'value', name: X_NAMES[xAxis] ?? (key.startsWith('batch') ? 'step' : 'epoch'), nameLocation: 'middle', nameGap: 22, ...(xAxis === 'step' ? { minInterval: 1 } : { scale: true }), axisLabel: AXIS_TEXT, nameTextStyle: AXIS_TEXT, splitLine: { show: false } },
      yAxis: { type: logScale ? 'log' : 'value', scale: !logScale, ...(logScale ? {} : flatRange(lines.flatMap((l) => l.data.map((p) => p[1]!)))), axisLabel: { ...AXIS_TEXT, formatter: (v: number) => formatNumber(v) } },
      series: lines,
    },
    { notMerge: true },
  );
}
