/** customGrad: the value is f's, the gradient is gradFunc's (differentiable again), and misuse is named. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as s from '../../src/index.js';
import { assertClose, checkGrad, checkSecondOrder } from '../helpers/grad-check.js';

/** softplus log(1 + e^x) with its gradient sigmoid(x) given by hand, from a saved intermediate. */
const softplus = s.customGrad((x: s.Tensor, save: s.GradSaveFunc) => {
  const e = s.exp(x);
  save([e]);
  return { value: s.log1p(e), gradFunc: (dy, [saved]) => s.mul(dy, s.div(saved!, s.add(saved!, 1))) };
});

test('straight-through rounding: the value is rounded, the gradient is the identity', () => {
  const roundST = s.customGrad((x: s.Tensor) => ({ value: s.round(x), gradFunc: (dy) => dy }));
  const x = s.tensor([0.4, 1.6, -2.3]);
  assert.deepEqual(roundST(x).arraySync(), [0, 2, -2]);
  assert.deepEqual(s.grad((t) => s.sum(s.mul(roundST(t), 3)))(x).arraySync(), [3, 3, 3]);
  // round's own gradient is 0: the custom one replaced it.
  assert.deepEqual(s.grad((t) => s.sum(s.mul(s.round(t), 3)))(x).arraySync(), [0, 0, 0]);
});

test('a clipped gradient: identity forward, dy clipped to [-1, 1] backward, with two inputs', () => {
  const clipped = s.customGrad((a: s.Tensor, b: s.Tensor) => ({
    value: s.add(a, b),
    gradFunc: (dy) => [s.clip(dy, -1, 1), s.zerosLike(dy)],
  }));
  const [da, db] = s.grads((a, b) => s.sum(s.mul(clipped(a!, b!), s.tensor([5, -0.5, -3]))))([s.tensor([1, 2, 3]), s.tensor([1, 1, 1])]);
  assert.deepEqual(da!.arraySync(), [1, -0.5, -1]);
  assert.deepEqual(db!.arraySync(), [0, 0, 0]);
});

test('a hand-written gradient from saved intermediates matches finite differences, to second order', () => {
  checkGrad('customGrad softplus', (x) => softplus(x), [{ shape: [3, 4], range: [-4, 4] }]);
  checkSecondOrder('customGrad softplus', (x) => softplus(x), [{ shape: [3, 4], range: [-4, 4] }]);
  // d²/dx² softplus = sigmoid'(x) = σ(x)(1 - σ(x))
  const x = [-1, 0, 2];
  const d2 = s.grad((t) => s.sum(s.grad((u) => s.sum(softplus(u)))(t)))(s.tensor(x, [3], 'float64'));
  assertClose(d2.dataSync(), x.map((v) => { const sg = 1 / (1 + Math.exp(-v)); return sg * (1 - sg); }), 1e-12);
});

test('customGrad leaks nothing, with or without a gradient taken', () => {
  const before = s.memory().numTensors;
  const x = s.tensor([0.5, -1]);
  const y = softplus(x);
  y.dispose();
  s.grad((t) => s.sum(softplus(t)))(x).dispose();
  x.dispose();
  assert.equal(s.memory().numTensors, before);
});

test('customGrad names wrong gradient counts and shapes and a malformed result', () => {
  const x = s.tensor([1, 2]);
  const twoGrads = s.customGrad((t: s.Tensor) => ({ value: s.square(t), gradFunc: (dy) => [dy, dy] }));
  assert.throws(() => s.grad((t) => s.sum(twoGrads(t)))(x), (e: unknown) => e instanceof s.ValueError && /^customGrad: the gradient function returned 2 gradients for 1 inputs/.test((e as Error).message));
  const badShape = s.customGrad((t: s.Tensor) => ({ value: s.square(t), gradFunc: (dy) => s.sum(dy) }));
  assert.throws(() => s.grad((t) => s.sum(badShape(t)))(x), (e: unknown) => e instanceof s.ShapeError && /^customGrad: gradient 0 has shape \[\] but input 0 has shape \[2\]/.test((e as Error).message));
  const noGradFunc = s.customGrad((t: s.Tensor) => ({ value: t }) as unknown as s.CustomGradientResult);
  assert.throws(() => noGradFunc(x), (e: unknown) => e instanceof s.ValueError && /customGrad: the function must return \{ value: Tensor, gradFunc/.test((e as Error).message));
  assert.throws(() => twoGrads(3 as unknown as s.Tensor), /customGrad: input 0 is not a Tensor/);
  x.dispose();
});
