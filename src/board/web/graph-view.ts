/** Graph: the model's layers drawn as a diagram (type, output shape, parameters, connections), its totals, and the same as a table. */
import type { GraphNode, GraphResponse } from '../api-types.js';
import { formatCount, h, keyed, svg } from './dom.js';
import { api } from './api.js';
import { layoutGraph, type Placed } from './graph-layout.js';
import { emptyNote, pickRun, type View } from './view.js';

const BOX_W = 230;
const BOX_H = 62;
const GAP_X = 34;
const GAP_Y = 44;
const PAD = 16;

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

let cache: { run: string; data: GraphResponse } | undefined;

/** The Graph tab. */
export const graphView: View = {
  id: 'graph',
  title: 'Graph',
  async render(main, ctx, changed) {
    const toolbar = keyed(main, 'toolbar', () => h('div', { class: 'toolbar' }));
    const run = pickRun('graph', ctx, toolbar, (r) => r.hasGraph);
    const body = keyed(main, 'body', () => h('div'));
    if (!run) {
      body.replaceChildren(emptyNote('No run has a model graph (TensorBoard({writeGraph: true}) writes it when training starts).'));
      return;
    }
    if (!changed && cache?.run === run && body.childElementCount) return;
    cache = { run, data: await api.graph(run) };
    body.replaceChildren(...drawGraph(cache.data.nodes));
  },
};

function drawGraph(nodes: GraphNode[]): HTMLElement[] {
  const total = nodes.reduce((n, l) => n + l.parameters, 0);
  const trainable = nodes.reduce((n, l) => n + l.trainableParameters, 0);
  const totals = h('div', { class: 'totals' },
    h('div', {}, h('b', {}, String(nodes.length)), 'layers'),
    h('div', {}, h('b', {}, formatCount(total)), 'total params'),
    h('div', {}, h('b', {}, formatCount(trainable)), 'trainable params'),
    h('div', {}, h('b', {}, formatCount(total - trainable)), 'non-trainable params'));
  return [totals, h('div', { class: 'diagram' }, diagram(nodes)), table(nodes)];
}

function diagram(nodes: GraphNode[]): SVGSVGElement {
  const { placed, rows, columns } = layoutGraph(nodes);
  const perRow = new Map<number, number>();
  for (const p of placed) perRow.set(p.row, (perRow.get(p.row) ?? 0) + 1);
  const width = Math.max(1, columns) * (BOX_W + GAP_X) - GAP_X + 2 * PAD;
  const height = rows * (BOX_H + GAP_Y) - GAP_Y + 2 * PAD;
  const pos = new Map<string, { x: number; y: number }>();
  for (const p of placed) {
    const n = perRow.get(p.row)!;
    const rowWidth = n * (BOX_W + GAP_X) - GAP_X;
    pos.set(p.node.name, { x: (width - rowWidth) / 2 + p.column * (BOX_W + GAP_X), y: PAD + p.row * (BOX_H + GAP_Y) });
  }
  const root = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'model graph' });
  root.append(svg('defs', {}, svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#78909c' }))));
  for (const p of placed) for (const source of p.sources) root.append(edge(pos.get(source)!, pos.get(p.node.name)!));
  for (const p of placed) root.append(box(p, pos.get(p.node.name)!));
  return root;
}

function edge(from: { x: number; y: number }, to: { x: number; y: number }): SVGPathElement {
  const x1 = from.x + BOX_W / 2;
  const y1 = from.y + BOX_H;
  const x2 = to.x + BOX_W / 2;
  const y2 = to.y;
  const mid = (y1 + y2) / 2;
  return svg('path', { d: `M${x1},${y1} C${x1},${mid} ${x2},${mid} ${x2},${y2 - 1}`, fill: 'none', stroke: '#78909c', 'stroke-width': 1.5, 'marker-end': 'url(#arrow)' });
}

function box(p: Placed, at: { x: number; y: number }): SVGGElement {
  const n = p.node;
  const params = n.parameters ? `${formatCount(n.parameters)} params` : 'no params';
  return svg('g', { class: 'layer', 'data-layer': n.name, transform: `translate(${at.x},${at.y})` },
    svg('title', {}, `${n.name} (${n.op})\ninputs: ${n.inputs.join(', ') || '—'}\noutput: ${shapeText(n.outputShapes)}\n${params}`),
    svg('rect', { width: BOX_W, height: BOX_H, rx: 7, fill: fillOf(n.op), stroke: '#90a4ae' }),
    svg('text', { x: 12, y: 20, 'font-size': 13, 'font-weight': 600, fill: '#1f2933' }, n.name),
    svg('text', { x: BOX_W - 12, y: 20, 'font-size': 12, fill: '#52606d', 'text-anchor': 'end' }, n.op),
    svg('text', { x: 12, y: 39, 'font-size': 12, fill: '#37474f' }, `out ${shapeText(n.outputShapes)}`),
    svg('text', { x: 12, y: 55, 'font-size': 12, fill: '#37474f' }, params));
}

function table(nodes: GraphNode[]): HTMLTableElement {
  return h('table', { class: 'layers' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Layer (type)'), h('th', {}, 'Output shape'), h('th', { class: 'num' }, 'Param #'), h('th', {}, 'Connected to'))),
    h('tbody', {}, ...nodes.map((n) => h('tr', {},
      h('td', {}, `${n.name} (${n.op})`),
      h('td', {}, shapeText(n.outputShapes)),
      h('td', { class: 'num' }, formatCount(n.parameters)),
      h('td', {}, n.inputs.join(', ') || '—')))));
}
