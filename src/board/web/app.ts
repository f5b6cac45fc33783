/** The dashboard page: header with the views' tabs, the runs and options on the left, the chosen view, and a live refresh. */
import type { RunInfo } from '../api-types.js';
import { api } from './api.js';
import { distributionsView } from './distributions-view.js';
import { h } from './dom.js';
import { graphView } from './graph-view.js';
import { hparamsView } from './hparams-view.js';
import { audioView } from './audio-view.js';
import { imagesView } from './images-view.js';
import { prCurvesView } from './pr-curves-view.js';
import { runFilter } from './run-filter.js';
import { scalarsView } from './scalars-view.js';
import { STYLES } from './styles.js';
import { textView } from './text-view.js';
import { PALETTE, disposeCharts, type View, type ViewContext } from './view.js';

const REFRESH_MS = 2000;
const views: View[] = [scalarsView, distributionsView, graphView, imagesView, textView, audioView, prCurvesView, hparamsView];

const params = new URLSearchParams(location.search);
let current = views.find((v) => v.id === (params.get('view') ?? location.hash.slice(1))) ?? views[0]!;
let runs: RunInfo[] = [];
let versions = '';
/** Runs the user unticked; new runs start ticked. */
const unticked = new Set<string>();
const colors = new Map<string, string>();

const ctx: ViewContext = {
  runs,
  selected: [],
  colorOf: (run) => colors.get(run) ?? PALETTE[colors.size % PALETTE.length]!,
  // No smoothing at first: per-epoch curves have few points, and Keras users expect the raw values.
  options: { smoothing: 0, logScale: false, histogramMode: 'bands', xAxis: 'step' },
  focus: new Map(),
  rerender: () => void draw(false),
};

document.head.append(h('style', {}, STYLES));
const status = h('div', { class: 'status' });
const tabs = h('nav', {}, ...views.map((v) => h('button', { 'data-view': v.id, onclick: () => show(v) }, v.title)));
const runList = h('div', { class: 'runs' });
const filter = runFilter(() => { drawRuns(); void draw(false); });
const scalarOptions = h('div', {},
  h('h2', {}, 'Scalars'),
  h('label', { class: 'option' }, 'Smoothing', h('input', { type: 'range', min: 0, max: 0.99, step: 0.01, value: String(ctx.options.smoothing), id: 'smoothing', oninput: onSmoothing }), h('output', { id: 'smoothing-value' }, String(ctx.options.smoothing))),
  h('label', { class: 'option' }, h('input', { type: 'checkbox', id: 'log-scale', onchange: (e: Event) => { ctx.options.logScale = (e.target as HTMLInputElement).checked; void draw(false); } }), 'Logarithmic y axis'),
  h('label', { class: 'option' }, 'Horizontal axis', h('select', { id: 'x-axis', onchange: (e: Event) => { ctx.options.xAxis = (e.target as HTMLSelectElement).value as typeof ctx.options.xAxis; void draw(false); } },
    h('option', { value: 'step' }, 'Step'), h('option', { value: 'relative' }, 'Relative (hours)'), h('option', { value: 'wall' }, 'Wall time'))));
const logDirNote = h('p', { class: 'logdir' });
const main = h('main');
document.body.append(
  h('header', {}, h('h1', {}, 'Strata ', h('span', {}, 'Board')), tabs, status),
  h('div', { class: 'layout' }, h('aside', {}, h('h2', {}, 'Runs'), filter.element, runList, scalarOptions, h('h2', {}, 'Log directory'), logDirNote), main),
);

window.addEventListener('hashchange', () => {
  const view = views.find((v) => v.id === location.hash.slice(1));
  if (view) show(view);
});

function onSmoothing(e: Event): void {
  ctx.options.smoothing = Number((e.target as HTMLInputElement).value);
  document.getElementById('smoothing-value')!.textContent = ctx.options.smoothing.toFixed(2);
  void draw(false);
}

function show(view: View): void {
  if (view === current) return;
  disposeCharts(main);
  main.replaceChildren();
  current = view;
  history.replaceState(null, '', `#${view.id}`);
  void draw(true);
}

function drawRuns(): void {
  runs.forEach((r) => { if (!colors.has(r.name)) colors.set(r.name, PALETTE[colors.size % PALETTE.length]!); });
  runList.replaceChildren(...runs.filter((r) => filter.matches(r.name)).flatMap((r) => [
    h('label', { class: 'run', title: r.name },
      h('input', { type: 'checkbox', checked: !unticked.has(r.name), onchange: (e: Event) => { if ((e.target as HTMLInputElement).checked) unticked.delete(r.name); else unticked.add(r.name); void draw(false); } }),
      h('span', { class: 'swatch', style: `background:${ctx.colorOf(r.name)}` }),
      r.error ? `⚠ ${r.name}` : r.name),
    ...(r.error ? [h('p', { class: 'run-error' }, r.error)] : []),
  ]));
  if (runs.length === 0) runList.replaceChildren(h('p', { class: 'empty' }, 'No runs yet: waiting for event files…'));
}

let drawing = Promise.resolve();

/** Draws the current view; `changed` says that data changed since the last draw. Draws never overlap. */
function draw(changed: boolean): Promise<void> {
  drawing = drawing.then(async () => {
    for (const b of Array.from(tabs.children) as HTMLElement[]) b.classList.toggle('active', b.dataset['view'] === current.id);
    scalarOptions.hidden = current !== scalarsView;
    ctx.runs = runs;
    ctx.selected = runs.filter((r) => !unticked.has(r.name) && filter.matches(r.name)).map((r) => r.name);
    const errors = runs.filter((r) => r.error);
    let banner = main.querySelector<HTMLElement>(':scope > .banner');
    if (errors.length) {
      banner ??= main.insertBefore(h('div', { class: 'banner' }), main.firstChild);
      banner.replaceChildren(...errors.flatMap((r, i) => [...(i ? [h('br')] : []), `Run '${r.name}' could not be read completely: ${r.error}`]));
    } else banner?.remove();
    try {
      await current.render(main, ctx, changed);
    } catch (e) {
      main.append(h('div', { class: 'banner' }, `Could not draw ${current.title}: ${(e as Error).message}`));
    }
  });
  return drawing;
}

/** Polls the run list; redraws when a run got new data, so a run still training updates live. */
async function refresh(): Promise<void> {
  try {
    const body = await api.runs();
    logDirNote.textContent = body.logDir;
    const next = JSON.stringify(body.runs.map((r) => [r.name, r.version, r.error ?? '']));
    status.className = 'status';
    status.replaceChildren(h('b', {}, '● live'), ` · updated ${new Date().toLocaleTimeString()}`);
    if (next !== versions) {
      versions = next;
      runs = body.runs;
      drawRuns();
      await draw(true);
    }
  } catch {
    status.className = 'status offline';
    status.replaceChildren(h('b', {}, '● offline'), ' · the board server does not answer');
  } finally {
    setTimeout(() => void refresh(), REFRESH_MS);
  }
}

void refresh();
