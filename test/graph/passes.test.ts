/** The generic graph passes on hand-built graphs: what each drops, merges or folds, and what it must leave alone. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as s from '../../src/index.js';
import type { Kernels } from '../../src/core/backend.js';
import type { DType, TypedArray } from '../../src/core/dtype.js';
import type { HostTensor } from '../../src/core/engine.js';
import { traceFunction } from '../../src/graph/trace.js';
import { assertSameBits } from '../helpers/bits.js';
import { Graph, TensorSlot, opLabel, type GraphNode, type GraphValue, type ValueRef, type ValueSource } from '../../src/graph/graph.js';
import { GraphExecutable } from '../../src/graph/execute.js';
import { MAX_FOLDED_ELEMENTS, eliminateCommonSubexpressions, eliminateDeadCode, foldConstants, optimizeGraph } from '../../src/graph/passes/index.js';

type Out = [number[], DType?];

/** Builds graphs node by node, as a trace would record them. */
class Builder {
  private next = 0;
  readonly inputs: GraphValue[] = [];
  readonly nodes: GraphNode[] = [];

  value(shape: number[], dtype: DType, source: ValueSource): GraphValue {
    return { id: this.next++, shape, dtype, source };
  }

  input(shape: number[], dtype: DType = 'float32'): GraphValue {
    const v = this.value(shape, dtype, { kind: 'input', index: this.inputs.length });
    this.inputs.push(v);
    return v;
  }

  constant(values: number[], shape: number[], dtype: DType = 'float32'): GraphValue {
    const t = s.tensor(values, shape, dtype);
    const v = this.value(shape, dtype, { kind: 'constant', values: t.dataSync() as TypedArray });
    t.dispose();
    return v;
  }

  /** A value held from outside the graph: `t`'s storage (the caller keeps `t` alive). */
  capture(t: s.Tensor): GraphValue {
    return this.value([...t.shape], t.dtype, { kind: 'capture', info: { dataId: t.dataId, shape: t.shape, dtype: t.dtype } });
  }

  variable(v: s.Variable): GraphValue {
    return this.value([...v.shape], v.dtype, { kind: 'variable', variable: v });
  }

  kernel(name: keyof Kernels, args: unknown[], inputs: (GraphValue | ValueRef)[], outs: Out[], extra: Partial<Pick<GraphNode, 'inPlace' | 'dynamic'>> = {}): GraphValue[] {
    return this.add({ kind: 'kernel', name, args }, inputs, outs, extra);
  }

  host(name: string, compute: (xs: HostTensor[]) => HostTensor[], pure: boolean, inputs: (GraphValue | ValueRef)[], outs: Out[]): GraphValue[] {
    return this.add({ kind: 'host', name, compute, pure }, inputs, outs, {});
  }

  graph(outputs: (GraphValue | ValueRef)[], extra: Partial<Pick<Graph, 'assignments' | 'effects'>> = {}): Graph {
    const refs = outputs.map(ref);
    return new Graph({
      name: 'test', inputs: this.inputs, nodes: this.nodes, outputs: refs, template: { array: refs.map((_, i) => ({ tensor: i })) },
      assignments: extra.assignments ?? [], effects: extra.effects ?? [], nextId: this.next,
    });
  }

  private add(op: GraphNode['op'], inputs: (GraphValue | ValueRef)[], outs: Out[], extra: Partial<Pick<GraphNode, 'inPlace' | 'dynamic'>>): GraphValue[] {
    const node: GraphNode = { id: this.nodes.length, op, inputs: inputs.map(ref), outputs: [], inPlace: extra.inPlace ?? outs.map(() => -1), dynamic: extra.dynamic ?? [] };
    node.outputs = outs.map(([shape, dtype = 'float32']) => this.value(shape, dtype, { kind: 'node', node, index: node.outputs.length }));
    this.nodes.push(node);
    return node.outputs;
  }
}

const ref = (x: GraphValue | ValueRef): ValueRef => ('value' in x ? x : { value: x, shape: x.shape });
const slot = (i: number): TensorSlot => new TensorSlot(i);
const labels = (g: Graph): string[] => g.nodes.map(opLabel);
const unary = (b: Builder, op: s.UnaryOp | string, x: GraphValue | ValueRef): GraphValue => b.kernel('unary', [slot(0), op], [x], [[[...ref(x).shape]]])[0]!;
const binary = (b: Builder, op: string, x: GraphValue, y: GraphValue, shape = x.shape): GraphValue =>
  b.kernel('binary', [slot(0), slot(1), op, shape, 'float32'], [x, y], [[[...shape]]])[0]!;
/** A host computation that draws a number from its own state at every run, as a random creation op does. */
function draw(): (xs: HostTensor[]) => HostTensor[] {
  let state = 0;
  return () => [{ values: Float32Array.of(++state), shape: [], dtype: 'float32' }];
}
/** A pure host computation: each element doubled. */
const double = (xs: HostTensor[]): HostTensor[] => [{ ...xs[0]!, values: xs[0]!.values.map((v) => 2 * v) }];
const sgd = { kind: 'sgd', learningRate: 0.1, momentum: 0, nesterov: false } as const;

test('eliminateDeadCode drops a dead branch, however long, and keeps what outputs, assignments and effects read', () => {
  const b = new Builder();
  const x = b.input([2, 3]);
  const live = unary(b, 'relu', x);
  unary(b, 'log', unary(b, 'exp', x)); // nothing reads the log: both nodes are dead
  const assigned = unary(b, 'tanh', x);
  const observed = unary(b, 'sigmoid', x);
  const w = s.variable(s.zeros([2, 3]), { name: 'w' });
  const g = b.graph([live], { assignments: [{ variable: w, value: ref(assigned) }], effects: [{ inputs: [ref(observed)], run: () => {} }] });
  assert.deepEqual(eliminateDeadCode(g), { removed: 2 });
  assert.deepEqual(labels(g), ['unary:relu', 'unary:tanh', 'unary:sigmoid']);
  assert.deepEqual(eliminateDeadCode(g), { removed: 0 });
  w.dispose();
});

test('eliminateDeadCode keeps an unused random draw (dropping it would shift the generator) and an in-place update with the nodes it reads', () => {
  const b = new Builder();
  const x = b.input([3]);
  b.host('randomUniform', draw(), false, [], [[[]]]);
  const w = s.variable(s.ones([3]), { name: 'w' });
  const wv = b.variable(w);
  const grad = unary(b, 'square', x);
  b.kernel('applyUpdates', [sgd, [{ param: slot(0), value: slot(0), grad: slot(1), slots: [] }]], [wv, grad], [[[3]]], { inPlace: [0] });
  b.host('twice', double, true, [x], [[[3]]]); // a pure host computation no one reads: dead
  const g = b.graph([]);
  assert.deepEqual(eliminateDeadCode(g), { removed: 1 });
  assert.deepEqual(labels(g), ['randomUniform', 'unary:square', 'applyUpdates']);
  w.dispose();
});

test('eliminateCommonSubexpressions merges equal nodes and rewrites every use: nodes, outputs, assignments and effects', () => {
  const b = new Builder();
  const x = b.input([2, 2]);
  const e1 = unary(b, 'exp', x);
  const e2 = unary(b, 'exp', x);
  const sum = binary(b, 'add', e1, e2);
  const l1 = unary(b, 'log', e1);
  const l2 = unary(b, 'log', e2); // equal to l1 once e2 is e1: merged in the same walk
  const w = s.variable(s.zeros([2, 2]), { name: 'w' });
  const g = b.graph([sum, l2], { assignments: [{ variable: w, value: ref(e2) }], effects: [{ inputs: [ref(l2)], run: () => {} }] });
  assert.deepEqual(eliminateCommonSubexpressions(g), { merged: 2 });
  assert.deepEqual(labels(g), ['unary:exp', 'binary:add', 'unary:log']);
  assert.deepEqual(g.nodes[1]!.inputs.map((r) => r.value), [e1, e1]);
  assert.deepEqual(g.outputs.map((r) => r.value), [sum, l1]);
  assert.equal(g.assignments[0]!.value.value, e1);
  assert.equal(g.effects[0]!.inputs[0]!.value, l1);
  assert.deepEqual(eliminateCommonSubexpressions(g), { merged: 0 });
  w.dispose();
});

test('eliminateCommonSubexpressions tells apart arguments, view shapes, -0 and 0, and host functions; merges equal small constants', () => {
  const b = new Builder();
  const x = b.input([2, 3]);
  const outs = [
    unary(b, 'exp', x), unary(b, 'expm1', x),
    unary(b, 'exp', { value: x, shape: [3, 2] }), unary(b, 'exp', { value: x, shape: [3, 2] }),
    b.kernel('pad', [slot(0), [[0, 1], [0, 0]], 0], [x], [[[3, 3]]])[0]!, b.kernel('pad', [slot(0), [[0, 1], [0, 0]], -0], [x], [[[3, 3]]])[0]!,
    b.kernel('pad', [slot(0), [[0, 1], [0, 0]], NaN], [x], [[[3, 3]]])[0]!, b.kernel('pad', [slot(0), [[0, 1], [0, 0]], NaN], [x], [[[3, 3]]])[0]!,
    b.host('twice', double, true, [x], [[[2, 3]]])[0]!, b.host('twice', double, true, [x], [[[2, 3]]])[0]!,
    b.host('twice', (xs) => double(xs), true, [x], [[[2, 3]]])[0]!,
    binary(b, 'mul', x, b.constant([2], [])), binary(b, 'mul', x, b.constant([2], [])), binary(b, 'mul', x, b.constant([3], [])),
  ];
  const g = b.graph(outs);
  assert.deepEqual(eliminateCommonSubexpressions(g), { merged: 4 });
  const ids = g.outputs.map((r) => r.value.id);
  assert.deepEqual([ids[2] === ids[3], ids[6] === ids[7], ids[8] === ids[9], ids[11] === ids[12]], [true, true, true, true]);
  assert.equal(new Set(ids).size, outs.length - 4);
});

test('eliminateCommonSubexpressions never merges random draws, in-place updates, values overwritten in place, or reads across an update', () => {
  const b = new Builder();
  const d = draw();
  const r1 = b.host('randomUniform', d, false, [], [[[]]])[0]!;
  const r2 = b.host('randomUniform', d, false, [], [[[]]])[0]!;
  const w = s.variable(s.ones([3]), { name: 'w' });
  const wv = b.variable(w);
  const x = b.input([3]);
  const before = unary(b, 'neg', wv);
  // Two equal copies whose storage an update overwrites: merged, the second update would see the first's result.
  const c1 = b.kernel('cast', [slot(0), 'float32'], [x], [[[3]]])[0]!;
  const c2 = b.kernel('cast', [slot(0), 'float32'], [x], [[[3]]])[0]!;
  const update = { kind: 'applyUpdates' as const, args: [sgd, [{ param: slot(0), value: slot(0), grad: slot(1), slots: [] }]] };
  b.kernel(update.kind, update.args, [wv, c1], [[[3]]], { inPlace: [0] });
  b.kernel(update.kind, update.args, [wv, c1], [[[3]]], { inPlace: [0] });
  b.kernel(update.kind, update.args, [c1, x], [[[3]]], { inPlace: [0] });
  b.kernel(update.kind, update.args, [c2, x], [[[3]]], { inPlace: [0] });
  const after = unary(b, 'neg', wv); // reads w's storage after the updates: not `before`
  const g = b.graph([r1, r2, before, after]);
  assert.deepEqual(eliminateCommonSubexpressions(g), { merged: 0 });
  assert.equal(g.nodes.length, 10);
  w.dispose();
});

test('foldConstants runs a chain on constants and captures, giving the bits eager computes; bounded, never random or on inputs', () => {
  const captured = s.tensor([[0.5, -1.25, 3]]);
  const b = new Builder();
  const x = b.input([2, 3]);
  const c = b.constant([1, 2, 3, 4, 5, 6], [2, 3]);
  const k = b.capture(captured);
  const sum = binary(b, 'add', c, k, [2, 3]);
  const ex = unary(b, 'exp', { value: sum, shape: [3, 2] }); // a reshape view of a folded value
  const twice = b.host('twice', double, true, [ex], [[[3, 2]]])[0]!;
  const big = b.kernel('tile', [slot(0), [MAX_FOLDED_ELEMENTS, 1]], [k], [[[MAX_FOLDED_ELEMENTS, 3]]])[0]!;
  const noisy = b.host('randomUniform', draw(), false, [], [[[]]])[0]!;
  const onInput = binary(b, 'mul', x, c);
  const g = b.graph([twice, big, noisy, onInput]);
  assert.deepEqual(foldConstants(g, s.getBackend()), { folded: 3 });
  assert.deepEqual(labels(g), ['tile', 'randomUniform', 'binary:mul']);
  const eager = s.tidy(() => s.mul(s.exp(s.reshape(s.add(s.tensor([1, 2, 3, 4, 5, 6], [2, 3]), captured), [3, 2])), 2));
  const want = eager.dataSync();
  eager.dispose();
  const src = twice.source;
  assert.ok(src.kind === 'constant');
  assert.deepEqual(src.values, want);
  assert.equal(sum.source.kind, 'constant');
  captured.dispose();
});

test('foldConstants leaves alone values an update overwrites in place, and nodes with arguments recomputed at each call', () => {
  const b = new Builder();
  const c = b.constant([1, 2, 3], [3]);
  const copy = b.kernel('cast', [slot(0), 'float32'], [c], [[[3]]])[0]!;
  const g0 = b.constant([1, 1, 1], [3]);
  b.kernel('applyUpdates', [sgd, [{ param: slot(0), value: slot(0), grad: slot(1), slots: [] }]], [copy, g0], [[[3]]], { inPlace: [0] });
  b.kernel('applyUpdate', [sgd, slot(0), slot(1), []], [c, g0], [[[3]]], { dynamic: [{ arg: 0, compute: () => sgd }] });
  const g = b.graph([]);
  assert.deepEqual(foldConstants(g, s.getBackend()), { folded: 0 });
});

test('optimizeGraph folds, merges and drops to a fixed point, and reports each pass', () => {
  const b = new Builder();
  const x = b.input([4]);
  const two = b.constant([2], []);
  const four = binary(b, 'add', two, two, []); // folds to 4
  const a = binary(b, 'mul', x, four, [4]);
  const a2 = binary(b, 'mul', x, four, [4]); // merges with a
  unary(b, 'exp', a2); // dead once nothing reads it
  const out = binary(b, 'add', a, a2, [4]);
  const g = b.graph([out]);
  const summary = optimizeGraph(g, s.getBackend());
  assert.deepEqual({ ...summary, runs: undefined }, { nodesBefore: 5, nodesAfter: 2, folded: 1, merged: 1, removed: 1, runs: undefined });
  assert.deepEqual(summary.runs.map((r) => [r.pass, r.round, r.nodesBefore, r.nodesAfter]), [
    ['foldConstants', 1, 5, 4], ['eliminateCommonSubexpressions', 1, 4, 3], ['eliminateDeadCode', 1, 3, 2],
    ['foldConstants', 2, 2, 2], ['eliminateCommonSubexpressions', 2, 2, 2], ['eliminateDeadCode', 2, 2, 2],
  ]);
  assert.deepEqual(labels(g), ['binary:mul', 'binary:add']);
  assert.deepEqual(g.nodes[1]!.inputs.map((r) => r.value), [a, a]);
  const folded = g.nodes[0]!.inputs[1]!.value.source;
  assert.ok(folded.kind === 'constant');
  assert.deepEqual([...folded.values], [4]);
});

type Traced = (...xs: s.Tensor[]) => s.Tensor[];
/** A function to trace, and what it leaves behind besides its results (its variables' values, say). */
interface Setup {
  fn: Traced;
  observed: () => s.TypedArray[];
}

/**
 * Traces the function `setup()` makes twice (each setup makes its own state, variables say): once left as
 * traced, once rewritten by `pass`. Replays both on every input set, `beforeCall` run before each replay,
 * and checks that they return, and leave in `observed()`, the same bits. Returns both graphs.
 */
function replaysAgree(setup: () => Setup, pass: (g: Graph) => unknown, calls: s.Tensor[][], beforeCall = (): void => {}): [Graph, Graph] {
  const first = calls[0]!;
  const traces = [0, 1].map(() => {
    const { fn, observed } = setup();
    const traced = traceFunction('traced', () => s.tidy(() => fn(...first)), first);
    s.dispose(traced.result);
    return { ...traced, observed, executable: undefined as GraphExecutable | undefined };
  });
  pass(traces[1]!.graph);
  for (const t of traces) t.executable = new GraphExecutable(t.graph, s.getBackend(), t.captured);
  calls.forEach((inputs, call) => {
    const [a, b] = traces.map((t) => {
      beforeCall();
      const outs = t.executable!.run(inputs);
      const values = [...outs.map((o) => o.dataSync()), ...t.observed()];
      s.dispose(outs);
      return values;
    });
    assert.equal(a!.length, b!.length);
    a!.forEach((v, i) => assertSameBits(b![i]!, v, `call ${call + 1}, result ${i}`));
  });
  for (const t of traces) t.executable!.dispose();
  return [traces[0]!.graph, traces[1]!.graph];
}

const uniform = (shape: number[], seed: number): s.Tensor => s.randomUniform(shape, -2, 2, { seed });
const count = (g: Graph, label: string): number => g.nodes.filter((n) => opLabel(n) === label).length;

/**
 * A function with something for every pass: exp(x) computed twice, a dead branch, a chain on constants,
 * a random draw nothing reads, a dropout mask that is read, and the gradients of all that.
 */
const busy: Traced = (x, y) => {
  const { value, grads } = s.valueAndGrads((a: s.Tensor, b: s.Tensor) => {
    const k = s.add(s.mul(s.scalar(2), s.scalar(3)), s.tensor([1, 2, 3, 4]));
    s.tanh(s.matMul(a, b, false, true)); // dead
    s.randomUniform([3]); // read by nothing, but it moves the generator
    const e = s.add(s.exp(a), s.exp(a));
    return s.sum(s.mul(s.dropout(s.mul(e, k), 0.5), s.sigmoid(b)));
  })([x!, y!]);
  return [value, ...grads, s.randomNormal([4])];
};

test('each pass, and the pipeline, leaves a traced graph computing the same bits (random draws included)', () => {
  const calls = [0, 1, 2].map((c) => [uniform([3, 4], 10 * c + 1), uniform([3, 4], 10 * c + 2)]);
  const setup = (): Setup => ({ fn: busy, observed: () => [] });
  const reseed = (): void => s.setSeed(5);
  const passes: [string, (g: Graph) => unknown][] = [
    ['eliminateDeadCode', eliminateDeadCode], ['eliminateCommonSubexpressions', eliminateCommonSubexpressions],
    ['foldConstants', (g) => foldConstants(g, s.getBackend())], ['optimizeGraph', (g) => optimizeGraph(g, s.getBackend())],
  ];
  for (const [name, pass] of passes) {
    s.setSeed(5);
    const [plain, rewritten] = replaysAgree(setup, pass, calls, reseed);
    assert.ok(rewritten.nodes.length < plain.nodes.length, `${name} changed nothing: ${rewritten.nodes.length} nodes`);
    assert.equal(count(rewritten, 'randomUniform'), 2, `${name}: both uniform draws kept`);
    assert.equal(count(rewritten, 'randomNormal'), 1);
  }
  s.dispose(calls.flat());
});

test('optimizeGraph keeps an optimizer\'s in-place update nothing reads, and the variables end as without it', () => {
  const setup = (): Setup => {
    const init = uniform([4, 3], 7);
    const w = s.variable(init, { name: 'w' });
    init.dispose();
    const optimizer = new s.SGD({ learningRate: 0.1, momentum: 0.9 });
    const fn: Traced = (x, y) => {
      const { grads } = s.variableGrads(() => s.mean(s.square(s.sub(s.matMul(x!, w), y!))), [w]);
      optimizer.applyGradients([[grads[0]!, w]]);
      return [];
    };
    // One eager step first: the momentum slot exists and every storage is owned, so the trace updates in place.
    const [x0, y0] = [uniform([5, 4], 8), uniform([5, 3], 9)];
    s.tidy(() => fn(x0, y0));
    s.dispose([x0, y0]);
    const observed = (): s.TypedArray[] => {
      const state = optimizer.getWeights().map((n) => n.tensor);
      const values = [w, ...state].map((t) => t.dataSync());
      s.dispose(state);
      return values;
    };
    return { fn, observed };
  };
  const calls = [0, 1, 2].map((c) => [uniform([5, 4], 10 * c + 1), uniform([5, 3], 10 * c + 2)]);
  const [plain, rewritten] = replaysAgree(setup, (g) => optimizeGraph(g, s.getBackend()), calls);
  assert.equal(count(plain, 'applyUpdates'), 1);
  assert.equal(count(rewritten, 'applyUpdates'), 1);
  assert.deepEqual(rewritten.outputs, []);
  s.dispose(calls.flat());
});
