import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as s from '../../src/index.js';
import { assertClose, checkGrad, checkWeightGrads } from '../helpers/grad-check.js';

const { MultiHeadAttention, Softmax } = s.layers;

test("MultiHeadAttention's parameters follow Keras's formula: 2 heads of 16 on 32 features is 4,224, in Keras's weight order and shapes", () => {
  const mha = new MultiHeadAttention({ numHeads: 2, keyDim: 16 });
  const x = s.Input({ shape: [10, 32] });
  const y = mha.apply([x, x]);
  assert.deepEqual(y.shape, [null, 10, 32]);
  assert.equal(mha.countParams(), 4224);
  assert.equal(mha.countParams(), 3 * (32 + 1) * 2 * 16 + 2 * 16 * 32 + 32);
  assert.deepEqual(mha.weights.map((w) => [w.name.slice(mha.name.length + 1), w.shape]), [
    ['query/kernel', [32, 2, 16]], ['query/bias', [2, 16]], ['key/kernel', [32, 2, 16]], ['key/bias', [2, 16]],
    ['value/kernel', [32, 2, 16]], ['value/bias', [2, 16]], ['attention_output/kernel', [2, 16, 32]], ['attention_output/bias', [32]],
  ]);
  // Distinct sizes everywhere: query 6, value 5, key 4 features; keyDim 3, valueDim 7, 2 heads, output 8.
  const odd = new MultiHeadAttention({ numHeads: 2, keyDim: 3, valueDim: 7, outputShape: 8 });
  odd.apply([s.Input({ shape: [4, 6] }), s.Input({ shape: [5, 5] }), s.Input({ shape: [5, 4] })]);
  assert.equal(odd.countParams(), (6 + 1) * 2 * 3 + (4 + 1) * 2 * 3 + (5 + 1) * 2 * 7 + 2 * 7 * 8 + 8);
  const noBias = new MultiHeadAttention({ numHeads: 4, keyDim: 8, useBias: false });
  noBias.apply([x, x]);
  assert.equal(noBias.countParams(), 3 * 32 * 4 * 8 + 4 * 8 * 32);
  const model = s.model({ inputs: x, outputs: y });
  const lines: string[] = [];
  model.summary({ printFn: (line) => lines.push(line) });
  const row = lines.findIndex((l) => l.includes(mha.name) && l.includes('(None, 10, 32)') && l.includes('4,224'));
  assert.ok(row >= 0 && lines[row + 1]!.includes('(MultiHeadAttention)'), lines.join('\n'));
});

/** Attention computed by hand, one head of size 1 with identity-like projections, to pin the maths. */
test('MultiHeadAttention computes softmax(q·kᵀ/√d)·v per head, with padding and causal masks and the weights as a second output', () => s.tidy(() => {
  const mha = new MultiHeadAttention({ numHeads: 1, keyDim: 1, kernelInitializer: 'ones', useBias: false });
  const q = s.tensor([[[1], [2]]]);
  const v = s.tensor([[[0], [1], [3]]]);
  const [out, weights] = mha.applyMulti([q, v], { returnAttentionScores: true });
  // Scores q_i·k_j = q_i·v_j; weights softmax over j; output Σ_j w_ij v_j.
  const expected = [[1, 2].map((qi) => [0, 1, 3].map((vj) => qi * vj))].flat().map((row) => {
    const e = row.map(Math.exp);
    const z = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / z);
  });
  assertClose(weights!.dataSync(), expected.flat(), 1e-6, 'weights');
  assertClose(out!.dataSync(), expected.map((w) => w[0]! * 0 + w[1]! * 1 + w[2]! * 3), 1e-5, 'output');
  assert.deepEqual(weights!.shape, [1, 1, 2, 3]);

  const [, causal] = mha.applyMulti([q, v], { useCausalMask: true, returnAttentionScores: true });
  const c = causal!.arraySync() as number[][][][];
  assert.deepEqual(c[0]![0]![0], [1, 0, 0]);
  assert.equal(c[0]![0]![1]![2], 0);
  assertClose([c[0]![0]![1]![0]! + c[0]![0]![1]![1]!], [1], 1e-6);

  // A padded value step gets no weight; an explicit mask is and-ed with it; a padded query row is all 0.
  const valueMask = s.tensor([[true, true, false]]);
  const queryMask = s.tensor([[true, false]]);
  const explicit = s.tensor([[[true, false, true], [true, true, true]]]);
  const [, masked] = mha.applyMulti([q, v], { mask: [queryMask, valueMask], attentionMask: explicit, returnAttentionScores: true });
  assert.deepEqual(masked!.arraySync(), [[[[1, 0, 0], [0, 0, 0]]]]);
  assert.deepEqual(mha.computeMask([q, v], [queryMask, valueMask]), queryMask);
}));

test('MultiHeadAttention: gradients of inputs and weights match float64 finite differences, with masks and a distinct key', () => {
  s.setSeed(3);
  const f64 = new MultiHeadAttention({ numHeads: 2, keyDim: 2, valueDim: 3, outputShape: 4, dtype: 'float64', biasInitializer: 'glorotUniform' });
  const q = s.randomNormal([2, 3, 4], 0, 1, { dtype: 'float64' });
  const v = s.randomNormal([2, 5, 3], 0, 1, { dtype: 'float64' });
  const k = s.randomNormal([2, 5, 2], 0, 1, { dtype: 'float64' });
  const mask = [s.tensor([[true, true, false], [true, true, true]]), s.tensor([[true, true, true, false, false], [true, true, true, true, true]]), null];
  f64.apply([q, v, k]);
  checkWeightGrads('MultiHeadAttention weights', { apply: (x: s.Tensor[]) => f64.apply(x, { mask, useCausalMask: true }), trainableWeights: f64.trainableWeights } as unknown as s.layers.Layer, [q, v, k], 4);
  const f32 = new MultiHeadAttention({ numHeads: 2, keyDim: 2, valueDim: 3, outputShape: 4 });
  f32.apply([q, v, k].map((t) => s.cast(t, 'float32')));
  f64.setWeights(f32.getWeights().map((w) => s.cast(w, 'float64')));
  const layerFor = (x: s.Tensor): s.layers.MultiHeadAttention => (x.dtype === 'float64' ? f64 : f32);
  checkGrad('MultiHeadAttention inputs', (qq, vv, kk) => layerFor(qq!).apply([qq!, vv!, kk!], { mask }), [{ shape: [2, 3, 4] }, { shape: [2, 5, 3] }, { shape: [2, 5, 2] }], { tol32: 2e-3 });
});

test('MultiHeadAttention in a model: masks from an Embedding with maskZero reach it, options are kept with the call, and the model saves and loads', () => {
  s.setSeed(5);
  const ids = s.Input({ shape: [6], dtype: 'int32' });
  const e = new s.layers.Embedding({ inputDim: 20, outputDim: 8, maskZero: true }).apply(ids);
  const mha = new MultiHeadAttention({ numHeads: 2, keyDim: 4 });
  const a = mha.apply([e, e], { useCausalMask: true });
  const pooled = new s.layers.GlobalAveragePooling1D().apply(a);
  const model = s.model({ inputs: ids, outputs: new s.layers.Dense({ units: 3 }).apply(pooled) });
  const x = s.tensor([[3, 4, 5, 0, 0, 0], [1, 2, 3, 4, 5, 6]], [2, 6], 'int32');
  const y = model.predict(x) as s.Tensor;
  // Changing what sits at padded steps changes nothing: they are masked from attention and pooling.
  const xPadded = s.tensor([[3, 4, 5, 7, 8, 9], [1, 2, 3, 4, 5, 6]], [2, 6], 'int32');
  const viaMask = s.tidy(() => model.predict(s.tensor([[3, 4, 5, 0, 0, 0]], [1, 6], 'int32')) as s.Tensor);
  assertClose(viaMask.dataSync(), Array.from(y.dataSync()).slice(0, 3), 1e-5, 'padding ignored');
  assert.notDeepEqual(Array.from((model.predict(xPadded) as s.Tensor).dataSync()).slice(0, 3), Array.from(y.dataSync()).slice(0, 3));
  // Causal: the first step's output depends on the first token only.
  const first = (tokens: number[]): number[] => s.tidy(() => Array.from((s.model({ inputs: ids, outputs: a }).predict(s.tensor([tokens], [1, 6], 'int32')) as s.Tensor).dataSync()).slice(0, 8));
  assertClose(first([3, 1, 1, 1, 1, 1]), first([3, 9, 8, 7, 6, 5]), 1e-6, 'causal');
  const loaded = s.decodeModel(s.encodeModel(model));
  assertClose((loaded.predict(x) as s.Tensor).dataSync(), y.dataSync(), 1e-6, 'after .strata round trip');
  const config = loaded.getConfig() as { layers: { className: string; inboundNodes: { options?: unknown }[] }[] };
  assert.deepEqual(config.layers.find((l) => l.className === 'MultiHeadAttention')!.inboundNodes[0]!.options, { useCausalMask: true });
});

test('MultiHeadAttention trains a toy task: attend to the step marked by a flag', async () => {
  // Each sample: 5 steps of [value, flag]; the target is the value at the flagged step.
  s.setSeed(7);
  const n = 256;
  const values: number[] = [];
  const targets: number[] = [];
  for (let i = 0; i < n; i++) {
    const flagged = i % 5;
    for (let t = 0; t < 5; t++) {
      const v = Math.sin(i * 7.1 + t * 3.3);
      values.push(v, t === flagged ? 1 : 0);
      if (t === flagged) targets.push(v);
    }
  }
  const x = s.Input({ shape: [5, 2] });
  const attended = new MultiHeadAttention({ numHeads: 1, keyDim: 8 }).apply([x, x]);
  const out = new s.layers.Dense({ units: 1 }).apply(new s.layers.GlobalAveragePooling1D().apply(attended));
  const model = s.model({ inputs: x, outputs: out });
  model.compile({ optimizer: new s.Adam({ learningRate: 0.02 }), loss: 'mse' });
  const xs = s.tensor(values, [n, 5, 2]);
  const ys = s.tensor(targets, [n, 1]);
  const history = await model.fit(xs, ys, { epochs: 40, batchSize: 32, verbose: 0 });
  const losses = history.history['loss'] as number[];
  // Predicting the mean (0) gives the targets' variance, about 0.5; attention gets far below it.
  assert.ok(losses[losses.length - 1]! < 0.05, `final loss ${losses[losses.length - 1]}`);
});

test('MultiHeadAttention refuses what it cannot do, naming the layer: one input, rank 2, unknown options, tensors as options in a model, other attention axes', () => {
  const mha = new MultiHeadAttention({ numHeads: 2, keyDim: 4, name: 'mha' });
  assert.throws(() => mha.apply(s.zeros([1, 3, 4])), (e: Error) => e instanceof s.ValueError && /'mha'.*\[query, value\].*apply\(\[x, x\]\)/.test(e.message));
  assert.throws(() => mha.apply([s.zeros([1, 4]), s.zeros([1, 4])]), (e: Error) => e instanceof s.ShapeError && /query must be \[batch, steps, features\]/.test(e.message));
  assert.throws(() => mha.apply([s.zeros([1, 3, 4]), s.zeros([1, 3, 4])], { useCausalMasks: true }), (e: Error) => e instanceof s.UnknownOptionError && /did you mean 'useCausalMask'/.test(e.message));
  const x = s.Input({ shape: [3, 4] });
  const m = s.Input({ shape: [3, 3], dtype: 'bool' });
  assert.throws(() => new MultiHeadAttention({ numHeads: 1, keyDim: 2 }).apply([x, x], { attentionMask: m }), (e: Error) => e instanceof s.NotSupportedError && /attentionMask/.test(e.message));
  assert.throws(() => new MultiHeadAttention({ numHeads: 1, keyDim: 2, attentionAxes: [2] }).apply([s.Input({ shape: [3, 5, 4] }), s.Input({ shape: [3, 5, 4] })]), (e: Error) => e instanceof s.NotSupportedError && /attentionAxes/.test(e.message));
  assert.throws(() => mha.apply([s.zeros([1, 3, 4]), s.zeros([1, 3, 4])], { attentionMask: s.ones([1, 2, 3], 'bool') }), (e: Error) => e instanceof s.ShapeError && /attentionMask must be \[batch, targetSteps, sourceSteps\]/.test(e.message));
});

test('Softmax takes a mask as Keras does: masked positions are 0, a fully masked row is all 0, gradients flow to the rest', () => {
  const layer = new Softmax();
  const y = layer.apply(s.tensor([[1, 2, 3], [1, 1, 1]]), { mask: s.tensor([[true, false, true], [false, false, false]]) });
  const e1 = Math.exp(1), e3 = Math.exp(3);
  assertClose(y.dataSync(), [e1 / (e1 + e3), 0, e3 / (e1 + e3), 0, 0, 0], 1e-6);
  assert.throws(() => layer.apply(s.zeros([2, 3]), { mask: s.ones([2, 2], 'bool') }), (e: Error) => e instanceof s.ShapeError && /does not broadcast/.test(e.message));
  const mask = s.tensor([[true, true, false, true]]);
  checkGrad('masked softmax', (x) => s.maskedSoftmax(x!, mask), [{ shape: [3, 4] }]);
});
