/** Masking, and masks flowing as in Keras: Masking / Embedding(maskZero) into RNNs, pooling, Dense, TimeDistributed. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Input, Sequential, ValueError, layers, model, tensor, tidy, type SymbolicTensor, type Tensor } from '../../src/index.js';
import { assertClose, checkGrad } from '../helpers/grad-check.js';
import { runLayerTest } from '../helpers/layer-test.js';

const { Masking, Embedding, LSTM, GRU, SimpleRNN, Dense, TimeDistributed, GlobalAveragePooling1D, GlobalMaxPooling1D } = layers;

// Two sequences of 4 steps, 2 features: the first padded (all-zero) at steps 2 and 3, the second at step 0.
const padded = (): Tensor => tensor([[[1, 2], [3, -1], [0, 0], [0, 0]], [[0, 0], [2, 1], [-1, 0], [0.5, 4]]]);

test('runLayerTest: Masking', () => {
  runLayerTest('Masking', { make: () => new Masking({ maskValue: 1 }), inputShape: [2, 3, 4], expectedOutputShape: [2, 3, 4] });
});

test('Masking: the mask is false where every feature equals maskValue; those steps become 0', () => tidy(() => {
  const x = tensor([[[1, 2], [-1, -1], [-1, 3]]]);
  const masking = new Masking({ maskValue: -1 });
  assert.deepEqual(masking.computeMask(x, null).arraySync(), [[true, false, true]]);
  assert.deepEqual(masking.apply(x).arraySync(), [[[1, 2], [0, 0], [-1, 3]]]);
  assert.deepEqual(new Masking().computeMask(padded(), null).arraySync(), [[true, true, false, false], [false, true, true, true]]);
  checkGrad('Masking', (t) => new Masking({ maskValue: 0.5 }).apply(t), [{ shape: [2, 3, 2] }]);
  assert.deepEqual(new Masking({ name: 'm' }).getConfig(), { name: 'm', trainable: true, dtype: 'float32', activityRegularizer: null, maskValue: 0 });
  assert.throws(() => new Masking({ name: 'm', maskValue: Number.NaN }), (e: unknown) => e instanceof ValueError && /Layer 'm' \(Masking\): maskValue must be a finite number, got NaN/.test(e.message));
}));

test('Masking → LSTM: padded steps are skipped, the same as running the real steps alone', () => tidy(() => {
  const lstm = new LSTM({ units: 3, kernelInitializer: { className: 'RandomNormal', config: { seed: 1 } } });
  const m = new Sequential({ layers: [new Masking({ inputShape: [4, 2] }), lstm] });
  const out = m.predict(padded()) as Tensor;
  // The first sequence's last output is the state after its 2 real steps; the second skips its leading pad.
  const first = lstm.apply(tensor([[[1, 2], [3, -1]]]));
  const second = lstm.apply(tensor([[[2, 1], [-1, 0], [0.5, 4]]]));
  assertClose(out.dataSync(), [...first.dataSync(), ...second.dataSync()], 1e-6, 'masked LSTM');
}));

test('Masking → TimeDistributed(Dense) → GRU (sequences) → GlobalAveragePooling1D: the mask reaches the RNN and the pooling', () => tidy(() => {
  const x = Input({ shape: [4, 2] });
  const masked = new Masking().apply(x);
  const td = new TimeDistributed({ layer: new Dense({ units: 3, kernelInitializer: { className: 'RandomNormal', config: { seed: 2 } } }) });
  const gru = new GRU({ units: 2, returnSequences: true, zeroOutputForMask: true, kernelInitializer: { className: 'RandomNormal', config: { seed: 3 } } });
  const seqOut = gru.apply(td.apply(masked)) as SymbolicTensor;
  const pooled = new GlobalAveragePooling1D().apply(seqOut);
  const maxed = new GlobalMaxPooling1D().apply(seqOut);
  const m = model({ inputs: x, outputs: [seqOut, pooled, maxed] });
  const [sequence, avg, mx] = m.predict(padded()) as Tensor[];
  const s = sequence!.arraySync() as number[][][];
  // Masked steps output zeros (zeroOutputForMask), and the average is over the real steps only.
  assert.deepEqual(s[0]![2], [0, 0]);
  assert.deepEqual(s[1]![0], [0, 0]);
  const meanOf = (rows: number[][]): number[] => [0, 1].map((k) => rows.reduce((a, r) => a + r[k]!, 0) / rows.length);
  assertClose(avg!.dataSync(), [...meanOf([s[0]![0]!, s[0]![1]!]), ...meanOf([s[1]![1]!, s[1]![2]!, s[1]![3]!])], 1e-6, 'masked average');
  // NOTE: as Keras 3, GlobalMaxPooling1D does not take a mask: the max runs over every step, zeros included.
  const maxOf = (rows: number[][]): number[] => [0, 1].map((k) => Math.max(...rows.map((r) => r[k]!)));
  assertClose(mx!.dataSync(), [...maxOf(s[0]!), ...maxOf(s[1]!)], 1e-6, 'unmasked max');
}));

test('Embedding(maskZero) → Dense → SimpleRNN: Dense passes the mask on, as Keras', () => tidy(() => {
  const emb = new Embedding({ inputDim: 5, outputDim: 2, maskZero: true, embeddingsInitializer: { className: 'RandomNormal', config: { seed: 4 } } });
  const dense = new Dense({ units: 3 });
  const rnn = new SimpleRNN({ units: 2 });
  const m = new Sequential({ layers: [layers.inputLayer({ shape: [4], dtype: 'int32' }), emb, dense, rnn] });
  const ids = tensor([[3, 1, 0, 0], [2, 4, 1, 0]], [2, 4], 'int32');
  const out = m.predict(ids) as Tensor;
  const alone = rnn.apply(dense.apply(emb.apply(tensor([[3, 1]], [1, 2], 'int32'))));
  assertClose(out.dataSync().slice(0, 2), alone.dataSync(), 1e-6, 'trailing padding is skipped');
}));
