import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ShapeError, memory, tensor, tidy } from '../../src/index.js';
import {
  Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, SparseTopKCategoricalAccuracy, TopKCategoricalAccuracy,
  binaryAccuracy, sparseTopKCategoricalAccuracy,
} from '../../src/metrics/index.js';
import { assertClose } from '../helpers/grad-check.js';

test('Accuracy: exact matches over two batches', () => {
  const m = new Accuracy();
  m.updateState(tensor([1, 2, 3, 4]), tensor([1, 2, 0, 4])); // 3 of 4
  m.updateState(tensor([[1], [2]]), tensor([[0], [2]])); // 1 of 2
  assertClose([m.result()], [4 / 6], 1e-7);
  assert.equal(m.name, 'accuracy');
});

test('BinaryAccuracy: yPred > 0.5 against 0/1 labels, over two batches', () => {
  const m = new BinaryAccuracy();
  m.updateState(tensor([[1], [0], [1], [0]]), tensor([[0.7], [0.2], [0.4], [0.6]])); // hits 1, 1, 0, 0
  m.updateState(tensor([1, 1]), tensor([[0.9], [0.5]])); // 0.5 is not above the threshold: hits 1, 0
  assertClose([m.result()], [3 / 6], 1e-7);
  const low = new BinaryAccuracy({ threshold: 0.3 });
  low.updateState(tensor([[1], [0], [1], [0]]), tensor([[0.7], [0.2], [0.4], [0.6]])); // 1, 1, 1, 0
  low.updateState(tensor([1, 1]), tensor([[0.9], [0.5]])); // 1, 1
  assertClose([low.result()], [5 / 6], 1e-7);
});

test('binaryAccuracy with several outputs per sample averages them per sample', () => {
  assertClose(binaryAccuracy(tensor([[1, 0], [1, 1]]), tensor([[0.6, 0.6], [0.9, 0.1]])).dataSync(), [0.5, 0.5], 0);
});

test('BinaryAccuracy with sample weights: sum(w * hit) / sum(w)', () => {
  const m = new BinaryAccuracy();
  m.updateState(tensor([[1], [0], [1], [0]]), tensor([[0.7], [0.2], [0.4], [0.6]]), tensor([1, 0, 2, 0.5])); // hits 1, 1, 0, 0 -> 1 of weight 3.5
  m.updateState(tensor([1, 1]), tensor([[0.9], [0.1]]), tensor([[3], [1]])); // hits 1, 0 -> 3 of weight 4
  assertClose([m.result()], [(1 + 3) / (3.5 + 4)], 1e-7);
  assert.throws(() => m.updateState(tensor([1, 1]), tensor([0.9, 0.1]), tensor([1, 2, 3])), (e: Error) => e instanceof ShapeError && /sampleWeight has shape \[3\]/.test(e.message));
});

test('CategoricalAccuracy: argmax of one-hot labels against argmax of predictions', () => {
  const m = new CategoricalAccuracy();
  m.updateState(tensor([[0, 0, 1], [0, 1, 0], [1, 0, 0]]), tensor([[0.1, 0.2, 0.7], [0.6, 0.3, 0.1], [0.5, 0.4, 0.1]])); // 1, 0, 1
  m.updateState(tensor([[0, 1, 0]]), tensor([[0.2, 0.5, 0.3]])); // 1
  assertClose([m.result()], [3 / 4], 1e-7);
});

test('SparseCategoricalAccuracy: class ids (int32, float, or [n, 1]) against argmax', () => {
  const preds = tensor([[0.1, 0.2, 0.7], [0.6, 0.3, 0.1], [0.5, 0.4, 0.1]]);
  const m = new SparseCategoricalAccuracy();
  m.updateState(tensor([2, 1, 0], undefined, 'int32'), preds); // 1, 0, 1
  m.updateState(tensor([[2], [0], [1]]), preds); // 1, 1, 0
  assertClose([m.result()], [4 / 6], 1e-7);
  m.resetState();
  assert.equal(m.result(), 0);
  m.updateState(tensor([2, 0, 0]), preds);
  assert.equal(m.result(), 1);
});

test('SparseCategoricalAccuracy: an extra axis in the predictions asks about Flatten', () => {
  assert.throws(
    () => new SparseCategoricalAccuracy().updateState(tensor([1, 2]), tensor(new Float32Array(2 * 28 * 10), [2, 28, 10])),
    (e: Error) => e instanceof ShapeError && e.message.startsWith('sparseCategoricalAccuracy: labels have shape [2] but predictions have shape [2,28,10]') &&
      e.message.includes('Did you forget a Flatten layer before the Dense layers?'),
  );
});

test('top-k accuracy: a hit when fewer than k classes score strictly higher', () => {
  const preds = tensor([[0.1, 0.4, 0.3, 0.2], [0.3, 0.3, 0.3, 0.1], [0.7, 0.15, 0.1, 0.05]]);
  // Label 2 has one class above it (miss for k = 1, hit for k = 2); ties at the top count as hits; label 3 ranks below 3 others.
  assertClose(sparseTopKCategoricalAccuracy(tensor([2, 2, 3]), preds, { k: 1 }).dataSync(), [0, 1, 0], 0);
  assertClose(sparseTopKCategoricalAccuracy(tensor([2, 2, 3]), preds, { k: 2 }).dataSync(), [1, 1, 0], 0);
  const sparse = new SparseTopKCategoricalAccuracy({ k: 2 });
  sparse.updateState(tensor([2, 2, 3]), preds);
  sparse.updateState(tensor([1]), tensor([[0.1, 0.2, 0.3, 0.4]])); // two above: miss
  assertClose([sparse.result()], [2 / 4], 1e-7);
  const dense = new TopKCategoricalAccuracy({ k: 2 });
  dense.updateState(tensor([[0, 0, 1, 0], [0, 0, 1, 0], [0, 0, 0, 1]]), preds);
  assertClose([dense.result()], [2 / 3], 1e-7);
  // The default k is 5: with 4 classes everything is a hit.
  const k5 = new SparseTopKCategoricalAccuracy();
  k5.updateState(tensor([3]), tensor([[0.7, 0.1, 0.1, 0.1]]));
  assert.equal(k5.result(), 1);
  assert.throws(() => new TopKCategoricalAccuracy({ k: 0 }), /k must be a positive integer, got 0/);
});

test('accuracy metrics keep no tensors between batches', () => {
  const labels = tensor([2, 1, 0], undefined, 'int32');
  const preds = tensor([[0.1, 0.2, 0.7], [0.6, 0.3, 0.1], [0.5, 0.4, 0.1]]);
  const metrics = [new SparseCategoricalAccuracy(), new SparseTopKCategoricalAccuracy({ k: 2 })];
  const before = memory().numTensors;
  for (let i = 0; i < 20; i++) for (const m of metrics) m.updateState(labels, preds);
  tidy(() => {
    new BinaryAccuracy().updateState(tensor([1, 0]), tensor([0.9, 0.2]), tensor([1, 2]));
  });
  assert.equal(memory().numTensors, before);
  // Top-1 hits rows 1 and 3; top-2 also hits row 2 (one class above its label).
  assertClose([metrics[0]!.result(), metrics[1]!.result()], [2 / 3, 1], 1e-7);
});
