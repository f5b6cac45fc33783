/** The activation layers with arguments (LeakyReLU, ReLU, Softmax, ELU): values computed by hand, the layer harness, configs and bad arguments. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Input, Sequential, ValueError, layers, tensor, tidy } from '../../src/index.js';
import { checkGrad, checkWeightGrads } from '../helpers/grad-check.js';
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

test('PReLU: x above 0, alpha · x below, one learned slope per value or per shared axes', () => {
  const { PReLU, Conv2D } = layers;
  runLayerTest('PReLU', { make: () => new PReLU({ alphaInitializer: { className: 'Constant', config: { value: 0.25 } } }), inputShape: [3, 4], expectedOutputShape: [3, 4], expectedTrainableWeights: 1 });
  runLayerTest('PReLU shared', { make: () => new PReLU({ sharedAxes: [1, 2], alphaInitializer: 'ones' }), inputShape: [2, 3, 3, 4], expectedOutputShape: [2, 3, 3, 4], expectedTrainableWeights: 1 });
  tidy(() => {
    const p = new PReLU({ sharedAxes: [1] });
    const x = tensor([[[-2, 1], [3, -4]]]);
    p.apply(x);
    assert.deepEqual(p.alpha!.shape, [1, 2]);
    p.alpha!.assign(tensor([[0.5, 0.1]]));
    close(p.apply(x).dataSync(), [-1, 1, 3, -0.4]);
    // Keras's formula: params = the sample's size divided by the shared axes' sizes.
    const conv = new Conv2D({ filters: 32, kernelSize: 3 });
    const perChannel = new PReLU({ sharedAxes: [1, 2] });
    perChannel.apply(conv.apply(Input({ shape: [28, 28, 1] })));
    assert.equal(perChannel.countParams(), 32);
    const everywhere = new PReLU();
    everywhere.apply(Input({ shape: [26, 26, 32] }));
    assert.equal(everywhere.countParams(), 26 * 26 * 32);
  });
  const p64 = new PReLU({ dtype: 'float64', alphaInitializer: { className: 'RandomNormal', config: { seed: 3 } } });
  const x64 = tensor(Float64Array.from({ length: 12 }, (_, i) => Math.sin(2.1 * i) * 2), [3, 4], 'float64');
  p64.apply(x64).dispose();
  checkGrad('PReLU', (t) => p64.apply(t), [{ shape: [3, 4], avoid: [0] }]);
  checkWeightGrads('PReLU', p64, x64);
  x64.dispose();
  assert.deepEqual(new PReLU({ name: 'p' }).getConfig(), {
    name: 'p', trainable: true, dtype: 'float32', activityRegularizer: null, alphaInitializer: { className: 'Zeros', config: {} }, alphaRegularizer: null, sharedAxes: null,
  });
  assert.throws(() => new PReLU({ name: 'p', sharedAxes: [0] }), (e: Error) => e instanceof ValueError && /Layer 'p' \(PReLU\): sharedAxes must be a list of axes counted from 1/.test(e.message));
  assert.throws(() => new PReLU({ name: 'p', sharedAxes: [3] }).apply(Input({ shape: [4] })), /Layer 'p' \(PReLU\): sharedAxes has axis 3/);
});

test('PReLU summary row: p_re_lu, as Keras names it', () => {
  const { PReLU, Dense, clearSession } = layers;
  clearSession();
  const model = new Sequential({ layers: [new Dense({ units: 8, inputShape: [4] }), new PReLU()] });
  const lines: string[] = [];
  model.summary({ printFn: (line) => lines.push(line) });
  assert.ok(lines.includes('│ p_re_lu (PReLU)                      │ (None, 8)                   │               8 │'), lines.join('\n'));
});
