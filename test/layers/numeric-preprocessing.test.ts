import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Input, Model, layers, memory, strings, tensor, tidy, type Tensor } from '../../src/index.js';
import { assertClose, checkGrad } from '../helpers/grad-check.js';
import { runLayerTest } from '../helpers/layer-test.js';

const { Normalization, Discretization, CategoryEncoding, Hashing, fingerprint64 } = layers;

/** The summary lines of a model. */
function summaryLines(model: Model): string[] {
  const lines: string[] = [];
  model.summary({ printFn: (line: string) => lines.push(line) });
  return lines;
}

// ---- Normalization (expected values from Keras 3.x on JAX, in .venv-peers) ----

test('Normalization.adapt gives Keras weights (mean, variance, count) and normalizes, inverts', () => {
  const norm = new Normalization();
  norm.adapt(tensor([[0, 7, 4], [2, 9, 6], [0, 7, 4], [2, 9, 6]]));
  assert.deepEqual(norm.weights.map((w) => w.name), [`${norm.name}/mean`, `${norm.name}/variance`, `${norm.name}/count`]);
  assert.deepEqual(norm.weights.map((w) => w.trainable), [false, false, false]);
  const [mean, variance, count] = norm.getWeights();
  assert.deepEqual(Array.from(mean!.dataSync()), [1, 8, 5]);
  assert.deepEqual(Array.from(variance!.dataSync()), [1, 1, 1]);
  assert.equal(count!.dataSync()[0], 4);
  assert.deepEqual(norm.apply(tensor([[1, 2, 3]])).arraySync(), [[0, -6, -2]]);
  const inverse = new Normalization({ invert: true });
  inverse.adapt([[0, 7, 4], [2, 9, 6], [0, 7, 4], [2, 9, 6]]);
  assert.deepEqual(inverse.apply(tensor([[1, 2, 3]])).arraySync(), [[2, 10, 8]]); // Keras's docstring example
  assert.equal(norm.countParams(), 7); // Keras: 2 · features + 1
});

test('Normalization over several axes and over everything matches Keras', () => {
  const x = tensor(Array.from({ length: 24 }, (_, i) => Math.cos(i * 0.9) * 5 + 2), [2, 3, 4]);
  const byPosition = new Normalization({ axis: [1, 2] });
  byPosition.adapt(x);
  const keras = [[[1.0, -0.999996, -1.0, -1.0], [-1.0, 1.0, 1.0, 1.0], [-0.999998, -1.0, -1.0, -1.0]], [[-1.0, 1.000004, 1.0, 1.0], [1.0, -1.0, -1.0, -1.0], [1.000002, 1.0, 1.0, 1.0]]];
  assertClose(byPosition.apply(x).dataSync(), keras.flat(2), 2e-5);
  const overall = new Normalization({ axis: null });
  overall.adapt(x);
  assertClose(overall.getWeights()[0]!.dataSync(), [2.282679319381714], 1e-6);
  assertClose(overall.getWeights()[1]!.dataSync(), [12.35012435913086], 1e-6);
  assert.deepEqual(overall.getWeights()[0]!.shape, []);
});

test('Normalization with a given mean and variance has no weights and keeps them in its config', () => {
  const norm = new Normalization({ mean: [1, 2], variance: [4, 9], invert: true });
  assert.deepEqual(norm.apply(tensor([[1, 1]])).arraySync(), [[3, 5]]);
  assert.equal(norm.weights.length, 0);
  assert.equal(norm.isAdapted, true);
  assert.deepEqual(norm.getConfig().mean, [1, 2]);
  assert.deepEqual(new Normalization({ mean: 3, variance: 2 }).apply(tensor([[1], [2], [3]])).dataSync().map((v) => Math.round(v * 1e6) / 1e6), new Float32Array([-1.414214, -0.707107, 0]));
  assert.throws(() => new Normalization({ mean: [1, 2] }), /give both mean and variance/);
  assert.throws(() => norm.adapt(tensor([[1, 2]])), /cannot adapt a layer given its mean and variance/);
});

test('Normalization.adapt from batches (arrays of tensors, generators, async iterables) is exact and numerically sound', async () => {
  // Values 1e8 ± 1: E[x²] - E[x]² loses everything in float64; the merged two-pass statistics do not.
  const rows = Array.from({ length: 60 }, (_, i) => [1e8 + (i % 2 === 0 ? 1 : -1), i]);
  const batch = (from: number, to: number): Tensor => tensor(rows.slice(from, to).flat(), [to - from, 2], 'float64');
  const batches = [batch(0, 7), batch(7, 30), batch(30, 60)];
  const expected = (norm: InstanceType<typeof Normalization>): void => {
    const [mean, variance, count] = norm.getWeights();
    assertClose(mean!.dataSync(), [1e8, 29.5], 1e-9);
    assertClose(variance!.dataSync(), [1, (60 * 60 - 1) / 12], 1e-6);
    assert.equal(count!.dataSync()[0], 60);
  };
  const fromList = new Normalization();
  fromList.adapt(batches);
  expected(fromList);
  const fromGenerator = new Normalization();
  fromGenerator.adapt((function* () { yield* batches; })());
  expected(fromGenerator);
  const fromStream = new Normalization();
  const pending = fromStream.adapt((async function* () { yield* batches; })());
  assert.ok(pending instanceof Promise);
  await pending;
  expected(fromStream);
  const limited = new Normalization();
  limited.adapt(batches, { steps: 1 });
  assert.equal(limited.getWeights()[2]!.dataSync()[0], 7);
  assert.throws(() => new Normalization().adapt([]), /held no batches/);
  for (const b of batches) b.dispose();
});

test('Normalization: runLayerTest, gradient against finite differences, summary row', () => {
  runLayerTest('Normalization (unadapted)', { make: () => new Normalization(), inputShape: [4, 3], expectedOutputShape: [4, 3], expectedNonTrainableWeights: 3 });
  runLayerTest('Normalization (given)', { make: () => new Normalization({ mean: [1, 2, 3], variance: [1, 4, 9] }), inputShape: [4, 3], expectedOutputShape: [4, 3] });
  const norm = new Normalization({ name: 'scale_in' });
  norm.adapt(tensor([[1, 10, -3], [3, 30, 5], [2, 0, 1]]));
  checkGrad('Normalization', (x) => norm.apply(x), [{ shape: [4, 3] }]);
  checkGrad('Normalization inverted', (x) => new Normalization({ mean: [1, 2, 3], variance: [1, 4, 9], invert: true }).apply(x), [{ shape: [2, 3] }]);
  const input = Input({ shape: [3] });
  const model = new Model({ inputs: input, outputs: layers.dense({ units: 1 }).apply(norm.apply(input)) });
  assert.ok(summaryLines(model).some((l) => /scale_in \(Normalization\)\s*│ \(None, 3\)\s*│\s*7 │/.test(l)), summaryLines(model).join('\n'));
  model.dispose();
});

// ---- Discretization ----

test('Discretization.adapt finds the bin boundaries Keras finds (one batch, several, coarse)', () => {
  const disc = new Discretization({ numBins: 4 });
  const x = tensor([[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]]);
  disc.adapt(x);
  assert.deepEqual(disc.binBoundaries, [0, 0.5, Math.fround(1.3)]);
  assert.deepEqual(disc.apply(x).arraySync(), [[0, 2, 3, 2], [1, 3, 3, 1]]);
  const big = Array.from({ length: 900 }, (_, i) => Math.fround(Math.sin(i * 1.7) * 3));
  const rows = (from: number, to: number): Tensor => tensor(big.slice(from * 3, to * 3), [to - from, 3]);
  const batched = new Discretization({ numBins: 5, epsilon: 0.05 });
  batched.adapt([rows(0, 100), rows(100, 250), rows(250, 300)]);
  assertClose(batched.binBoundaries!, [-2.3892409801483154, -0.8735674619674683, 0.9236932992935181, 2.417487859725952], 1e-6);
  const whole = new Discretization({ numBins: 5, epsilon: 0.05 });
  whole.adapt(rows(0, 300));
  assertClose(whole.binBoundaries!, [-2.425701856613159, -0.9219551682472229, 0.9324362874031067, 2.4240803718566895], 1e-6);
  const three = new Discretization({ numBins: 3 });
  three.adapt(rows(0, 300));
  assertClose(three.binBoundaries!, [-1.4968817234039307, 1.4961011409759521], 1e-6);
});

test('Discretization outputs int, one_hot and count as Keras; an adapted config restores the boundaries', () => {
  const x = tensor([[-1, 1.5], [2, 0.5]]);
  assert.deepEqual(new Discretization({ binBoundaries: [0, 1, 2] }).apply(x).arraySync(), [[0, 2], [3, 1]]);
  assert.deepEqual(new Discretization({ binBoundaries: [0, 1, 2], outputMode: 'one_hot' }).apply(x).arraySync(), [[[1, 0, 0, 0], [0, 0, 1, 0]], [[0, 0, 0, 1], [0, 1, 0, 0]]]);
  assert.deepEqual(new Discretization({ binBoundaries: [0, 1, 2], outputMode: 'count' }).apply(tensor([[-1, 1.5, 1.2], [2, 0.5, 7]])).arraySync(), [[1, 0, 2, 0], [0, 1, 0, 2]]);
  const adapted = new Discretization({ numBins: 2 });
  adapted.adapt([[1], [2], [3], [4]]);
  const copy = layers.deserializeLayer(JSON.parse(JSON.stringify(layers.serializeLayer(adapted))));
  assert.deepEqual((copy as InstanceType<typeof Discretization>).binBoundaries, adapted.binBoundaries);
  assert.deepEqual(copy.apply(tensor([[0], [5]])).arraySync(), adapted.apply(tensor([[0], [5]])).arraySync());
  assert.throws(() => new Discretization({ numBins: 3 }).apply(x), /call adapt\(data\) first/);
  assert.throws(() => new Discretization({}), /either binBoundaries or numBins/);
  assert.throws(() => new Discretization({ binBoundaries: [2, 1] }), /increasing/);
  runLayerTest('Discretization', { make: () => new Discretization({ binBoundaries: [-1, 0, 1], outputMode: 'multi_hot' }), inputShape: [3, 5], expectedOutputShape: [3, 4] });
});

// ---- CategoryEncoding ----

test('CategoryEncoding encodes ids as Keras (count, one_hot, multi_hot) and refuses ids out of range', () => {
  const ids = tensor([[0, 1, 1], [3, 3, 2]], undefined, 'int32');
  assert.deepEqual(new CategoryEncoding({ numTokens: 4, outputMode: 'count' }).apply(ids).arraySync(), [[1, 2, 0, 0], [0, 0, 1, 2]]);
  assert.deepEqual(new CategoryEncoding({ numTokens: 4 }).apply(ids).arraySync(), [[1, 1, 0, 0], [0, 0, 1, 1]]);
  assert.deepEqual(new CategoryEncoding({ numTokens: 4, outputMode: 'one_hot' }).apply(tensor([[0], [3]], undefined, 'int32')).arraySync(), [[1, 0, 0, 0], [0, 0, 0, 1]]);
  assert.deepEqual(new CategoryEncoding({ numTokens: 4, outputMode: 'one_hot' }).apply(ids).shape, [2, 3, 4]);
  assert.throws(() => new CategoryEncoding({ numTokens: 4 }).apply(tensor([[4]], undefined, 'int32')), /ids must be integers in \[0, 4\).*holds 4/);
  assert.throws(() => new CategoryEncoding({ numTokens: 0 }), /numTokens/);
  runLayerTest('CategoryEncoding', { make: () => new CategoryEncoding({ numTokens: 6, outputMode: 'count' }), inputShape: [3, 4], inputDtype: 'int32', inputRange: [0, 6], expectedOutputShape: [3, 6] });
});

// ---- Hashing ----

test('fingerprint64 is FarmHash Fingerprint64 at every length class (0-16, 17-32, 33-64, longer)', () => {
  // Published FarmHash Fingerprint64 values (farmhashna::Hash64).
  const known: [string, string][] = [
    ['', '9ae16a3b2f90404f'], ['a', 'b3454265b6df75e3'], ['abcd', '1a5502de4a1f8101'], ['abcdefghi', '332c8ed4dae5ba42'],
    ['0123456789=012345', '46a7416ed4861e3b'], ['C is as portable as Stonehedge!!', 'b944f8a16261e414'],
    ['Discard medicine more than two years old.', 'e8f89ab6df9bdd25'],
    ['For every action there is an equal and opposite government program.', '55182f8859eca4ce'],
    ['The fugacity of a constituent in a mixture of gases at a given temperature is proportional to its mole fraction.  Lewis-Randall Rule', '098eff6958c5e91a'],
  ];
  for (const [s, hex] of known) assert.equal(fingerprint64(s).toString(16).padStart(16, '0'), hex, `fingerprint64(${JSON.stringify(s)})`);
});

test('Hashing gives the bins Keras gives: strings, integers, mask values, encodings', () => {
  // Expected values from Keras 3's own Hashing tests and docstring (TensorFlow's to_hash_bucket_fast).
  const letters = strings([['A'], ['B'], ['C'], ['D'], ['E']]);
  assert.deepEqual(new Hashing({ numBins: 3 }).apply(letters).arraySync(), [[1], [0], [1], [1], [2]]);
  assert.deepEqual(new Hashing({ numBins: 3, maskValue: '' }).apply(strings([['A'], ['B'], [''], ['C'], ['D']])).arraySync(), [[1], [1], [0], [2], [2]]);
  const names = strings([['omar'], ['stringer'], ['marlo'], ['wire'], ['skywalker']]);
  assert.deepEqual(new Hashing({ numBins: 2 }).apply(names).arraySync(), [[0], [0], [1], [0], [0]]);
  assert.deepEqual(new Hashing({ numBins: 3, maskValue: '' }).apply(names).arraySync(), [[1], [1], [2], [1], [1]]);
  assert.deepEqual(new Hashing({ numBins: 3, maskValue: 'omar' }).apply(names).arraySync(), [[0], [1], [2], [1], [1]]);
  assert.deepEqual(new Hashing({ numBins: 1 }).apply(letters).arraySync(), [[0], [0], [0], [0], [0]]);
  const ints = tensor([[0], [1], [2], [3], [4]], undefined, 'int32');
  assert.deepEqual(new Hashing({ numBins: 3 }).apply(ints).arraySync(), [[1], [0], [1], [0], [2]]);
  assert.deepEqual(new Hashing({ numBins: 3 }).apply(tensor([[0.5], [1.9]])).arraySync(), [[1], [0]]); // floats truncate first
  assert.deepEqual(new Hashing({ numBins: 3, outputMode: 'one_hot' }).apply(tensor([0, 1, 2, 3, 4], undefined, 'int32')).arraySync(), [[0, 1, 0], [1, 0, 0], [0, 1, 0], [1, 0, 0], [0, 0, 1]]);
  assert.deepEqual(new Hashing({ numBins: 3, outputMode: 'multi_hot' }).apply(tensor([[0, 1, 2, 3, 4]], undefined, 'int32')).arraySync(), [[1, 1, 1]]);
  assert.deepEqual(new Hashing({ numBins: 3, outputMode: 'count' }).apply(tensor([[0, 1, 2, 3, 4]], undefined, 'int32')).arraySync(), [[2, 2, 1]]);
  assert.deepEqual(new Hashing({ numBins: 3, outputMode: 'count' }).apply(tensor([0, 1, 2, 3, 4], undefined, 'int32')).arraySync(), [2, 2, 1]);
  assert.throws(() => new Hashing({ numBins: 3, salt: 133 as unknown as null }), /salted hash/);
  assert.throws(() => new Hashing({ numBins: 0 }), /numBins/);
  assert.equal(layers.deserializeLayer({ className: 'Hashing', config: { numBins: 3, dtype: 'int64' } }).dtype, 'int32'); // Keras's default dtype
  runLayerTest('Hashing', { make: () => new Hashing({ numBins: 5, outputMode: 'multi_hot' }), inputShape: [3, 4], inputDtype: 'int32', inputRange: [0, 100], expectedOutputShape: [3, 5] });
});

test('Hashing and CategoryEncoding inside a model taking strings: shapes, summary rows with 0 parameters, no leaks', () => {
  const input = Input({ shape: [1], dtype: 'string' });
  const hashed = new Hashing({ numBins: 4, name: 'city_hash' }).apply(input);
  const encoded = new CategoryEncoding({ numTokens: 4, outputMode: 'one_hot', name: 'city_onehot' }).apply(hashed);
  const model = new Model({ inputs: input, outputs: layers.dense({ units: 1, kernelInitializer: 'ones', useBias: false }).apply(encoded) });
  assert.deepEqual(hashed.shape, [null, 1]);
  assert.equal(hashed.dtype, 'int32');
  assert.deepEqual(encoded.shape, [null, 4]);
  const lines = summaryLines(model);
  assert.ok(lines.some((l) => /city_hash \(Hashing\)\s*│ \(None, 1\)\s*│\s*0 │/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /city_onehot \(CategoryEncoding\)\s*│ \(None, 4\)\s*│\s*0 │/.test(l)), lines.join('\n'));
  const before = memory().numTensors;
  const y = model.predict(strings([['A'], ['B']])) as Tensor;
  assert.deepEqual(y.arraySync(), [[1], [1]]);
  y.dispose();
  assert.equal(memory().numTensors, before);
  model.dispose();
  tidy(() => assert.deepEqual(new Hashing({ numBins: 2 }).apply(strings(['x'])).shape, [1]));
});

test('a model with Hashing and an adapted Normalization through .keras and .strata: configs as Keras writes them, the same predictions after loading', async () => {
  const { mkdtempSync, readFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { unzipSync } = await import('fflate');
  const { loadModel } = await import('../../src/node/index.js');
  const city = Input({ shape: [1], dtype: 'string', name: 'city' });
  const numbers = Input({ shape: [2], name: 'numbers' });
  const norm = new Normalization({ name: 'norm' });
  norm.adapt(tensor([[1, 10], [3, 30], [5, -2]]));
  const joined = layers.concatenate().apply([new Hashing({ numBins: 5, maskValue: '', outputMode: 'one_hot', name: 'hash' }).apply(city), norm.apply(numbers)]);
  const model = new Model({ inputs: [city, numbers], outputs: layers.dense({ units: 2 }).apply(joined) });
  const x = [strings([['Lyon'], [''], ['Brest']]), tensor([[2, 3], [0, 0], [9, 9]])];
  const expected = (model.predict(x) as Tensor).arraySync();
  const dir = mkdtempSync(join(tmpdir(), 'strata-prep-'));
  for (const file of ['prep.keras', 'prep.strata']) {
    await model.save(join(dir, file));
    const loaded = await loadModel(join(dir, file));
    assert.deepEqual((loaded.predict(x) as Tensor).arraySync(), expected, file);
    loaded.dispose();
  }
  const config = JSON.parse(new TextDecoder().decode(unzipSync(readFileSync(join(dir, 'prep.keras')))['config.json'])) as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
  const hash = config.config.layers.find((l) => l.class_name === 'Hashing')!.config;
  assert.deepEqual([hash['num_bins'], hash['mask_value'], hash['output_mode'], hash['salt'], hash['sparse']], [5, '', 'one_hot', null, false]);
  assert.deepEqual(config.config.layers.find((l) => l.class_name === 'Normalization')!.config['axis'], [-1]);
  model.dispose();
});
