import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ShapeError, ValueError, grads, memory, mean, square, sub, tensor, tidy, type Tensor } from '../../src/index.js';
import {
  BinaryCrossentropy, CategoricalCrossentropy, Huber, Loss, MeanAbsoluteError, MeanSquaredError, SparseCategoricalCrossentropy,
  binaryCrossentropy, canonicalLossName, categoricalCrossentropy, deserializeLoss, getLoss, huber, meanSquaredError, serializeLoss, sparseCategoricalCrossentropy,
} from '../../src/losses/index.js';
import { assertClose, checkGrad } from '../helpers/grad-check.js';

// Per-sample squared errors of these are [1, 2, 3, 4] (as means over 2 columns).
const Y = tensor([[0, 0], [0, 0], [0, 0], [0, 0]]);
const P = tensor([[1, 1], [Math.SQRT2, Math.SQRT2], [Math.sqrt(3), Math.sqrt(3)], [2, 2]]);

test('compute: the mean of the per-sample losses', () => {
  assertClose([new MeanSquaredError().compute(Y, P).item()], [2.5], 1e-6);
});

test('compute with sampleWeight: sum(w * loss) / batch size, zero weights included in the count', () => {
  const loss = new MeanSquaredError();
  assertClose([loss.compute(Y, P, tensor([1, 0, 2, 0.5])).item()], [(1 + 0 + 6 + 2) / 4], 1e-6);
  assertClose([loss.compute(Y, P, tensor([[1], [0], [2], [0.5]])).item()], [(1 + 0 + 6 + 2) / 4], 1e-6);
  assertClose([loss.compute(Y, P, 3).item()], [7.5], 1e-6);
  assert.throws(
    () => loss.compute(Y, P, tensor([1, 2])),
    (e: Error) => e instanceof ShapeError && e.message.includes('sampleWeight has shape [2] but the per-sample losses have shape [4]'),
  );
});

test('compute of an empty batch is 0', () => {
  assert.equal(new MeanSquaredError().compute(tensor(new Float32Array(0), [0, 2]), tensor(new Float32Array(0), [0, 2])).item(), 0);
});

test('getLoss accepts camelCase, snake_case, class names and Keras abbreviations', () => {
  const cases: [string, new () => Loss][] = [
    ['meanSquaredError', MeanSquaredError], ['mean_squared_error', MeanSquaredError], ['mse', MeanSquaredError], ['MSE', MeanSquaredError],
    ['mae', MeanAbsoluteError], ['mean_absolute_error', MeanAbsoluteError], ['huber', Huber],
    ['binary_crossentropy', BinaryCrossentropy], ['binaryCrossentropy', BinaryCrossentropy],
    ['categorical_crossentropy', CategoricalCrossentropy], ['CategoricalCrossentropy', CategoricalCrossentropy],
    ['sparse_categorical_crossentropy', SparseCategoricalCrossentropy], ['sparseCategoricalCrossentropy', SparseCategoricalCrossentropy],
  ];
  for (const [name, cls] of cases) assert.ok(getLoss(name) instanceof cls, name);
  assert.equal((getLoss('sparse_categorical_crossentropy') as SparseCategoricalCrossentropy).fromLogits, false);
  const instance = new Huber({ delta: 2 });
  assert.equal(getLoss(instance), instance);
  assert.throws(
    () => getLoss('crossentropy'),
    (e: Error) => e instanceof ValueError && e.message.includes("unknown loss 'crossentropy'; valid names are 'meanSquaredError' / 'mean_squared_error' / 'mse'") &&
      e.message.includes("'sparseCategoricalCrossentropy' / 'sparse_categorical_crossentropy'"),
  );
});

test('getLoss wraps a plain function', () => {
  const myLoss = (yTrue: Tensor, yPred: Tensor): Tensor => mean(square(sub(yTrue, yPred)), -1);
  const loss = getLoss(myLoss);
  assert.equal(loss.name, 'myLoss');
  assertClose([loss.compute(Y, P).item()], [2.5], 1e-6);
  assert.throws(() => deserializeLoss(serializeLoss(loss)), /was a plain function, which cannot be rebuilt/);
});

test('losses round-trip through serializeLoss / deserializeLoss', () => {
  for (const loss of [
    new MeanSquaredError(), new MeanAbsoluteError({ name: 'l1' }), new Huber({ delta: 0.5 }),
    new BinaryCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }),
    new CategoricalCrossentropy({ labelSmoothing: 0.2, axis: 1 }),
    new SparseCategoricalCrossentropy({ fromLogits: true }),
  ]) {
    const back = deserializeLoss(JSON.parse(JSON.stringify(serializeLoss(loss))));
    assert.equal(back.constructor, loss.constructor);
    assert.deepEqual(back.getConfig(), loss.getConfig());
  }
});

test('canonicalLossName resolves names and instances', () => {
  assert.equal(canonicalLossName('sparse_categorical_crossentropy'), 'sparseCategoricalCrossentropy');
  assert.equal(canonicalLossName(new BinaryCrossentropy()), 'binaryCrossentropy');
  assert.equal(canonicalLossName('mse'), 'meanSquaredError');
  assert.equal(canonicalLossName(getLoss((a: Tensor) => a)), undefined);
});

test('no tensors leak from compute', () => {
  const labels = tensor([0, 2, 1], undefined, 'int32');
  const logits = tensor([[1, 2, 3], [0, 0, 0], [-1, 5, 2]]);
  const loss = new SparseCategoricalCrossentropy({ fromLogits: true });
  loss.compute(labels, logits).dispose();
  const before = memory().numTensors;
  const weights = tensor([1, 2, 3]);
  for (let i = 0; i < 10; i++) loss.compute(labels, logits, weights).dispose();
  tidy(() => {
    new BinaryCrossentropy().compute(tensor([[1, 0]]), tensor([[0.3, 0.6]]));
  });
  weights.dispose();
  assert.equal(memory().numTensors, before);
});

const labels01 = tensor([[1, 0, 1], [0, 0, 1]]);
const oneHotLabels = tensor([[0, 1, 0], [0.2, 0.3, 0.5]]);
const classIds = tensor([2, 0], undefined, 'int32');

test('meanSquaredError gradient', () => checkGrad('meanSquaredError', (p) => meanSquaredError(labels01, p), [{ shape: [2, 3] }]));
test('huber gradient', () => checkGrad('huber', (p) => huber(labels01, p, { delta: 0.7 }), [{ shape: [2, 3] }]));
test('binaryCrossentropy gradient (probabilities)', () => checkGrad('bce', (p) => binaryCrossentropy(labels01, p), [{ shape: [2, 3], range: [0.05, 0.95] }]));
test('binaryCrossentropy gradient (logits, smoothed)', () =>
  checkGrad('bce logits', (x) => binaryCrossentropy(labels01, x, { fromLogits: true, labelSmoothing: 0.1 }), [{ shape: [2, 3], range: [-4, 4] }]));
test('categoricalCrossentropy gradient (probabilities)', () => checkGrad('cce', (p) => categoricalCrossentropy(oneHotLabels, p), [{ shape: [2, 3], range: [0.1, 1] }]));
test('categoricalCrossentropy gradient (logits)', () => checkGrad('cce logits', (x) => categoricalCrossentropy(oneHotLabels, x, { fromLogits: true }), [{ shape: [2, 3] }]));
test('sparseCategoricalCrossentropy gradient (logits)', () => checkGrad('scce logits', (x) => sparseCategoricalCrossentropy(classIds, x, { fromLogits: true }), [{ shape: [2, 3] }]));
test('compute gradient with sample weights', () =>
  checkGrad('compute', (x) => new SparseCategoricalCrossentropy({ fromLogits: true }).compute(classIds, x, tensor([0.5, 2])), [{ shape: [2, 3] }]));

test('the gradient of binaryCrossentropy from logits is sigmoid(x) - y, also at x = 0', () => {
  // Mean over 2 samples of 1 unit each: d/dx = (sigmoid(x) - y) / 2.
  const y = tensor([[1], [0]]);
  const [g] = grads((x) => new BinaryCrossentropy({ fromLogits: true }).compute(y, x))([tensor([[0], [0]])]);
  assertClose(g!.dataSync(), [(0.5 - 1) / 2, (0.5 - 0) / 2], 1e-7);
});
