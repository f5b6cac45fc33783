/**
 * PR curves: one chart per `pr_curves` tag (one per class for ClassifierEvaluation), precision
 * against recall at the logged step, with a slider through the steps (the latest unless moved back).
 */
import type { PrCurveEntry, PrCurvesResponse } from '../api-types.js';
import { api } from './api.js';
import { formatNumber, h, keyed, pruneKeyed } from './dom.js';
import { AXIS_TEXT, chartIn, disposeCharts, emptyNote, followSlider, pickRun, type View } from './view.js';

let cache: { run: string; data: PrCurvesResponse } | undefined;

/** The PR curves tab. */
export const prCurvesView: View = {
  id: 'pr-curves',
  title: 'PR curves',
  async render(main, ctx, changed) {
    const toolbar = keyed(main, 'toolbar', () => h('div', { class: 'toolbar' }));
    const run = pickRun('pr-curves', ctx, toolbar, (r) => (r.prCurveTags ?? []).length > 0);
    const grid = keyed(main, 'grid', () => h('div', { class: 'grid' }));
    const note = keyed(main, 'note', () => h('div'));
    if (!run) {
      pruneKeyed(grid, new Set(), disposeCharts);
      note.replaceChildren(emptyNote('No run has PR curves yet (log them with the ClassifierEvaluation callback).'));
      return;
    }
    note.replaceChildren();
    if (changed || cache?.run !== run) cache = { run, data: await api.prCurves(run) };
    if (grid.dataset['run'] !== run) pruneKeyed(grid, new Set(), disposeCharts);
    grid.dataset['run'] = run;
    const tags = Object.keys(cache.data).sort();
    pruneKeyed(grid, new Set(tags), disposeCharts);
    for (const tag of tags) prCard(grid, tag, cache.data[tag]!);
  },
};

/** One card: the tag's curve at the step the slider picks. */
function prCard(grid: HTMLElement, tag: string, entries: PrCurveEntry[]): void {
  const card = keyed(grid, tag, () =>
    h('section', { class: 'card pr-card' }, h('h3', {}, tag), h('p', { class: 'sub' }), h('div', { class: 'chart' }), h('input', { type: 'range', min: 0, step: 1, 'aria-label': `${tag}: step` })),
  );
  const slider = card.querySelector('input')!;
  followSlider(slider, entries.length);
  const show = (): void => {
    const e = entries[Number(slider.value)]!;
    card.querySelector('.sub')!.textContent = `step ${e.step} · ${e.thresholds.length} thresholds`;
    // Thresholds where nothing is predicted positive have no precision: TensorBoard leaves them out too.
    const points = e.recall.map((r, i) => [r, e.precision[i]!, e.thresholds[i]!]).filter((_, i) => e.truePositives[i]! + e.falsePositives[i]! > 0);
    chartIn(card.querySelector<HTMLElement>('.chart')!).setOption({
      animation: false,
      grid: { left: 8, right: 18, top: 30, bottom: 28, containLabel: true },
      tooltip: { trigger: 'item', formatter: (p: { data: number[] }) => `threshold ${formatNumber(p.data[2]!)}<br>recall ${formatNumber(p.data[0]!)}<br>precision ${formatNumber(p.data[1]!)}` },
      xAxis: { type: 'value', name: 'recall', min: 0, max: 1, nameLocation: 'middle', nameGap: 22, axisLabel: AXIS_TEXT, nameTextStyle: AXIS_TEXT },
      yAxis: { type: 'value', name: 'precision', min: 0, max: 1, axisLabel: AXIS_TEXT, nameTextStyle: AXIS_TEXT },
      series: [{ name: tag, type: 'line', color: '#4e79a7', showSymbol: points.length <= 60, symbolSize: 4, data: points }],
    }, { notMerge: true });
  };
  slider.oninput = show;
  show();
}
