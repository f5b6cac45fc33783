import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Input, Sequential, ShapeError, ValueError, add, conv2dTranspose, layers, tensor, tidy, type Tensor } from '../../src/index.js';
import { assertClose, checkGrad, checkWeightGrads } from '../helpers/grad-check.js';
import { runLayerTest } from '../helpers/layer-test.js';

const {
  Conv2DTranspose, Conv1DTranspose, Conv3D, MaxPooling3D, AveragePooling3D, GlobalAveragePooling3D, GlobalMaxPooling3D,
  Cropping1D, Cropping2D, Cropping3D, Conv2D, ZeroPadding1D, UpSampling1D,
} = layers;

const seeded = (seed: number) => ({ className: 'GlorotUniform', config: { seed } });

test('runLayerTest: Conv2DTranspose and Conv1DTranspose (valid, same, strides, outputPadding, dilation, channelsFirst)', () => {
  runLayerTest('Conv2DTranspose valid', { make: () => new Conv2DTranspose({ filters: 4, kernelSize: 3 }), inputShape: [2, 4, 3, 2], expectedOutputShape: [2, 6, 5, 4], expectedTrainableWeights: 2 });
  runLayerTest('Conv2DTranspose same s2', {
    make: () => new Conv2DTranspose({ filters: 2, kernelSize: [3, 2], strides: 2, padding: 'same', activation: 'relu', kernelRegularizer: 'l2' }),
    inputShape: [2, 3, 4, 3], expectedOutputShape: [2, 6, 8, 2], expectedTrainableWeights: 2,
  });
  runLayerTest('Conv2DTranspose outputPadding', { make: () => new Conv2DTranspose({ filters: 2, kernelSize: 3, strides: [3, 2], outputPadding: [2, 1], useBias: false }), inputShape: [1, 2, 3, 2], expectedOutputShape: [1, 8, 8, 2], expectedTrainableWeights: 1 });
  runLayerTest('Conv2DTranspose dilation channelsFirst', { make: () => new Conv2DTranspose({ filters: 3, kernelSize: 2, dilationRate: 2, dataFormat: 'channels_first' }), inputShape: [2, 2, 3, 4], expectedOutputShape: [2, 3, 5, 6], expectedTrainableWeights: 2 });
  runLayerTest('Conv1DTranspose same s2', { make: () => new Conv1DTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same' }), inputShape: [2, 5, 4], expectedOutputShape: [2, 10, 3], expectedTrainableWeights: 2 });
  runLayerTest('Conv1DTranspose valid op', { make: () => new Conv1DTranspose({ filters: 2, kernelSize: 2, strides: 3, outputPadding: 1 }), inputShape: [2, 4, 2], expectedOutputShape: [2, 12, 2], expectedTrainableWeights: 2 });
});

test('runLayerTest: Conv3D, 3-D pooling, global 3-D pooling and cropping', () => {
  runLayerTest('Conv3D valid', { make: () => new Conv3D({ filters: 3, kernelSize: [2, 3, 2] }), inputShape: [2, 4, 5, 4, 2], expectedOutputShape: [2, 3, 3, 3, 3], expectedTrainableWeights: 2 });
  runLayerTest('Conv3D same s2 groups', { make: () => new Conv3D({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', groups: 2 }), inputShape: [1, 5, 4, 3, 2], expectedOutputShape: [1, 3, 2, 2, 4], expectedTrainableWeights: 2 });
  runLayerTest('Conv3D channelsFirst', { make: () => new Conv3D({ filters: 2, kernelSize: 2, dataFormat: 'channelsFirst' }), inputShape: [1, 3, 3, 4, 5], expectedOutputShape: [1, 2, 2, 3, 4], expectedTrainableWeights: 2 });
  runLayerTest('MaxPooling3D', { make: () => new MaxPooling3D(), inputShape: [2, 4, 5, 4, 2], expectedOutputShape: [2, 2, 2, 2, 2] });
  runLayerTest('AveragePooling3D same', { make: () => new AveragePooling3D({ poolSize: [1, 2, 3], strides: 2, padding: 'same' }), inputShape: [2, 3, 5, 4, 2], expectedOutputShape: [2, 2, 3, 2, 2] });
  runLayerTest('GlobalAveragePooling3D', { make: () => new GlobalAveragePooling3D(), inputShape: [2, 2, 3, 2, 4], expectedOutputShape: [2, 4] });
  runLayerTest('GlobalMaxPooling3D keepdims', { make: () => new GlobalMaxPooling3D({ keepdims: true }), inputShape: [2, 2, 3, 2, 4], expectedOutputShape: [2, 1, 1, 1, 4] });
  runLayerTest('Cropping1D', { make: () => new Cropping1D(), inputShape: [2, 6, 3], expectedOutputShape: [2, 4, 3] });
  runLayerTest('Cropping2D', { make: () => new Cropping2D({ cropping: [[1, 2], [0, 1]] }), inputShape: [2, 5, 4, 3], expectedOutputShape: [2, 2, 3, 3] });
  runLayerTest('Cropping2D channelsFirst', { make: () => new Cropping2D({ cropping: [1, 2], dataFormat: 'channels_first' }), inputShape: [2, 3, 5, 6], expectedOutputShape: [2, 3, 3, 2] });
  runLayerTest('Cropping3D', { make: () => new Cropping3D(), inputShape: [1, 4, 3, 5, 2], expectedOutputShape: [1, 2, 1, 3, 2] });
  runLayerTest('ZeroPadding1D', { make: () => new ZeroPadding1D({ padding: [2, 1] }), inputShape: [2, 4, 3], expectedOutputShape: [2, 7, 3] });
  runLayerTest('UpSampling1D', { make: () => new UpSampling1D({ size: 3 }), inputShape: [2, 4, 3], expectedOutputShape: [2, 12, 3] });
});

test("parameter counts equal Keras's formulas: kh·kw·filters·channels + filters for the transposes, kd·kh·kw·channels/groups·filters + filters for Conv3D", () => {
  const t2 = new Conv2DTranspose({ filters: 16, kernelSize: 3, strides: 2, padding: 'same' });
  t2.apply(Input({ shape: [7, 7, 32] }));
  assert.equal(t2.countParams(), 4_624);
  assert.deepEqual(t2.kernel!.shape, [3, 3, 16, 32], "Keras's kernel layout: output channels before input channels");
  assert.deepEqual(t2.explainParams(), { symbols: '(kh × kw × cin + 1) × cout', numbers: '(3 × 3 × 32 + 1) × 16' });
  const t1 = new Conv1DTranspose({ filters: 8, kernelSize: 5, useBias: false });
  t1.apply(Input({ shape: [null, 4] }));
  assert.equal(t1.countParams(), 160);
  assert.deepEqual(t1.outputShape, [null, null, 8]);
  const c3 = new Conv3D({ filters: 8, kernelSize: 3 });
  c3.apply(Input({ shape: [8, 16, 16, 1] }));
  assert.equal(c3.countParams(), 224);
  const g3 = new Conv3D({ filters: 6, kernelSize: [1, 2, 2], groups: 3 });
  g3.apply(Input({ shape: [4, 4, 4, 9] }));
  assert.equal(g3.countParams(), 1 * 2 * 2 * 3 * 6 + 6);
});

test('summary() rows of an autoencoder: Conv2D, Conv2DTranspose, Cropping2D with Keras\'s output shapes and counts', () => {
  const model = new Sequential({
    layers: [
      new Conv2D({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', inputShape: [28, 28, 1], name: 'enc' }),
      new Conv2DTranspose({ filters: 4, kernelSize: 3, strides: 2, name: 'dec' }),
      new Cropping2D({ cropping: [[1, 0], [1, 0]], name: 'crop' }),
    ],
  });
  const lines: string[] = [];
  model.summary({ printFn: (line) => lines.push(line) });
  const text = lines.join('\n');
  assert.match(text, /dec \(Conv2DTranspose\)\s+│\s+\(None, 29, 29, 4\)\s+│\s+292 │/);
  assert.match(text, /crop \(Cropping2D\)\s+│\s+\(None, 28, 28, 4\)\s+│\s+0 │/);
  assert.match(text, /Total params: 372/);
  model.dispose();
});

test('the layers compute their ops: Conv2DTranspose = conv2dTranspose + bias; cropping by hand', () => tidy(() => {
  const x = tensor(Float32Array.from({ length: 2 * 3 * 3 * 2 }, (_, i) => Math.sin(i)), [2, 3, 3, 2]);
  const layer = new Conv2DTranspose({ filters: 3, kernelSize: 2, strides: 2, biasInitializer: 'ones' });
  assertClose(layer.apply(x).dataSync(), add(conv2dTranspose(x, layer.kernel!, { strides: 2 }), 1).dataSync(), 1e-6);
  const img = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
  assert.deepEqual(new Cropping2D({ cropping: [[1, 0], [0, 1]] }).apply(img).dataSync(), Float32Array.from([4, 5, 7, 8]));
  assert.deepEqual(new Cropping1D({ cropping: [0, 2] }).apply(tensor([1, 2, 3, 4], [1, 4, 1])).dataSync(), Float32Array.from([1, 2]));
  assert.deepEqual(new ZeroPadding1D({ padding: [1, 0] }).apply(tensor([1, 2], [1, 2, 1])).dataSync(), Float32Array.from([0, 1, 2]));
  assert.deepEqual(new UpSampling1D().apply(tensor([1, 2, 3, 4], [1, 2, 2])).dataSync(), Float32Array.from([1, 2, 1, 2, 3, 4, 3, 4]));
}));

test('gradients of the new layers with respect to input and weights, by finite differences', () => {
  const input64 = (shape: number[]): Tensor => tensor(Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(0.7 * i + 0.3)), shape, 'float64');
  const cases: [string, () => layers.Layer, number[]][] = [
    ['Conv2DTranspose same s2', () => new Conv2DTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh', kernelInitializer: seeded(1), dtype: 'float64' }), [2, 3, 2, 2]],
    ['Conv1DTranspose', () => new Conv1DTranspose({ filters: 2, kernelSize: 3, strides: 2, outputPadding: 1, kernelInitializer: seeded(2), dtype: 'float64' }), [2, 4, 3]],
    ['Conv3D same', () => new Conv3D({ filters: 2, kernelSize: 2, padding: 'same', kernelInitializer: seeded(3), dtype: 'float64' }), [1, 3, 3, 2, 2]],
  ];
  for (const [name, make, shape] of cases) {
    const layer = make();
    const x = input64(shape);
    try {
      // Built before the checks, so that its weights do not count as tensors a check left behind.
      layer.apply(x).dispose();
      checkGrad(name, (t) => layer.apply(t), [{ shape }]);
      checkWeightGrads(name, layer, x);
    } finally {
      x.dispose();
      layer.dispose();
    }
  }
  const plain: [string, layers.Layer, number[]][] = [
    ['MaxPooling3D', new MaxPooling3D({ poolSize: 2, strides: 1 }), [1, 3, 3, 3, 2]],
    ['AveragePooling3D same', new AveragePooling3D({ padding: 'same' }), [1, 3, 3, 3, 2]],
    ['GlobalMaxPooling3D', new GlobalMaxPooling3D(), [2, 2, 2, 2, 2]],
    ['Cropping2D', new Cropping2D({ cropping: 1 }), [1, 4, 4, 2]],
    ['Cropping3D', new Cropping3D(), [1, 3, 3, 3, 1]],
    ['ZeroPadding1D', new ZeroPadding1D(), [2, 3, 2]],
    ['UpSampling1D', new UpSampling1D(), [2, 3, 2]],
  ];
  for (const [name, layer, shape] of plain) checkGrad(name, (t) => layer.apply(t), [{ shape }]);
});

test('errors name the layer: causal transposes, outputPadding not below the stride, cropping everything, wrong rank', () => {
  assert.throws(() => new Conv1DTranspose({ filters: 2, kernelSize: 3, padding: 'causal' as 'same' }), (e: Error) => e instanceof ValueError && /\(Conv1DTranspose\): padding must be 'valid' or 'same'/.test(e.message));
  assert.throws(() => new Conv2DTranspose({ filters: 2, kernelSize: 3, strides: 2, outputPadding: 2 }), (e: Error) => e instanceof ValueError && /outputPadding must be non-negative integers each strictly below its stride/.test(e.message));
  assert.throws(() => new Cropping2D({ cropping: [2, 2] }).apply(Input({ shape: [4, 8, 1] })), (e: Error) => e instanceof ShapeError && /\(Cropping2D\): cutting 2 \+ 2 from spatial axis 1 of size 4/.test(e.message));
  assert.throws(() => new Conv3D({ filters: 2, kernelSize: 3 }).apply(Input({ shape: [8, 8, 1] })), (e: Error) => e instanceof ShapeError && /\(Conv3D\) expects input \[batch, depth, height, width, channels\]/.test(e.message));
  assert.throws(() => new Cropping1D({ cropping: [1, -1] as unknown as [number, number] }), ValueError);
});
