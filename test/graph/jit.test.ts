/** `jit`: tracing, replaying, the retracing rules, and what a replay does with variables, randomness and memory. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as s from '../../src/index.js';
import { ENGINE } from '../../src/core/engine.js';

/** Captures what `fn` writes with console.warn. */
function warnings(fn: () => void): string[] {
  const seen: string[] = [];
  const original = console.warn;
  console.warn = (msg: unknown) => void seen.push(String(msg));
  try {
    fn();
  } finally {
    console.warn = original;
  }
  return seen;
}

/** A small regression model's training step with SGD momentum and dropout, built from a seed. */
function trainingSetup(seed: number) {
  s.setSeed(seed);
  const w = s.variable(s.randomNormal([6, 3]), { name: 'w' });
  const b = s.variable(s.zeros([3]), { name: 'b' });
  const opt = new s.SGD({ learningRate: 0.05, momentum: 0.9 });
  const step = (x: s.Tensor, y: s.Tensor): s.Tensor => {
    const { value, grads } = s.variableGrads(() => s.mean(s.square(s.sub(s.dropout(s.relu(s.add(s.matMul(x, w), b)), 0.25), y))), [w, b]);
    opt.applyGradients([[grads[0]!, w], [grads[1]!, b]]);
    return value;
  };
  return { w, b, step };
}

test('a jitted training step gives the eager losses and weights, bit for bit, dropout included', () => {
  const x = s.randomNormal([10, 6], 0, 1, { seed: 5 });
  const y = s.randomNormal([10, 3], 0, 1, { seed: 6 });
  const run = (useJit: boolean): { losses: number[]; w: number[]; traces: number } => {
    const { w, step } = trainingSetup(3);
    const f = useJit ? s.jit(step) : step;
    const losses = Array.from({ length: 6 }, () => s.tidy(() => f(x, y).item()));
    return { losses, w: Array.from(w.dataSync()), traces: useJit ? (f as s.Jitted<typeof step>).traceCount : 0 };
  };
  const eager = run(false);
  const jitted = run(true);
  assert.deepEqual(jitted.losses, eager.losses);
  assert.deepEqual(jitted.w, eager.w);
  assert.equal(jitted.traces, 1);
});

test('per-parameter optimizer updates traced while a tensor shared a weight\'s storage run as one in-place update', () => {
  const { w, step } = trainingSetup(4);
  const f = s.jit(step);
  // While the view shares w's storage, the eager step being traced returns new values instead of
  // overwriting w (updateVariables); the graph still updates in place, copying w first if it must.
  const view = s.reshape(w, [6, 3]);
  s.tidy(() => {
    f(s.ones([2, 6]), s.ones([2, 3]));
  });
  view.dispose();
  const graph = f.lastGraph!;
  assert.equal(graph.stats().byOp['applyUpdates'], 1);
  assert.equal(graph.stats().byOp['applyUpdate'], undefined);
  assert.deepEqual(graph.assignments, []);
  assert.match(graph.toString(), /applyUpdates\(w, w, %\d+, sgd\/w\/momentum, b, b, %\d+, sgd\/b\/momentum\).*\(in place\)/);
});

test('a replay holds no tensor after it returns, and its peak memory is at most the eager step\'s', () => {
  const x = s.randomNormal([64, 6], 0, 1, { seed: 1 });
  const y = s.randomNormal([64, 3], 0, 1, { seed: 2 });
  const { step } = trainingSetup(1);
  const f = s.jit(step);
  s.tidy(() => { f(x, y); });
  s.tidy(() => { f(x, y); });
  const before = s.memory();
  for (let i = 0; i < 5; i++) s.tidy(() => { f(x, y); });
  assert.deepEqual(s.memory(), before);
  ENGINE.resetPeakBytes();
  s.tidy(() => { step(x, y); });
  const eagerPeak = ENGINE.peakBytes() - before.numBytes;
  ENGINE.resetPeakBytes();
  s.tidy(() => { f(x, y); });
  const jitPeak = ENGINE.peakBytes() - before.numBytes;
  assert.ok(jitPeak > 0 && jitPeak <= eagerPeak, `jitted peak ${jitPeak} B, eager ${eagerPeak} B`);
});

test('a new shape or dtype, or another non-tensor argument, traces again; the same ones replay', () => {
  const f = s.jit((x: s.Tensor, k: number) => s.mul(x, k));
  assert.deepEqual(f(s.tensor([1, 2]), 3).arraySync(), [3, 6]);
  assert.deepEqual(f(s.tensor([4, 5]), 3).arraySync(), [12, 15]);
  assert.equal(f.traceCount, 1);
  assert.deepEqual(f(s.tensor([1, 2, 3]), 3).arraySync(), [3, 6, 9]);
  assert.deepEqual(f(s.tensor([1, 2]), 10).arraySync(), [10, 20]);
  assert.deepEqual(f(s.tensor([1, 2], [2], 'int32'), 10).arraySync(), [10, 20]);
  assert.equal(f.traceCount, 4);
  assert.ok(f.graphFor(s.tensor([7, 8]), 3));
  assert.equal(f.graphFor(s.tensor([7, 8]), 4), undefined);
});

test('tracing again and again warns once, naming what changed', () => {
  const f = s.jit((x: s.Tensor) => s.sum(x), { name: 'total' });
  const seen = warnings(() => {
    for (let n = 1; n <= 8; n++) f(s.ones([n]));
  });
  assert.equal(seen.length, 1);
  assert.match(seen[0]!, /jit\(total\) has traced 5 times/);
  assert.match(seen[0]!, /float32\[4\].*became.*float32\[5\]/);
});

test('reading a computed value while tracing warns once; reading an argument does not', () => {
  const quiet = s.jit((x: s.Tensor) => (x.dataSync()[0]! > 0 ? s.neg(x) : x));
  assert.deepEqual(warnings(() => quiet(s.tensor([1]))), []);
  const loud = s.jit((x: s.Tensor) => (s.sum(x).item() > 0 ? s.neg(x) : x), { name: 'branchy' });
  const seen = warnings(() => {
    loud(s.tensor([1]));
    loud(s.tensor([2]));
  });
  assert.equal(seen.length, 1);
  assert.match(seen[0]!, /jit\(branchy\): the function read the values of 1 tensor/);
  // The branch taken when tracing is the one every replay takes: the documented rule.
  assert.deepEqual(loud(s.tensor([-3])).arraySync(), [3]);
});

test('effects run after every call on that call\'s values; dynamic arguments are computed again', () => {
  const seen: number[] = [];
  const f = s.jit((x: s.Tensor) => {
    const total = s.sum(x);
    ENGINE.effect([total], ([t]) => void seen.push(t!.item()));
    return s.mul(x, 2);
  });
  f(s.tensor([1, 2]));
  f(s.tensor([3, 4]));
  f(s.tensor([5, 6]));
  assert.deepEqual(seen, [3, 7, 11]);

  let learningRate = 0.5;
  const w = s.variable(s.tensor([1, 1]), { name: 'dyn' });
  const g = s.jit((grad: s.Tensor) => {
    const rule = ENGINE.dynamic(() => ({ kind: 'sgd' as const, learningRate, momentum: 0, nesterov: false }));
    s.updateVariables(rule, [{ variable: w, grad, slots: [] }]);
  });
  g(s.tensor([1, 2]));
  learningRate = 0.25;
  g(s.tensor([1, 2]));
  assert.deepEqual(Array.from(w.dataSync()), [1 - 0.5 - 0.25, 1 - 1 - 0.5]);
});

test('variables are read at every call and assignments apply; an update leaves tensors sharing the old value alone', () => {
  const v = s.variable(s.zeros([2]), { name: 'counter' });
  const inc = s.jit(() => v.assign(s.add(v, 1)));
  for (let i = 0; i < 3; i++) inc();
  assert.deepEqual(Array.from(v.dataSync()), [3, 3]);
  v.assign(s.tensor([10, 20]));
  inc();
  assert.deepEqual(Array.from(v.dataSync()), [11, 21]);

  const { w, step } = trainingSetup(7);
  const f = s.jit(step);
  const x = s.randomNormal([4, 6], 0, 1, { seed: 8 });
  const y = s.randomNormal([4, 3], 0, 1, { seed: 9 });
  for (let i = 0; i < 3; i++) s.tidy(() => { f(x, y); });
  const view = s.reshape(w, [6, 3]);
  const kept = Array.from(view.dataSync());
  s.tidy(() => { f(x, y); });
  assert.deepEqual(Array.from(view.dataSync()), kept);
  assert.notDeepEqual(Array.from(w.dataSync()), kept);
});

test('arguments that share storage when traced and not when replayed trace separately', () => {
  const f = s.jit((a: s.Tensor, b: s.Tensor) => s.sub(a, b));
  const a = s.tensor([5, 7]);
  assert.deepEqual(f(a, a).arraySync(), [0, 0]);
  assert.deepEqual(f(a, s.tensor([1, 2])).arraySync(), [4, 5]);
  assert.equal(f.traceCount, 2);
});

test('inside a gradient computation a jitted function runs eagerly, so gradients flow', () => {
  const cube = s.jit((x: s.Tensor) => s.mul(s.mul(x, x), x));
  cube(s.tensor([1]));
  assert.deepEqual(s.grad((x) => s.sum(cube(x)))(s.tensor([2, 3])).arraySync(), [12, 27]);
});

test('a jitted function called while tracing becomes part of the outer graph', () => {
  const inner = s.jit((x: s.Tensor) => s.exp(x));
  const outer = s.jit((x: s.Tensor) => s.add(inner(x), 1));
  outer(s.tensor([0]));
  assert.deepEqual(Array.from(outer(s.tensor([0, 1])).dataSync(), (v) => +v.toFixed(5)), [2, +(Math.E + 1).toFixed(5)]);
  assert.equal(inner.traceCount, 0);
  assert.match(outer.lastGraph!.toString(), /unary:exp[\s\S]*binary:add/);
});

test('a function that throws while tracing keeps nothing; a disposed input or graph is refused clearly', () => {
  const before = s.memory();
  const captured = s.tensor([1, 2, 3]);
  const bad = s.jit((x: s.Tensor) => {
    s.add(x, captured);
    throw new Error('boom');
  });
  assert.throws(() => s.tidy(() => bad(s.tensor([1, 2, 3]))), /boom/);
  assert.equal(bad.traceCount, 0);
  captured.dispose();
  assert.deepEqual(s.memory(), before);

  const f = s.jit((x: s.Tensor) => s.neg(x));
  f(s.tensor([1]));
  const gone = s.tensor([2]);
  gone.dispose();
  assert.throws(() => f(gone), s.DisposedError);
  f.dispose();
  assert.deepEqual(f(s.tensor([3])).arraySync(), [-3]);
  assert.equal(f.traceCount, 2);
});

test('a graph prints its nodes and counts them; random draws and defineOp kernels run at every call', () => {
  const f = s.jit((x: s.Tensor) => s.add(x, s.randomUniform([3])), { name: 'noisy' });
  const first = f(s.zeros([3])).arraySync();
  const second = f(s.zeros([3])).arraySync();
  assert.notDeepEqual(first, second);
  const text = f.lastGraph!.toString();
  assert.match(text, /^graph noisy\(%0: float32 \[3\]\) \{/);
  assert.match(text, /randomUniform\(\) -> float32 \[3\]/);
  assert.match(text, /binary:add/);
  assert.equal(f.lastGraph!.stats().traced, 2);
  assert.deepEqual(f.lastGraph!.stats().byOp, { randomUniform: 1, 'binary:add': 1 });

  const twice = s.defineOp({
    name: 'jitTestTwice',
    forward: (x) => s.mul(x!, 2),
    kernels: { [s.getBackend().name]: ([x]) => ({ values: x!.values.map((v) => v * 2), shape: x!.shape, dtype: x!.dtype }) },
  });
  const g = s.jit((x: s.Tensor) => twice(x));
  g(s.tensor([1, 2]));
  assert.deepEqual(g(s.tensor([5, 6])).arraySync(), [10, 12]);
});

test('jit refuses what it cannot trace, naming itself: no function, an unknown option, an async function', async () => {
  assert.throws(() => s.jit(3 as unknown as () => s.Tensor), (e: Error) => e instanceof s.ValueError && /jit: expected a function to trace, got number/.test(e.message));
  assert.throws(() => s.jit(() => s.scalar(1), { optimise: true } as unknown as s.JitOptions), (e: Error) => e instanceof s.ValueError && /jit/.test(e.message) && /optimise/.test(e.message));
  const before = s.memory();
  const f = s.jit(async (x: s.Tensor) => s.neg(x), { name: 'later' });
  assert.throws(() => f(s.tensor([1])), (e: Error) => e instanceof s.ValueError && /jit\(later\): the function returned a Promise/.test(e.message));
  assert.equal(f.traceCount, 0);
  assert.equal(s.memory().numTensors, before.numTensors + 1);
});
