import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as s from '../../src/index.js';
import { assertClose, checkGrad, checkWeightGrads } from '../helpers/grad-check.js';

const { Attention, AdditiveAttention } = s.layers;

const softmaxRow = (row: number[]): number[] => {
  const e = row.map(Math.exp);
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / z);
};

test('Attention by hand: dot scores (times a learned scale), concat scores, a value mask, a causal mask, a padded query row of zeros', () => s.tidy(() => {
  const q = s.tensor([[[1, 0], [0, 2]]]);
  const v = s.tensor([[[1, 1], [2, 0], [0, 3]]]);
  const [out, weights] = new Attention().applyMulti([q, v], { returnAttentionScores: true });
  const w = [[1, 2, 0], [2, 0, 6]].map(softmaxRow);
  assertClose(weights!.dataSync(), w.flat(), 1e-6, 'dot weights');
  assertClose(out!.dataSync(), w.flatMap((r) => [r[0]! + 2 * r[1]!, r[0]! + 3 * r[2]!]), 1e-5, 'dot output');
  assert.deepEqual(out!.shape, [1, 2, 2]);

  const scaled = new Attention({ useScale: true });
  scaled.apply([q, v]);
  scaled.setWeights([s.scalar(0.5)]);
  const [, ws] = scaled.applyMulti([q, v], { returnAttentionScores: true });
  assertClose(ws!.dataSync(), [[0.5, 1, 0], [1, 0, 3]].map(softmaxRow).flat(), 1e-6, 'scaled weights');

  // concat: w · Σ tanh(scale · (q + k)); scale and w start at 1.
  const [, wc] = new Attention({ scoreMode: 'concat' }).applyMulti([q, v], { returnAttentionScores: true });
  const concat = [[1, 0], [0, 2]].map((qi) => [[1, 1], [2, 0], [0, 3]].map((kj) => Math.tanh(qi[0]! + kj[0]!) + Math.tanh(qi[1]! + kj[1]!)));
  assertClose(wc!.dataSync(), concat.map(softmaxRow).flat(), 1e-6, 'concat weights');

  const valueMask = s.tensor([[true, true, false]]);
  const queryMask = s.tensor([[true, false]]);
  const layer = new Attention();
  const [masked, wm] = layer.applyMulti([q, v], { mask: [queryMask, valueMask], returnAttentionScores: true });
  assertClose(wm!.dataSync(), [...softmaxRow([1, 2]), 0, ...softmaxRow([2, 0]), 0], 1e-6, 'value mask');
  assert.deepEqual(Array.from(masked!.dataSync()).slice(2), [0, 0]);
  assert.equal(layer.computeMask([q, v], [queryMask, valueMask]), queryMask);
  const [, wcausal] = new Attention().applyMulti([q, v], { useCausalMask: true, returnAttentionScores: true });
  assertClose(wcausal!.dataSync(), [1, 0, 0, ...softmaxRow([2, 0]), 0], 1e-6, 'causal');
}));

test('AdditiveAttention by hand: Σ scale · tanh(q + k) over the features, with a distinct key', () => s.tidy(() => {
  const q = s.tensor([[[1, 0]]]);
  const v = s.tensor([[[5, 6], [7, 8]]]);
  const k = s.tensor([[[0, 1], [-1, 2]]]);
  const layer = new AdditiveAttention();
  layer.apply([q, v, k]);
  layer.setWeights([s.tensor([2, -1])]);
  const [out, w] = layer.applyMulti([q, v, k], { returnAttentionScores: true });
  const weights = softmaxRow([2 * Math.tanh(1) - Math.tanh(1), 2 * Math.tanh(0) - Math.tanh(2)]);
  assertClose(w!.dataSync(), weights, 1e-6, 'weights');
  assertClose(out!.dataSync(), [5 * weights[0]! + 7 * weights[1]!, 6 * weights[0]! + 8 * weights[1]!], 1e-5, 'output');
  const plain = new AdditiveAttention({ useScale: false });
  assert.deepEqual(plain.apply([q, v, k]).shape, [1, 1, 2]);
  assert.equal(plain.countParams(), 0);
}));

test("Attention layers' parameters follow Keras: scale 1, concat weight 1, additive scale [dim]; summary rows; configs as Keras's", () => {
  const q = s.Input({ shape: [3, 6] });
  const v = s.Input({ shape: [5, 6] });
  const layers = [new Attention(), new Attention({ useScale: true }), new Attention({ useScale: true, scoreMode: 'concat' }), new AdditiveAttention(), new AdditiveAttention({ useScale: false })];
  const outs = layers.map((l) => l.apply([q, v]));
  assert.deepEqual(layers.map((l) => l.countParams()), [0, 1, 2, 6, 0]);
  assert.deepEqual(layers[2]!.weights.map((w) => [w.name.slice(layers[2]!.name.length + 1), w.shape]), [['scale', []], ['concat_score_weight', []]]);
  assert.deepEqual(outs[0]!.shape, [null, 3, 6]);
  const model = s.model({ inputs: [q, v], outputs: outs });
  const lines: string[] = [];
  model.summary({ printFn: (line) => lines.push(line) });
  const row = lines.findIndex((l) => l.includes(layers[3]!.name) && l.includes('(None, 3, 6)') && /\b6\b/.test(l));
  assert.ok(row >= 0 && lines[row + 1]!.includes('(AdditiveAttention)'), lines.join('\n'));
  assert.deepEqual(layers[2]!.getConfig(), { name: layers[2]!.name, trainable: true, dtype: 'float32', activityRegularizer: null, useScale: true, scoreMode: 'concat', dropout: 0, seed: null });
  assert.deepEqual(Object.keys(layers[3]!.getConfig()).slice(4), ['useScale', 'dropout', 'seed']);
  for (const l of layers) {
    const copy = s.layers.deserializeLayer(JSON.parse(JSON.stringify(s.layers.serializeLayer(l))));
    assert.deepEqual(copy.getConfig(), l.getConfig());
  }
});

test('Attention layers: gradients of inputs and weights match float64 finite differences, with masks', () => {
  s.setSeed(4);
  const mask = [s.tensor([[true, true, false], [true, true, true]]), s.tensor([[true, true, true, false], [true, true, true, true]])];
  for (const make of [(dtype: 'float32' | 'float64') => new Attention({ useScale: true, scoreMode: 'concat', dtype }), (dtype: 'float32' | 'float64') => new AdditiveAttention({ dtype })]) {
    const f64 = make('float64');
    const inputs = [s.randomNormal([2, 3, 4], 0, 1, { dtype: 'float64' }), s.randomNormal([2, 4, 4], 0, 1, { dtype: 'float64' })];
    f64.apply(inputs);
    checkWeightGrads(`${f64.constructor.name} weights`, { apply: (x: s.Tensor[]) => f64.apply(x, { mask, useCausalMask: true }), trainableWeights: f64.trainableWeights } as unknown as s.layers.Layer, inputs, 4);
    const f32 = make('float32');
    f32.apply(inputs.map((t) => s.cast(t, 'float32')));
    f64.setWeights(f32.getWeights().map((w) => s.cast(w, 'float64')));
    checkGrad(`${f64.constructor.name} inputs`, (qq, vv) => (qq!.dtype === 'float64' ? f64 : f32).apply([qq!, vv!], { mask }), [{ shape: [2, 3, 4] }, { shape: [2, 4, 4] }], { tol32: 2e-3 });
  }
  checkGrad('Attention dot', (qq, vv, kk) => new Attention({ dtype: qq!.dtype as 'float32' }).apply([qq!, vv!, kk!]), [{ shape: [1, 2, 3] }, { shape: [1, 4, 2] }, { shape: [1, 4, 3] }], { tol32: 2e-3 });
});

test('Attention in a model: dropout only while training, options kept with the call through a .strata round trip', () => {
  s.setSeed(6);
  const q = s.Input({ shape: [3, 4] });
  const v = s.Input({ shape: [5, 4] });
  const layer = new Attention({ dropout: 0.5, seed: 2 });
  const [out, scores] = layer.applyMulti([q, v], { useCausalMask: true, returnAttentionScores: true });
  assert.deepEqual(scores!.shape, [null, 3, 5]);
  const model = s.model({ inputs: [q, v], outputs: [out!, scores!] });
  const xs = [s.randomNormal([2, 3, 4]), s.randomNormal([2, 5, 4])];
  const [y, w] = model.predict(xs) as s.Tensor[];
  assert.equal((w!.arraySync() as number[][][])[0]![0]![1], 0, 'causal');
  const trained = layer.apply(xs, { training: true });
  assert.notDeepEqual(Array.from(trained.dataSync()), Array.from(layer.apply(xs).dataSync()));
  const loaded = s.decodeModel(s.encodeModel(model));
  assertClose(((loaded.predict(xs) as s.Tensor[])[0]!).dataSync(), y!.dataSync(), 1e-6, 'after .strata round trip');
});

test('Attention layers refuse what they cannot do, naming the layer', () => {
  const layer = new Attention({ name: 'att' });
  assert.throws(() => layer.apply(s.zeros([1, 3, 4])), (e: Error) => e instanceof s.ValueError && /'att'.*\[query, value\]/.test(e.message));
  assert.throws(() => layer.apply([s.zeros([1, 3, 4]), s.zeros([1, 3, 5])]), (e: Error) => e instanceof s.ShapeError && /same last dimension/.test(e.message));
  assert.throws(() => layer.apply([s.zeros([1, 3, 4]), s.zeros([1, 2, 4]), s.zeros([1, 3, 4])]), (e: Error) => e instanceof s.ShapeError && /same steps/.test(e.message));
  assert.throws(() => new Attention({ scoreMode: 'additive' as 'dot' }), (e: Error) => e instanceof s.ValueError && /scoreMode/.test(e.message));
  assert.throws(() => new AdditiveAttention({ scoreMode: 'dot' } as never), (e: Error) => e instanceof s.UnknownOptionError);
});

test("PositionEmbedding: position i's learned vector at step i for every sample, sequenceLength × features parameters, masks pass, longer inputs refused", () => {
  s.setSeed(8);
  const layer = new s.layers.PositionEmbedding({ sequenceLength: 5, name: 'pos' });
  const x = s.randomNormal([2, 3, 4]);
  const y = layer.apply(x);
  assert.equal(layer.countParams(), 5 * 4);
  const table = layer.embeddings!.arraySync() as number[][];
  assert.deepEqual(y.arraySync(), [table.slice(0, 3), table.slice(0, 3)]);
  const mask = s.tensor([[true, false, true], [true, true, true]]);
  assert.equal(layer.computeMask(x, mask), mask);
  assert.throws(() => layer.apply(s.zeros([1, 6, 4])), (e: Error) => e instanceof s.ShapeError && /'pos'.* has positions for 5 steps, got 6/.test(e.message));
  const copy = s.layers.deserializeLayer(JSON.parse(JSON.stringify(s.layers.serializeLayer(layer))));
  assert.deepEqual(copy.getConfig(), layer.getConfig());
  const f64 = new s.layers.PositionEmbedding({ sequenceLength: 4, dtype: 'float64' });
  const input = s.randomNormal([2, 3, 2], 0, 1, { dtype: 'float64' });
  f64.apply(input);
  checkWeightGrads('PositionEmbedding', f64, input, 6);
});
