import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Input, Model, Sequential, ShapeError, ValueError, add, conv2d, layers, maxPool, relu, tensor, tidy, transpose, type Tensor } from '../../src/index.js';
import { assertClose, checkGrad, checkWeightGrads } from '../helpers/grad-check.js';
import { runLayerTest } from '../helpers/layer-test.js';

const {
  Conv1D, Conv2D, DepthwiseConv2D, SeparableConv2D, MaxPooling2D, AveragePooling2D, MaxPooling1D, AveragePooling1D,
  GlobalAveragePooling2D, GlobalMaxPooling2D, GlobalAveragePooling1D, GlobalMaxPooling1D, ZeroPadding2D, UpSampling2D,
  Flatten, Dense, Dropout,
} = layers;

const seeded = (seed: number) => ({ className: 'GlorotUniform', config: { seed } });

test('runLayerTest: Conv2D valid, same with strides 2, dilation 2, groups, channelsFirst, activation and regularizers', () => {
  runLayerTest('Conv2D valid', { make: () => new Conv2D({ filters: 4, kernelSize: 3 }), inputShape: [2, 7, 6, 3], expectedOutputShape: [2, 5, 4, 4], expectedTrainableWeights: 2 });
  runLayerTest('Conv2D same s2', {
    make: () => new Conv2D({ filters: 2, kernelSize: [3, 2], strides: 2, padding: 'same', activation: 'relu', kernelRegularizer: 'l2' }),
    inputShape: [2, 7, 5, 3], expectedOutputShape: [2, 4, 3, 2], expectedTrainableWeights: 2,
  });
  runLayerTest('Conv2D dilation', { make: () => new Conv2D({ filters: 2, kernelSize: 2, dilationRate: 2, useBias: false }), inputShape: [1, 6, 6, 2], expectedOutputShape: [1, 4, 4, 2], expectedTrainableWeights: 1 });
  runLayerTest('Conv2D groups', { make: () => new Conv2D({ filters: 4, kernelSize: 1, groups: 2 }), inputShape: [1, 3, 3, 6], expectedOutputShape: [1, 3, 3, 4], expectedTrainableWeights: 2 });
  runLayerTest('Conv2D channelsFirst', { make: () => new Conv2D({ filters: 5, kernelSize: 3, padding: 'same', dataFormat: 'channels_first' }), inputShape: [2, 3, 4, 6], expectedOutputShape: [2, 5, 4, 6], expectedTrainableWeights: 2 });
});

test('runLayerTest: Conv1D (causal), DepthwiseConv2D, SeparableConv2D', () => {
  runLayerTest('Conv1D causal', { make: () => new Conv1D({ filters: 3, kernelSize: 3, padding: 'causal', dilationRate: 2 }), inputShape: [2, 9, 4], expectedOutputShape: [2, 9, 3], expectedTrainableWeights: 2 });
  runLayerTest('Conv1D valid s2', { make: () => new Conv1D({ filters: 3, kernelSize: 3, strides: 2 }), inputShape: [2, 9, 4], expectedOutputShape: [2, 4, 3], expectedTrainableWeights: 2 });
  runLayerTest('DepthwiseConv2D', { make: () => new DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 2, padding: 'same' }), inputShape: [2, 5, 5, 3], expectedOutputShape: [2, 5, 5, 6], expectedTrainableWeights: 2 });
  runLayerTest('SeparableConv2D', { make: () => new SeparableConv2D({ filters: 4, kernelSize: 3, strides: 2 }), inputShape: [2, 7, 7, 3], expectedOutputShape: [2, 3, 3, 4], expectedTrainableWeights: 3 });
});

test('runLayerTest: pooling, global pooling, ZeroPadding2D and UpSampling2D', () => {
  runLayerTest('MaxPooling2D', { make: () => new MaxPooling2D(), inputShape: [2, 6, 5, 3], expectedOutputShape: [2, 3, 2, 3] });
  runLayerTest('MaxPooling2D same', { make: () => new MaxPooling2D({ poolSize: 3, strides: 2, padding: 'same' }), inputShape: [2, 6, 5, 3], expectedOutputShape: [2, 3, 3, 3] });
  runLayerTest('AveragePooling2D', { make: () => new AveragePooling2D({ poolSize: [2, 3] }), inputShape: [2, 4, 6, 2], expectedOutputShape: [2, 2, 2, 2] });
  runLayerTest('MaxPooling1D', { make: () => new MaxPooling1D(), inputShape: [2, 7, 3], expectedOutputShape: [2, 3, 3] });
  runLayerTest('AveragePooling1D same', { make: () => new AveragePooling1D({ poolSize: 3, strides: 1, padding: 'same' }), inputShape: [2, 7, 3], expectedOutputShape: [2, 7, 3] });
  runLayerTest('GlobalAveragePooling2D', { make: () => new GlobalAveragePooling2D(), inputShape: [2, 3, 4, 5], expectedOutputShape: [2, 5] });
  runLayerTest('GlobalMaxPooling2D keepdims', { make: () => new GlobalMaxPooling2D({ keepdims: true }), inputShape: [2, 3, 4, 5], expectedOutputShape: [2, 1, 1, 5] });
  runLayerTest('GlobalAveragePooling1D', { make: () => new GlobalAveragePooling1D(), inputShape: [2, 6, 3], expectedOutputShape: [2, 3] });
  runLayerTest('GlobalMaxPooling1D', { make: () => new GlobalMaxPooling1D(), inputShape: [2, 6, 3], expectedOutputShape: [2, 3] });
  runLayerTest('ZeroPadding2D', { make: () => new ZeroPadding2D({ padding: [[1, 2], [0, 1]] }), inputShape: [2, 3, 3, 2], expectedOutputShape: [2, 6, 4, 2] });
  runLayerTest('UpSampling2D nearest', { make: () => new UpSampling2D({ size: [2, 3] }), inputShape: [2, 3, 2, 2], expectedOutputShape: [2, 6, 6, 2] });
  runLayerTest('UpSampling2D bilinear', { make: () => new UpSampling2D({ interpolation: 'bilinear' }), inputShape: [1, 3, 2, 2], expectedOutputShape: [1, 6, 4, 2] });
});

test('parameter counts equal Keras: Conv2D 320 and 18,496; the lesson CNN 333,526; depthwise and separable', () => {
  const c1 = new Conv2D({ filters: 32, kernelSize: 3 });
  c1.apply(Input({ shape: [28, 28, 1] }));
  assert.equal(c1.countParams(), 320);
  const c2 = new Conv2D({ filters: 64, kernelSize: [3, 3] });
  c2.apply(Input({ shape: [14, 14, 32] }));
  assert.equal(c2.countParams(), 18_496);
  assert.deepEqual(c2.explainParams(), { symbols: '(kh × kw × cin + 1) × cout', numbers: '(3 × 3 × 32 + 1) × 64' });
  const cnn = new Sequential({
    layers: [
      new Conv2D({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [28, 28, 1] }),
      new MaxPooling2D({ poolSize: 2 }),
      new Conv2D({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu' }),
      new MaxPooling2D({ poolSize: 2 }),
      new Flatten(),
      new Dense({ units: 100, activation: 'relu' }),
      new Dropout({ rate: 0.4 }),
      new Dense({ units: 10, activation: 'softmax' }),
    ],
  });
  assert.equal(cnn.countParams(), 333_526);
  assert.deepEqual(cnn.layers.map((l) => l.countParams()), [320, 0, 18_496, 0, 0, 313_700, 0, 1_010]);
  assert.deepEqual(cnn.outputs[0]!.shape, [null, 10]);
  assert.deepEqual(cnn.layers[3]!.outputShape, [null, 7, 7, 64]);
  const dw = new DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 2 });
  dw.apply(Input({ shape: [8, 8, 16] }));
  assert.equal(dw.countParams(), 3 * 3 * 16 * 2 + 32);
  const sep = new SeparableConv2D({ filters: 64, kernelSize: 3 });
  sep.apply(Input({ shape: [8, 8, 16] }));
  assert.equal(sep.countParams(), 3 * 3 * 16 + 16 * 64 + 64);
  const c1d = new Conv1D({ filters: 8, kernelSize: 5 });
  c1d.apply(Input({ shape: [null, 4] }));
  assert.equal(c1d.countParams(), 5 * 4 * 8 + 8);
  assert.deepEqual(c1d.outputShape, [null, null, 8], 'variable-length sequences keep an unknown length');
});

test('Conv2D computes relu(conv2d(x, kernel) + bias); pooling layers equal their ops; channelsFirst equals transposed channelsLast', () => tidy(() => {
  const x = tensor(Float32Array.from({ length: 2 * 5 * 5 * 3 }, (_, i) => Math.sin(i)), [2, 5, 5, 3]);
  const layer = new Conv2D({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', biasInitializer: 'ones' });
  const y = layer.apply(x);
  assertClose(y.dataSync(), relu(add(conv2d(x, layer.kernel!, { padding: 'same' }), 1)).dataSync(), 1e-6, 'Conv2D');
  assertClose(new MaxPooling2D().apply(x).dataSync(), maxPool(x, 2).dataSync(), 0, 'MaxPooling2D');
  const first = new Conv2D({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', biasInitializer: 'ones', dataFormat: 'channelsFirst' });
  const xFirst = transpose(x, [0, 3, 1, 2]);
  first.apply(xFirst);
  first.setWeights(layer.getWeights());
  assertClose(transpose(first.apply(xFirst), [0, 2, 3, 1]).dataSync(), y.dataSync(), 1e-6, 'channelsFirst');
}));

test('Conv1D with causal padding: output step t depends only on steps up to t', () => tidy(() => {
  const layer = new Conv1D({ filters: 1, kernelSize: 2, padding: 'causal', useBias: false, kernelInitializer: 'ones' });
  assert.deepEqual(layer.apply(tensor([1, 2, 3, 4], [1, 4, 1])).dataSync(), Float32Array.from([1, 3, 5, 7]));
}));

test('global pooling: values by hand; GlobalAveragePooling1D averages only the real steps of a masked sequence', () => tidy(() => {
  const x = tensor([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2]);
  assert.deepEqual(new GlobalAveragePooling2D().apply(x).dataSync(), Float32Array.from([4, 5]));
  assert.deepEqual(new GlobalMaxPooling2D().apply(x).dataSync(), Float32Array.from([7, 8]));
  const seq = tensor([1, 10, 3, 30, 100, 1000], [1, 3, 2]);
  const mask = tensor([true, true, false], [1, 3], 'bool');
  assert.deepEqual(new GlobalAveragePooling1D().apply(seq, { mask }).dataSync(), Float32Array.from([2, 20]));
  assert.deepEqual(new GlobalAveragePooling1D().apply(seq).dataSync(), Float32Array.from([104 / 3, 1040 / 3]));
}));

test('ZeroPadding2D and UpSampling2D by hand (nearest, and bilinear with half-pixel centres as TensorFlow)', () => tidy(() => {
  const x = tensor([1, 2, 3, 4], [1, 2, 2, 1]);
  assert.deepEqual(new ZeroPadding2D({ padding: [1, 0] }).apply(x).dataSync(), Float32Array.from([0, 0, 1, 2, 3, 4, 0, 0]));
  assert.deepEqual(new UpSampling2D().apply(x).dataSync(), Float32Array.from([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]));
  // One row [1, 2] doubled: samples at -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
  assert.deepEqual(new UpSampling2D({ size: [1, 2], interpolation: 'bilinear' }).apply(tensor([1, 2], [1, 1, 2, 1])).dataSync(), Float32Array.from([1, 1.25, 1.75, 2]));
}));

test('gradients of every convolution and pooling layer with respect to its input, and of the weights, by finite differences', () => {
  const input64 = (shape: number[]): Tensor => tensor(Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(0.7 * i + 0.3)), shape, 'float64');
  const cases: [string, () => layers.Layer, number[]][] = [
    ['Conv2D same s2', () => new Conv2D({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh', kernelInitializer: seeded(1), dtype: 'float64' }), [2, 5, 5, 2]],
    ['Conv2D dilation channelsFirst', () => new Conv2D({ filters: 2, kernelSize: 2, dilationRate: 2, dataFormat: 'channelsFirst', kernelInitializer: seeded(2), dtype: 'float64' }), [1, 2, 5, 4]],
    ['Conv1D causal', () => new Conv1D({ filters: 2, kernelSize: 3, padding: 'causal', kernelInitializer: seeded(3), dtype: 'float64' }), [2, 6, 3]],
    ['DepthwiseConv2D', () => new DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 2, padding: 'same', depthwiseInitializer: seeded(4), dtype: 'float64' }), [1, 4, 4, 2]],
    ['SeparableConv2D', () => new SeparableConv2D({ filters: 3, kernelSize: 2, depthwiseInitializer: seeded(5), pointwiseInitializer: seeded(6), dtype: 'float64' }), [1, 4, 3, 2]],
  ];
  for (const [name, make, shape] of cases) {
    const layer = make();
    const x = input64(shape);
    layer.apply(x).dispose();
    checkGrad(name, (t) => layer.apply(t), [{ shape }]);
    checkWeightGrads(name, layer, x);
    x.dispose();
    layer.dispose();
  }
  const pools: [string, layers.Layer, number[]][] = [
    ['MaxPooling2D same', new MaxPooling2D({ poolSize: 3, strides: 2, padding: 'same' }), [2, 5, 4, 2]],
    ['AveragePooling2D', new AveragePooling2D({ poolSize: 2, strides: 1 }), [1, 4, 3, 2]],
    ['MaxPooling1D', new MaxPooling1D({ poolSize: 3, strides: 2 }), [2, 7, 2]],
    ['AveragePooling1D same', new AveragePooling1D({ padding: 'same' }), [2, 5, 2]],
    ['GlobalMaxPooling2D', new GlobalMaxPooling2D(), [2, 3, 3, 2]],
    ['GlobalAveragePooling1D', new GlobalAveragePooling1D(), [2, 4, 3]],
    ['UpSampling2D bilinear', new UpSampling2D({ interpolation: 'bilinear', size: [2, 3] }), [1, 2, 3, 2]],
    ['UpSampling2D nearest', new UpSampling2D(), [1, 2, 3, 2]],
    ['ZeroPadding2D', new ZeroPadding2D(), [1, 2, 3, 2]],
  ];
  for (const [name, layer, shape] of pools) checkGrad(name, (t) => layer.apply(t), [{ shape }]);
});

test('errors: Conv2D on [n, 28, 28] suggests the channel axis; a kernel larger than the input; wrong channel count; bad arguments', () => {
  const conv = (): layers.Layer => new Conv2D({ filters: 8, kernelSize: 3 });
  assert.throws(() => conv().apply(tensor(new Float32Array(2 * 28 * 28), [2, 28, 28])),
    (e: unknown) => e instanceof ShapeError && /Layer 'conv2d\w*' \(Conv2D\) expects input \[batch, height, width, channels\] \(rank 4, channels last\), got shape \[2,28,28\] \(rank 3\)/.test(e.message) && /reshape\(x, \[2, 28, 28, 1\]\)/.test(e.message) && /inputShape: \[28, 28, 1\]/.test(e.message));
  assert.throws(() => new Sequential({ layers: [new Conv2D({ filters: 8, kernelSize: 3, inputShape: [28, 28] })] }),
    (e: unknown) => e instanceof ShapeError && /reshape\(x, \[-1, 28, 28, 1\]\)/.test(e.message) && /inputShape: \[28, 28, 1\]/.test(e.message));
  assert.throws(() => conv().apply(Input({ shape: [2, 2, 1] })),
    (e: unknown) => e instanceof ShapeError && /\(Conv2D\): the 3×3 kernel is larger than the 2×2 input with padding 'valid', so there is no output\. Use padding 'same'/.test(e.message));
  // A stack of valid convolutions and poolings that shrinks the image away names the layer where it happens.
  assert.throws(() => new Sequential({ layers: [new Conv2D({ filters: 2, kernelSize: 5, inputShape: [8, 8, 1] }), new MaxPooling2D(), new Conv2D({ filters: 2, kernelSize: 3, name: 'too_far' })] }),
    /layer 2 'too_far' \(Conv2D\).*the 3×3 kernel is larger than the 2×2 input/);
  assert.throws(() => new MaxPooling1D({ poolSize: 4 }).apply(tensor(new Float32Array(6), [1, 3, 2])), /the pool window of 4 steps is longer than the input of 3 steps/);
  const built = conv();
  built.apply(Input({ shape: [9, 9, 3] }));
  assert.throws(() => built.apply(tensor(new Float32Array(81), [1, 9, 9, 1])), /expected input with last dimension 3, got shape \[1,9,9,1\]/);
  assert.throws(() => new Conv2D({ filters: 0, kernelSize: 3 }), (e: unknown) => e instanceof ValueError && /filters must be a positive integer, got 0/.test(e.message));
  assert.throws(() => new Conv2D({ filters: 4, kernelSize: [3, 3, 3] }), /kernelSize must be a positive integer or 2 of them/);
  assert.throws(() => new Conv2D({ filters: 4, kernelSize: 3, padding: 'causal' }), /padding must be 'valid' or 'same', got "causal"/);
  assert.throws(() => new Conv2D({ filters: 6, kernelSize: 3, groups: 4 }), /groups must be a positive integer dividing filters \(6\), got 4/);
  assert.throws(() => new Conv1D({ filters: 4, kernelSize: 3 }).apply(tensor(new Float32Array(20), [2, 10])), /For token ids, put an Embedding layer first/);
});

test('a functional model with Conv2D, SeparableConv2D and global pooling round-trips through its config', () => tidy(() => {
  const x = Input({ shape: [8, 8, 3] });
  let h = new Conv2D({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x);
  h = new SeparableConv2D({ filters: 6, kernelSize: 3 }).apply(h);
  const y = new Dense({ units: 2 }).apply(new GlobalAveragePooling2D().apply(h));
  const model = new Model({ inputs: x, outputs: y });
  const copy = Model.fromConfig(JSON.parse(JSON.stringify(model.getConfig())));
  copy.setWeights(model.getWeights());
  const data = tensor(Float32Array.from({ length: 2 * 8 * 8 * 3 }, (_, i) => Math.cos(i)), [2, 8, 8, 3]);
  assert.deepEqual((copy.predict(data) as Tensor).dataSync(), (model.predict(data) as Tensor).dataSync());
}));
