import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ShapeError, ValueError, layers, ones, tensor, tidy, variableGrads, sum } from '../../src/index.js';
import { checkGrad } from '../helpers/grad-check.js';
import { runLayerTest } from '../helpers/layer-test.js';

const { Dense, Flatten, Dropout, Activation, Reshape, clearSession } = layers;

test('runLayerTest: Dense', () => runLayerTest('Dense', {
  make: () => new Dense({ units: 3, activation: 'tanh' }), inputShape: [2, 4], expectedOutputShape: [2, 3], expectedTrainableWeights: 2,
}));
test('runLayerTest: Dense on rank-3 input acts on the last axis', () => runLayerTest('Dense rank 3', {
  make: () => new Dense({ units: 3 }), inputShape: [2, 5, 4], expectedOutputShape: [2, 5, 3], expectedTrainableWeights: 2,
}));
test('runLayerTest: Dense without bias, with regularizers', () => runLayerTest('Dense no bias', {
  make: () => new Dense({ units: 2, useBias: false, kernelRegularizer: 'l2', activityRegularizer: 'l1' }), inputShape: [3, 4], expectedOutputShape: [3, 2], expectedTrainableWeights: 1,
}));
test('runLayerTest: Flatten', () => runLayerTest('Flatten', { make: () => new Flatten(), inputShape: [2, 3, 4], expectedOutputShape: [2, 12] }));
test('runLayerTest: Flatten channelsFirst', () => runLayerTest('Flatten channelsFirst', { make: () => new Flatten({ dataFormat: 'channels_first' }), inputShape: [2, 3, 4, 5], expectedOutputShape: [2, 60] }));
test('runLayerTest: Dropout', () => runLayerTest('Dropout', { make: () => new Dropout({ rate: 0.5, seed: 3 }), inputShape: [4, 10], expectedOutputShape: [4, 10], trainingDiffers: true }));
test('runLayerTest: Activation', () => runLayerTest('Activation', { make: () => new Activation({ activation: 'relu' }), inputShape: [3, 5], expectedOutputShape: [3, 5] }));
test('runLayerTest: Reshape with -1', () => runLayerTest('Reshape', { make: () => new Reshape({ targetShape: [-1, 4] }), inputShape: [2, 12], expectedOutputShape: [2, 3, 4] }));

test('Dense forward equals hand-computed x·K + b, with and without activation', () => tidy(() => {
  const kernel = tensor([[1, 2], [3, 4], [5, 6]]);
  const bias = tensor([0.5, -1]);
  const x = tensor([[1, 0, -1], [2, 1, 0]]);
  const linear = new Dense({ units: 2 });
  linear.apply(x);
  linear.setWeights([kernel, bias]);
  // [1,0,-1]·K = [1-5, 2-6] = [-4,-4]; [2,1,0]·K = [2+3, 4+4] = [5,8]
  assert.deepEqual(linear.apply(x).arraySync(), [[-3.5, -5], [5.5, 7]]);
  const relu = new Dense({ units: 2, activation: 'relu' });
  relu.apply(x);
  relu.setWeights([kernel, bias]);
  assert.deepEqual(relu.apply(x).arraySync(), [[0, 0], [5.5, 7]]);
  // On [batch, time, features] the same kernel acts on each time step.
  assert.deepEqual(linear.apply(tensor([[[1, 0, -1], [2, 1, 0]]])).arraySync(), [[[-3.5, -5], [5.5, 7]]]);
}));

test('Dense gradient with respect to its input (checkGrad through call with fixed weights)', () => {
  const layer = new Dense({ units: 3, activation: 'tanh', kernelInitializer: { className: 'GlorotUniform', config: { seed: 5 } }, biasInitializer: 'ones' });
  layer.apply(ones([1, 4]));
  checkGrad('Dense', (x) => layer.apply(x), [{ shape: [2, 4] }]);
  checkGrad('Dense rank 3', (x) => layer.apply(x), [{ shape: [2, 3, 4] }]);
  layer.dispose();
});

test('Dense weight gradients: d sum(xK + b)/dK = xᵀ·1 and d/db = batch size', () => tidy(() => {
  const layer = new Dense({ units: 2 });
  const x = tensor([[1, 0, -1], [2, 1, 0]]);
  layer.apply(x);
  const { grads } = variableGrads(() => sum(layer.apply(x)), layer.trainableWeights);
  assert.deepEqual(grads[0]!.arraySync(), [[3, 3], [1, 1], [-1, -1]]);
  assert.deepEqual(grads[1]!.arraySync(), [2, 2]);
}));

test('Dropout: fraction dropped and scaling while training; identity at inference', () => tidy(() => {
  const layer = new Dropout({ rate: 0.25, seed: 7 });
  const x = ones([100, 1000]);
  const y = layer.apply(x, { training: true }).dataSync();
  let dropped = 0;
  for (const v of y) {
    if (v === 0) dropped++;
    else assert.equal(v, Math.fround(4 / 3));
  }
  const n = 100_000;
  assert.ok(Math.abs(dropped / n - 0.25) < 4 * Math.sqrt((0.25 * 0.75) / n), `dropped ${dropped / n}`);
  assert.deepEqual(layer.apply(x).dataSync(), x.dataSync());
  assert.deepEqual(layer.apply(x, { training: false }).dataSync(), x.dataSync());
  // Each training call draws a new mask; a layer with the same seed replays the same sequence.
  const small = ones([4, 8]);
  const a = new Dropout({ rate: 0.5, seed: 1 });
  const b = new Dropout({ rate: 0.5, seed: 1 });
  const a1 = a.apply(small, { training: true }).dataSync();
  const a2 = a.apply(small, { training: true }).dataSync();
  assert.notDeepEqual(a1, a2);
  assert.deepEqual(b.apply(small, { training: true }).dataSync(), a1);
  assert.deepEqual(b.apply(small, { training: true }).dataSync(), a2);
}));

test('Dropout noiseShape drops whole features across time steps', () => tidy(() => {
  const layer = new Dropout({ rate: 0.5, noiseShape: [null, 1, null], seed: 2 });
  const y = layer.apply(ones([3, 4, 6]), { training: true }).arraySync() as number[][][];
  for (const sample of y) for (let f = 0; f < 6; f++) assert.equal(new Set(sample.map((step) => step[f])).size, 1);
}));

test('Reshape and Flatten compute Keras shapes, unknown dimensions included', () => {
  assert.deepEqual(new Reshape({ targetShape: [28, 28, 1] }).computeOutputShape([null, 784]), [null, 28, 28, 1]);
  assert.deepEqual(new Reshape({ targetShape: [-1, 2] }).computeOutputShape([null, null]), [null, null, 2]);
  assert.deepEqual(new Flatten().computeOutputShape([null, 3, null]), [null, null]);
  assert.deepEqual(new Flatten().computeOutputShape([null]), [null, 1]);
  tidy(() => assert.deepEqual(new Flatten().apply(tensor([1, 2])).shape, [2, 1]));
  assert.throws(() => new Reshape({ targetShape: [28, 27] }).computeOutputShape([null, 784]),
    (e: Error) => e instanceof ShapeError && /^Layer 'reshape(_\d+)?' \(Reshape\) cannot reshape input of shape \[null,784\] to target shape \[28,27\]: each sample has 784 values, but the target holds 756\.$/.test(e.message));
  assert.throws(() => new Reshape({ targetShape: [-1, -1] }), /targetShape must be positive integers with at most one -1/);
});

test('argument checks name the layer', () => {
  clearSession();
  assert.equal(new Dense({ units: 1 }).name, 'dense');
  assert.throws(() => new Dense({ units: 0 }), (e: Error) => e instanceof ValueError && e.message === "Layer 'dense_1' (Dense): units must be a positive integer, got 0.");
  assert.throws(() => new Dropout({ rate: 1.5 }), /\(Dropout\): rate must be in \[0, 1\), got 1.5/);
  assert.throws(() => new Flatten({ dataFormat: 'nchw' as 'channelsLast' }), /dataFormat must be 'channelsLast' or 'channelsFirst', got "nchw"/);
  assert.throws(() => new Dense({ units: 2, activation: 'rellu' }), /unknown activation 'rellu'/);
});

test('TensorFlow.js-style factories make the same layers as the classes', () => {
  assert.ok(layers.dense({ units: 10 }) instanceof Dense);
  assert.equal(layers.dense({ units: 10, useBias: false }).useBias, false);
  assert.ok(layers.flatten() instanceof Flatten);
  assert.equal(layers.dropout({ rate: 0.3 }).rate, 0.3);
  assert.ok(layers.activation({ activation: 'relu' }) instanceof Activation);
  assert.deepEqual(layers.reshape({ targetShape: [2, 2] }).targetShape, [2, 2]);
  assert.deepEqual(layers.inputLayer({ shape: [3] }).batchShape, [null, 3]);
  assert.deepEqual(layers.input({ shape: [3] }).shape, [null, 3]);
});
