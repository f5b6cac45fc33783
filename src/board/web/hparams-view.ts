/**
 * HParams: the runs that logged hyperparameters, compared: a table of runs × hyperparameters ×
 * final metrics, sorted by any column (a click or Enter on its header), and the same as parallel
 * coordinates, one line per run. Names and values from the logs go in as text, never markup.
 */
import type { HParamsResponse, HParamsSession } from '../api-types.js';
import type { HParamValue } from '../hparams.js';
import { api } from './api.js';
import { formatNumber, h, keyed } from './dom.js';
import { AXIS_TEXT, chartIn, emptyNote, type View, type ViewContext } from './view.js';

/** A column of the table (and an axis of the chart): a hyperparameter or a metric. */
interface Column {
  kind: 'hparam' | 'metric';
  name: string;
}

type Cell = HParamValue | undefined;

let data: HParamsResponse = { sessions: [] };
/** The column the rows are sorted by (by run name until one is chosen), and the direction. */
const sort: { key: string; descending: boolean } = { key: 'run', descending: false };

const keyOf = (c: Column): string => `${c.kind}:${c.name}`;
const cellOf = (s: HParamsSession, c: Column): Cell => (c.kind === 'hparam' ? s.hparams[c.name] : s.metrics[c.name]);

/** `train/epoch_loss`, `epoch_accuracy`: a per-epoch figure, as Keras's and Strata's callbacks name them. */
const isEpochFigure = (metric: string): boolean => /(^|\/)epoch_/.test(metric);

/**
 * The chart's axes: every hyperparameter, and the per-epoch figures when there are some (per-layer
 * gradient norms and the like stay in the table, or the lines would be lost among axes).
 */
function chartColumns(columns: Column[]): Column[] {
  const epochs = columns.some((c) => c.kind === 'metric' && isEpochFigure(c.name));
  return columns.filter((c) => c.kind === 'hparam' || !epochs || isEpochFigure(c.name));
}

/** Every hyperparameter (in the order first logged), then every metric (epoch figures first, by name). */
function columnsOf(sessions: HParamsSession[]): Column[] {
  const hparams = [...new Set(sessions.flatMap((s) => Object.keys(s.hparams)))];
  const metricRank = (m: string): number => (isEpochFigure(m) ? 0 : 1);
  const metrics = [...new Set(sessions.flatMap((s) => Object.keys(s.metrics)))].sort((a, b) => metricRank(a) - metricRank(b) || a.localeCompare(b));
  return [...hparams.map((name) => ({ kind: 'hparam' as const, name })), ...metrics.map((name) => ({ kind: 'metric' as const, name }))];
}

/** Numbers before strings, a missing value last whatever the direction. */
function compareCells(a: Cell, b: Cell, descending: boolean): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  const order = typeof a === 'number' && typeof b === 'number' ? a - b : typeof a === 'number' ? -1 : typeof b === 'number' ? 1 : String(a).localeCompare(String(b));
  return descending ? -order : order;
}

function sorted(sessions: HParamsSession[], columns: Column[]): HParamsSession[] {
  const column = columns.find((c) => keyOf(c) === sort.key);
  const value = (s: HParamsSession): Cell => (column ? cellOf(s, column) : s.run);
  return [...sessions].sort((a, b) => compareCells(value(a), value(b), sort.descending) || a.run.localeCompare(b.run));
}

function formatCell(v: Cell): string {
  return v === undefined ? '' : typeof v === 'number' ? formatNumber(v) : String(v);
}

/** A header cell whose button sorts by its column (again: the other way), its state told to screen readers. */
function headerCell(key: string, label: string, numeric: boolean, ctx: ViewContext): HTMLElement {
  const active = sort.key === key;
  const onclick = (): void => {
    sort.descending = active ? !sort.descending : false;
    sort.key = key;
    ctx.rerender();
  };
  const arrow = active ? (sort.descending ? ' ▼' : ' ▲') : '';
  return h('th', { class: numeric ? 'num' : undefined, 'aria-sort': active ? (sort.descending ? 'descending' : 'ascending') : 'none', 'data-column': key },
    h('button', { class: 'sort', type: 'button', title: `Sort by ${label}`, onclick }, label, arrow));
}

function drawTable(host: HTMLElement, sessions: HParamsSession[], columns: Column[], ctx: ViewContext): void {
  const numeric = (c: Column): boolean => sessions.every((s) => cellOf(s, c) === undefined || typeof cellOf(s, c) === 'number');
  const head = h('tr', {}, headerCell('run', 'Run', false, ctx), ...columns.map((c) => headerCell(keyOf(c), c.name, numeric(c), ctx)), h('th', {}, 'Status'));
  const rows = sorted(sessions, columns).map((s) =>
    h('tr', { 'data-run': s.run },
      h('td', {}, h('span', { class: 'swatch', style: `background:${ctx.colorOf(s.run)}` }), ' ', s.run),
      ...columns.map((c) => h('td', { class: numeric(c) ? 'num' : undefined }, formatCell(cellOf(s, c)))),
      h('td', {}, s.status ?? 'running')));
  const groups = h('tr', {}, h('th'), ...(['hparam', 'metric'] as const).map((kind) => {
    const span = columns.filter((c) => c.kind === kind).length;
    return span ? h('th', { colspan: span, class: 'group' }, kind === 'hparam' ? 'Hyperparameters' : 'Final metrics') : null;
  }), h('th'));
  // The table is drawn anew: a header that had the focus (sorting by keyboard) gets it back.
  const focused = host.contains(document.activeElement) ? document.activeElement?.closest('th')?.getAttribute('data-column') : undefined;
  host.replaceChildren(h('table', { class: 'layers hparams' }, h('caption', {}, 'Runs by hyperparameters and final metrics; choose a column header to sort by it.'), h('thead', {}, groups, head), h('tbody', {}, ...rows)));
  if (focused) host.querySelector<HTMLElement>(`th[data-column="${CSS.escape(focused)}"] button`)?.focus();
}

/** One axis per column (numbers on a value axis, anything else on a category axis), one line per run. */
function drawChart(el: HTMLElement, sessions: HParamsSession[], columns: Column[], ctx: ViewContext): void {
  const nameTextStyle = { ...AXIS_TEXT, lineHeight: 14 };
  const axes = columns.map((c, dim) => {
    const values = sessions.map((s) => cellOf(s, c)).filter((v) => v !== undefined);
    const numeric = values.every((v) => typeof v === 'number');
    // `validation/epoch_loss` on two lines, so that neighbouring axes' names do not run into each other.
    const name = c.name.replace(/\//g, '/\n');
    return numeric
      ? { dim, name, type: 'value' as const, scale: true, axisLabel: { ...AXIS_TEXT, formatter: (v: number) => formatNumber(v) }, nameTextStyle }
      : { dim, name, type: 'category' as const, data: [...new Set(values.map(String))].sort(), axisLabel: { ...AXIS_TEXT, width: 90, overflow: 'truncate' as const }, nameTextStyle };
  });
  const series = sessions.map((s) => ({
    name: s.run,
    type: 'parallel' as const,
    lineStyle: { width: 2, opacity: 0.9, color: ctx.colorOf(s.run) },
    data: [columns.map((c) => {
      const v = cellOf(s, c);
      return v === undefined ? null : typeof v === 'number' ? v : String(v);
    })],
  }));
  chartIn(el).setOption(
    {
      animation: false,
      parallel: { left: 40, right: 90, top: 60, bottom: 30, parallelAxisDefault: { nameLocation: 'end', nameGap: 14, nameRotate: 0 } },
      parallelAxis: axes,
      series,
    },
    { notMerge: true },
  );
}

/** The HParams tab. */
export const hparamsView: View = {
  id: 'hparams',
  title: 'HParams',
  async render(main, ctx, changed) {
    if (changed || data.sessions.length === 0) data = await api.hparams();
    const sessions = data.sessions.filter((s) => ctx.selected.includes(s.run));
    const note = keyed(main, 'note', () => h('div'));
    const table = keyed(main, 'table', () => h('div', { class: 'hparams-table' }));
    const card = keyed(main, 'parallel', () => h('section', { class: 'card' }, h('h3', {}, 'Parallel coordinates'), h('p', { class: 'sub' }, 'One line per run, through its hyperparameters and final metrics (the epoch figures, when the runs have them).'), h('div', { class: 'chart parallel' })));
    const empty = data.sessions.length === 0
      ? 'No run logged hyperparameters (TensorBoard({ hparams }), SummaryWriter.hparams, strata train --logdir, TensorFlow\'s hp.hparams or PyTorch\'s add_hparams write them).'
      : sessions.length === 0 ? 'Select a run that logged hyperparameters on the left.' : '';
    note.replaceChildren(...(empty ? [emptyNote(empty)] : []));
    table.hidden = card.hidden = sessions.length === 0;
    if (sessions.length === 0) return;
    const columns = columnsOf(sessions);
    drawTable(table, sessions, columns, ctx);
    drawChart(card.querySelector<HTMLElement>('.chart')!, sessions, chartColumns(columns), ctx);
  },
};
