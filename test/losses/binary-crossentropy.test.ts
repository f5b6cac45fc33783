import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ShapeError, sigmoid, tensor } from '../../src/index.js';
import { BinaryCrossentropy, binaryCrossentropy } from '../../src/losses/index.js';
import { assertClose } from '../helpers/grad-check.js';

const bce = (t: number, p: number): number => -(t * Math.log(p) + (1 - t) * Math.log(1 - p));
const softplus = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

test('binaryCrossentropy on probabilities: mean over the last axis', () => {
  // Keras's documented example: [0.916, 0.714].
  const out = binaryCrossentropy(tensor([[0, 1], [0, 0]]), tensor([[0.6, 0.4], [0.4, 0.6]]));
  assertClose(out.dataSync(), [mean([bce(0, 0.6), bce(1, 0.4)]), mean([bce(0, 0.4), bce(0, 0.6)])], 1e-6);
  assertClose(out.dataSync(), [0.9162907, 0.7135582], 1e-6);
});

test('binaryCrossentropy: labels [batch] meet a single sigmoid unit [batch, 1]', () => {
  const out = binaryCrossentropy(tensor([1, 0, 1]), tensor([[0.9], [0.2], [0.3]]));
  assert.deepEqual(out.shape, [3]);
  assertClose(out.dataSync(), [bce(1, 0.9), bce(0, 0.2), bce(1, 0.3)], 1e-6);
});

test('binaryCrossentropy clips probabilities of 0 and 1 to [1e-7, 1 - 1e-7]', () => {
  const out = binaryCrossentropy(tensor([[1], [0], [1]]), tensor([[0], [0], [1]])).dataSync();
  assertClose([out[0]!], [-Math.log(1e-7)], 1e-5);
  assert.ok(out.every(Number.isFinite));
  assert.ok(out[1]! < 1e-6 && out[2]! < 1e-6);
});

test('binaryCrossentropy fromLogits: softplus(x) - x y, finite for logits of ±1000', () => {
  const x = [-1000, 1000, 0, 2.5, -0.7];
  const t = [1, 0, 1, 0, 1];
  const out = binaryCrossentropy(tensor(t), tensor(x), { fromLogits: true }).dataSync();
  assertClose(out, x.map((xi, i) => softplus(xi) - xi * t[i]!), 1e-6);
  assertClose([out[0]!, out[1]!], [1000, 1000], 1e-6);
  // Agrees with the probability form where that one is accurate.
  const moderate = tensor([[0.3, -1.2], [2, 0.1]]);
  assertClose(
    binaryCrossentropy(tensor([[1, 0], [0, 1]]), moderate, { fromLogits: true }).dataSync(),
    binaryCrossentropy(tensor([[1, 0], [0, 1]]), sigmoid(moderate)).dataSync(),
    1e-5,
  );
});

test('binaryCrossentropy labelSmoothing squeezes labels toward 0.5', () => {
  // s = 0.2: 1 -> 0.9, 0 -> 0.1.
  const out = new BinaryCrossentropy({ labelSmoothing: 0.2 }).call(tensor([[1, 0]]), tensor([[0.8, 0.3]]));
  assertClose(out.dataSync(), [mean([bce(0.9, 0.8), bce(0.1, 0.3)])], 1e-6);
  const logits = new BinaryCrossentropy({ labelSmoothing: 0.2, fromLogits: true }).call(tensor([[1, 0]]), tensor([[1.5, -0.5]]));
  assertClose(logits.dataSync(), [mean([softplus(1.5) - 1.5 * 0.9, softplus(-0.5) + 0.5 * 0.1])], 1e-6);
  assert.throws(() => new BinaryCrossentropy({ labelSmoothing: 1.5 }), /labelSmoothing must be in \[0, 1\], got 1.5/);
});

test('binaryCrossentropy shape errors say what was expected', () => {
  assert.throws(
    () => binaryCrossentropy(tensor([[0, 1, 0]]), tensor([[0.4]])),
    (e: Error) => e instanceof ShapeError && e.message.startsWith('binaryCrossentropy: yTrue has shape [1,3] but yPred has shape [1,1]; they must be equal.') && e.message.includes('categoricalCrossentropy'),
  );
  assert.throws(
    () => binaryCrossentropy(tensor([2, 0]), tensor([[0.1, 0.2, 0.7], [0.3, 0.3, 0.4]])),
    (e: Error) => e instanceof ShapeError && e.message.includes('yTrue looks like class ids: for 3 classes use sparseCategoricalCrossentropy'),
  );
});
