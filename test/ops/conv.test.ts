import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ShapeError, ValueError, conv1d, conv2d, depthwiseConv2d, memory, tensor, tidy, type Tensor } from '../../src/index.js';
import { assertClose, checkGrad, checkSecondOrder } from '../helpers/grad-check.js';

/** The inputs of test/fixtures/conv_pool_fixtures.py: value i is sin(a·i + b) rounded to 3 decimals. */
function seq(shape: number[], a: number, b: number): Tensor {
  const n = shape.reduce((p, q) => p * q, 1);
  return tensor(Float64Array.from({ length: n }, (_, i) => Math.round(Math.sin(a * i + b) * 1000) / 1000), shape, 'float64');
}
const image = (shape: number[]): Tensor => seq(shape, 0.37, 0.1);
const kernel = (shape: number[]): Tensor => seq(shape, 0.61, 0.5);

test('conv2d by hand: a 2×2 filter over a 3×3 image, valid and same', () => tidy(() => {
  const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
  const f = tensor([1, 0, 0, -1], [2, 2, 1, 1]); // y = x[i, j] - x[i+1, j+1]
  assert.deepEqual(conv2d(x, f).arraySync(), [[[[-4], [-4]], [[-4], [-4]]]]);
  // 'same' pads one row and column after (the odd padding goes at the end): the last row and column see zeros.
  assert.deepEqual(conv2d(x, f, { padding: 'same' }).dataSync(), Float32Array.from([-4, -4, 3, -4, -4, 6, 7, 8, 9]));
}));

test('conv2d forward equals PyTorch: valid, same with stride 2, dilation 2, groups', () => tidy(() => {
  assertClose(conv2d(image([2, 5, 4, 3]), kernel([3, 3, 3, 2])).dataSync(), [
    0.912895, -0.164210, 2.170043, 2.309432, -2.140910, -2.515527, -0.637361, -1.899942, 0.236919, 1.516341, -1.824774, -1.284949,
    -1.303509, -0.392648, -2.132353, -2.532267, 2.021739, 2.642956, 0.193273, 1.471123, 0.216214, -1.028717, 2.028054, 1.740987,
  ], 1e-6, 'valid');
  const same = conv2d(image([2, 5, 4, 3]), kernel([3, 3, 3, 2]), { strides: 2, padding: 'same' });
  assert.deepEqual(same.shape, [2, 3, 2, 2]);
  assertClose(same.dataSync(), [
    0.925101, 1.424502, 0.732759, 1.263721, -2.140910, -2.515527, -1.499956, -1.625805, 1.665448, 1.362623, 1.090876, 1.086315,
    -0.694599, -1.363601, -0.448568, -1.058886, 2.021739, 2.642956, 1.058470, 1.426227, -1.648123, -1.511063, -0.963484, -1.150329,
  ], 1e-6, 'same, stride 2');
  assertClose(conv2d(image([1, 5, 5, 2]), kernel([2, 2, 2, 1]), { dilations: 2, padding: 'same' }).dataSync(), [
    1.817273, 1.525641, 0.306931, -1.071687, -0.094479, -0.099165, 1.466133, 2.995150, 2.958695, 0.928033, -0.933212, -2.745604, -3.126492,
    -1.872410, -0.251048, 1.682152, 3.192666, 2.308208, 0.217065, -0.501355, -0.763704, -0.772699, 0.918928, 2.129667, 1.203406,
  ], 1e-6, 'dilation 2');
  assertClose(conv2d(image([1, 3, 3, 4]), kernel([3, 3, 2, 2]), { padding: 'same', groups: 2 }).dataSync(), [
    1.388867, 0.486090, 0.294433, 0.009750, 0.387334, 0.603511, -1.071538, -0.207601, -0.056330, 0.967199, 0.564344, 2.054303,
    -0.587392, 0.524968, -0.367942, -0.043136, -1.251991, -1.099469,
  ], 1e-6, 'groups 2');
}));

test('conv2d gradients by finite differences: valid/same, strides 1 and 2, dilation 2, odd sizes, batch 2, several channels, groups', () => {
  const cases: [string, number[], number[], Parameters<typeof conv2d>[2]][] = [
    ['valid s1', [2, 5, 4, 3], [3, 3, 3, 2], {}],
    ['same s1', [2, 5, 5, 2], [3, 3, 2, 3], { padding: 'same' }],
    ['same s2 odd', [2, 5, 7, 2], [3, 2, 2, 2], { padding: 'same', strides: 2 }],
    ['valid s2', [1, 7, 6, 2], [3, 3, 2, 2], { strides: [2, 1] }],
    ['same d2', [2, 6, 5, 2], [3, 2, 2, 2], { padding: 'same', dilations: 2 }],
    ['valid d2 s2', [1, 7, 7, 1], [2, 3, 1, 2], { dilations: [2, 1], strides: 2 }],
    ['groups 2', [1, 4, 4, 4], [2, 2, 2, 4], { padding: 'same', groups: 2 }],
    ['explicit padding', [1, 3, 4, 2], [2, 2, 2, 1], { padding: [[1, 0], [2, 1]] }],
  ];
  for (const [name, xShape, fShape, args] of cases) {
    checkGrad(`conv2d ${name}`, (x, f) => conv2d(x, f, args), [{ shape: xShape }, { shape: fShape }]);
  }
});

test('conv1d: causal padding sees only the past; gradients by finite differences', () => {
  tidy(() => {
    const x = tensor([1, 2, 3, 4], [1, 4, 1]);
    const f = tensor([10, 1], [2, 1, 1]); // y[t] = 10 x[t-1] + x[t]
    assert.deepEqual(conv1d(x, f, { padding: 'causal' }).dataSync(), Float32Array.from([1, 12, 23, 34]));
    assert.deepEqual(conv1d(x, f, { padding: 'causal', dilation: 2 }).dataSync(), Float32Array.from([1, 2, 13, 24]));
    assert.deepEqual(conv1d(x, f).shape, [1, 3, 1]);
    assert.deepEqual(conv1d(x, f, { stride: 2, padding: 'same' }).dataSync(), Float32Array.from([12, 34]));
  });
  checkGrad('conv1d causal', (x, f) => conv1d(x, f, { padding: 'causal', dilation: 2 }), [{ shape: [2, 7, 3] }, { shape: [3, 3, 2] }]);
  checkGrad('conv1d same s2', (x, f) => conv1d(x, f, { padding: 'same', stride: 2 }), [{ shape: [2, 6, 2] }, { shape: [3, 2, 3] }]);
});

test('depthwiseConv2d: each channel with its own filters; equals per-channel conv2d; gradients', () => {
  tidy(() => {
    const x = image([1, 4, 4, 2]);
    const f = kernel([3, 3, 2, 2]);
    const y = depthwiseConv2d(x, f, { padding: 'same' });
    assert.deepEqual(y.shape, [1, 4, 4, 4]);
    // Output channel c·2 + m is input channel c convolved with filter [:, :, c, m].
    const single = (c: number, m: number): Float64Array => {
      const xc = tensor(Float64Array.from(x.dataSync()).filter((_, i) => i % 2 === c), [1, 4, 4, 1], 'float64');
      const fcm = tensor(Float64Array.from(f.dataSync()).filter((_, i) => i % 4 === c * 2 + m), [3, 3, 1, 1], 'float64');
      return conv2d(xc, fcm, { padding: 'same' }).dataSync() as Float64Array;
    };
    const out = y.dataSync();
    for (let c = 0; c < 2; c++) for (let m = 0; m < 2; m++) assertClose(out.filter((_, i) => i % 4 === c * 2 + m), single(c, m), 1e-12, `channel ${c} multiplier ${m}`);
  });
  checkGrad('depthwiseConv2d', (x, f) => depthwiseConv2d(x, f, { padding: 'same', strides: 2 }), [{ shape: [2, 5, 5, 3] }, { shape: [3, 3, 3, 2] }]);
});

test('conv2d errors: missing channel axis, channel mismatch, window larger than input', () => {
  const before = memory().numTensors;
  tidy(() => {
    assert.throws(() => conv2d(tensor(new Float32Array(2 * 28 * 28), [2, 28, 28]), tensor(new Float32Array(9), [3, 3, 1, 1])),
      (e: unknown) => e instanceof ShapeError && /conv2d: x must be \[batch, height, width, channels\] \(rank 4, channels last\), got shape \[2,28,28\]/.test(e.message) && /reshape\(x, \[2, 28, 28, 1\]\)/.test(e.message));
    assert.throws(() => conv2d(tensor(new Float32Array(2 * 5 * 5 * 3), [2, 5, 5, 3]), tensor(new Float32Array(36), [3, 3, 2, 2])),
      (e: unknown) => e instanceof ShapeError && /x has 3 channels .* the filter \[3,3,2,2\] expects 2/.test(e.message));
    assert.throws(() => conv2d(tensor(new Float32Array(2 * 2 * 2), [1, 2, 2, 2]), tensor(new Float32Array(18), [3, 3, 2, 1])),
      (e: unknown) => e instanceof ShapeError && /the 3×3 kernel is larger than the 2×2 input with padding 'valid'/.test(e.message) && /padding 'same'/.test(e.message));
    assert.throws(() => conv2d(tensor(new Float32Array(16), [1, 4, 4, 1]), tensor(new Float32Array(4), [2, 2, 1, 1]), { dilations: 4 }),
      /the 2×2 kernel \(5×5 once dilated\) is larger than the 4×4 input/);
    assert.throws(() => conv2d(tensor(new Float32Array(16), [1, 4, 4, 1]), tensor(new Float32Array(4), [2, 2, 1, 1]), { strides: 0 }),
      (e: unknown) => e instanceof ValueError && /strides must be a positive integer or a pair of them, got 0/.test(e.message));
  });
  assert.equal(memory().numTensors, before);
});

test('second derivatives of conv2d (strides, padding, dilation, groups), conv1d and depthwiseConv2d match finite differences', () => {
  const cases: [string, number[], number[], Parameters<typeof conv2d>[2]][] = [
    ['valid s1', [2, 4, 4, 2], [3, 3, 2, 2], {}],
    ['same s2 odd', [1, 5, 5, 2], [3, 2, 2, 2], { padding: 'same', strides: 2 }],
    ['same d2', [1, 5, 5, 2], [2, 2, 2, 2], { padding: 'same', dilations: 2 }],
    ['groups 2', [1, 4, 4, 4], [2, 2, 2, 4], { padding: 'same', groups: 2 }],
    ['explicit padding', [1, 3, 4, 2], [2, 2, 2, 1], { padding: [[1, 0], [2, 1]] }],
  ];
  for (const [name, xShape, fShape, args] of cases) {
    checkSecondOrder(`conv2d ${name}`, (x, f) => conv2d(x, f, args), [{ shape: xShape }, { shape: fShape }]);
  }
  checkSecondOrder('conv1d causal', (x, f) => conv1d(x, f, { padding: 'causal', dilation: 2 }), [{ shape: [2, 7, 3] }, { shape: [3, 3, 2] }]);
  checkSecondOrder('depthwiseConv2d', (x, f) => depthwiseConv2d(x, f, { padding: 'same', strides: 2 }), [{ shape: [1, 5, 5, 3] }, { shape: [3, 3, 3, 2] }]);
});
