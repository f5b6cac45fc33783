import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as s from '../../src/index.js';
import { assertClose, checkGrad, checkSecondOrder } from '../helpers/grad-check.js';

const ids = () => s.tensor([2, 0, 1], [3], 'int32');
const logits = () => s.tensor([[1, 2, 3], [0.5, -1, 0], [1000, 1001, 999]]);

/** -log(e^z_y / sum e^z) in float64 from the definition. */
function expected(z: number[][], y: number[]): number[] {
  return z.map((row, i) => {
    const m = Math.max(...row);
    return m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0)) - row[y[i]!]!;
  });
}

test('softmaxCrossEntropy with class ids: -log softmax(z)[y], stable for large logits', () => {
  const want = expected([[1, 2, 3], [0.5, -1, 0], [1000, 1001, 999]], [2, 0, 1]);
  assertClose(s.softmaxCrossEntropy(ids(), logits()).dataSync(), want, 1e-6);
});

test('softmaxCrossEntropy with one-hot labels equals the id form; probability labels weight the classes', () => {
  assertClose(s.softmaxCrossEntropy(s.oneHot(ids(), 3), logits()).dataSync(), s.softmaxCrossEntropy(ids(), logits()).dataSync(), 1e-6);
  const t = s.tensor([[0.25, 0.75, 0]]);
  const z = s.tensor([[1, 2, 3]]);
  const lse = 3 + Math.log(Math.exp(-2) + Math.exp(-1) + 1);
  assertClose(s.softmaxCrossEntropy(t, z).dataSync(), [0.25 * (lse - 1) + 0.75 * (lse - 2)], 1e-6);
});

test('softmaxCrossEntropy matches the composite -sum(t logSoftmax(z)), batch axes kept', () => {
  const z = s.randomNormal([2, 3, 5], 0, 3, { seed: 1 });
  const y = s.cast(s.randomUniform([2, 3], 0, 5, { seed: 2 }), 'int32');
  const composite = s.neg(s.sum(s.mul(s.oneHot(y, 5), s.logSoftmax(z)), -1));
  const fused = s.softmaxCrossEntropy(y, z);
  assert.deepEqual(fused.shape, [2, 3]);
  assertClose(fused.dataSync(), composite.dataSync(), 1e-6);
});

test('softmaxCrossEntropy gradient with class ids (logits) and with probability labels (both inputs)', () => {
  const y = s.tensor([3, 0, 4, 1], [4], 'int32');
  checkGrad('softmaxCrossEntropy (ids)', (z) => s.softmaxCrossEntropy(y, z), [{ shape: [4, 5], range: [-3, 3] }]);
  checkGrad('softmaxCrossEntropy (probabilities)', (t, z) => s.softmaxCrossEntropy(t, z), [{ shape: [2, 3, 4], range: [0, 1] }, { shape: [2, 3, 4] }]);
});

test('softmaxCrossEntropy checks shapes and dtypes', () => {
  assert.throws(() => s.softmaxCrossEntropy(s.tensor([0, 1], [2], 'int32'), logits()), /class ids must have the logits' shape without the class axis, \[3\], got \[2\]/);
  assert.throws(() => s.softmaxCrossEntropy(s.tensor([[1, 0]]), logits()), /probability labels must have the logits' shape \[3,3\]/);
  assert.throws(() => s.softmaxCrossEntropy(ids(), s.tensor([1, 2], [2], 'int32')), /logits must be float32 or float64, got int32/);
});

test('softmaxLogits finds the logits of a last-axis softmax only', () => {
  const z = logits();
  assert.equal(s.softmaxLogits(s.softmax(z)), z);
  assert.equal(s.softmaxLogits(s.softmax(z, 0)), undefined);
  assert.equal(s.softmaxLogits(s.exp(z)), undefined);
});

test('cross-entropy losses of a softmax output use its logits: exact where clipping would cap the loss', () => {
  const z = s.tensor([[0, 40], [3, 1]]);
  const y = s.tensor([0, 0], [2], 'int32');
  // softmax(z)[0][0] = e^-40 < 1e-7: on clipped probabilities the loss would be -log(1e-7) = 16.12.
  const want = expected([[0, 40], [3, 1]], [0, 0]);
  assertClose(s.losses.sparseCategoricalCrossentropy(y, s.softmax(z)).dataSync(), want, 1e-6);
  assertClose(s.losses.categoricalCrossentropy(s.oneHot(y, 2), s.softmax(z)).dataSync(), want, 1e-6);
  // The same probabilities given as plain numbers are clipped, as Keras clips them.
  const plain = s.tensor(s.softmax(z).dataSync(), [2, 2]);
  assertClose(s.losses.sparseCategoricalCrossentropy(y, plain).dataSync(), [-Math.log(1e-7), want[1]!], 1e-5);
});

test('second derivatives of softmaxCrossEntropy (its fused gradient differentiated) match finite differences', () => {
  const y = s.tensor([3, 0, 4, 1], [4], 'int32');
  checkSecondOrder('softmaxCrossEntropy (ids)', (z) => s.softmaxCrossEntropy(y, z), [{ shape: [4, 5], range: [-3, 3] }]);
  checkSecondOrder('softmaxCrossEntropy (probabilities)', (t, z) => s.softmaxCrossEntropy(t, z), [{ shape: [2, 3, 4], range: [0, 1] }, { shape: [2, 3, 4] }]);
});
