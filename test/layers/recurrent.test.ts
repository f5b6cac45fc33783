import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Input, Model, Sequential, ShapeError, ValueError, decodeModel, encodeModel, layers, memory, tensor, tidy, zeros, type Tensor } from '../../src/index.js';
import { assertClose, checkGrad, checkWeightGrads } from '../helpers/grad-check.js';
import { runLayerTest } from '../helpers/layer-test.js';

const { SimpleRNN, LSTM, GRU, RNN, LSTMCell, GRUCell, SimpleRNNCell, Bidirectional, TimeDistributed, Dense } = layers;

/** The inputs and weights of test/fixtures/rnn_fixtures.py: value i is round(sin(a·i + b), 3) · scale. */
function seq(shape: number[], a: number, b: number, scale = 1, dtype: 'float32' | 'float64' = 'float64'): Tensor {
  const n = shape.reduce((p, q) => p * q, 1);
  return tensor(Float64Array.from({ length: n }, (_, i) => (Math.round(Math.sin(a * i + b) * 1000) / 1000) * scale), shape, dtype);
}
const [B, T, D, U] = [2, 4, 3, 2];
const fixtureInput = (): Tensor => seq([B, T, D], 0.3, 0.2);
/** Kernel [D, g·U], recurrent kernel [U, g·U] and bias (`biasRows` rows) as the fixture script makes them. */
function fixtureWeights(gates: number, biasRows = 1): Tensor[] {
  const biasShape = biasRows === 1 ? [gates * U] : [biasRows, gates * U];
  return [seq([D, gates * U], 0.71, 0.3, 0.5), seq([U, gates * U], 0.37, 1.1, 0.5), seq(biasShape, 0.9, 0.4, 0.1)];
}

/** A float64 layer built on the fixture input and given the fixture weights. */
function withFixtureWeights<L extends layers.Layer>(layer: L, gates: number, biasRows = 1): L {
  layer.applyMulti(fixtureInput());
  layer.setWeights(fixtureWeights(gates, biasRows));
  return layer;
}

test('runLayerTest: SimpleRNN, LSTM, GRU (both resets), RNN with a cell, returnSequences, goBackwards, dropout', () => {
  runLayerTest('SimpleRNN', { make: () => new SimpleRNN({ units: 3 }), inputShape: [2, 5, 4], expectedOutputShape: [2, 3], expectedTrainableWeights: 3 });
  runLayerTest('LSTM sequences', { make: () => new LSTM({ units: 3, returnSequences: true }), inputShape: [2, 5, 4], expectedOutputShape: [2, 5, 3], expectedTrainableWeights: 3 });
  runLayerTest('GRU', { make: () => new GRU({ units: 3, goBackwards: true }), inputShape: [2, 5, 4], expectedOutputShape: [2, 3], expectedTrainableWeights: 3 });
  runLayerTest('GRU resetAfter false', { make: () => new GRU({ units: 3, resetAfter: false, useBias: false }), inputShape: [2, 5, 4], expectedOutputShape: [2, 3], expectedTrainableWeights: 2 });
  runLayerTest('RNN(LSTMCell)', { make: () => new RNN({ cell: new LSTMCell({ units: 2 }), returnSequences: true }), inputShape: [3, 4, 2], expectedOutputShape: [3, 4, 2], expectedTrainableWeights: 3 });
  runLayerTest('LSTM dropout', {
    make: () => new LSTM({ units: 3, dropout: 0.3, recurrentDropout: 0.3, seed: 1 }), inputShape: [2, 5, 4], expectedOutputShape: [2, 3], expectedTrainableWeights: 3, trainingDiffers: true,
  });
});

test('runLayerTest: Bidirectional (each merge mode) and TimeDistributed', () => {
  runLayerTest('Bidirectional concat', { make: () => new Bidirectional({ layer: new LSTM({ units: 3 }) }), inputShape: [2, 5, 4], expectedOutputShape: [2, 6], expectedTrainableWeights: 6 });
  runLayerTest('Bidirectional sum sequences', {
    make: () => new Bidirectional({ layer: new GRU({ units: 3, returnSequences: true }), mergeMode: 'sum' }), inputShape: [2, 5, 4], expectedOutputShape: [2, 5, 3], expectedTrainableWeights: 6,
  });
  runLayerTest('Bidirectional ave', { make: () => new Bidirectional({ layer: new SimpleRNN({ units: 3 }), mergeMode: 'ave' }), inputShape: [2, 5, 4], expectedOutputShape: [2, 3], expectedTrainableWeights: 6 });
  runLayerTest('TimeDistributed Dense', { make: () => new TimeDistributed({ layer: new Dense({ units: 3 }) }), inputShape: [2, 5, 4], expectedOutputShape: [2, 5, 3], expectedTrainableWeights: 2 });
  runLayerTest('TimeDistributed Conv2D', {
    make: () => new TimeDistributed({ layer: new layers.Conv2D({ filters: 2, kernelSize: 3 }) }), inputShape: [2, 3, 5, 5, 1], expectedOutputShape: [2, 3, 3, 3, 2], expectedTrainableWeights: 2,
  });
});

test('parameter counts equal Keras 3: SimpleRNN u(d+u)+u, LSTM 4(u(d+u)+u), GRU 3(u(d+u)+2u), Bidirectional twice, weight names', () => {
  for (const [d, u] of [[1, 1], [3, 5], [28, 64], [16, 128]] as const) {
    const x = Input({ shape: [null, d] });
    const s = new SimpleRNN({ units: u });
    const l = new LSTM({ units: u });
    const g = new GRU({ units: u });
    const gb = new GRU({ units: u, resetAfter: false });
    const bi = new Bidirectional({ layer: new LSTM({ units: u }) });
    for (const layer of [s, l, g, gb, bi]) layer.apply(x);
    assert.equal(s.countParams(), u * (d + u) + u);
    assert.equal(l.countParams(), 4 * (u * (d + u) + u));
    assert.equal(g.countParams(), 3 * (u * (d + u) + 2 * u));
    assert.equal(gb.countParams(), 3 * (u * (d + u) + u));
    assert.equal(bi.countParams(), 2 * 4 * (u * (d + u) + u));
  }
  const lstm = new LSTM({ units: 4, name: 'encoder' });
  lstm.apply(Input({ shape: [7, 3] }));
  assert.deepEqual(lstm.weights.map((w) => `${w.name} [${w.shape}]`), ['encoder/lstm_cell/kernel [3,16]', 'encoder/lstm_cell/recurrent_kernel [4,16]', 'encoder/lstm_cell/bias [16]']);
  // unitForgetBias: the forget gate's bias starts at 1, the others at 0.
  assert.deepEqual(Array.from(lstm.cell.bias!.dataSync()), [0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
  const bi = new Bidirectional({ layer: new GRU({ units: 2, name: 'g' }), name: 'bi' });
  bi.apply(Input({ shape: [5, 3] }));
  assert.deepEqual(bi.weights.map((w) => w.name).filter((n) => n.endsWith('/kernel')), ['bi/forward_g/gru_cell/kernel', 'bi/backward_g/gru_cell/kernel']);
});

test('forward results equal PyTorch: SimpleRNN, LSTM (sequence, h, c), GRU with reset after (Keras 3) and before', () => tidy(() => {
  const x = fixtureInput();
  const simple = withFixtureWeights(new SimpleRNN({ units: U, returnSequences: true, dtype: 'float64' }), 1);
  assertClose(simple.apply(x).dataSync(), [
    0.296734, 0.103317, 0.686252, 0.579395, 0.810278, 0.811365, 0.662523, 0.770601, -0.427741, -0.119411, -0.681694, -0.55815, -0.670823, -0.680026, -0.301248, -0.458421,
  ], 1e-6, 'SimpleRNN');
  const lstm = withFixtureWeights(new LSTM({ units: U, returnSequences: true, returnState: true, dtype: 'float64' }), 4);
  const [sequence, h, c] = lstm.applyMulti(x);
  assertClose(sequence!.dataSync(), [
    0.064494, -0.003339, 0.099276, -0.029504, 0.131892, -0.076792, 0.067032, -0.136439, -0.243495, -0.027574, -0.310304, 0.011187, -0.182228, 0.022974, -0.022286, 0.000304,
  ], 1e-6, 'LSTM sequence');
  assertClose(h!.dataSync(), [0.067032, -0.136439, -0.022286, 0.000304], 1e-6, 'LSTM h');
  assertClose(c!.dataSync(), [0.143446, -0.271441, -0.055357, 0.000824], 1e-6, 'LSTM c');
  const gru = withFixtureWeights(new GRU({ units: U, returnSequences: true, dtype: 'float64' }), 3, 2);
  assertClose(gru.apply(x).dataSync(), [
    -0.070471, -0.018923, -0.046999, -0.032962, 0.010102, -0.073289, 0.036535, -0.123967, -0.033317, -0.103235, -0.091794, -0.133972, -0.138951, -0.105948, -0.134737, -0.061862,
  ], 1e-6, 'GRU');
  const gruBefore = withFixtureWeights(new GRU({ units: U, returnSequences: true, resetAfter: false, dtype: 'float64' }), 3);
  assertClose(gruBefore.apply(x).dataSync(), [
    -0.069426, -0.000662, -0.049795, -0.006322, 0.002792, -0.043208, 0.025889, -0.093094, -0.033228, -0.087884, -0.093881, -0.110833, -0.143138, -0.078762, -0.141101, -0.03232,
  ], 1e-6, 'GRU resetAfter false');
}));

test('goBackwards reads the sequence last to first; Bidirectional concatenates the forward output and the backward one', () => tidy(() => {
  const x = fixtureInput();
  const backwards = withFixtureWeights(new LSTM({ units: U, goBackwards: true, dtype: 'float64' }), 4);
  assertClose(backwards.apply(x).dataSync(), [0.14806, -0.079314, -0.306564, -0.028074], 1e-6, 'LSTM goBackwards');
  const bi = new Bidirectional({ layer: new LSTM({ units: U, dtype: 'float64' }) });
  bi.apply(x);
  bi.setWeights([...fixtureWeights(4), ...fixtureWeights(4)]);
  assertClose(bi.apply(x).dataSync(), [0.067032, -0.136439, 0.14806, -0.079314, -0.022286, 0.000304, -0.306564, -0.028074], 1e-6, 'Bidirectional');
  // With sequences, the backward outputs are put back in time order: its output at step 0 is its last.
  const biSeq = new Bidirectional({ layer: new LSTM({ units: U, returnSequences: true, dtype: 'float64' }), mergeMode: null });
  biSeq.applyMulti(x);
  biSeq.setWeights([...fixtureWeights(4), ...fixtureWeights(4)]);
  const [, backward] = biSeq.applyMulti(x);
  assertClose(backward!.dataSync().slice(0, 2), [0.14806, -0.079314], 1e-6, 'backward output at step 0');
}));

test('a mask makes padded steps leave the state alone: the final state equals that of the unpadded sequence (PyTorch)', () => tidy(() => {
  const x = fixtureInput();
  const mask = tensor([true, true, true, true, true, true, false, false], [2, 4], 'bool');
  const lstm = withFixtureWeights(new LSTM({ units: U, returnSequences: true, returnState: true, dtype: 'float64' }), 4);
  const [sequence, h, c] = lstm.applyMulti(x, { mask });
  assertClose(h!.dataSync(), [0.067032, -0.136439, -0.310304, 0.011187], 1e-6, 'h at the last real step');
  assertClose(c!.dataSync(), [0.143446, -0.271441, -0.466996, 0.014135], 1e-6, 'c at the last real step');
  // At masked steps the sequence output repeats the last real one; with zeroOutputForMask it is 0.
  assertClose(sequence!.dataSync().slice(8), [-0.243495, -0.027574, -0.310304, 0.011187, -0.310304, 0.011187, -0.310304, 0.011187], 1e-6, 'carried outputs');
  lstm.zeroOutputForMask = true;
  assertClose(lstm.applyMulti(x, { mask })[0]!.dataSync().slice(12), [0, 0, 0, 0], 0, 'zero outputs');
  // Padding at the start (pre-padding) is skipped too: the state starts at the first real step.
  const pre = tensor([false, false, true, true, true, true, true, true], [2, 4], 'bool');
  const plain = withFixtureWeights(new LSTM({ units: U, dtype: 'float64' }), 4);
  const shifted = tensor([...x.dataSync().slice(6, 12), ...new Array<number>(6).fill(0)], [1, 4, 3], 'float64');
  const cut = plain.apply(shifted, { mask: tensor([true, true, false, false], [1, 4], 'bool') }).dataSync();
  assertClose(plain.apply(x, { mask: pre }).dataSync().slice(0, 2), cut, 1e-12, 'pre-padding');
}));

test('Embedding(maskZero) → LSTM in a Model: padded batches give each sequence the result of its own length', () => tidy(() => {
  const ids = Input({ shape: [null], dtype: 'int32' });
  const embedding = new layers.Embedding({ inputDim: 10, outputDim: 3, maskZero: true });
  const lstm = new GRU({ units: 4 });
  const model = new Model({ inputs: ids, outputs: lstm.apply(embedding.apply(ids)) });
  const padded = model.predict(tensor([[3, 1, 4, 0, 0], [1, 5, 9, 2, 6]], [2, 5], 'int32')) as Tensor;
  const alone = model.predict(tensor([[3, 1, 4]], [1, 3], 'int32')) as Tensor;
  assertClose(padded.dataSync().slice(0, 4), alone.dataSync(), 1e-6, 'padded sequence = unpadded sequence');
  // A Sequential model propagates the mask the same way.
  const stack = new Sequential({ layers: [new layers.Embedding({ inputDim: 10, outputDim: 3, maskZero: true, inputShape: [null] }), new LSTM({ units: 2 })] });
  const paddedS = stack.predict(tensor([[7, 2, 0, 0, 0], [1, 1, 1, 1, 1]], [2, 5], 'int32')) as Tensor;
  const aloneS = stack.predict(tensor([[7, 2]], [1, 2], 'int32')) as Tensor;
  assertClose(paddedS.dataSync().slice(0, 2), aloneS.dataSync(), 1e-6, 'Sequential: padded sequence = unpadded sequence');
}));

test('initial states as extra inputs: [x, h0, c0]; a cell used on its own; returnState shapes', () => tidy(() => {
  const x = fixtureInput();
  const lstm = withFixtureWeights(new LSTM({ units: U, returnState: true, dtype: 'float64' }), 4);
  // Running the first two steps, then the last two from the states reached, equals running all four.
  const rest = tensor(x.dataSync().filter((_, i) => Math.floor(i / D) % T >= 2), [B, 2, D], 'float64');
  const first = tensor(x.dataSync().filter((_, i) => Math.floor(i / D) % T < 2), [B, 2, D], 'float64');
  const [, hA, cA] = lstm.applyMulti(first) as Tensor[];
  const [, hB] = lstm.applyMulti([rest, hA!, cA!]) as Tensor[];
  assertClose(hB!.dataSync(), [0.067032, -0.136439, -0.022286, 0.000304], 1e-6, 'continued from the initial state');
  const cell = new GRUCell({ units: 3 });
  const [out, state] = cell.applyMulti([zeros([2, 4]), zeros([2, 3])]);
  assert.deepEqual(out!.shape, [2, 3]);
  assert.deepEqual(state!.shape, [2, 3]);
  const symbolic = new LSTM({ units: 5, returnSequences: true, returnState: true }).applyMulti(Input({ shape: [7, 2] }));
  assert.deepEqual(symbolic.map((t) => t.shape), [[null, 7, 5], [null, 5], [null, 5]]);
}));

test('backpropagation through time: input gradients and weight gradients of every recurrent layer by finite differences', () => {
  const x64 = seq([2, 5, 3], 0.41, 0.7);
  const cases: [string, () => layers.Layer][] = [
    ['SimpleRNN', () => new SimpleRNN({ units: 3, returnSequences: true, dtype: 'float64' })],
    ['LSTM', () => new LSTM({ units: 3, dtype: 'float64' })],
    ['GRU', () => new GRU({ units: 3, returnSequences: true, dtype: 'float64' })],
    ['GRU resetAfter false goBackwards', () => new GRU({ units: 2, resetAfter: false, goBackwards: true, dtype: 'float64' })],
    ['Bidirectional LSTM', () => new Bidirectional({ layer: new LSTM({ units: 2, returnSequences: true, dtype: 'float64' }) })],
    ['TimeDistributed Dense', () => new TimeDistributed({ layer: new Dense({ units: 2, activation: 'tanh', dtype: 'float64' }) })],
  ];
  for (const [name, make] of cases) {
    const layer = make();
    layer.apply(x64).dispose();
    checkGrad(name, (t) => layer.apply(t), [{ shape: [2, 5, 3] }]);
    checkWeightGrads(name, layer, x64);
    layer.dispose();
  }
  // With a mask: the gradient skips the padded steps.
  const masked = new LSTM({ units: 2, dtype: 'float64' });
  const mask = tensor([true, true, true, false, false, true, true, true, true, true], [2, 5], 'bool');
  masked.apply(x64).dispose();
  checkGrad('LSTM masked', (t) => masked.apply(t, { mask }), [{ shape: [2, 5, 3] }]);
  mask.dispose();
  x64.dispose();
});

test('dropout in recurrent layers: only while training, the same input mask at every step, reproducible from the seed', () => tidy(() => {
  const x = seq([4, 6, 5], 0.2, 0.1, 1, 'float32');
  const make = (): layers.Layer => new SimpleRNN({ units: 3, dropout: 0.5, seed: 3, kernelInitializer: { className: 'GlorotUniform', config: { seed: 1 } } });
  const a = make();
  const b = make();
  const inference = a.apply(x).dataSync();
  assert.deepEqual(a.apply(x, { training: false }).dataSync(), inference);
  const trainedA = a.apply(x, { training: true }).dataSync();
  b.apply(x);
  b.setWeights(a.getWeights());
  assert.deepEqual(b.apply(x, { training: true }).dataSync(), trainedA, 'same seed, same masks');
  assert.notDeepEqual(trainedA, inference);
}));

test('errors: an RNN given 2-D input, a wrong number of features, bad initial states, a bad mask; bad arguments', () => {
  const before = memory().numTensors;
  const lstm = new LSTM({ units: 4 });
  tidy(() => {
    assert.throws(() => new LSTM({ units: 4 }).apply(tensor(new Float32Array(320), [32, 10])),
      (e: unknown) => e instanceof ShapeError && /Layer 'lstm\w*' \(LSTM\) expects sequences \[batch, timesteps, features\] \(rank 3\), got shape \[32,10\] \(rank 2\)/.test(e.message) && /Embedding/.test(e.message) && /reshape\(x, \[32, 10, 1\]\)/.test(e.message));
    assert.throws(() => new TimeDistributed({ layer: new Dense({ units: 2 }) }).apply(zeros([2, 3])), /expects input \[batch, timesteps, \.\.\.\] \(rank 3 or more\), got shape \[2,3\]/);
    lstm.apply(zeros([2, 3, 5]));
    assert.throws(() => lstm.apply(zeros([2, 3, 6])), /was built for 5 features per step, got shape \[2,3,6\]/);
    assert.throws(() => lstm.applyMulti([zeros([2, 3, 5]), zeros([2, 4])]), /the initial states must be 2 tensor\(s\) \[batch, 4\], \[batch, 4\], got \[2,4\]/);
    assert.throws(() => lstm.apply(zeros([2, 3, 5]), { mask: tensor([true, false], [2], 'bool') }), /the mask must be \[batch, timesteps\] = \[2,3\], got shape \[2\]/);
  });
  lstm.dispose();
  assert.throws(() => new GRU({ units: 0 }), (e: unknown) => e instanceof ValueError && /units must be a positive integer, got 0/.test(e.message));
  assert.throws(() => new LSTM({ units: 2, dropout: 1 }), /dropout must be in \[0, 1\), got 1/);
  assert.throws(() => new Bidirectional({ layer: new Dense({ units: 2 }) as unknown as layers.RNN }), /layer must be a recurrent layer .* got a Dense/);
  assert.throws(() => new Bidirectional({ layer: new LSTM({ units: 2 }), mergeMode: 'max' as 'sum' }), /mergeMode must be/);
  assert.equal(memory().numTensors, before);
});

test('recurrent layers round-trip through their configs, inside a model', () => tidy(() => {
  const x = Input({ shape: [6, 3] });
  const h = new Bidirectional({ layer: new GRU({ units: 4, returnSequences: true }) }).apply(x);
  const h2 = new LSTM({ units: 3, unitForgetBias: false }).apply(new TimeDistributed({ layer: new Dense({ units: 5 }) }).apply(h));
  const y = new SimpleRNN({ units: 2 }).apply(new layers.Reshape({ targetShape: [3, 1] }).apply(h2));
  const model = new Model({ inputs: x, outputs: y });
  const copy = Model.fromConfig(JSON.parse(JSON.stringify(model.getConfig())));
  assert.equal(copy.countParams(), model.countParams());
  copy.setWeights(model.getWeights());
  const data = seq([2, 6, 3], 0.5, 0.5, 1, 'float32');
  assert.deepEqual((copy.predict(data) as Tensor).dataSync(), (model.predict(data) as Tensor).dataSync());
  const rnn = new RNN({ cell: new SimpleRNNCell({ units: 2 }) });
  const rebuilt = layers.deserializeLayer(JSON.parse(JSON.stringify(layers.serializeLayer(rnn)))) as layers.RNN;
  assert.ok(rebuilt.cell instanceof SimpleRNNCell);
}));

test('an LSTM rebuilt from a saved model keeps its forget-gate bias (unitForgetBias only sets a fresh bias to 1)', () => {
  const model = new Sequential({ layers: [new layers.InputLayer({ batchShape: [null, 3, 2] }), new LSTM({ units: 2 })] });
  const bias = model.weights[2]!;
  assert.deepEqual([...bias.dataSync()], [0, 0, 1, 1, 0, 0, 0, 0]);
  bias.assign(tensor([0.1, 0.2, 0.3, -0.4, 0.5, 0.6, 0.7, 0.8], [8]));
  const back = decodeModel(encodeModel(model));
  assert.deepEqual([...back.weights[2]!.dataSync()], [...bias.dataSync()]);
  back.dispose();
  model.dispose();
});

test('a part of a layer (a cell, a wrapped layer) counts only its own weights and can be frozen alone', () => {
  const bidi = new Bidirectional({ layer: new LSTM({ units: 2 }) });
  const lstm = new LSTM({ units: 3 });
  tidy(() => {
    bidi.apply(zeros([1, 3, 4]));
    lstm.apply(zeros([1, 3, 4]));
  });
  assert.deepEqual(bidi.forwardLayer.weights.map((w) => w.name), ['kernel', 'recurrent_kernel', 'bias'].map((n) => `${bidi.forwardLayer.path}/lstm_cell/${n}`));
  assert.ok(bidi.forwardLayer.path.startsWith(`${bidi.name}/forward_lstm`));
  assert.equal(bidi.weights.length, 6);
  bidi.forwardLayer.trainable = false;
  assert.equal(bidi.trainable, true);
  assert.equal(bidi.trainableWeights.length, 3);
  lstm.cell.trainable = false;
  assert.equal(lstm.trainable, true);
  assert.equal(lstm.cell.trainableWeights.length, 0);
  assert.equal(lstm.countParams(), 4 * 3 * (4 + 3 + 1));
  bidi.dispose();
  lstm.dispose();
});
