import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ShapeError, ValueError, conv1dTranspose, conv2d, conv2dTranspose, mul, sum, tensor, tidy, type Tensor } from '../../src/index.js';
import { convTransposeAxis } from '../../src/ops/conv.js';
import { assertClose, checkGrad, checkSecondOrder } from '../helpers/grad-check.js';

/** Value i is sin(a·i + b) rounded to 3 decimals, as the Keras goldens below were made. */
function seq(shape: number[], a: number, b: number): Tensor {
  const n = shape.reduce((p, q) => p * q, 1);
  return tensor(Float64Array.from({ length: n }, (_, i) => Math.round(Math.sin(a * i + b) * 1000) / 1000), shape, 'float64');
}
const image = (shape: number[]): Tensor => seq(shape, 0.37, 0.1);
const kernel = (shape: number[]): Tensor => seq(shape, 0.61, 0.5);

test("conv2dTranspose equals Keras 3's conv_transpose: same with stride 2 and outputPadding, valid with strides [2, 1]", () => tidy(() => {
  const a = conv2dTranspose(image([1, 3, 2, 2]), kernel([3, 3, 1, 2]), { strides: 2, padding: 'same', outputPadding: [1, 0] });
  assert.deepEqual(a.shape, [1, 6, 3, 1]);
  assertClose(a.dataSync(), [
    0.427325, 1.035670, 1.415405, -0.209417, -1.174523, -0.855329, 1.599006, 1.578554, 1.110695,
    -1.053481, -0.002860, -0.700624, 0.043031, -1.496472, -1.048596, 0.017706, 1.173484, 0.727804,
  ], 1e-6, 'same');
  const b = conv2dTranspose(image([1, 2, 3, 2]), kernel([2, 2, 2, 2]), { strides: [2, 1] });
  assert.deepEqual(b.shape, [1, 4, 4, 2]);
  assertClose(b.dataSync(), [
    0.453788, 0.427325, 1.035670, 0.878211, 1.088792, 0.094402, -0.168813, -1.778142, -0.209417, 0.393600, -0.375362, 0.917721,
    0.476078, 1.125847, 1.778431, 0.167833, 0.741284, 1.040048, -0.241878, -1.182862, -0.930976, -1.012218, 0.217432, 1.375100,
    -0.700624, 0.577184, 1.114778, -0.024344, 0.571446, -0.781662, -1.329572, -0.038612,
  ], 1e-6, 'valid');
}));

test("conv1dTranspose equals Keras: a stride longer than the kernel leaves zeros between the input's steps", () => tidy(() => {
  const y = conv1dTranspose(image([1, 3, 2]), kernel([2, 1, 2]), { stride: 3, padding: 'same' });
  assert.deepEqual(y.shape, [1, 9, 1]);
  assertClose(y.dataSync(), [0.453788, 0.427325, 0, 1.195511, 1.415405, 0, 1.311384, 1.662525, 0], 1e-6);
}));

test("output sizes follow Keras: valid (in - 1)·s + max(k, s), same in·s, outputPadding from Keras's base size", () => {
  assert.equal(convTransposeAxis(7, 3, 2, 1, 'same', null).length, 14);
  assert.equal(convTransposeAxis(7, 3, 2, 1, 'valid', null).length, 15);
  assert.equal(convTransposeAxis(7, 1, 3, 1, 'valid', null).length, 21);
  assert.equal(convTransposeAxis(7, 3, 2, 1, 'valid', 1).length, 16);
  assert.equal(convTransposeAxis(7, 3, 2, 1, 'same', 0).length, 13);
  assert.equal(convTransposeAxis(5, 3, 1, 2, 'valid', null).length, 9);
});

test('conv2dTranspose is the adjoint of conv2d: <conv2d(a, f), b> = <a, conv2dTranspose(b, f)>', () => tidy(() => {
  const f = kernel([3, 2, 2, 3]);
  const a = image([2, 7, 7, 2]);
  const y = conv2d(a, f, { strides: 2 });
  const b = seq(y.shape as number[], 0.23, 0.7);
  const t = conv2dTranspose(b, f, { strides: 2, outputPadding: [0, 1] });
  assert.deepEqual(t.shape, a.shape);
  assertClose(sum(mul(t, a)).dataSync(), sum(mul(y, b)).dataSync(), 1e-9);
}));

test('conv2dTranspose and conv1dTranspose gradients (x and filter) and second order match finite differences', () => {
  checkGrad('conv2dTranspose same s2', (x, f) => conv2dTranspose(x, f, { strides: 2, padding: 'same' }), [{ shape: [2, 3, 2, 2] }, { shape: [3, 3, 3, 2] }]);
  checkGrad('conv2dTranspose valid op dilation', (x, f) => conv2dTranspose(x, f, { strides: [3, 2], outputPadding: [2, 1], dilations: [1, 2] }), [{ shape: [1, 2, 3, 2] }, { shape: [2, 2, 2, 2] }]);
  checkGrad('conv1dTranspose', (x, f) => conv1dTranspose(x, f, { stride: 2, padding: 'same', outputPadding: 1 }), [{ shape: [2, 4, 3] }, { shape: [3, 2, 3] }]);
  checkSecondOrder('conv2dTranspose', (x, f) => conv2dTranspose(x, f, { strides: 2 }), [{ shape: [1, 2, 2, 2] }, { shape: [2, 2, 1, 2] }]);
});

test('conv2dTranspose errors: wrong filter channels, causal padding, outputPadding not below the stride', () => tidy(() => {
  assert.throws(() => conv2dTranspose(image([1, 3, 3, 2]), kernel([3, 3, 2, 4])), (e: Error) => e instanceof ShapeError && /\[filterHeight, filterWidth, outChannels, 2 \(the input channels\)\]/.test(e.message));
  assert.throws(() => conv2dTranspose(image([1, 3, 3, 2]), kernel([3, 3, 1, 2]), { padding: 'causal' as 'same' }), ValueError);
  assert.throws(() => conv2dTranspose(image([1, 3, 3, 2]), kernel([3, 3, 1, 2]), { strides: 2, outputPadding: 2 }), (e: Error) => e instanceof ValueError && /below its stride/.test(e.message));
}));
