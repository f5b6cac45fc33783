import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ShapeError, ValueError, oneHot, tensor, transpose } from '../../src/index.js';
import { CategoricalCrossentropy, SparseCategoricalCrossentropy, categoricalCrossentropy, sparseCategoricalCrossentropy } from '../../src/losses/index.js';
import { classIdBound, markClassIds } from '../../src/losses/categorical-crossentropy.js';
import { assertClose } from '../helpers/grad-check.js';

const logSoftmax = (row: number[]): number[] => {
  const m = Math.max(...row);
  const lse = m + Math.log(row.reduce((a, x) => a + Math.exp(x - m), 0));
  return row.map((x) => x - lse);
};
const PROBS = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]];
const LOGITS = [[1, 2, 3], [0.5, -1, 0.25]];

test('categoricalCrossentropy on probabilities: -sum(y log p), probabilities clipped to 1e-7', () => {
  // Keras's documented example: [0.0513, 2.303].
  const out = categoricalCrossentropy(tensor([[0, 1, 0], [0, 0, 1]]), tensor(PROBS)).dataSync();
  assertClose(out, [-Math.log(0.95), -Math.log(0.1)], 1e-6);
  // A zero probability for the true class is clipped, not -log(0).
  assertClose(categoricalCrossentropy(tensor([[1, 0, 0]]), tensor([[0, 0.5, 0.5]])).dataSync(), [-Math.log(1e-7)], 1e-5);
});

test('categoricalCrossentropy renormalises predictions that do not sum to 1', () => {
  const out = categoricalCrossentropy(tensor([[0, 1, 0]]), tensor([[0.2, 0.4, 0.4]]));
  assertClose(out.dataSync(), [-Math.log(0.4 / 1.0)], 1e-6);
  assertClose(categoricalCrossentropy(tensor([[0, 1, 0]]), tensor([[0.4, 0.8, 0.8]])).dataSync(), [-Math.log(0.4)], 1e-6);
});

test('categoricalCrossentropy fromLogits: -sum(y logSoftmax(x)), finite for logits of ±1000', () => {
  const out = categoricalCrossentropy(tensor([[0, 0, 1], [0.2, 0.5, 0.3]]), tensor(LOGITS), { fromLogits: true }).dataSync();
  const [a, b] = [logSoftmax(LOGITS[0]!), logSoftmax(LOGITS[1]!)];
  assertClose(out, [-a[2]!, -(0.2 * b[0]! + 0.5 * b[1]! + 0.3 * b[2]!)], 1e-6);
  // log softmax([1000, -1000, 0])[1] = -2000 (the other terms vanish in float32).
  assertClose(categoricalCrossentropy(tensor([[0, 1, 0], [1, 0, 0]]), tensor([[1000, -1000, 0], [1000, -1000, 0]]), { fromLogits: true }).dataSync(), [2000, 0], 1e-6);
});

test('categoricalCrossentropy labelSmoothing: y (1 - s) + s / numClasses', () => {
  const out = new CategoricalCrossentropy({ labelSmoothing: 0.3, fromLogits: true }).call(tensor([[0, 0, 1]]), tensor([LOGITS[0]!]));
  const lp = logSoftmax(LOGITS[0]!);
  const y = [0.1, 0.1, 0.8];
  assertClose(out.dataSync(), [-(y[0]! * lp[0]! + y[1]! * lp[1]! + y[2]! * lp[2]!)], 1e-6);
});

test('categoricalCrossentropy along axis 0', () => {
  const yTrue = tensor([[0, 0, 1], [1, 0, 0]]);
  const byRow = categoricalCrossentropy(yTrue, tensor(LOGITS), { fromLogits: true });
  const byColumn = categoricalCrossentropy(transpose(yTrue), transpose(tensor(LOGITS)), { fromLogits: true, axis: 0 });
  assertClose(byColumn.dataSync(), byRow.dataSync(), 1e-6);
});

test('categoricalCrossentropy with class ids hints at the sparse loss or oneHot', () => {
  for (const labels of [tensor([1, 2]), tensor([[1], [2]])]) {
    assert.throws(
      () => categoricalCrossentropy(labels, tensor(PROBS)),
      (e: Error) => e instanceof ShapeError && e.message.includes('but yPred has shape [2,3]; they must be equal.') &&
        e.message.includes('use sparseCategoricalCrossentropy for class ids, or one-hot encode them with oneHot(labels, 3)'),
    );
  }
});

test('sparseCategoricalCrossentropy equals the categorical loss of one-hot labels', () => {
  const ids = [1, 2];
  const expected = categoricalCrossentropy(oneHot(tensor(ids, undefined, 'int32'), 3), tensor(PROBS)).dataSync();
  assertClose(sparseCategoricalCrossentropy(tensor(ids, undefined, 'int32'), tensor(PROBS)).dataSync(), expected, 1e-7);
  assertClose(sparseCategoricalCrossentropy(tensor(ids), tensor(PROBS)).dataSync(), [-Math.log(0.95), -Math.log(0.1)], 1e-6);
  assertClose(sparseCategoricalCrossentropy(tensor([[1], [2]]), tensor(PROBS)).dataSync(), [-Math.log(0.95), -Math.log(0.1)], 1e-6);
  const lp = LOGITS.map(logSoftmax);
  assertClose(new SparseCategoricalCrossentropy({ fromLogits: true }).call(tensor([2, 0]), tensor(LOGITS)).dataSync(), [-lp[0]![2]!, -lp[1]![0]!], 1e-6);
});

test('sparseCategoricalCrossentropy over a time axis: labels [batch, steps]', () => {
  const logits = tensor([[LOGITS[0]!, LOGITS[1]!]]);
  const out = sparseCategoricalCrossentropy(tensor([[0, 1]]), logits, { fromLogits: true });
  assert.deepEqual(out.shape, [1, 2]);
  assertClose(out.dataSync(), [-logSoftmax(LOGITS[0]!)[0]!, -logSoftmax(LOGITS[1]!)[1]!], 1e-6);
});

test('sparseCategoricalCrossentropy with logits of ±1000 stays finite', () => {
  const out = sparseCategoricalCrossentropy(tensor([1, 0]), tensor([[1000, -1000, 0], [1000, -1000, 0]]), { fromLogits: true });
  assertClose(out.dataSync(), [2000, 0], 1e-6);
});

test('sparseCategoricalCrossentropy: an extra axis in the predictions asks about Flatten', () => {
  assert.throws(
    () => sparseCategoricalCrossentropy(tensor([1, 2, 3, 4]), tensor(new Float32Array(4 * 28 * 10), [4, 28, 10])),
    (e: Error) => e instanceof ShapeError && e.message.includes('labels have shape [4] but predictions have shape [4,28,10]') &&
      e.message.includes('extra axis') && e.message.includes('Did you forget a Flatten layer before the Dense layers?'),
  );
});

test('sparseCategoricalCrossentropy: other shape mismatches say what was expected', () => {
  assert.throws(
    () => sparseCategoricalCrossentropy(tensor([1, 2, 0]), tensor(PROBS)),
    (e: Error) => e instanceof ShapeError && e.message.includes('labels have shape [3] but predictions have shape [2,3]; expected labels of shape [2]'),
  );
  assert.throws(
    () => sparseCategoricalCrossentropy(tensor([[0, 1, 0], [0, 0, 1]]), tensor(PROBS)),
    (e: Error) => e instanceof ShapeError && e.message.includes('The labels look one-hot; use categoricalCrossentropy'),
  );
});

test('class-id labels checked once: the bound of a label array, and marked batches within the classes skip the check, others keep it', () => {
  assert.equal(classIdBound(tensor([0, 3, 2, 3])), 4);
  assert.equal(classIdBound(tensor([2, 1], undefined, 'int32')), 3);
  assert.equal(classIdBound(tensor([], [0])), 0);
  assert.equal(classIdBound(tensor([1, 0.5])), undefined);
  assert.equal(classIdBound(tensor([1, -1])), undefined);
  assert.equal(classIdBound(tensor([NaN])), undefined);
  const labels = tensor([1, 2]);
  markClassIds(labels, 3);
  // -log 0.95 and -log 0.1, as without the mark.
  assertClose(sparseCategoricalCrossentropy(labels, tensor(PROBS)).dataSync(), [-Math.log(0.95), -Math.log(0.1)], 1e-6);
  // A bound beyond the model's classes leaves the check to name the label.
  const wide = tensor([1, 3]);
  markClassIds(wide, 4);
  assert.throws(() => sparseCategoricalCrossentropy(wide, tensor(PROBS)), /label 3 \(at flat position 1\) is out of range for 3 classes/);
});

test('sparseCategoricalCrossentropy: labels out of range or not integers name the value and the number of classes', () => {
  assert.throws(
    () => sparseCategoricalCrossentropy(tensor([1, 3], undefined, 'int32'), tensor(PROBS)),
    (e: Error) => e instanceof ValueError && e.message.includes('label 3 (at flat position 1) is out of range for 3 classes; labels must be integers in [0, 2]') && e.message.includes('count from 1'),
  );
  assert.throws(() => sparseCategoricalCrossentropy(tensor([-1, 0]), tensor(PROBS)), (e: Error) => e instanceof ValueError && /label -1 .* out of range for 3 classes/.test(e.message));
  assert.throws(
    () => sparseCategoricalCrossentropy(tensor([0.5, 1]), tensor(PROBS)),
    (e: Error) => e instanceof ValueError && e.message.includes('label 0.5 (at flat position 0) is not an integer') && e.message.includes('3 classes'),
  );
});
