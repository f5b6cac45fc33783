import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ShapeError, avgPool3d, conv3d, maxPool3d, tensor, tidy, type Tensor } from '../../src/index.js';
import { assertClose, checkGrad } from '../helpers/grad-check.js';

/** Value i is sin(a·i + b) rounded to 3 decimals, as the Keras goldens below were made. */
function seq(shape: number[], a: number, b: number): Tensor {
  const n = shape.reduce((p, q) => p * q, 1);
  return tensor(Float64Array.from({ length: n }, (_, i) => Math.round(Math.sin(a * i + b) * 1000) / 1000), shape, 'float64');
}
const volume = (shape: number[]): Tensor => seq(shape, 0.37, 0.1);

test("conv3d equals Keras 3's conv: same padding, stride 2 over depth", () => tidy(() => {
  const y = conv3d(volume([1, 3, 3, 2, 2]), seq([2, 2, 2, 2, 1], 0.61, 0.5), { strides: [2, 1, 1], padding: 'same' });
  assert.deepEqual(y.shape, [1, 2, 3, 2, 1]);
  assertClose(y.dataSync(), [0.797569, 3.088614, 6.732233, 1.917806, -1.595072, -1.997426, 1.428937, -0.554541, -3.449222, -1.383586, -0.059396, 0.470767], 1e-6);
}));

test('maxPool3d and avgPool3d equal Keras with same padding (the average over the elements inside only)', () => tidy(() => {
  const x = volume([1, 3, 3, 2, 1]);
  const max = maxPool3d(x, 2, { strides: [2, 2, 1], padding: 'same' });
  assert.deepEqual(max.shape, [1, 2, 2, 2, 1]);
  assertClose(max.dataSync(), [0.936, 0.936, 1, 0.929, -0.592, -0.592, 0.107, 0.107], 1e-9);
  assertClose(avgPool3d(x, 2, { strides: [2, 2, 1], padding: 'same' }).dataSync(), [0.4, 0.38525, 0.11525, 0.0365, -0.85025, -0.7865, -0.0765, 0.107], 1e-9);
}));

test('conv3d (groups, dilation) and 3-D pooling gradients match finite differences', () => {
  checkGrad('conv3d valid s2', (x, f) => conv3d(x, f, { strides: 2 }), [{ shape: [2, 5, 4, 4, 2] }, { shape: [3, 2, 2, 2, 3] }]);
  checkGrad('conv3d same groups dilation', (x, f) => conv3d(x, f, { padding: 'same', groups: 2, dilations: [2, 1, 1] }), [{ shape: [1, 4, 3, 3, 4] }, { shape: [2, 2, 2, 2, 2] }]);
  checkGrad('maxPool3d', (x) => maxPool3d(x, [2, 2, 2], { strides: 1 }), [{ shape: [1, 3, 3, 3, 2] }]);
  checkGrad('avgPool3d same', (x) => avgPool3d(x, [2, 3, 2], { padding: 'same' }), [{ shape: [2, 3, 4, 3, 2] }]);
});

test('conv3d and pooling errors name the op and the expected layout', () => tidy(() => {
  assert.throws(() => conv3d(volume([1, 4, 4, 4]), volume([2, 2, 2, 1, 1])), (e: Error) => e instanceof ShapeError && /\[batch, depth, height, width, channels\]/.test(e.message));
  assert.throws(() => conv3d(volume([1, 4, 4, 4, 3]), volume([2, 2, 2, 2, 1])), (e: Error) => e instanceof ShapeError && /expects 2/.test(e.message));
  assert.throws(() => maxPool3d(volume([1, 4, 4, 3]), 2), (e: Error) => e instanceof ShapeError && /maxPool3d/.test(e.message));
}));
