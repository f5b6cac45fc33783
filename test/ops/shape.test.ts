import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as s from '../../src/index.js';
import { checkGrad, checkSecondOrder } from '../helpers/grad-check.js';

test('reshape gradient and -1 inference', () => {
  checkGrad('reshape', (x) => s.reshape(x, [3, -1]), [{ shape: [2, 3, 2] }]);
  assert.deepEqual(s.reshape(s.zeros([4, 28, 28]), [-1, 784]).shape, [4, 784]);
});
test('transpose gradient, default and explicit permutations', () => {
  checkGrad('transpose', (x) => s.transpose(x), [{ shape: [2, 3] }]);
  checkGrad('transpose', (x) => s.transpose(x, [1, 2, 0]), [{ shape: [2, 3, 4] }]);
  checkGrad('transpose', (x) => s.transpose(x, [0, 2, 1]), [{ shape: [3, 1, 5] }]);
});
test('expandDims, squeeze and flatten gradients', () => {
  checkGrad('expandDims', (x) => s.expandDims(x, -1), [{ shape: [2, 3] }]);
  checkGrad('squeeze', (x) => s.squeeze(x), [{ shape: [1, 3, 1] }]);
  checkGrad('flatten', (x) => s.flatten(x), [{ shape: [2, 3, 2] }]);
});
test('broadcastTo gradient', () => {
  checkGrad('broadcastTo', (x) => s.broadcastTo(x, [2, 3, 4]), [{ shape: [3, 1] }]);
  checkGrad('broadcastTo', (x) => s.broadcastTo(x, [5]), [{ shape: [] }]);
});

test('transpose values', () => {
  const x = s.tensor([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(s.transpose(x).arraySync(), [[1, 4], [2, 5], [3, 6]]);
  const y = s.reshape(s.range(0, 24), [2, 3, 4]);
  const t = s.transpose(y, [2, 0, 1]);
  assert.deepEqual(t.shape, [4, 2, 3]);
  assert.deepEqual((t.arraySync() as number[][][])[1]![1], [13, 17, 21]);
});

test('reshape shares storage (one data buffer) and errors name both sizes', () => {
  const before = s.memory().numDataBuffers;
  const x = s.zeros([2, 6]);
  const y = s.reshape(x, [3, 4]);
  assert.equal(s.memory().numDataBuffers, before + 1);
  x.dispose();
  assert.deepEqual(y.shape, [3, 4]);
  assert.equal(y.dataSync().length, 12);
  y.dispose();
  assert.equal(s.memory().numDataBuffers, before);
  assert.throws(() => s.reshape(s.zeros([2, 3]), [4, 2]), /reshape: cannot reshape \[2,3\] \(6 elements\) to \[4,2\] \(8 elements\)/);
  assert.throws(() => s.squeeze(s.zeros([2, 3]), 0), /squeeze: axis 0 of shape \[2,3\] has size 2, not 1/);
  assert.throws(() => s.transpose(s.zeros([2, 3]), [0, 0]), /not a permutation/);
});

test('stopGradient blocks the gradient', () => {
  const g = s.grad((x) => s.sum(s.mul(x, s.stopGradient(x))))(s.tensor([2, 3]));
  assert.deepEqual(g.arraySync(), [2, 3]);
});

test('clone copies the storage and passes the gradient through', () => {
  const before = s.memory().numDataBuffers;
  const x = s.tensor([1, 2]);
  const c = s.clone(x);
  assert.equal(s.memory().numDataBuffers, before + 2);
  assert.deepEqual(c.arraySync(), [1, 2]);
  checkGrad('clone', (t) => s.clone(t), [{ shape: [2, 3] }]);
  s.dispose([x, c]);
});

test('second derivatives through reshape, transpose, expandDims, squeeze, broadcastTo and clone match finite differences', () => {
  checkSecondOrder('reshape', (x) => s.reshape(s.sin(x), [3, -1]), [{ shape: [2, 3, 2] }]);
  checkSecondOrder('transpose', (x) => s.transpose(x, [1, 2, 0]), [{ shape: [2, 3, 4] }]);
  checkSecondOrder('expandDims', (x) => s.expandDims(x, -1), [{ shape: [2, 3] }]);
  checkSecondOrder('squeeze', (x) => s.squeeze(x), [{ shape: [1, 3, 1] }]);
  checkSecondOrder('broadcastTo', (x) => s.broadcastTo(x, [2, 3, 4]), [{ shape: [3, 1] }]);
  checkSecondOrder('clone', (t) => s.clone(t), [{ shape: [2, 3] }]);
});
