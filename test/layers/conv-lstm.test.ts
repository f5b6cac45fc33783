import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Input, Model, NotSupportedError, Sequential, ShapeError, ValueError, cast, decodeModel, encodeModel, layers, slice, tensor, tidy, type Tensor } from '../../src/index.js';
import { assertClose, checkGrad, checkWeightGrads } from '../helpers/grad-check.js';
import { runLayerTest } from '../helpers/layer-test.js';

const { ConvLSTM1D, ConvLSTM2D, LSTM } = layers;

/** Value i is round(sin(a·i + b), 3) · scale: the inputs and weights the Keras goldens below were made with. */
function seq(shape: number[], a: number, b: number, scale = 1): Tensor {
  const n = shape.reduce((p, q) => p * q, 1);
  return tensor(Float64Array.from({ length: n }, (_, i) => (Math.round(Math.sin(a * i + b) * 1000) / 1000) * scale), shape, 'float64');
}
/** Kernel, recurrent kernel and bias for a ConvLSTM with window `window`, `channels` inputs and `filters` outputs. */
function goldenWeights(window: number[], channels: number, filters: number): Tensor[] {
  return [seq([...window, channels, 4 * filters], 0.71, 0.3, 0.5), seq([...window, filters, 4 * filters], 0.37, 1.1, 0.5), seq([4 * filters], 0.9, 0.4, 0.1)];
}

test('runLayerTest: ConvLSTM2D (last output, sequences, strides, dropout) and ConvLSTM1D', () => {
  runLayerTest('ConvLSTM2D', { make: () => new ConvLSTM2D({ filters: 2, kernelSize: 3 }), inputShape: [2, 3, 5, 5, 2], expectedOutputShape: [2, 3, 3, 2], expectedTrainableWeights: 3 });
  runLayerTest('ConvLSTM2D sequences same', {
    make: () => new ConvLSTM2D({ filters: 3, kernelSize: [3, 2], padding: 'same', returnSequences: true }), inputShape: [2, 3, 4, 4, 1], expectedOutputShape: [2, 3, 4, 4, 3], expectedTrainableWeights: 3,
  });
  runLayerTest('ConvLSTM2D strides', { make: () => new ConvLSTM2D({ filters: 2, kernelSize: 2, strides: 2, useBias: false }), inputShape: [1, 2, 6, 4, 1], expectedOutputShape: [1, 3, 2, 2], expectedTrainableWeights: 2 });
  runLayerTest('ConvLSTM2D dropout', {
    make: () => new ConvLSTM2D({ filters: 2, kernelSize: 3, padding: 'same', dropout: 0.3, recurrentDropout: 0.3, seed: 2 }), inputShape: [2, 3, 4, 4, 1], expectedOutputShape: [2, 4, 4, 2], expectedTrainableWeights: 3, trainingDiffers: true,
  });
  runLayerTest('ConvLSTM1D', { make: () => new ConvLSTM1D({ filters: 4, kernelSize: 3, returnSequences: true }), inputShape: [2, 3, 7, 2], expectedOutputShape: [2, 3, 5, 4], expectedTrainableWeights: 3 });
});

test('parameter counts equal Keras 3: 4 · filters · (window · (channels + filters) + 1); weights named and shaped as Keras keeps them', () => {
  const count = (layer: layers.Layer, shape: number[]): number => {
    layer.apply(Input({ shape }));
    return layer.countParams();
  };
  // ConvLSTM2D(64, 3) on 1 channel: 4 · 64 · (9 · 65 + 1) = 150,016 (Keras's summary says the same).
  assert.equal(count(new ConvLSTM2D({ filters: 64, kernelSize: 3 }), [10, 40, 40, 1]), 150_016);
  assert.equal(count(new ConvLSTM2D({ filters: 8, kernelSize: [3, 5], useBias: false }), [4, 16, 16, 3]), 4 * 8 * 15 * 11);
  assert.equal(count(new ConvLSTM1D({ filters: 16, kernelSize: 5 }), [6, 32, 4]), 4 * 16 * (5 * 20 + 1));
  const layer = new ConvLSTM2D({ filters: 4, kernelSize: 3, name: 'clstm' });
  layer.apply(Input({ shape: [5, 8, 8, 2] }));
  assert.deepEqual(layer.weights.map((w) => `${w.name} [${w.shape}]`), [
    'clstm/conv_lstm_cell/kernel [3,3,2,16]', 'clstm/conv_lstm_cell/recurrent_kernel [3,3,4,16]', 'clstm/conv_lstm_cell/bias [16]',
  ]);
  // unitForgetBias: the forget gate's bias starts at 1, as for LSTM.
  assert.deepEqual(Array.from(layer.cell.bias!.dataSync()), [0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
});

test('forward results equal Keras 3 (JAX): sequences and final states with same padding, strides backwards, dilated ConvLSTM1D', () => tidy(() => {
  const x = seq([2, 3, 5, 5, 2], 0.3, 0.2);
  const same = new ConvLSTM2D({ filters: 3, kernelSize: 3, padding: 'same', returnSequences: true, returnState: true, dtype: 'float64' });
  same.applyMulti(x);
  same.setWeights(goldenWeights([3, 3], 2, 3));
  const [sequence, h, c] = same.applyMulti(x);
  assert.deepEqual(sequence!.shape, [2, 3, 5, 5, 3]);
  assertClose(sequence!.dataSync().slice(0, 6), [0.005684, -0.006135, -0.019344, 0.025819, 0.019226, 0.001642], 1e-5, 'sequence');
  assertClose(h!.dataSync().slice(0, 6), [-0.086034, 0.008394, 0.065851, -0.009349, 0.003789, 0.006967], 1e-5, 'h');
  assertClose(c!.dataSync().slice(-4), [0.081928, 0.058645, 0.171067, 0.178371], 1e-5, 'c');
  assertClose(slice(sequence!, [0, 2, 0, 0, 0], [2, 1, 5, 5, 3]).dataSync(), h!.dataSync(), 0, 'the last step of the sequence is h');

  const strided = new ConvLSTM2D({ filters: 3, kernelSize: 2, strides: 2, goBackwards: true, dtype: 'float64' });
  strided.apply(x);
  strided.setWeights(goldenWeights([2, 2], 2, 3));
  const y = strided.apply(x);
  assert.deepEqual(y.shape, [2, 2, 2, 3]);
  assertClose(y.dataSync(), [
    -0.124995, -0.117383, -0.019274, -0.159843, -0.228106, -0.076426, -0.089853, -0.075464, -0.002386, -0.150848, -0.210048, -0.062035,
    -0.162526, -0.229635, -0.080904, -0.077895, -0.069059, 0.015078, -0.155378, -0.203575, -0.065469, -0.113361, -0.130277, -0.008537,
  ], 1e-5, 'strides 2, goBackwards');

  const x1 = seq([2, 3, 6, 2], 0.3, 0.2);
  const dilated = new ConvLSTM1D({ filters: 2, kernelSize: 3, dilationRate: 2, padding: 'same', dtype: 'float64' });
  dilated.apply(x1);
  dilated.setWeights(goldenWeights([3], 2, 2));
  assertClose(dilated.apply(x1).dataSync(), [
    -0.036322, -0.07491, -0.054303, -0.055998, -0.045363, -0.078816, -0.048823, -0.109354, -0.088504, -0.157238, -0.185169, -0.242767,
    -0.125435, -0.004576, 0.033178, 0.010173, 0.037949, -0.091732, -0.049793, -0.090312, -0.045702, -0.024405, -0.045795, -0.042333,
  ], 1e-5, 'ConvLSTM1D dilated');
}));

test('a mask leaves the states alone at padded steps: the final states equal those of the shorter sequence; initial states as extra inputs', () => tidy(() => {
  const x = seq([2, 4, 4, 4, 1], 0.23, 0.5);
  const layer = new ConvLSTM2D({ filters: 2, kernelSize: 3, padding: 'same', returnState: true, dtype: 'float64' });
  layer.applyMulti(x);
  const mask = tensor([true, true, true, true, true, true, false, false], [2, 4], 'bool');
  const [, h, c] = layer.applyMulti(x, { mask });
  const short = layer.applyMulti(slice(x, [1, 0, 0, 0, 0], [1, 2, 4, 4, 1]));
  assertClose(h!.dataSync().slice(32), short[1]!.dataSync(), 1e-12, 'h of the padded sequence');
  assertClose(c!.dataSync().slice(32), short[2]!.dataSync(), 1e-12, 'c of the padded sequence');
  // Continuing from the states of the first two steps gives the states of all four.
  const first = layer.applyMulti(slice(x, [0, 0, 0, 0, 0], [2, 2, 4, 4, 1]));
  const rest = layer.applyMulti([slice(x, [0, 2, 0, 0, 0], [2, 2, 4, 4, 1]), first[1]!, first[2]!]);
  const all = layer.applyMulti(x);
  assertClose(rest[1]!.dataSync(), all[1]!.dataSync(), 1e-12, 'h continued from given initial states');
  assert.deepEqual(layer.computeMask(x, mask), [null, null, null], 'no mask on the last output and the states');
}));

test('backpropagation through time: input and weight gradients of ConvLSTM2D and ConvLSTM1D by finite differences', () => {
  const cases: [string, () => layers.Layer, number[]][] = [
    ['ConvLSTM2D same sequences', () => new ConvLSTM2D({ filters: 2, kernelSize: 3, padding: 'same', returnSequences: true, dtype: 'float64' }), [1, 3, 3, 3, 2]],
    ['ConvLSTM2D strides backwards', () => new ConvLSTM2D({ filters: 2, kernelSize: 2, strides: 2, goBackwards: true, dtype: 'float64' }), [2, 2, 4, 4, 1]],
    ['ConvLSTM1D', () => new ConvLSTM1D({ filters: 2, kernelSize: 2, dtype: 'float64' }), [2, 3, 4, 2]],
  ];
  for (const [name, make, shape] of cases) {
    const layer = make();
    const x = seq(shape, 0.41, 0.7);
    layer.apply(x).dispose();
    checkGrad(name, (t) => layer.apply(t), [{ shape }]);
    checkWeightGrads(name, layer, x);
    x.dispose();
    layer.dispose();
  }
});

test('summary() rows: ConvLSTM2D with Keras\'s output shapes and parameter counts, and a model saved and loaded (.strata)', async () => {
  const model = new Sequential({
    layers: [
      new ConvLSTM2D({ filters: 4, kernelSize: 3, padding: 'same', returnSequences: true, inputShape: [3, 8, 8, 1], name: 'clstm' }),
      new ConvLSTM2D({ filters: 2, kernelSize: 3, name: 'last' }),
      new layers.Flatten(),
      new layers.Dense({ units: 2 }),
    ],
  });
  const lines: string[] = [];
  model.summary({ printFn: (line) => lines.push(line) });
  const text = lines.join('\n');
  assert.match(text, /clstm \(ConvLSTM2D\)\s+│\s+\(None, 3, 8, 8, 4\)\s+│\s+736 │/);
  assert.match(text, /last \(ConvLSTM2D\)\s+│\s+\(None, 6, 6, 2\)\s+│\s+440 │/);
  const x = tidy(() => cast(seq([2, 3, 8, 8, 1], 0.1, 0.2), 'float32'));
  const y = model.predict(x) as Tensor;
  const copy = await decodeModel(await encodeModel(model));
  assertClose((copy.predict(x) as Tensor).dataSync(), y.dataSync(), 0, 'the loaded model predicts the same');
  for (const t of [x, y]) t.dispose();
  copy.dispose();
  model.dispose();
});

test('errors: wrong rank with the expected layout, unknown spatial sizes, wrong initial states, channelsFirst, strides with dilation', () => {
  assert.throws(() => new ConvLSTM2D({ filters: 2, kernelSize: 3 }).apply(Input({ shape: [5, 8, 8] })),
    (e: unknown) => e instanceof ShapeError && /expects sequences \[batch, timesteps, height, width, channels\] \(rank 5\), got shape \[null,5,8,8\]/.test(e.message));
  assert.throws(() => new ConvLSTM1D({ filters: 2, kernelSize: 3 }).apply(Input({ shape: [5, 8] })),
    (e: unknown) => e instanceof ShapeError && /\[batch, timesteps, steps, channels\] \(rank 4\)/.test(e.message));
  assert.throws(() => new ConvLSTM2D({ filters: 2, kernelSize: 3 }).apply(Input({ shape: [5, null, 8, 1] })),
    (e: unknown) => e instanceof ShapeError && /needs the spatial sizes/.test(e.message));
  assert.throws(() => new ConvLSTM2D({ filters: 2, kernelSize: 3 }).applyMulti([Input({ shape: [5, 8, 8, 1] }), Input({ shape: [8, 8, 2] }), Input({ shape: [8, 8, 2] })]),
    (e: unknown) => e instanceof ShapeError && /initial states must be 2 tensor\(s\) \[batch, 6, 6, 2\], \[batch, 6, 6, 2\], got \[null,8,8,2\]/.test(e.message));
  assert.throws(() => new ConvLSTM2D({ filters: 2, kernelSize: 3, dataFormat: 'channels_first' as 'channelsLast' }), (e: unknown) => e instanceof NotSupportedError && /channelsLast/.test(e.message));
  assert.throws(() => new ConvLSTM2D({ filters: 2, kernelSize: 3, strides: 2, dilationRate: 2 }), (e: unknown) => e instanceof ValueError && /strides above 1 and dilationRate above 1/.test(e.message));
  assert.throws(() => new ConvLSTM2D({ filters: 2, kernelSize: 3, units: 4 } as never), (e: unknown) => e instanceof ValueError && /units/.test(e.message));
  assert.throws(() => new ConvLSTM2D({ filters: 2, kernelSize: 3, padding: 'causal' as 'same' }), (e: unknown) => e instanceof ValueError && /padding/.test(e.message));
});

test('ConvLSTM2D in a functional model next to an LSTM on pooled features', () => tidy(() => {
  const frames = Input({ shape: [3, 6, 6, 1] });
  const maps = new ConvLSTM2D({ filters: 2, kernelSize: 3, returnSequences: true }).apply(frames);
  const perStep = new layers.TimeDistributed({ layer: new layers.GlobalAveragePooling2D() }).apply(maps);
  const out = new LSTM({ units: 3 }).apply(perStep);
  const model = new Model({ inputs: frames, outputs: out });
  assert.deepEqual(out.shape, [null, 3]);
  assert.deepEqual((model.predict(cast(seq([2, 3, 6, 6, 1], 0.3, 0.1), 'float32')) as Tensor).shape, [2, 3]);
}));
