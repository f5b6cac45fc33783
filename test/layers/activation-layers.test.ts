/** The activation layers with arguments (LeakyReLU, ReLU, Softmax, ELU): values computed by hand, the layer harness, configs and bad arguments. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValueError, layers, tensor, tidy } from '../../src/index.js';
import { runLayerTest } from '../helpers/layer-test.js';

const { LeakyReLU, ReLU, Softmax, ELU, deserializeLayer, serializeLayer } = layers;

const close = (actual: ArrayLike<number>, expected: number[]): void => {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i]! - expected[i]!) < 1e-6, `[${i}]: ${actual[i]} vs ${expected[i]}`);
};

test('runLayerTest: LeakyReLU, ReLU, Softmax, ELU', () => {
  runLayerTest('LeakyReLU', { make: () => new LeakyReLU({ negativeSlope: 0.1 }), inputShape: [3, 4], expectedOutputShape: [3, 4] });
  runLayerTest('ReLU', { make: () => new ReLU({ maxValue: 1, threshold: -0.5, negativeSlope: 0.2 }), inputShape: [3, 4], expectedOutputShape: [3, 4] });
  runLayerTest('Softmax', { make: () => new Softmax({ axis: 1 }), inputShape: [2, 3, 4], expectedOutputShape: [2, 3, 4] });
  runLayerTest('ELU', { make: () => new ELU({ alpha: 0.5 }), inputShape: [3, 4], expectedOutputShape: [3, 4] });
});

test('activation layers compute what Keras computes', () => tidy(() => {
  const x = tensor([-3, -1, -0.5, 0, 0.5, 2, 7]);
  close(new LeakyReLU().apply(x).dataSync(), [-0.9, -0.3, -0.15, 0, 0.5, 2, 7]);
  close(new ReLU().apply(x).dataSync(), [0, 0, 0, 0, 0.5, 2, 7]);
  close(new ReLU({ maxValue: 6 }).apply(x).dataSync(), [0, 0, 0, 0, 0.5, 2, 6]);
  // threshold ≤ x < maxValue gives x; below, negativeSlope · (x - threshold).
  close(new ReLU({ maxValue: 2, threshold: -1, negativeSlope: 0.5 }).apply(x).dataSync(), [-1, -1, -0.5, 0, 0.5, 2, 2]);
  close(new ELU({ alpha: 2 }).apply(x).dataSync(), [2 * Math.expm1(-3), 2 * Math.expm1(-1), 2 * Math.expm1(-0.5), 0, 0.5, 2, 7]);
  const e = [Math.exp(1), Math.exp(2), Math.exp(4)];
  close(new Softmax().apply(tensor([[1, 2, 4]])).dataSync(), e.map((v) => v / (e[0]! + e[1]! + e[2]!)));
  close(new Softmax({ axis: 0 }).apply(tensor([[1, 5], [1, 5]])).dataSync(), [0.5, 0.5, 0.5, 0.5]);
}));

test('activation layers: configs rebuild the same layer; bad arguments are ValueErrors naming the layer', () => {
  for (const layer of [new LeakyReLU({ negativeSlope: 0.05 }), new ReLU({ maxValue: 6, negativeSlope: 0.1, threshold: 1 }), new Softmax({ axis: 1 }), new ELU({ alpha: 0.3 })]) {
    assert.deepEqual(serializeLayer(deserializeLayer(serializeLayer(layer))), serializeLayer(layer));
  }
  assert.deepEqual(new ReLU({ name: 'r' }).getConfig(), { name: 'r', trainable: true, dtype: 'float32', activityRegularizer: null, maxValue: null, negativeSlope: 0, threshold: 0 });
  assert.throws(() => new LeakyReLU({ name: 'lr', negativeSlope: -1 }), (e: Error) => e instanceof ValueError && e.message === "Layer 'lr' (LeakyReLU): negativeSlope must be a finite number >= 0, got -1.");
  assert.throws(() => new ReLU({ name: 'r', maxValue: Number.NaN }), (e: Error) => e instanceof ValueError && /Layer 'r' \(ReLU\): maxValue must be a finite number >= 0, got NaN/.test(e.message));
  assert.throws(() => new Softmax({ name: 's', axis: 0.5 }), (e: Error) => e instanceof ValueError && e.message === "Layer 's' (Softmax): axis must be an integer, got 0.5.");
});
