import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ShapeError, avgPool, grad, maxPool, square, sum, tensor, tidy, type Tensor } from '../../src/index.js';
import { assertClose, checkGrad, checkSecondOrder } from '../helpers/grad-check.js';

/** The inputs of test/fixtures/conv_pool_fixtures.py: value i is sin(0.53·i + 0.2) rounded to 3 decimals. */
function seq(shape: number[]): Tensor {
  const n = shape.reduce((p, q) => p * q, 1);
  return tensor(Float64Array.from({ length: n }, (_, i) => Math.round(Math.sin(0.53 * i + 0.2) * 1000) / 1000), shape, 'float64');
}

test('pooling by hand: 2×2 max and average over a 4×4 image', () => tidy(() => {
  const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [1, 4, 4, 1]);
  assert.deepEqual(maxPool(x, 2).dataSync(), Float32Array.from([6, 8, 14, 16]));
  assert.deepEqual(avgPool(x, 2).dataSync(), Float32Array.from([3.5, 5.5, 11.5, 13.5]));
  // Overlapping 3×3 windows with stride 1; 'same' averages only the elements inside the image.
  assert.deepEqual(maxPool(x, 3, { strides: 1 }).dataSync(), Float32Array.from([11, 12, 15, 16]));
  assert.deepEqual(avgPool(x, 3, { strides: 1, padding: 'same' }).dataSync().slice(0, 2), Float32Array.from([(1 + 2 + 5 + 6) / 4, (1 + 2 + 3 + 5 + 6 + 7) / 6]));
  // Max pooling of negative values: padding never wins.
  assert.deepEqual(maxPool(tensor([-5, -3, -4, -2], [1, 2, 2, 1]), 3, { strides: 2, padding: 'same' }).dataSync(), Float32Array.from([-2]));
}));

test('pooling forward equals PyTorch: same padding with stride 2 on odd sizes, overlapping valid windows', () => tidy(() => {
  const x = seq([1, 5, 5, 2]);
  const mx = maxPool(x, 2, { padding: 'same' });
  assert.deepEqual(mx.shape, [1, 3, 3, 2]);
  assertClose(mx.dataSync(), [0.952, 0.976, 0.973, 0.957, -0.31, -0.748, -0.382, -0.175, 0.988, 0.931, 0.997, 0.901, 0.557, 0.061, -0.525, -0.023, 0.486, 0.861], 1e-12, 'max');
  assertClose(avgPool(x, 2, { padding: 'same' }).dataSync(), [
    0.1795, 0.52875, 0.53675, 0.1905, -0.6365, -0.8575, -0.75125, -0.7085, 0.2905, 0.606, 0.808, 0.5195, 0.0525, -0.39, -0.762, -0.453, 0.486, 0.861,
  ], 1e-12, 'avg');
  assertClose(avgPool(seq([2, 4, 3, 1]), 3, { strides: 1 }).dataSync(), [0.213222, -0.202444, 0.197444, -0.217778], 1e-6, 'avg 3×3 stride 1');
}));

/** Pooling geometries the gradient checks cover: valid/same, strides 1 and 2, overlapping windows, odd sizes, batch 2, several channels. */
const geometries: [string, number[], number | [number, number], Parameters<typeof maxPool>[2]][] = [
  ['2×2', [2, 4, 6, 3], 2, {}],
  ['same s2 odd', [2, 5, 5, 2], 2, { padding: 'same' }],
  ['3×3 s1 overlapping', [1, 5, 4, 2], 3, { strides: 1 }],
  ['3×2 same s1', [2, 3, 5, 1], [3, 2], { strides: 1, padding: 'same' }],
  ['3×3 same s2', [1, 7, 6, 2], 3, { strides: 2, padding: 'same' }],
];

test('pooling gradients by finite differences: valid/same, strides 1 and 2, odd sizes, batch 2, several channels', () => {
  for (const [name, shape, size, args] of geometries) {
    checkGrad(`maxPool ${name}`, (x) => maxPool(x, size, args), [{ shape }]);
    checkGrad(`avgPool ${name}`, (x) => avgPool(x, size, args), [{ shape }]);
  }
});

test('max pooling sends the gradient to the first maximum of a window on ties', () => tidy(() => {
  const dx = grad((x) => sum(maxPool(x, 2)))(tensor([1, 3, 3, 3, 2, 2, 2, 2], [1, 2, 4, 1]));
  assert.deepEqual(dx.dataSync(), Float32Array.from([0, 1, 1, 0, 0, 0, 0, 0]));
}));

test('pooling errors: rank 3 input, window larger than the input', () => {
  assert.throws(() => maxPool(tensor(new Float32Array(8), [2, 2, 2]), 2), (e: unknown) => e instanceof ShapeError && /maxPool: x must be \[batch, height, width, channels\]/.test(e.message) && /reshape\(x, \[2, 2, 2, 1\]\)/.test(e.message));
  assert.throws(() => avgPool(tensor(new Float32Array(4), [1, 2, 2, 1]), 3), /avgPool: the 3×3 pool window is larger than the 2×2 input with padding 'valid'/);
});

test('second derivatives of pooling match finite differences: valid/same, strides 1 and 2, overlapping windows', () => {
  for (const [name, shape, size, args] of geometries) {
    checkSecondOrder(`maxPool ${name}`, (x) => maxPool(x, size, args), [{ shape }]);
    checkSecondOrder(`avgPool ${name}`, (x) => avgPool(x, size, args), [{ shape }]);
  }
});

test('the second derivative of max pooling follows the first maximum of each window, on ties too', () => tidy(() => {
  // f = Σ_windows m², m a window's first maximum, so Σ ∂f/∂x = Σ_windows 2m, whose gradient is 2 per window
  // at the element it chose.
  const x = tensor([1, 3, 2, 5, 4, 0, 7, 6, 8], [1, 3, 3, 1]);
  const d2 = grad((t) => sum(grad((u) => sum(square(maxPool(u, 2, { strides: 1 }))))(t)))(x);
  // The overlapping windows choose 5, 4, 7 and 8 (positions 3, 4, 6, 8).
  assert.deepEqual(d2.dataSync(), Float32Array.from([0, 0, 0, 2, 2, 0, 2, 0, 2]));
  // On ties the first in row-major order wins, as in maxPool's gradient.
  const tied = grad((t) => sum(grad((u) => sum(square(maxPool(u, 2))))(t)))(tensor([3, 3, 3, 3, 1, 1, 1, 1], [1, 2, 4, 1]));
  assert.deepEqual(tied.dataSync(), Float32Array.from([2, 0, 2, 0, 0, 0, 0, 0]));
}));
