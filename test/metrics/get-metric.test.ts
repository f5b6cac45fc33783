import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValueError, abs, sub, tensor, type Tensor } from '../../src/index.js';
import { BinaryCrossentropy as BinaryCrossentropyLoss, SparseCategoricalCrossentropy as SparseLoss } from '../../src/losses/index.js';
import {
  BinaryAccuracy, CategoricalAccuracy, MeanAbsoluteError, MeanSquaredError, Precision, SparseCategoricalAccuracy, SparseTopKCategoricalAccuracy,
  TopKCategoricalAccuracy, deserializeMetric, getMetric, serializeMetric,
} from '../../src/metrics/index.js';
import { assertClose } from '../helpers/grad-check.js';

test("'accuracy' resolves from the loss and keeps the name it was given", () => {
  const sparse = getMetric('accuracy', 'sparse_categorical_crossentropy');
  assert.ok(sparse instanceof SparseCategoricalAccuracy);
  assert.equal(sparse.name, 'accuracy');
  assert.ok(getMetric('accuracy', new SparseLoss({ fromLogits: true })) instanceof SparseCategoricalAccuracy);
  const acc = getMetric('acc', 'categoricalCrossentropy');
  assert.ok(acc instanceof CategoricalAccuracy);
  assert.equal(acc.name, 'acc');
  const binary = getMetric('accuracy', 'binary_crossentropy');
  assert.ok(binary instanceof BinaryAccuracy && binary.threshold === 0.5);
  const logits = getMetric('accuracy', new BinaryCrossentropyLoss({ fromLogits: true }));
  assert.ok(logits instanceof BinaryAccuracy && logits.threshold === 0);
});

test("'accuracy' without a telling loss is chosen from the shapes, as Keras 3 does", () => {
  const m = getMetric('accuracy', 'mse');
  assert.equal(m.name, 'accuracy');
  m.updateState(tensor([1, 0]), tensor([[0.8], [0.7]])); // one sigmoid unit: binary, hits 1, 0
  assertClose([m.result()], [0.5], 0);
  m.resetState();
  m.updateState(tensor([2, 0]), tensor([[0.1, 0.2, 0.7], [0.1, 0.8, 0.1]])); // class ids: sparse, hits 1, 0
  assertClose([m.result()], [0.5], 0);
  m.resetState();
  m.updateState(tensor([[0, 0, 1], [0, 1, 0]]), tensor([[0.1, 0.2, 0.7], [0.1, 0.8, 0.1]])); // one-hot: categorical, both hit
  assertClose([m.result()], [1], 0);
});

test('getMetric accepts camelCase and snake_case names and abbreviations', () => {
  const cases: [string, new () => object][] = [
    ['sparse_categorical_accuracy', SparseCategoricalAccuracy], ['sparseCategoricalAccuracy', SparseCategoricalAccuracy],
    ['categorical_accuracy', CategoricalAccuracy], ['binary_accuracy', BinaryAccuracy],
    ['top_k_categorical_accuracy', TopKCategoricalAccuracy], ['sparse_top_k_categorical_accuracy', SparseTopKCategoricalAccuracy],
    ['mse', MeanSquaredError], ['mean_squared_error', MeanSquaredError], ['mae', MeanAbsoluteError], ['precision', Precision],
  ];
  for (const [name, cls] of cases) {
    const m = getMetric(name);
    assert.ok(m instanceof cls, name);
    assert.equal(m.name, name);
  }
});

test('getMetric returns instances as they are and wraps functions', () => {
  const p = new Precision({ threshold: 0.3 });
  assert.equal(getMetric(p), p);
  const absError = (t: Tensor, q: Tensor): Tensor => abs(sub(t, q));
  const m = getMetric(absError);
  assert.equal(m.name, 'absError');
  m.updateState(tensor([1, 2]), tensor([2, 2]));
  assertClose([m.result()], [0.5], 0);
});

test('an unknown metric name gives a ValueError listing the valid names', () => {
  assert.throws(
    () => getMetric('f1'),
    (e: Error) => e instanceof ValueError && e.message.startsWith("getMetric: unknown metric 'f1'; valid names are 'accuracy' / 'acc', 'binaryAccuracy' / 'binary_accuracy'") &&
      e.message.includes("'meanSquaredError' / 'mean_squared_error' / 'mse'"),
  );
});

test('metrics round-trip through serializeMetric / deserializeMetric', () => {
  for (const m of [new BinaryAccuracy({ threshold: 0.2, name: 'acc' }), new SparseTopKCategoricalAccuracy({ k: 3 }), new Precision({ threshold: 0.7 }), new MeanSquaredError()]) {
    const back = deserializeMetric(JSON.parse(JSON.stringify(serializeMetric(m))));
    assert.equal(back.constructor, m.constructor);
    assert.deepEqual(back.getConfig(), m.getConfig());
  }
  assert.throws(() => deserializeMetric({ className: 'MeanMetricWrapper', config: { name: 'x' } }), /cannot rebuild a 'MeanMetricWrapper' metric/);
});
