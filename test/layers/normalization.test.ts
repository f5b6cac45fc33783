import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Input, Sequential, ShapeError, ValueError, add, cast, greater, layers, mean, memory, mul, randomNormal, setSeed, sum, tensor, tidy, variableGrads, type MemoryInfo, type Tensor,
} from '../../src/index.js';
import { assertClose, checkGrad, checkWeightGrads } from '../helpers/grad-check.js';
import { runLayerTest } from '../helpers/layer-test.js';

const { BatchNormalization, LayerNormalization, Conv2D, Dense } = layers;

test('runLayerTest: BatchNormalization (channels last, axis 1, without scale) and LayerNormalization', () => {
  runLayerTest('BatchNormalization', {
    make: () => new BatchNormalization(), inputShape: [4, 3, 3, 2], expectedOutputShape: [4, 3, 3, 2], expectedTrainableWeights: 2, expectedNonTrainableWeights: 2, trainingDiffers: true,
  });
  runLayerTest('BatchNormalization axis 1', {
    make: () => new BatchNormalization({ axis: 1, scale: false }), inputShape: [4, 3, 5], expectedOutputShape: [4, 3, 5], expectedTrainableWeights: 1, expectedNonTrainableWeights: 2, trainingDiffers: true,
  });
  runLayerTest('LayerNormalization', { make: () => new LayerNormalization(), inputShape: [4, 3, 5], expectedOutputShape: [4, 3, 5], expectedTrainableWeights: 2 });
  runLayerTest('LayerNormalization two axes', { make: () => new LayerNormalization({ axis: [1, 2], center: false }), inputShape: [4, 3, 5], expectedOutputShape: [4, 3, 5], expectedTrainableWeights: 1 });
});

test('BatchNormalization has 4 · channels parameters, half of them non-trainable, in Keras order', () => {
  const bn = new BatchNormalization();
  bn.apply(new Conv2D({ filters: 32, kernelSize: 3 }).apply(Input({ shape: [8, 8, 1] })));
  assert.equal(bn.countParams(), 128);
  assert.equal(bn.trainableWeights.reduce((n, w) => n + w.size, 0), 64);
  assert.equal(bn.nonTrainableWeights.reduce((n, w) => n + w.size, 0), 64);
  assert.deepEqual(bn.weights.map((w) => w.name), ['batch_normalization/gamma', 'batch_normalization/beta', 'batch_normalization/moving_mean', 'batch_normalization/moving_variance'].map((n) => n.replace('batch_normalization', bn.name)));
});

test('BatchNormalization: batch statistics while training, moving averages updated with momentum, used at inference', () => tidy(() => {
  const bn = new BatchNormalization({ momentum: 0.9, epsilon: 0.01, gammaInitializer: { className: 'Constant', config: { value: 2 } }, betaInitializer: 'ones' });
  // Feature 0: 1, 3 (mean 2, variance 1); feature 1: 0, 0 (mean 0, variance 0).
  const x = tensor([[1, 0], [3, 0]]);
  const inference = bn.apply(x);
  // Moving mean 0 and variance 1 at first: y = 2 x / sqrt(1.01) + 1.
  assertClose(inference.dataSync(), [2 / Math.sqrt(1.01) + 1, 1, 6 / Math.sqrt(1.01) + 1, 1], 1e-6, 'inference');
  const trained = bn.apply(x, { training: true });
  assertClose(trained.dataSync(), [-2 / Math.sqrt(1.01) + 1, 1, 2 / Math.sqrt(1.01) + 1, 1], 1e-6, 'training');
  assertClose(bn.movingMean!.dataSync(), [0.9 * 0 + 0.1 * 2, 0], 1e-7, 'moving mean');
  assertClose(bn.movingVariance!.dataSync(), [0.9 * 1 + 0.1 * 1, 0.9 * 1 + 0.1 * 0], 1e-7, 'moving variance (biased batch variance)');
  bn.apply(x, { training: true });
  assertClose(bn.movingMean!.dataSync(), [0.9 * 0.2 + 0.1 * 2, 0], 1e-6, 'second update');
  // A frozen layer runs in inference mode even while training, and keeps its statistics.
  bn.trainable = false;
  const frozen = bn.apply(x, { training: true });
  assertClose(frozen.dataSync(), bn.apply(x).dataSync(), 0, 'frozen');
  assertClose(bn.movingMean!.dataSync(), [0.38, 0], 1e-6, 'frozen statistics do not move');
  assert.equal(bn.trainableWeights.length, 0);
}));

test('BatchNormalization with a mask leaves padding steps out of the batch statistics', () => tidy(() => {
  const bn = new BatchNormalization({ momentum: 0, center: false, scale: false, epsilon: 1e-3 });
  const x = tensor([1, 3, 100, 5, 7, -100], [2, 3, 1]);
  const mask = tensor([true, true, false, true, true, false], [2, 3], 'bool');
  bn.apply(x, { training: true, mask });
  // Real values 1, 3, 5, 7: mean 4, variance 5.
  assertClose(bn.movingMean!.dataSync(), [4], 1e-6, 'masked mean');
  assertClose(bn.movingVariance!.dataSync(), [5], 1e-6, 'masked variance');
}));

test('LayerNormalization normalizes each sample over its features, by hand', () => tidy(() => {
  const ln = new LayerNormalization({ epsilon: 0 });
  const y = ln.apply(tensor([[1, 2, 3], [10, 10, 40]]));
  const s1 = Math.sqrt(2 / 3);
  const s2 = Math.sqrt(200);
  assertClose(y.dataSync(), [-1 / s1, 0, 1 / s1, -10 / s2, -10 / s2, 20 / s2], 1e-6, 'layer norm');
  assertClose(ln.apply(tensor([[1, 2, 3]]), { training: true }).dataSync(), y.dataSync().slice(0, 3), 1e-6, 'the same in training');
}));

test('gradients of both normalization layers, training and inference, with respect to the input and the weights', () => {
  const input = (shape: number[]): Tensor => tensor(Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(1.3 * i)), shape, 'float64');
  const bn = new BatchNormalization({ dtype: 'float64', betaInitializer: 'ones', gammaInitializer: { className: 'RandomNormal', config: { seed: 2 } } });
  const x = input([5, 2, 3]);
  bn.apply(x).dispose();
  checkGrad('BatchNormalization inference', (t) => bn.apply(t), [{ shape: [5, 2, 3] }]);
  const training = new BatchNormalization({ dtype: 'float64', momentum: 1, gammaInitializer: { className: 'RandomNormal', config: { seed: 3 } } });
  training.apply(x).dispose();
  checkGrad('BatchNormalization training', (t) => training.apply(t, { training: true }), [{ shape: [5, 2, 3] }]);
  tidy(() => {
    // The gradient through batch statistics: d/dγ of sum(y ⊙ w) with w random, checked on the weights too.
    const { grads } = variableGrads(() => sum(training.apply(x, { training: true })), training.trainableWeights);
    assertClose(grads[0]!.dataSync(), [0, 0, 0], 1e-9, 'sum of a normalized feature is 0, so d/dγ is 0');
    assertClose(grads[1]!.dataSync(), [10, 10, 10], 1e-9, 'd/dβ is the number of elements per feature');
  });
  const ln = new LayerNormalization({ dtype: 'float64', gammaInitializer: { className: 'RandomNormal', config: { seed: 4 } } });
  ln.apply(x).dispose();
  checkGrad('LayerNormalization', (t) => ln.apply(t), [{ shape: [5, 2, 3] }]);
  checkWeightGrads('LayerNormalization', ln, x);
  x.dispose();
});

test('normalization errors name the layer', () => {
  assert.throws(() => new BatchNormalization({ momentum: 2 }), (e: unknown) => e instanceof ValueError && /momentum must be in \[0, 1\], got 2/.test(e.message));
  assert.throws(() => new LayerNormalization({ epsilon: -1 }), /epsilon must be a non-negative number, got -1/);
  assert.throws(() => new LayerNormalization({ axis: 0 }).apply(Input({ shape: [3] })), /includes the batch axis/);
  const bn = new BatchNormalization();
  bn.apply(Input({ shape: [4] }));
  assert.throws(() => bn.apply(Input({ shape: [5] })), (e: unknown) => e instanceof ShapeError && /\(BatchNormalization\) expected input with last dimension 4, got shape \[null,5\]/.test(e.message));
});

test('BatchNormalization inside fit: the moving statistics follow the data, in constant memory, and are saved as weights', async () => {
  setSeed(3);
  const model = new Sequential({
    layers: [new Dense({ units: 4, inputShape: [3] }), new BatchNormalization({ momentum: 0.5 }), new Dense({ units: 2, activation: 'softmax' })],
  });
  model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
  const x = add(mul(randomNormal([64, 3], 0, 1, { seed: 1 }), 2), 5);
  const y = cast(greater(sum(x, 1), 15), 'int32');
  const bn = model.layers[1] as InstanceType<typeof BatchNormalization>;
  const perEpoch: MemoryInfo[] = [];
  await model.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0, callbacks: [{ onEpochEnd: () => void perEpoch.push(memory()) }] });
  assert.deepEqual(perEpoch[2], perEpoch[1]);
  // After 12 updates with momentum 0.5 the moving mean is close to the mean of the first Dense's output over the data
  // (measured: 6.38, -0.09, 2.60, 6.22 against 6.37, 0.07, 2.47, 6.63; it started at 0).
  const hidden = (model.layers[0]!.apply(x) as Tensor);
  const moving = bn.movingMean!.dataSync();
  const batchMeans = mean(hidden, 0).dataSync();
  moving.forEach((v, i) => assert.ok(Math.abs(v - batchMeans[i]!) < 0.6, `moving mean ${v} near the data's ${batchMeans[i]}`));
  assert.equal(model.nonTrainableWeights.length, 2);
  assert.equal(model.getWeights().length, 8);
});
