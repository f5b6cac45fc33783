/**
 * Every op family inside `jit`, forward and gradients, against the same function run eagerly: the first call
 * traces, the next ones replay the optimised (and, on wasm, fused) graph on new values; all bit for bit.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as s from '../../src/index.js';
import { RandomGenerator } from '../../src/core/random.js';
import { jit } from '../../src/graph/jit.js';
import { assertSameBits } from '../helpers/bits.js';

type Fn = (...xs: s.Tensor[]) => s.Tensor[];

/** `got` has `want`'s shapes, dtypes and bits. */
function assertSameTensors(got: s.Tensor[], want: { shape: readonly number[]; dtype: s.DType; values: s.TypedArray }[], label: string): void {
  assert.equal(got.length, want.length, `${label}: number of results`);
  got.forEach((t, i) => {
    const w = want[i]!;
    assert.deepEqual([t.shape, t.dtype], [w.shape, w.dtype], `${label}: result ${i}'s shape and dtype`);
    assertSameBits(t.dataSync(), w.values, `${label}: result ${i} against eager`);
  });
}

/**
 * Calls `fn` through `jit` three times on `inputs(0..2)` (one trace, two replays) and checks every result
 * equals, bit for bit, what `fn` computes eagerly on the same inputs; the graph is traced once, and once
 * disposed leaves no tensor or storage behind.
 */
function jitMatchesEager(label: string, fn: Fn, inputs: (call: number) => s.Tensor[]): void {
  const before = s.memory();
  const f = jit(fn, { name: label });
  for (let call = 0; call < 3; call++) {
    const xs = inputs(call);
    const eager = s.tidy(() => fn(...xs));
    const want = eager.map((t) => ({ shape: t.shape, dtype: t.dtype, values: t.dataSync() }));
    s.dispose(eager);
    // The first call runs fn itself, whose intermediates are the caller's to release, as eagerly.
    const got = s.tidy(() => f(...xs));
    assertSameTensors(got, want, `${label}, call ${call + 1}`);
    s.dispose(got);
    s.dispose(xs);
  }
  assert.equal(f.traceCount, 1, `${label}: traced once`);
  f.dispose();
  const after = s.memory();
  assert.deepEqual([after.numTensors, after.numDataBuffers], [before.numTensors, before.numDataBuffers], `${label}: tensors and buffers left`);
}

/** Uniform values in [lo, hi), a different draw for every call and input. */
const uniform = (shape: number[], call: number, k: number, lo = -2, hi = 2): s.Tensor => s.randomUniform(shape, lo, hi, { seed: 1000 * call + k });
/** The function's value and its gradients with respect to every input. */
const withGrads = (f: (...xs: s.Tensor[]) => s.Tensor): Fn => (...xs) => {
  const { value, grads } = s.valueAndGrads(f)(xs);
  return [value, ...grads];
};

test('jit: unary ops and activations, forward and gradients', () => {
  const ops: [string, (x: s.Tensor) => s.Tensor][] = [
    ['neg', s.neg], ['abs', s.abs], ['square', s.square], ['exp', s.exp], ['expm1', s.expm1], ['erf', s.erf], ['sin', s.sin], ['cos', s.cos],
    ['relu', s.relu], ['sigmoid', s.sigmoid], ['tanh', s.tanh], ['elu', (x) => s.elu(x)], ['selu', s.selu], ['gelu', (x) => s.gelu(x)],
    ['softplus', s.softplus], ['swish', s.swish], ['leakyRelu', (x) => s.leakyRelu(x, 0.1)], ['relu6', s.relu6], ['mish', s.mish],
    ['clip', (x) => s.clip(x, -1, 1)], ['round', (x) => s.add(s.round(x), s.floor(x))],
  ];
  for (const [name, op] of ops) jitMatchesEager(name, withGrads((x) => s.sum(op(x!))), (call) => [uniform([3, 5], call, 1)]);
  const positive: [string, (x: s.Tensor) => s.Tensor][] = [['log', s.log], ['log1p', s.log1p], ['sqrt', s.sqrt], ['reciprocal', s.reciprocal]];
  for (const [name, op] of positive) jitMatchesEager(name, withGrads((x) => s.sum(op(x!))), (call) => [uniform([4, 2], call, 2, 0.1, 3)]);
});

test('jit: binary arithmetic with broadcasting, forward and gradients', () => {
  const ops: [string, (a: s.Tensor, b: s.Tensor) => s.Tensor][] = [
    ['add', s.add], ['sub', s.sub], ['mul', s.mul], ['div', s.div], ['maximum', s.maximum], ['minimum', s.minimum],
    ['mod', s.mod], ['floorDiv', s.floorDiv], ['scalar', (a, b) => s.add(s.mul(a, 3), s.sub(b, 0.5))],
  ];
  for (const [name, op] of ops) {
    jitMatchesEager(name, withGrads((a, b) => s.sum(s.mul(op(a!, b!), s.range(0, 4)))), (call) => [uniform([2, 3, 4], call, 1), uniform([3, 1], call, 2, 0.5, 2)]);
  }
  jitMatchesEager('pow', withGrads((a, b) => s.sum(s.pow(a!, b!))), (call) => [uniform([2, 3], call, 3, 0.5, 2), uniform([3], call, 4)]);
});

test('jit: comparisons, where and logical ops, and the gradients through where', () => {
  jitMatchesEager('compare', (a, b) => [
    s.greater(a!, b!), s.greaterEqual(a!, 0), s.less(a!, b!), s.lessEqual(b!, 0.5), s.equal(s.round(a!), s.round(b!)), s.notEqual(a!, b!),
    s.logicalAnd(s.greater(a!, 0), s.less(b!, 0)), s.logicalOr(s.greater(a!, 1), s.logicalNot(s.greater(b!, -1))), s.isNaN(s.log(a!)),
  ], (call) => [uniform([3, 4], call, 1), uniform([4], call, 2)]);
  jitMatchesEager('where', withGrads((a, b) => s.sum(s.mul(s.where(s.greater(a!, b!), a!, s.mul(b!, 2)), a!))), (call) => [uniform([3, 4], call, 1), uniform([3, 4], call, 2)]);
});

test('jit: reductions and argmax, forward and gradients', () => {
  const ops: [string, (x: s.Tensor) => s.Tensor][] = [
    ['sum', (x) => s.sum(x, 1)], ['mean', (x) => s.mean(x, [0, 2], true)], ['max', (x) => s.max(x, -1)], ['min', (x) => s.min(x, 0)],
    ['variance', (x) => s.variance(x, 1)], ['logSumExp', (x) => s.logSumExp(x, 2)], ['all', (x) => s.mean(x)],
  ];
  for (const [name, op] of ops) jitMatchesEager(name, withGrads((x) => s.sum(s.square(op(x!)))), (call) => [uniform([2, 3, 4], call, 1)]);
  jitMatchesEager('argmax', (x) => [s.argmax(x!), s.argmin(x!, 0), s.argmax(x!, 1)], (call) => [uniform([3, 5, 2], call, 2)]);
});

test('jit: matMul, batched and transposed, forward and gradients', () => {
  const cases: [number[], number[], boolean, boolean][] = [
    [[3, 4], [4, 5], false, false], [[4, 3], [4, 5], true, false], [[3, 4], [5, 4], false, true], [[4, 3], [5, 4], true, true],
    [[2, 3, 4], [4, 6], false, false], [[2, 1, 3, 4], [3, 5, 4], false, true],
  ];
  for (const [sa, sb, ta, tb] of cases) {
    jitMatchesEager(`matMul [${sa}]·[${sb}] ${ta} ${tb}`, withGrads((a, b) => s.sum(s.square(s.matMul(a!, b!, ta, tb)))), (call) => [uniform(sa, call, 1), uniform(sb, call, 2)]);
  }
});

test('jit: transpose, slice, concat, stack, split, pad, gather (its gradient scatters), tile, forward and gradients', () => {
  const index = s.tensor([2, 0, 2, 1], [4], 'int32');
  const weights = (shape: number[]): s.Tensor => s.reshape(s.range(1, 1 + shape.reduce((a, b) => a * b, 1)), shape);
  const ops: [string, (a: s.Tensor, b: s.Tensor) => s.Tensor][] = [
    ['transpose', (a) => s.transpose(a, [2, 0, 1])],
    ['slice', (a) => s.slice(a, [0, 1, 1], [2, 2, -1])],
    ['concat', (a, b) => s.concat([a, b, a], 1)],
    ['stack', (a, b) => s.stack([a, s.square(b)], 3)],
    ['split', (a) => s.concat(s.split(a, [1, 3], 2).reverse(), 2)],
    ['pad', (a) => s.pad(a, [[1, 0], [0, 2], [1, 1]], 0.5)],
    ['gather', (a) => s.gather(a, index, 2)],
    ['tile', (a) => s.tile(a, [1, 2, 3])],
    ['unstack', (a) => s.add(...(s.unstack(a, 0) as [s.Tensor, s.Tensor]))],
  ];
  for (const [name, op] of ops) {
    jitMatchesEager(name, withGrads((a, b) => {
      const y = op(a!, b!);
      return s.sum(s.mul(y, weights([...y.shape])));
    }), (call) => [uniform([2, 3, 4], call, 1), uniform([2, 3, 4], call, 2)]);
  }
  index.dispose();
});

test('jit: cast and oneHot', () => {
  jitMatchesEager('cast', withGrads((x) => s.sum(s.mul(s.cast(s.cast(s.mul(x!, 3), 'int32'), 'float32'), x!))), (call) => [uniform([3, 4], call, 1)]);
  jitMatchesEager('oneHot', (x) => [s.oneHot(s.cast(x!, 'int32'), 5), s.oneHot(s.argmax(x!), 4, 2, -1), s.cast(s.greater(x!, 1), 'float32')], (call) => [uniform([6, 4], call, 2, 0, 5)]);
});

test('jit: softmax, logSoftmax and the cross-entropies, forward and gradients', () => {
  const labels = (call: number): s.Tensor => s.tidy(() => s.cast(uniform([4], call, 9, 0, 5), 'int32'));
  jitMatchesEager('softmax', withGrads((x) => s.sum(s.mul(s.softmax(x!), s.range(0, 5)))), (call) => [uniform([4, 5], call, 1)]);
  jitMatchesEager('logSoftmax', withGrads((x) => s.sum(s.mul(s.logSoftmax(x!, 0), s.range(0, 5)))), (call) => [uniform([4, 5], call, 1)]);
  jitMatchesEager('softmaxCrossEntropy', withGrads((logits, p) => s.sum(s.softmaxCrossEntropy(s.softmax(p!), logits!))), (call) => [uniform([4, 5], call, 1), uniform([4, 5], call, 2)]);
  jitMatchesEager('sparseCategoricalCrossentropy', (logits, ids) => withGrads((z) => s.mean(s.losses.sparseCategoricalCrossentropy(ids!, z!, { fromLogits: true })))(logits!), (call) => [uniform([4, 5], call, 1), labels(call)]);
  jitMatchesEager('categoricalCrossentropy', withGrads((p, t) => s.mean(s.losses.categoricalCrossentropy(s.softmax(t!), s.softmax(p!)))), (call) => [uniform([4, 5], call, 1), uniform([4, 5], call, 2)]);
  jitMatchesEager('binaryCrossentropy', withGrads((z, t) => s.mean(s.losses.binaryCrossentropy(s.sigmoid(t!), z!, { fromLogits: true }))), (call) => [uniform([4, 3], call, 1), uniform([4, 3], call, 2)]);
  jitMatchesEager('meanSquaredError', withGrads((a, b) => s.mean(s.losses.meanSquaredError(a!, b!))), (call) => [uniform([4, 3], call, 1), uniform([4, 3], call, 2)]);
});

test('jit: conv2d (strides, padding, dilations, groups), depthwise, pooling, forward and gradients', () => {
  const convs: [string, number[], number[], s.Conv2DArgs][] = [
    ['conv2d same', [2, 6, 6, 3], [3, 3, 3, 4], { padding: 'same' }],
    ['conv2d strided', [1, 7, 5, 2], [3, 2, 2, 5], { strides: 2 }],
    ['conv2d dilated grouped', [2, 8, 8, 4], [3, 3, 2, 6], { padding: [[1, 0], [2, 1]], dilations: 2, groups: 2 }],
    ['conv2d 3x3 winograd', [2, 8, 8, 8], [3, 3, 8, 8], { padding: 'same' }],
  ];
  for (const [name, xs, fs, args] of convs) {
    jitMatchesEager(name, withGrads((x, f) => s.sum(s.square(s.conv2d(x!, f!, args)))), (call) => [uniform(xs, call, 1), uniform(fs, call, 2)]);
  }
  jitMatchesEager('depthwiseConv2d', withGrads((x, f) => s.sum(s.square(s.depthwiseConv2d(x!, f!, { padding: 'same' })))), (call) => [uniform([2, 5, 5, 3], call, 1), uniform([3, 3, 3, 2], call, 2)]);
  jitMatchesEager('maxPool', withGrads((x) => s.sum(s.mul(s.maxPool(x!, 2, { strides: 1 }), 3))), (call) => [uniform([2, 5, 5, 3], call, 1)]);
  jitMatchesEager('avgPool', withGrads((x) => s.sum(s.square(s.avgPool(x!, 3, { strides: 2, padding: 'same' })))), (call) => [uniform([2, 6, 6, 3], call, 1)]);
});

test('jit: fused matMul and conv2d with bias and activation, forward and gradients', () => {
  for (const activation of ['linear', 'relu', 'sigmoid', 'tanh', 'relu6'] as const) {
    jitMatchesEager(`fused.matMul ${activation}`, withGrads((a, b, bias) => s.sum(s.square(s.fused.matMul({ a: a!, b: b!, bias, activation })))), (call) => [uniform([5, 4], call, 1), uniform([4, 3], call, 2), uniform([3], call, 3)]);
    jitMatchesEager(`fused.conv2d ${activation}`, withGrads((x, filter, bias) => s.sum(s.square(s.fused.conv2d({ x: x!, filter: filter!, bias, activation, pad: 'same' })))), (call) => [uniform([2, 5, 5, 3], call, 1), uniform([3, 3, 3, 4], call, 2), uniform([4], call, 3)]);
  }
});

test('jit: dropout draws a fresh mask at every replay, the one eager draws from the same seeds', () => {
  // A generator as seed (what the Dropout layer passes): each call, eager or replayed, takes its next number.
  const masked = (generator: RandomGenerator): Fn => (x) => withGrads((y) => s.sum(s.square(s.dropout(y!, 0.5, { seed: generator }))))(x!);
  const eagerGen = new RandomGenerator(7);
  const jitGen = new RandomGenerator(7);
  const f = jit(masked(jitGen), { name: 'dropout' });
  for (let call = 0; call < 3; call++) {
    const x = uniform([4, 6], call, 1);
    const eager = s.tidy(() => masked(eagerGen)(x));
    const want = eager.map((t) => ({ shape: t.shape, dtype: t.dtype, values: t.dataSync() }));
    s.dispose(eager);
    const got = s.tidy(() => f(x));
    assertSameTensors(got, want, `dropout, call ${call + 1}`);
    s.dispose([...got, x]);
  }
  f.dispose();
  // The global generator: the same sequence of masks after the same setSeed.
  const unseeded: Fn = (x) => [s.dropout(x!, 0.3), s.randomNormal([3])];
  const draws = (g: Fn): s.TypedArray[] => {
    s.setSeed(11);
    return [0, 1, 2].flatMap((call) => {
      const x = uniform([5, 2], call, 1);
      const out = s.tidy(() => g(x));
      const values = out.map((t) => t.dataSync());
      s.dispose([...out, x]);
      return values;
    });
  };
  const jitted = jit(unseeded, { name: 'unseeded' });
  const want = draws(unseeded);
  const got = draws(jitted);
  got.forEach((v, i) => assertSameBits(v, want[i]!, `unseeded draw ${i}`));
  jitted.dispose();
});

test('jit: defineOp with a kernel, and customGrad, forward and gradients', () => {
  const kernel: s.OpKernel = ([x, y]) => ({ values: x!.values.map((v, i) => v * y!.values[i]! + 1), shape: x!.shape, dtype: x!.dtype });
  const fma = s.defineOp({
    name: 'jitOpsFma',
    forward: (x, y) => s.add(s.mul(x, y), 1),
    gradient: (dy, [x, y]) => [s.mul(dy, y!), s.mul(dy, x!)],
    kernels: { cpu: kernel, wasm: kernel },
  });
  jitMatchesEager('defineOp', withGrads((a, b) => s.sum(s.square(fma(a!, b!)))), (call) => [uniform([3, 4], call, 1), uniform([3, 4], call, 2)]);
  const clipGrad = s.customGrad((x: s.Tensor, save: s.GradSaveFunc) => {
    save([x]);
    return { value: s.tanh(x), gradFunc: (dy: s.Tensor, [sx]: s.Tensor[]) => s.clip(s.mul(dy, s.sub(1, s.square(s.tanh(sx!)))), -0.2, 0.2) };
  });
  jitMatchesEager('customGrad', withGrads((x) => s.sum(s.mul(clipGrad(x!), s.range(0, 4)))), (call) => [uniform([2, 4], call, 1)]);
});

test('jit: reshape views (reshape, expandDims, squeeze, flatten), a view of an input returned, gradients through views', () => {
  jitMatchesEager('views', (x) => [
    s.reshape(x!, [4, 3]), s.flatten(x!),
    ...withGrads((y) => s.sum(s.mul(s.squeeze(s.expandDims(s.reshape(s.exp(y!), [2, 6]), 1)), s.reshape(y!, [2, 6]))))(x!),
    s.matMul(s.reshape(x!, [6, 2]), s.reshape(x!, [2, 6])),
  ], (call) => [uniform([3, 4], call, 1)]);
});

/** Runs 3 steps of `optimizer` on a small regression, eager or jitted, from the same start; returns the variables' values and the iteration count. */
function optimizerSteps(makeOptimizer: () => s.Optimizer, jitted: boolean): { values: s.TypedArray[]; iterations: number } {
  const w = s.variable(s.reshape(s.range(-1, 1, 1 / 6), [4, 3]), { name: 'w' });
  const b = s.variable(s.tensor([0.1, -0.2, 0.3]), { name: 'b' });
  const optimizer = makeOptimizer();
  const step = (x: s.Tensor, y: s.Tensor): s.Tensor => {
    const { value, grads } = s.variableGrads(() => s.mean(s.square(s.sub(s.add(s.matMul(x, w), b), y))), [w, b]);
    optimizer.applyGradients([[grads[0]!, w], [grads[1]!, b]]);
    return value;
  };
  const compiled = jitted ? jit(step, { name: 'step' }) : undefined;
  const run = compiled ?? step;
  for (let call = 0; call < 3; call++) {
    const [x, y] = [uniform([5, 4], call, 1), uniform([5, 3], call, 2)];
    s.tidy(() => run(x, y));
    s.dispose([x, y]);
  }
  const result = { values: [w.dataSync(), b.dataSync()], iterations: optimizer.iterations };
  compiled?.dispose();
  optimizer.dispose();
  s.dispose([w, b]);
  return result;
}

/** 3 steps jitted leave the variables (and, when `countsSteps`, the iteration count) as 3 eager steps do. */
function assertSameSteps(name: string, make: () => s.Optimizer, countsSteps: boolean): void {
  const eager = optimizerSteps(make, false);
  const jitted = optimizerSteps(make, true);
  jitted.values.forEach((v, i) => assertSameBits(v, eager.values[i]!, `${name}: variable ${i} after 3 steps`));
  if (countsSteps) assert.equal(jitted.iterations, eager.iterations, `${name}: iterations`);
}

test('jit: optimizer updates on variables (SGD with momentum, RMSprop, Adagrad) equal eager after 3 steps', () => {
  const optimizers: [string, () => s.Optimizer][] = [
    ['SGD momentum', () => new s.SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true })],
    ['RMSprop', () => new s.RMSprop({ learningRate: 0.01, momentum: 0.5, centered: true })],
    ['Adagrad', () => new s.Adagrad({ learningRate: 0.1 })],
  ];
  for (const [name, make] of optimizers) assertSameSteps(name, make, false);
});

// Adam's rule changes with the step (bias correction) and every optimizer counts its iterations in JavaScript:
// a replay keeps both only once the optimizers compute the rule as a dynamic argument and count in an effect.
test('jit: Adam equals eager after 3 steps, and every optimizer counts the replayed steps', () => {
  assertSameSteps('Adam', () => new s.Adam({ learningRate: 0.05 }), true);
  assertSameSteps('SGD', () => new s.SGD({ learningRate: 0.1, momentum: 0.9 }), true);
});
