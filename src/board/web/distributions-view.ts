/** Distributions: how each weight tensor's values move epoch by epoch, as quantile bands or overlaid histograms. */
import type { HistogramPoint, HistogramsResponse } from '../api-types.js';
import { formatCount, formatNumber, h, keyed, pruneKeyed } from './dom.js';
import { api } from './api.js';
import { BAND_PERCENTILES, quantile } from './quantiles.js';
import { AXIS_TEXT, chartCard, chartIn, disposeCharts, emptyNote, pickRun, type View } from './view.js';

const BAND_COLOR = '#e8710a';
/** Opacity of each band between consecutive percentiles: darker towards the median. */
const BAND_OPACITY = [0.12, 0.24, 0.38, 0.55, 0.55, 0.38, 0.24, 0.12];

let cache: { run: string; data: HistogramsResponse } | undefined;

/** The Distributions tab. */
export const distributionsView: View = {
  id: 'distributions',
  title: 'Distributions',
  async render(main, ctx, changed) {
    const toolbar = keyed(main, 'toolbar', () => h('div', { class: 'toolbar' }));
    const run = pickRun('distributions', ctx, toolbar, (r) => r.histogramTags.length > 0);
    keyed(toolbar, 'mode', () =>
      h('label', {}, 'Show ', h('select', { onchange: (e: Event) => { ctx.options.histogramMode = (e.target as HTMLSelectElement).value as 'bands' | 'overlay'; ctx.rerender(); } },
        h('option', { value: 'bands' }, 'quantile bands over epochs'),
        h('option', { value: 'overlay' }, 'histograms, one per epoch'))),
    ).querySelector('select')!.value = ctx.options.histogramMode;
    const grid = keyed(main, 'grid', () => h('div', { class: 'grid' }));
    const note = keyed(main, 'note', () => h('div'));
    if (!run) {
      pruneKeyed(grid, new Set(), disposeCharts);
      note.replaceChildren(emptyNote('No run has weight histograms yet (TensorBoard({histogramFreq}) writes them).'));
      return;
    }
    note.replaceChildren();
    if (changed || cache?.run !== run) cache = { run, data: await api.histograms(run) };
    const tags = Object.keys(cache.data);
    if (grid.dataset['run'] !== run) pruneKeyed(grid, new Set(), disposeCharts);
    grid.dataset['run'] = run;
    pruneKeyed(grid, new Set(tags), disposeCharts);
    for (const tag of tags) {
      const points = cache.data[tag]!;
      const last = points[points.length - 1];
      const title = tag.replace(/\/histogram$/, '');
      const el = chartCard(grid, tag, title, last ? `${formatCount(last.num)} values · ${points.length} epochs logged` : '');
      if (ctx.options.histogramMode === 'bands') drawBands(el, points);
      else drawOverlay(el, points);
    }
  },
};

function drawBands(el: HTMLElement, points: HistogramPoint[]): void {
  const qs = points.map((p) => BAND_PERCENTILES.map((pc) => quantile(p.buckets, pc)));
  const steps = points.map((p) => p.step);
  // Stacked areas: an invisible base at the minimum, then the width of each band on top of it.
  const series: object[] = [{ name: 'min', type: 'line', stack: 'q', stackStrategy: 'all', symbol: 'none', lineStyle: { opacity: 0 }, data: steps.map((s, i) => [s, qs[i]![0]]), tooltip: { show: false } }];
  BAND_OPACITY.forEach((opacity, b) => {
    series.push({
      name: `band${b}`, type: 'line', stack: 'q', stackStrategy: 'all', symbol: 'none', lineStyle: { opacity: 0 },
      areaStyle: { color: BAND_COLOR, opacity }, data: steps.map((s, i) => [s, qs[i]![b + 1]! - qs[i]![b]!]), tooltip: { show: false },
    });
  });
  series.push({ name: 'median', type: 'line', symbol: 'none', lineStyle: { color: '#8a3c00', width: 1.5 }, data: steps.map((s, i) => [s, qs[i]![4]]) });
  chartIn(el).setOption(
    {
      animation: false,
      grid: { left: 8, right: 18, top: 12, bottom: 28, containLabel: true },
      tooltip: {
        trigger: 'axis',
        formatter: (params: unknown) => {
          const i = (params as { dataIndex: number }[])[0]?.dataIndex ?? 0;
          const q = qs[i]!;
          return `epoch ${steps[i]}<br>max ${formatNumber(q[8]!)}<br>+1σ ${formatNumber(q[6]!)}<br>median ${formatNumber(q[4]!)}<br>−1σ ${formatNumber(q[2]!)}<br>min ${formatNumber(q[0]!)}`;
        },
      },
      xAxis: { type: 'value', name: 'epoch', nameLocation: 'middle', nameGap: 22, minInterval: 1, min: 'dataMin', max: 'dataMax', axisLabel: AXIS_TEXT, nameTextStyle: AXIS_TEXT, splitLine: { show: false } },
      yAxis: { type: 'value', scale: true, axisLabel: { ...AXIS_TEXT, formatter: (v: number) => formatNumber(v) } },
      series,
    },
    { notMerge: true },
  );
}

function drawOverlay(el: HTMLElement, points: HistogramPoint[]): void {
  const n = points.length;
  const series = points.map((p, i) => {
    // Older epochs lighter, the latest darkest.
    const t = n === 1 ? 1 : i / (n - 1);
    const shade = Math.round(215 - t * 170);
    return {
      name: `epoch ${p.step}`,
      type: 'line',
      symbol: 'none',
      lineStyle: { width: i === n - 1 ? 2 : 1, color: `rgb(${Math.min(255, shade + 40)}, ${Math.round(shade * 0.55 + 20)}, ${Math.round(shade * 0.1)})` },
      data: p.buckets.map(([l, r, c]) => [(l + r) / 2, r > l ? c / (r - l) : c]),
      z: i,
    };
  });
  chartIn(el).setOption(
    {
      animation: false,
      grid: { left: 8, right: 18, top: 12, bottom: 28, containLabel: true },
      tooltip: { trigger: 'item', formatter: (p: unknown) => (p as { seriesName: string }).seriesName },
      xAxis: { type: 'value', scale: true, name: 'value', nameLocation: 'middle', nameGap: 22, axisLabel: { ...AXIS_TEXT, formatter: (v: number) => formatNumber(v) }, nameTextStyle: AXIS_TEXT },
      yAxis: { type: 'value', name: 'density', nameTextStyle: AXIS_TEXT, axisLabel: { ...AXIS_TEXT, formatter: (v: number) => formatNumber(v) } },
      series,
    },
    { notMerge: true },
  );
}

