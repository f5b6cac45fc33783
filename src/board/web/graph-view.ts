/**
 * Graph: the model's layers drawn as a diagram (type, output shape, parameters, connections), its
 * totals, and the same as a table; or, switched to "Ops", the op graph of a traced step (each op with
 * its output shape, fused nodes marked with the ops they replace).
 */
import type { GraphNode, GraphResponse, RunInfo } from '../api-types.js';
import { formatCount, h, keyed, svg } from './dom.js';
import { api } from './api.js';
import { layoutGraph, type Placed } from './graph-layout.js';
import { firstOpenScopes, foldScopes, type ScopedNode } from './scope-groups.js';
import { emptyNote, pickRun, type View, type ViewContext } from './view.js';

/** The size of a node's box and the gaps between boxes: roomy for a few layers, compact for ~150 ops. */
interface BoxSize {
  w: number;
  h: number;
  gapX: number;
  gapY: number;
}

const LAYER_BOX: BoxSize = { w: 230, h: 62, gapX: 34, gapY: 44 };
const OP_BOX: BoxSize = { w: 176, h: 50, gapX: 14, gapY: 30 };
/** Op boxes per line: a wider row of the op graph wraps (the page's width, without scrolling sideways). */
const OP_COLUMNS = 5;
const PAD = 16;
/**
 * The ops that stand for an op graph's inputs, variables, constants, results and assignments: the
 * values of `OP_GRAPH_ENDPOINTS` (op-graph.ts), spelled out because the page loads only its own modules.
 */
const ENDPOINT_OPS = new Set(['Placeholder', 'VariableV2', 'Const', 'Identity', 'Assign']);
/** Characters of a label that fit an op box (longer labels end in an ellipsis, the whole in the tooltip). */
const OP_LABEL_CHARS = 26;
/** The layer graph's entry in the switch; op graphs are keyed by their tag. */
const LAYERS = '';

/** `[null, 28, 28]` → `(None, 28, 28)`, as Keras prints shapes. */
function shapeText(shapes: (number | null)[][]): string {
  const one = (s: (number | null)[]): string => `(${s.map((d) => (d === null ? 'None' : d)).join(', ')}${s.length === 1 ? ',' : ''})`;
  return shapes.length === 1 ? one(shapes[0]!) : shapes.map(one).join(' ');
}

/** A pale colour per layer type, the same on every visit. */
function fillOf(op: string): string {
  if (op === 'InputLayer') return '#eceff1';
  let hash = 0;
  for (const ch of op) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return `hsl(${hash % 360}, 55%, 92%)`;
}

/** The graph shown, and for an op graph the name scopes opened in it. */
let cache: { run: string; graph: string; data: GraphResponse; open: Set<string> } | undefined;
/** Set when a scope was opened or closed: the graph is drawn again though no run changed. */
let reopened = false;
/** The graph chosen in the switch: `LAYERS` or an op graph's tag. */
let chosen = LAYERS;

/** The graphs a run has, in the switch's order: its layers first, then its op graphs. */
function graphsOf(info: RunInfo): string[] {
  return [...(info.hasGraph ? [LAYERS] : []), ...info.opGraphTags];
}

/** The Layers / Ops buttons, when the run has more than one graph. */
function drawSwitch(toolbar: HTMLElement, graphs: string[], current: string, ctx: ViewContext): void {
  const box = keyed(toolbar, 'graphs', () => h('div', { class: 'switch' }));
  const ops = graphs.filter((g) => g !== LAYERS).length;
  box.hidden = graphs.length < 2;
  box.replaceChildren(...graphs.map((g) => h('button', {
    'data-graph': g === LAYERS ? 'layers' : `ops:${g}`,
    class: g === current ? 'active' : undefined,
    onclick: () => { chosen = g; ctx.rerender(); },
  }, g === LAYERS ? 'Layers' : ops === 1 ? 'Ops' : `Ops: ${g}`)));
}

/** The Graph tab. */
export const graphView: View = {
  id: 'graph',
  title: 'Graph',
  async render(main, ctx, changed) {
    const toolbar = keyed(main, 'toolbar', () => h('div', { class: 'toolbar' }));
    const run = pickRun('graph', ctx, toolbar, (r) => graphsOf(r).length > 0);
    const body = keyed(main, 'body', () => h('div'));
    if (!run) {
      body.replaceChildren(emptyNote('No run has a graph (TensorBoard({writeGraph: true}) writes the model\'s when training starts, and its step\'s ops under jitCompile).'));
      return;
    }
    const graphs = graphsOf(ctx.runs.find((r) => r.name === run)!);
    const graph = graphs.includes(chosen) ? chosen : graphs[0]!;
    drawSwitch(toolbar, graphs, graph, ctx);
    if (!changed && !reopened && cache?.run === run && cache.graph === graph && body.childElementCount) return;
    if (!reopened || cache?.run !== run || cache.graph !== graph) {
      const data = await api.graph(run, graph === LAYERS ? undefined : graph);
      // Scopes the user opened stay open while the same graph refreshes.
      const open = cache?.run === run && cache.graph === graph ? cache.open : firstOpenScopes(data.nodes);
      cache = { run, graph, data, open };
    }
    reopened = false;
    const toggle = (scope: string): void => {
      const open = cache!.open;
      // Closing a scope closes the scopes opened inside it too.
      if (!open.has(scope)) open.add(scope);
      else for (const s of [...open]) if (s === scope || s.startsWith(`${scope}/`)) open.delete(s);
      reopened = true;
      ctx.rerender();
    };
    body.replaceChildren(...(graph === LAYERS ? drawGraph(cache.data.nodes) : drawOps(cache.data.nodes, cache.open, toggle)));
  },
};

function drawGraph(nodes: GraphNode[]): HTMLElement[] {
  const total = nodes.reduce((n, l) => n + l.parameters, 0);
  const trainable = nodes.reduce((n, l) => n + l.trainableParameters, 0);
  // A log that does not record every layer's count (a Keras config) gives lower bounds.
  const atLeast = nodes.some((n) => n.parametersUnknown) ? '≥ ' : '';
  const totals = h('div', { class: 'totals' },
    h('div', {}, h('b', {}, String(nodes.length)), 'layers'),
    h('div', {}, h('b', {}, atLeast + formatCount(total)), 'total params'),
    h('div', {}, h('b', {}, atLeast + formatCount(trainable)), 'trainable params'),
    h('div', {}, h('b', {}, atLeast + formatCount(total - trainable)), 'non-trainable params'));
  return [totals, h('div', { class: 'diagram' }, diagram(nodes, LAYER_BOX, Infinity, 'model graph', layerBox)), table(nodes)];
}

/** A constant scalar (a learning rate, a 0.5): set aside, as TensorBoard does, so its many edges do not cross the diagram; readers' tooltips name it. */
function isScalarConstant(n: GraphNode): boolean {
  return n.op === 'Const' && n.outputShapes.length === 1 && n.outputShapes[0]!.length === 0;
}

/**
 * The op graph folded by name scope (see scope-groups.ts): a closed scope is one dashed box, opened
 * by a click; the open scopes are listed above the diagram, each closed again by a click.
 */
function drawOps(nodes: GraphNode[], open: Set<string>, toggle: (scope: string) => void): HTMLElement[] {
  const ops = nodes.filter((n) => !ENDPOINT_OPS.has(n.op));
  const fused = ops.filter((n) => n.fusedOps);
  const totals = h('div', { class: 'totals' },
    h('div', {}, h('b', {}, String(ops.length)), 'ops'),
    h('div', {}, h('b', {}, String(fused.length)), 'fused ops'),
    h('div', {}, h('b', {}, String(fused.reduce((k, n) => k + n.fusedOps!.length, 0))), 'ops fused into them'),
    h('div', {}, h('b', {}, String(nodes.filter((n) => n.op === 'VariableV2').length)), 'variables'));
  const scopes = h('div', { class: 'scopes' }, ...[...open].sort().map((scope) => h('button', { 'data-scope': scope, title: 'Close this scope', onclick: () => toggle(scope) }, `− ${scope}`)));
  const drawn = nodes.filter((n) => !isScalarConstant(n));
  // Strata names its ops flat (`matMul`, `add_2`) and only its variables by path: such a graph is not folded.
  const scoped = nodes.some((n) => !ENDPOINT_OPS.has(n.op) && n.name.includes('/'));
  const shown = scoped ? foldScopes(drawn, open) : drawn;
  const box = (p: Placed, at: { x: number; y: number }): SVGGElement => ((p.node as ScopedNode).scope ? scopeBox(p.node as ScopedNode, at, toggle) : opBox(p, at));
  return [totals, ...(scoped && open.size ? [scopes] : []), h('div', { class: 'diagram' }, diagram(shown, OP_BOX, OP_COLUMNS, 'op graph', box))];
}

/** A closed name scope: its name, how many ops it holds, and a click opens it. */
function scopeBox(n: ScopedNode, at: { x: number; y: number }, toggle: (scope: string) => void): SVGGElement {
  const { path, size } = n.scope!;
  const g = svg('g', { class: 'scope', 'data-scope': path, transform: `translate(${at.x},${at.y})`, tabindex: 0, role: 'button', 'aria-label': `Open scope ${path}`, style: 'cursor: pointer' },
    svg('title', {}, `${path}: ${size} ops (click to open)\ninputs: ${n.inputs.join(', ') || '—'}`),
    svg('rect', { width: OP_BOX.w, height: OP_BOX.h, rx: 9, fill: '#e3f2fd', stroke: '#1e88e5', 'stroke-dasharray': '5 3' }),
    svg('text', { x: 8, y: 18, 'font-size': 12, 'font-weight': 600, fill: '#0d47a1' }, fit(`⊞ ${n.op}`)),
    svg('text', { x: 8, y: 36, 'font-size': 11, fill: '#37474f' }, fit(path === n.op ? `${size} ops` : `${size} ops · ${path}`)));
  g.addEventListener('click', () => toggle(path));
  g.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') toggle(path); });
  return g;
}

function diagram(nodes: GraphNode[], size: BoxSize, maxColumns: number, label: string, drawBox: (p: Placed, at: { x: number; y: number }) => SVGGElement): SVGSVGElement {
  const { placed, rows, columns } = layoutGraph(nodes, maxColumns);
  const perRow = new Map<number, number>();
  for (const p of placed) perRow.set(p.row, (perRow.get(p.row) ?? 0) + 1);
  const width = Math.max(1, columns) * (size.w + size.gapX) - size.gapX + 2 * PAD;
  const height = rows * (size.h + size.gapY) - size.gapY + 2 * PAD;
  const pos = new Map<string, { x: number; y: number }>();
  for (const p of placed) {
    const n = perRow.get(p.row)!;
    const rowWidth = n * (size.w + size.gapX) - size.gapX;
    pos.set(p.node.name, { x: (width - rowWidth) / 2 + p.column * (size.w + size.gapX), y: PAD + p.row * (size.h + size.gapY) });
  }
  const root = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label });
  root.append(svg('defs', {}, svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#78909c' }))));
  for (const p of placed) for (const source of p.sources) root.append(edge(pos.get(source)!, pos.get(p.node.name)!, size));
  for (const p of placed) root.append(drawBox(p, pos.get(p.node.name)!));
  return root;
}

function edge(from: { x: number; y: number }, to: { x: number; y: number }, size: BoxSize): SVGPathElement {
  const x1 = from.x + size.w / 2;
  const y1 = from.y + size.h;
  const x2 = to.x + size.w / 2;
  const y2 = to.y;
  const mid = (y1 + y2) / 2;
  return svg('path', { d: `M${x1},${y1} C${x1},${mid} ${x2},${mid} ${x2},${y2 - 1}`, fill: 'none', stroke: '#78909c', 'stroke-width': 1.5, 'marker-end': 'url(#arrow)' });
}

function layerBox(p: Placed, at: { x: number; y: number }): SVGGElement {
  const n = p.node;
  const params = n.parametersUnknown ? 'params not recorded' : n.parameters ? `${formatCount(n.parameters)} params` : 'no params';
  return svg('g', { class: 'layer', 'data-layer': n.name, transform: `translate(${at.x},${at.y})` },
    svg('title', {}, `${n.name} (${n.op})\ninputs: ${n.inputs.join(', ') || '—'}\noutput: ${shapeText(n.outputShapes)}\n${params}`),
    svg('rect', { width: LAYER_BOX.w, height: LAYER_BOX.h, rx: 7, fill: fillOf(n.op), stroke: '#90a4ae' }),
    svg('text', { x: 12, y: 20, 'font-size': 13, 'font-weight': 600, fill: '#1f2933' }, n.name),
    svg('text', { x: LAYER_BOX.w - 12, y: 20, 'font-size': 12, fill: '#52606d', 'text-anchor': 'end' }, n.op),
    svg('text', { x: 12, y: 39, 'font-size': 12, fill: '#37474f' }, `out ${shapeText(n.outputShapes)}`),
    svg('text', { x: 12, y: 55, 'font-size': 12, fill: '#37474f' }, params));
}

/** `[32, 128]`; two outputs side by side; more (an optimizer's update of every weight) counted, listed in the tooltip. */
function opShapeText(shapes: (number | null)[][], all = false): string {
  if (shapes.length > 2 && !all) return `${shapes.length} outputs`;
  return shapes.map((s) => `[${s.map((d) => d ?? '?').join(', ')}]`).join(' ');
}

function fit(text: string): string {
  return text.length > OP_LABEL_CHARS ? `${text.slice(0, OP_LABEL_CHARS - 1)}…` : text;
}

/** An op: its op, output shape and name; a fused one in orange, with the ops it replaces; an input or variable: its name, shape and op. */
function opBox(p: Placed, at: { x: number; y: number }): SVGGElement {
  const n = p.node;
  const fused = n.fusedOps;
  const endpoint = ENDPOINT_OPS.has(n.op);
  // An input or variable is known by its name, an op by what it computes.
  const [title, detail] = fused ? [n.op, `fused: ${fused.map((op) => op.split(':').pop()).join(' → ')}`] : endpoint ? [n.name, n.op] : [n.op, n.name];
  return svg('g', { class: fused ? 'op fused' : 'op', 'data-op': n.name, transform: `translate(${at.x},${at.y})` },
    svg('title', {}, `${n.name} (${n.op})\ninputs: ${n.inputs.join(', ') || '—'}\noutput: ${opShapeText(n.outputShapes, true)}${fused ? `\nfuses: ${fused.join(' → ')}` : ''}`),
    svg('rect', { width: OP_BOX.w, height: OP_BOX.h, rx: endpoint ? 14 : 5, fill: fused ? '#ffe0b2' : endpoint ? '#eceff1' : fillOf(n.op), stroke: fused ? '#e65100' : '#90a4ae', 'stroke-width': fused ? 2 : 1 }),
    svg('text', { x: 8, y: 16, 'font-size': 12, 'font-weight': 600, fill: '#1f2933' }, fit(title)),
    svg('text', { x: 8, y: 31, 'font-size': 11, fill: '#37474f' }, fit(opShapeText(n.outputShapes))),
    svg('text', { x: 8, y: 44, 'font-size': 10, fill: fused ? '#bf360c' : '#78909c' }, fit(detail)));
}

function table(nodes: GraphNode[]): HTMLTableElement {
  return h('table', { class: 'layers' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Layer (type)'), h('th', {}, 'Output shape'), h('th', { class: 'num' }, 'Param #'), h('th', {}, 'Connected to'))),
    h('tbody', {}, ...nodes.map((n) => h('tr', {},
      h('td', {}, `${n.name} (${n.op})`),
      h('td', {}, shapeText(n.outputShapes)),
      h('td', { class: 'num' }, n.parametersUnknown ? '?' : formatCount(n.parameters)),
      h('td', {}, n.inputs.join(', ') || '—')))));
}
