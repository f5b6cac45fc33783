/** What every view of the dashboard gets from the page, and the charts' shared look. */
import type { RunInfo } from '../api-types.js';
import { echarts, type ECharts } from './echarts-global.js';
import { h, keyed } from './dom.js';

/** The options the side bar sets. */
export interface ViewOptions {
  smoothing: number;
  logScale: boolean;
  histogramMode: 'bands' | 'overlay';
  /** The scalar charts' horizontal axis: the step, hours since the run's first event, or the wall-clock time. */
  xAxis: 'step' | 'relative' | 'wall';
}

/** The page's state as a view sees it. */
export interface ViewContext {
  runs: RunInfo[];
  /** The runs ticked in the side bar, in list order. */
  selected: string[];
  colorOf(run: string): string;
  options: ViewOptions;
  /** The run a single-run view shows, remembered per view. */
  focus: Map<string, string>;
  /** Draws the current view again (after a choice inside it). */
  rerender(): void;
}

/** A tab of the dashboard. */
export interface View {
  readonly id: string;
  readonly title: string;
  /** Fills (or updates in place) `main`; `changed` is false when no run has new data since the last call. */
  render(main: HTMLElement, ctx: ViewContext, changed: boolean): Promise<void>;
}

/** Colours of runs and series (Tableau 10). */
export const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#b07aa1', '#edc948', '#9c755f', '#ff9da7', '#bab0ac'];

const charts = new WeakMap<HTMLElement, ECharts>();

/** The chart drawn in `el`, made on first use; resized with the window. */
export function chartIn(el: HTMLElement): ECharts {
  let chart = charts.get(el);
  if (!chart) {
    chart = echarts.init(el, undefined, { renderer: 'canvas' });
    charts.set(el, chart);
    const c = chart;
    new ResizeObserver(() => c.resize()).observe(el);
  }
  return chart;
}

/** Releases the charts inside `el` (before it leaves the page). */
export function disposeCharts(el: HTMLElement): void {
  for (const chartEl of Array.from(el.querySelectorAll<HTMLElement>('.chart'))) {
    charts.get(chartEl)?.dispose();
    charts.delete(chartEl);
  }
}

/** A card with a title, a subtitle and a chart area, kept across refreshes by `key`. */
export function chartCard(grid: HTMLElement, key: string, title: string, subtitle: string): HTMLElement {
  const card = keyed(grid, key, () => h('section', { class: 'card' }, h('h3', {}, title), h('p', { class: 'sub' }), h('div', { class: 'chart' })));
  card.querySelector('.sub')!.textContent = subtitle;
  return card.querySelector<HTMLElement>('.chart')!;
}

/**
 * The run a single-run view shows: the one chosen before if it still qualifies, else the first
 * ticked run that does, else the first that does. Also draws the run picker into `toolbar`.
 */
export function pickRun(viewId: string, ctx: ViewContext, toolbar: HTMLElement, qualifies: (r: RunInfo) => boolean): string | undefined {
  const candidates = ctx.runs.filter(qualifies).map((r) => r.name);
  const chosen = ctx.focus.get(viewId);
  const run = chosen && candidates.includes(chosen) ? chosen : (candidates.find((c) => ctx.selected.includes(c)) ?? candidates[0]);
  if (run) ctx.focus.set(viewId, run);
  const select = keyed(toolbar, 'run', () =>
    h('label', {}, 'Run ', h('select', { onchange: (e: Event) => { ctx.focus.set(viewId, (e.target as HTMLSelectElement).value); ctx.rerender(); } })),
  ).querySelector('select')!;
  const names = candidates.join('\n');
  if (select.dataset['names'] !== names) {
    select.replaceChildren(...candidates.map((c) => h('option', { value: c }, c)));
    select.dataset['names'] = names;
  }
  if (run) select.value = run;
  return run;
}

/** Sets a step slider over `count` entries (hidden for one): it follows the newest unless the user moved it back to an earlier one. */
export function followSlider(slider: HTMLInputElement, count: number): void {
  const atEnd = slider.dataset['count'] === undefined || Number(slider.value) === Number(slider.dataset['count']) - 1;
  slider.max = String(count - 1);
  slider.dataset['count'] = String(count);
  slider.hidden = count < 2;
  if (atEnd) slider.value = String(count - 1);
}

/** A sentence in place of content. */
export function emptyNote(text: string): HTMLElement {
  return h('p', { class: 'empty' }, text);
}

/** Axis and tooltip settings shared by the charts. */
export const AXIS_TEXT = { color: '#52606d', fontSize: 11 };
