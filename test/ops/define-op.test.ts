/** defineOp: kernels agree with the forward composite on every backend, gradients match finite differences, misuse is named. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as s from '../../src/index.js';
import { assertClose, checkGrad, checkSecondOrder } from '../helpers/grad-check.js';

/** log(1 + e^x) elementwise on the typed array, in the input's own array type. */
const softplusKernel: s.OpKernel = ([x]) => {
  const out = x!.values.slice();
  for (let i = 0; i < out.length; i++) out[i] = Math.log1p(Math.exp(x!.values[i]!));
  return { values: out, shape: x!.shape, dtype: x!.dtype };
};
const forward = (x: s.Tensor): s.Tensor => s.log1p(s.exp(x));

// One op with a kernel on every backend and forward's own gradient; one with no kernel and a hand-written gradient.
const kernelSoftplus = s.defineOp({ name: 'kernelSoftplus', forward, kernels: { cpu: softplusKernel, wasm: softplusKernel } });
const composedSoftplus = s.defineOp({ name: 'composedSoftplus', forward, gradient: (dy, [x]) => s.mul(dy, s.sigmoid(x!)) });
/** x · y with a kernel and a gradient given: [y · dy, x · dy]. */
const product = s.defineOp({
  name: 'product',
  forward: (x, y) => s.mul(x, y),
  gradient: (dy, [x, y]) => [s.mul(dy, y!), s.mul(dy, x!)],
  kernels: {
    [s.getBackend().name]: ([x, y]) => ({ values: x!.values.map((v, i) => v * y!.values[i]!), shape: x!.shape, dtype: x!.dtype }),
  },
});

test(`defined ops' kernels give the forward composite's values on the ${s.getBackend().name} backend`, () => s.tidy(() => {
  const x = s.randomNormal([3, 4], 0, 3, { seed: 2 });
  assertClose(kernelSoftplus(x).dataSync(), forward(x).dataSync(), 1e-6, 'kernelSoftplus');
  assertClose(composedSoftplus(x).dataSync(), forward(x).dataSync(), 1e-6, 'composedSoftplus');
  const y = s.randomNormal([3, 4], 0, 1, { seed: 3 });
  assertClose(product(x, y).dataSync(), s.mul(x, y).dataSync(), 1e-6, 'product');
  assert.equal(kernelSoftplus(s.cast(x, 'float64')).dtype, 'float64');
}));

test('defined ops\' gradients match finite differences, to second order', () => {
  for (const [name, op] of [['kernelSoftplus', kernelSoftplus], ['composedSoftplus', composedSoftplus]] as const) {
    checkGrad(name, (x) => op(x), [{ shape: [2, 3], range: [-4, 4] }]);
    checkSecondOrder(name, (x) => op(x), [{ shape: [2, 3], range: [-4, 4] }]);
  }
  checkGrad('product', (x, y) => product(x!, y!), [{ shape: [2, 3] }, { shape: [2, 3] }]);
  checkSecondOrder('product', (x, y) => product(x!, y!), [{ shape: [2, 3] }, { shape: [2, 3] }]);
});

test('defineOp refuses a duplicate name, malformed kernel outputs and wrong gradient counts, naming the op', () => {
  assert.throws(() => s.defineOp({ name: 'product', forward: (x) => x }), (e: unknown) => e instanceof s.ValueError && /^defineOp: an op named 'product' is already defined/.test((e as Error).message));
  assert.throws(() => s.defineOp({ name: '', forward: (x) => x }), /defineOp: the definition needs a name/);
  const backend = s.getBackend().name;
  const short = s.defineOp({ name: 'short', forward: (x) => x, kernels: { [backend]: ([x]) => ({ ...x!, values: x!.values.slice(1) }) } });
  const x = s.tensor([1, 2, 3]);
  assert.throws(() => short(x), (e: unknown) => e instanceof s.ShapeError && new RegExp(`^short: the ${backend} kernel returned 2 values for shape \\[3\\] \\(3 elements\\)`).test((e as Error).message));
  const wrongArray = s.defineOp({ name: 'wrongArray', forward: (t) => t, kernels: { [backend]: ([t]) => ({ ...t!, values: Float64Array.from(t!.values) }) } });
  assert.throws(() => wrongArray(x), (e: unknown) => e instanceof s.DTypeError && /^wrongArray: the \w+ kernel returned a Float64Array for dtype float32; use a Float32Array/.test((e as Error).message));
  const twoGrads = s.defineOp({ name: 'twoGrads', forward: (t) => s.square(t), gradient: (dy) => [dy, dy] });
  assert.throws(() => s.grad((t) => s.sum(twoGrads(t)))(x), (e: unknown) => e instanceof s.ValueError && /^twoGrads: the gradient function returned 2 gradients for 1 inputs/.test((e as Error).message));
  x.dispose();
});

test('defined ops leak nothing', () => {
  const before = s.memory().numTensors;
  const x = s.tensor([0.5, -1]);
  for (const op of [kernelSoftplus, composedSoftplus]) {
    op(x).dispose();
    s.grad((t) => s.sum(op(t)))(x).dispose();
  }
  x.dispose();
  assert.equal(s.memory().numTensors, before);
});
