import assert from 'node:assert/strict';
import { test } from 'node:test';
import { abs, memory, sub, tensor, type Tensor } from '../../src/index.js';
import {
  BinaryCrossentropy, CategoricalCrossentropy, Mean, MeanAbsoluteError, MeanMetricWrapper, MeanSquaredError, Precision, Recall, SparseCategoricalCrossentropy,
} from '../../src/metrics/index.js';
import { assertClose } from '../helpers/grad-check.js';

test('Mean of numbers, with and without weights', () => {
  const m = new Mean({ name: 'loss' });
  m.updateState(0.5);
  m.updateState(0.3);
  assertClose([m.result()], [0.4], 1e-12);
  m.updateState(1, 2); // counts twice
  assertClose([m.result()], [(0.5 + 0.3 + 2) / 4], 1e-12);
  assert.equal(m.name, 'loss');
  m.resetState();
  assert.equal(m.result(), 0);
});

test('Mean of tensors: per-sample values averaged over extra axes, weighted per sample', () => {
  const m = new Mean();
  m.updateState(tensor([1, 2, 3]));
  m.updateState(tensor([[4, 6], [0, 2]])); // samples 5 and 1
  assertClose([m.result()], [(1 + 2 + 3 + 5 + 1) / 5], 1e-7);
  const w = new Mean();
  w.updateState(tensor([[4, 6], [0, 2]]), tensor([3, 1])); // (3 * 5 + 1 * 1) / 4
  w.updateState(tensor([10]), 2); // a number weighs each sample: (2 * 10) / 2
  assertClose([w.result()], [(15 + 1 + 20) / (4 + 2)], 1e-7);
});

test('MeanMetricWrapper averages a custom per-sample function', () => {
  const absError = (t: Tensor, p: Tensor): Tensor => abs(sub(t, p));
  const m = new MeanMetricWrapper(absError);
  assert.equal(m.name, 'absError');
  m.updateState(tensor([1, 2]), tensor([1.5, 1]));
  m.updateState(tensor([0]), tensor([2]));
  assertClose([m.result()], [(0.5 + 1 + 2) / 3], 1e-7);
});

test('MeanSquaredError and MeanAbsoluteError over two batches', () => {
  const mse = new MeanSquaredError();
  const mae = new MeanAbsoluteError();
  for (const m of [mse, mae]) {
    m.updateState(tensor([[0, 1], [1, 1]]), tensor([[1, 1], [1, 3]])); // per sample: mse 0.5, 2; mae 0.5, 1
    m.updateState(tensor([2]), tensor([0])); // mse 4; mae 2
  }
  assertClose([mse.result(), mae.result()], [(0.5 + 2 + 4) / 3, (0.5 + 1 + 2) / 3], 1e-7);
});

test('cross-entropy metrics average the losses over samples', () => {
  const sparse = new SparseCategoricalCrossentropy();
  sparse.updateState(tensor([1, 2]), tensor([[0.05, 0.95, 0], [0.1, 0.8, 0.1]]));
  sparse.updateState(tensor([0]), tensor([[0.5, 0.25, 0.25]]));
  assertClose([sparse.result()], [(-Math.log(0.95) - Math.log(0.1) - Math.log(0.5)) / 3], 1e-6);
  const cce = new CategoricalCrossentropy({ fromLogits: true });
  cce.updateState(tensor([[1, 0]]), tensor([[0, 0]]));
  assertClose([cce.result()], [Math.LN2], 1e-6);
  const bce = new BinaryCrossentropy();
  bce.updateState(tensor([[0, 1], [0, 0]]), tensor([[0.6, 0.4], [0.4, 0.6]]));
  assertClose([bce.result()], [(0.9162907 + 0.7135582) / 2], 1e-6);
});

test('Precision and Recall over two batches', () => {
  const p = new Precision();
  const r = new Recall();
  for (const m of [p, r]) {
    m.updateState(tensor([0, 1, 1, 1]), tensor([0.9, 0.2, 0.6, 0.7])); // TP 2, FP 1, FN 1
    m.updateState(tensor([[1], [0]]), tensor([[0.8], [0.9]])); // TP 1, FP 1
  }
  assertClose([p.result(), r.result()], [3 / 5, 3 / 4], 1e-7);
  p.resetState();
  assert.equal(p.result(), 0);
});

test('Precision and Recall with sample weights and a logit threshold', () => {
  const p = new Precision();
  const r = new Recall();
  for (const m of [p, r]) m.updateState(tensor([0, 1, 1, 1]), tensor([0.9, 0.2, 0.6, 0.7]), tensor([1, 2, 3, 0.5])); // TP 3.5, FP 1, FN 2
  assertClose([p.result(), r.result()], [3.5 / 4.5, 3.5 / 5.5], 1e-7);
  const logits = new Precision({ threshold: 0 });
  logits.updateState(tensor([1, 0, 1]), tensor([2, -1, -0.5])); // positives: the first only
  assert.equal(logits.result(), 1);
});

test('metrics keep no tensors alive between batches', () => {
  const labels = tensor([0, 1, 1, 1]);
  const preds = tensor([0.9, 0.2, 0.6, 0.7]);
  const weights = tensor([1, 2, 3, 0.5]);
  const metrics = [new Precision(), new Recall(), new MeanSquaredError(), new BinaryCrossentropy()];
  const before = memory().numTensors;
  for (let i = 0; i < 10; i++) for (const m of metrics) m.updateState(labels, preds, weights);
  new Mean().updateState(preds, weights);
  assert.equal(memory().numTensors, before);
});
