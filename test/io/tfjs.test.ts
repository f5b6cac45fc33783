/**
 * TensorFlow.js layers-models: the real TF.js files of shared/fixtures/interop load with the facts
 * an independent reader recorded (skipped when the folder is absent); Strata's TF.js output loads
 * in `@tensorflow/tfjs` 4.22 and predicts the same, and TF.js's own output loads in Strata and
 * predicts the same; hostile manifests give typed errors.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Input, LimitError, NotFoundError, NotSupportedError, ShapeError, ValueError, layers, loadModel, modelFormatNamed, modelToArtifacts, optimizers, model as functional, sequential, tensor, type Model, type Tensor } from '../../src/node/index.js';
import { classNameOf } from '../../src/core/serialization.js';
import { INTEROP, interopFixtures, interopMissing, meanStd } from '../helpers/interop-fixtures.js';

const FIXTURES = INTEROP;
const skip = interopMissing();
const TFJS_FIXTURES = ['tfjs-layers-dense-abalone', 'tfjs-keras2.5-cnn-mnist', 'tfjs-keras2.2-cnn-doodle', 'tfjs-legacy-keras2.1-lstm-textgen'];

const dir = mkdtempSync(join(tmpdir(), 'strata-tfjs-'));
after(() => rmSync(dir, { recursive: true, force: true }));
await tf.setBackend('cpu');

/** Deterministic values in [lo, hi): the same on every run and backend. */
function values(n: number, seed: number, lo = -0.5, hi = 0.5): Float32Array {
  let s = seed >>> 0 || 1;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + ((hi - lo) * s) / 2 ** 32;
  });
}

/** Gives every weight of `m` distinct values (moving variances positive), so a wrong mapping shows in the outputs. */
function randomize(m: Model): void {
  const ts = m.weights.map((w, i) => tensor(values(w.shape.reduce((a, b) => a * b, 1), 17 + i, ...(w.name.endsWith('moving_variance') ? [0.5, 1.5] : [-0.5, 0.5])), w.shape));
  m.setWeights(ts);
  for (const t of ts) t.dispose();
}

const size = (shape: readonly (number | null)[]): number => shape.reduce<number>((a, b) => a * (b ?? 1), 1);

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

/** Loads Strata's TF.js output into TF.js through an IOHandler fed from the files, as `tf.io.browserFiles` would. */
async function tfjsLoad(folder: string, main = 'model.json'): Promise<tf.LayersModel> {
  const json = JSON.parse(readFileSync(join(folder, main), 'utf8'));
  const groups = json.weightsManifest as Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
  const data = Buffer.concat(groups.flatMap((g) => g.paths.map((p) => readFileSync(join(folder, p)))));
  const weightData = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
  const handler: tf.io.IOHandler = {
    load: async () => ({ modelTopology: json.modelTopology, weightSpecs: groups.flatMap((g) => g.weights), weightData, format: json.format, generatedBy: json.generatedBy, convertedBy: json.convertedBy, trainingConfig: json.trainingConfig }),
  };
  return tf.loadLayersModel(handler);
}

/** Writes what TF.js's `model.save` gives into `folder` as model.json + weights.bin (as tfjs-node's file:// handler does). */
async function tfjsSave(m: tf.LayersModel, folder: string): Promise<void> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await m.save({
    save: async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    },
  });
  const a = artifacts!;
  mkdirSync(folder, { recursive: true });
  const data = Array.isArray(a.weightData) ? Buffer.concat(a.weightData.map((b) => Buffer.from(b))) : Buffer.from(a.weightData as ArrayBuffer);
  writeFileSync(join(folder, 'weights.bin'), data);
  const json = { format: a.format, generatedBy: a.generatedBy, convertedBy: a.convertedBy, modelTopology: a.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }] };
  writeFileSync(join(folder, 'model.json'), JSON.stringify(json));
}

/** Strata's and TF.js's predictions for the same inputs (one per input shape, batch 3). */
function bothPredict(s: Model, t: tf.LayersModel, shapes: number[][]): { strata: Float32Array[]; tfjs: Float32Array[] } {
  const xs = shapes.map((shape, i) => values(3 * size(shape), 101 + i, -1, 1));
  const ys = s.predict(xs.map((x, i) => tensor(x, [3, ...shapes[i]!]))) as Tensor | Tensor[];
  const strata = (Array.isArray(ys) ? ys : [ys]).map((y) => y.dataSync() as Float32Array);
  const ty = t.predict(xs.map((x, i) => tf.tensor(x, [3, ...shapes[i]!]))) as tf.Tensor | tf.Tensor[];
  const tfjs = (Array.isArray(ty) ? ty : [ty]).map((y) => y.dataSync() as Float32Array);
  return { strata, tfjs };
}

function assertSame(r: { strata: Float32Array[]; tfjs: Float32Array[] }, tolerance: number): void {
  assert.equal(r.strata.length, r.tfjs.length);
  r.strata.forEach((s, i) => {
    assert.ok(s.every(Number.isFinite), `output ${i} finite`);
    const d = maxDiff(s, r.tfjs[i]!);
    assert.ok(d <= tolerance, `output ${i}: Strata and TF.js differ by ${d}`);
  });
}

for (const name of TFJS_FIXTURES) {
  test(`the TF.js fixture ${name} loads with its recorded parameters, layers, weight shapes and kernel statistics, and predicts finite outputs`, { skip }, async () => {
    const expected = interopFixtures()[name]!;
    const m = await loadModel(join(FIXTURES, name, 'model.json'));
    try {
      assert.equal(m.countParams(), expected.model_params);
      const classes = (list: string[]): string[] => list.filter((c) => c !== 'InputLayer');
      assert.deepEqual(classes(m.layers.map((l) => classNameOf(l))), classes(expected.layers.map((l) => l.class)));
      assert.deepEqual(m.layers.filter((l) => classNameOf(l) !== 'InputLayer').map((l) => l.name), expected.layers.filter((l) => l.class !== 'InputLayer').map((l) => l.name));
      // TF.js names leave out the recurrent cell (lstm_2/kernel is Strata's lstm_2/lstm_cell/kernel).
      const find = (path: string) => {
        const [layer, ...rest] = path.split('/');
        const found = m.weights.filter((w) => w.name.startsWith(`${layer}/`) && w.name.endsWith(`/${rest.join('/')}`));
        assert.equal(found.length, 1, `one weight for ${path}: ${m.weights.map((w) => w.name).join(', ')}`);
        return found[0]!;
      };
      assert.equal(m.weights.length, expected.weights.length);
      for (const w of expected.weights) assert.deepEqual(find(w.path).shape, w.shape, w.path);
      for (const which of ['first', 'last']) {
        const [mean, std] = meanStd(find(expected.stats[`${which}_kernel_path`] as string).dataSync());
        assert.ok(Math.abs(mean - (expected.stats[`${which}_kernel_mean`] as number)) <= 1e-6, `${which} kernel mean ${mean}`);
        assert.ok(Math.abs(std - (expected.stats[`${which}_kernel_std`] as number)) <= 1e-6, `${which} kernel std ${std}`);
      }
      const shape = m.inputs[0]!.shape.slice(1) as number[];
      const y = m.predict(tensor(values(2 * size(shape), 5, 0, 1), [2, ...shape])) as Tensor;
      assert.equal(y.shape[0], 2);
      assert.ok(y.dataSync().every(Number.isFinite));
      y.dispose();
    } finally {
      m.dispose();
    }
  });
}

test('a TF.js model given as a list of Files (model.json and its weights, as a file picker gives them) loads', { skip }, async () => {
  const folder = join(FIXTURES, 'tfjs-legacy-keras2.1-lstm-textgen');
  const files = readdirSync(folder).map((f) => new File([readFileSync(join(folder, f))], f));
  const m = await loadModel(files);
  assert.equal(m.countParams(), 102585);
  assert.deepEqual(m.weights.map((w) => w.name), ['lstm_2/lstm_cell/kernel', 'lstm_2/lstm_cell/recurrent_kernel', 'lstm_2/lstm_cell/bias', 'dense_3/kernel', 'dense_3/bias']);
  m.dispose();
  await assert.rejects(loadModel(files.filter((f) => f.name !== 'group2-shard1of1')), (e: unknown) => e instanceof NotFoundError && /names the file 'group2-shard1of1', which is not among the files given/.test(e.message));
});

test('a Sequential CNN saved as model.json predicts in TF.js 4.22 as in Strata', async () => {
  const m = sequential({
    layers: [
      new layers.InputLayer({ batchShape: [null, 10, 10, 2] }),
      new layers.Conv2D({ filters: 4, kernelSize: 3, activation: 'relu', padding: 'same' }),
      new layers.BatchNormalization({}),
      new layers.MaxPooling2D({ poolSize: 2 }),
      new layers.Conv2D({ filters: 3, kernelSize: [2, 3], strides: 2 }),
      new layers.Flatten({}),
      new layers.Dropout({ rate: 0.3 }),
      new layers.Dense({ units: 5, activation: 'softmax' }),
    ],
  });
  randomize(m);
  await m.save(join(dir, 'cnn', 'model.json'));
  assert.deepEqual(readdirSync(join(dir, 'cnn')).sort(), ['group1-shard1of1.bin', 'model.json']);
  const json = JSON.parse(readFileSync(join(dir, 'cnn', 'model.json'), 'utf8'));
  assert.deepEqual([json.format, json.convertedBy, Object.keys(json.modelTopology)], ['layers-model', null, ['class_name', 'config', 'keras_version', 'backend']]);
  assert.match(json.generatedBy, /^strata /);
  // A model made elsewhere keeps its maker, and Strata is named as the converter (as TF.js's converter does).
  const converted = await modelFormatNamed('tfjs').write!({ ...modelToArtifacts(m), generatedBy: 'keras 3.15.1' }, 'x/model.json');
  assert.deepEqual(converted.map((f) => f.path), ['x/group1-shard1of1.bin', 'x/model.json']);
  const convertedJson = JSON.parse(new TextDecoder().decode(converted[1]!.bytes));
  assert.deepEqual([convertedJson.generatedBy, convertedJson.convertedBy], ['keras 3.15.1', 'strata']);
  const t = await tfjsLoad(join(dir, 'cnn'));
  assertSame(bothPredict(m, t, [[10, 10, 2]]), 1e-5);
  const back = await loadModel(join(dir, 'cnn', 'model.json'));
  assertSame({ strata: bothPredict(back, t, [[10, 10, 2]]).strata, tfjs: bothPredict(m, t, [[10, 10, 2]]).strata }, 0);
  back.dispose();
  m.dispose();
  t.dispose();
});

test('a functional model with two inputs, a shared layer and merges saved to a folder ("out/") predicts in TF.js as in Strata', async () => {
  const a = Input({ shape: [4] });
  const b = Input({ shape: [3] });
  const shared = new layers.Dense({ units: 3, activation: 'tanh' });
  const ha = shared.apply(new layers.Dense({ units: 3 }).apply(a) as never);
  const hb = shared.apply(b as never);
  const sum = new layers.Add({}).apply([ha, hb] as never);
  const joined = new layers.Concatenate({}).apply([sum, a] as never);
  const out1 = new layers.Dense({ units: 2, activation: 'sigmoid' }).apply(joined as never);
  const out2 = new layers.Multiply({}).apply([ha, hb] as never);
  const m = functional({ inputs: [a, b], outputs: [out1 as never, out2 as never] });
  randomize(m);
  await m.save(join(dir, 'two-in') + '/');
  assert.deepEqual(readdirSync(join(dir, 'two-in')).sort(), ['group1-shard1of1.bin', 'model.json']);
  // Without the slash the name has no extension, which means Strata's own format, whatever is on disk.
  await assert.rejects(m.save(join(dir, 'two-in')), (e: unknown) => e instanceof ValueError && /two-in': it is a directory/.test(e.message));
  const t = await tfjsLoad(join(dir, 'two-in'));
  assertSame(bothPredict(m, t, [[4], [3]]), 1e-5);
  m.dispose();
  t.dispose();
});

test('an LSTM and GRU model predicts in TF.js as in Strata; a model.json of another name gets shards of its own name', async () => {
  const m = sequential({
    layers: [
      new layers.InputLayer({ batchShape: [null, 5, 3] }),
      new layers.LSTM({ units: 4, returnSequences: true }),
      new layers.GRU({ units: 3, resetAfter: false }),
      new layers.Dense({ units: 2 }),
    ],
  });
  randomize(m);
  await m.save(join(dir, 'rnn', 'net.json'));
  assert.deepEqual(readdirSync(join(dir, 'rnn')).sort(), ['net.group1-shard1of1.bin', 'net.json']);
  const t = await tfjsLoad(join(dir, 'rnn'), 'net.json');
  assertSame(bothPredict(m, t, [[5, 3]]), 1e-5);
  m.dispose();
  t.dispose();
});

test('weights over 4 MiB are split into 4 MiB shards, which TF.js and Strata both read', async () => {
  const m = sequential({ layers: [new layers.InputLayer({ batchShape: [null, 1100] }), new layers.Dense({ units: 1000 })] });
  await m.save(join(dir, 'big') + '/');
  const names = readdirSync(join(dir, 'big')).sort();
  assert.deepEqual(names, ['group1-shard1of2.bin', 'group1-shard2of2.bin', 'model.json']);
  assert.equal(readFileSync(join(dir, 'big', 'group1-shard1of2.bin')).length, 4 * 1024 * 1024);
  assert.equal(readFileSync(join(dir, 'big', 'group1-shard2of2.bin')).length, (1100 * 1000 + 1000) * 4 - 4 * 1024 * 1024);
  const t = await tfjsLoad(join(dir, 'big'));
  const back = await loadModel(join(dir, 'big') + '/');
  assertSame(bothPredict(m, t, [[1100]]), 1e-4);
  assertSame({ strata: bothPredict(back, t, [[1100]]).strata, tfjs: bothPredict(m, t, [[1100]]).strata }, 0);
  back.dispose();
  m.dispose();
  t.dispose();
});

test('models saved by TF.js (its model.save artifacts as tfjs-node writes them) predict in Strata as in TF.js', async () => {
  const cnn = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [9, 9, 1], filters: 3, kernelSize: 3, activation: 'relu' }),
      tf.layers.averagePooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 4, activation: 'softmax' }),
    ],
  });
  const rnn = tf.sequential({
    layers: [
      tf.layers.lstm({ inputShape: [6, 2], units: 4, recurrentActivation: 'sigmoid', returnSequences: true }),
      tf.layers.gru({ units: 3, recurrentActivation: 'sigmoid' }),
      tf.layers.dense({ units: 2, activation: 'tanh' }),
    ],
  });
  // TF.js's default recurrent activation is its hard_sigmoid, clip(0.2·x + 0.5, 0, 1), not Keras 3's.
  const hard = tf.sequential({ layers: [tf.layers.lstm({ inputShape: [6, 2], units: 3 }), tf.layers.dense({ units: 2, activation: 'hardSigmoid' })] });
  for (const [name, t, shape] of [['from-tfjs-cnn', cnn, [9, 9, 1]], ['from-tfjs-rnn', rnn, [6, 2]], ['from-tfjs-hard-sigmoid', hard, [6, 2]]] as const) {
    await tfjsSave(t, join(dir, name));
    const m = await loadModel(join(dir, name, 'model.json'));
    assertSame(bothPredict(m, t, [[...shape]]), 1e-5);
    m.dispose();
    t.dispose();
  }
});

/** Writes a model.json with `manifest` and the given shard files into a fresh folder; returns its path. */
function hostile(name: string, manifest: unknown, shards: Record<string, number> = {}, extra: Record<string, unknown> = {}): string {
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  const topology = { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'd', units: 2, batch_input_shape: [null, 3] } }] } };
  writeFileSync(join(folder, 'model.json'), JSON.stringify({ format: 'layers-model', modelTopology: topology, weightsManifest: manifest, ...extra }));
  for (const [file, bytes] of Object.entries(shards)) writeFileSync(join(folder, file), new Uint8Array(bytes));
  return join(folder, 'model.json');
}

const dense = [
  { name: 'd/kernel', shape: [3, 2], dtype: 'float32' },
  { name: 'd/bias', shape: [2], dtype: 'float32' },
];

test('hostile manifests give typed errors naming the file and the field before anything is read or allocated', async () => {
  await assert.rejects(loadModel(hostile('escape', [{ paths: ['../../etc/passwd'], weights: dense }])), (e: unknown) => e instanceof ValueError && /refuses to read '\.\.\/\.\.\/etc\/passwd': a file named inside a model must be a relative path below its folder/.test(e.message));
  await assert.rejects(loadModel(hostile('absolute', [{ paths: ['/etc/passwd'], weights: dense }])), (e: unknown) => e instanceof ValueError && /refuses to read '\/etc\/passwd'/.test(e.message));
  await assert.rejects(
    loadModel(hostile('huge', [{ paths: ['w.bin'], weights: [{ name: 'd/kernel', shape: [1e6, 1e6], dtype: 'float32' }] }])),
    (e: unknown) => e instanceof LimitError && /weightsManifest\[0\]\.weights\[0\] \('d\/kernel'\) declares shape \[1000000, 1000000\]: 4,000,000,000,000 bytes, more than the cap maxTensorBytes/.test(e.message),
  );
  await assert.rejects(
    loadModel(hostile('many', [{ paths: ['w.bin'], weights: Array.from({ length: 6 }, (_, i) => ({ name: `d/w${i}`, shape: [20000, 10000], dtype: 'float32' })) }])),
    (e: unknown) => e instanceof LimitError && /weightsManifest\[0\] declares weights of: 4,800,000,000 bytes, more than the cap maxFileBytes/.test(e.message),
  );
  await assert.rejects(loadModel(hostile('short', [{ paths: ['w.bin'], weights: dense }], { 'w.bin': 20 })), (e: unknown) => e instanceof ValueError && /weightsManifest\[0\]: the shards \(w\.bin\) hold 20 bytes, but the group's 2 weights take 32 bytes/.test(e.message));
  await assert.rejects(loadModel(hostile('long', [{ paths: ['a.bin', 'b.bin'], weights: dense }], { 'a.bin': 24, 'b.bin': 24 })), (e: unknown) => e instanceof ValueError && /the shards up to 'b\.bin' hold 48 bytes, but the group's 2 weights take 32 bytes/.test(e.message));
  await assert.rejects(loadModel(hostile('missing', [{ paths: ['nowhere.bin'], weights: dense }])), (e: unknown) => e instanceof ValueError && /missing\/nowhere\.bin': no such file/.test(e.message));
  await assert.rejects(loadModel(hostile('shape', [{ paths: ['w.bin'], weights: [{ name: 'd/kernel', shape: [3, -2], dtype: 'float32' }] }])), (e: unknown) => e instanceof ValueError && /weights\[0\] \('d\/kernel'\)\.shape must be a list of sizes/.test(e.message));
  await assert.rejects(loadModel(hostile('string', [{ paths: ['w.bin'], weights: [{ name: 'd/kernel', shape: [3], dtype: 'string' }] }])), (e: unknown) => e instanceof NotSupportedError && /has dtype "string"; Strata reads TF.js weights of dtype float32, int32 and bool/.test(e.message));
  await assert.rejects(loadModel(hostile('graph', [], {}, { format: 'graph-model' })), (e: unknown) => e instanceof NotSupportedError && /a TF.js graph-model .* has no layers to rebuild/.test(e.message));
  await assert.rejects(loadModel(hostile('mismatch', [{ paths: ['w.bin'], weights: [dense[1], { name: 'd/kernel', shape: [3, 3], dtype: 'float32' }] }], { 'w.bin': 44 })), (e: unknown) => e instanceof ShapeError && /Layer 'd' \(Dense\) declares weight 'd\/kernel' with shape \[3,2\], but the file's weight has shape \[3,3\]/.test(e.message));
});

test('quantized weights (uint8, uint16, float16) are dequantized; manifest order and groups need not follow the layers', async () => {
  const kernel = [0.5, -1, 2, 0, 1.5, -0.25];
  const folder = join(dir, 'quantized');
  mkdirSync(folder, { recursive: true });
  // bias as uint8 (q · 0.5 - 1), kernel as float16; a second model's kernel as uint16 (q · 0.25 + 0).
  const half = (x: number): number => ({ 0.5: 0x3800, [-1]: 0xbc00, 2: 0x4000, 0: 0, 1.5: 0x3e00, [-0.25]: 0xb400 })[x]!;
  const f16 = new Uint16Array(kernel.map(half));
  writeFileSync(join(folder, 'b.bin'), Uint8Array.from([1, 4]));
  writeFileSync(join(folder, 'k.bin'), new Uint8Array(f16.buffer));
  const manifest = [
    { paths: ['b.bin'], weights: [{ name: 'd/bias', shape: [2], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } }] },
    { paths: ['k.bin'], weights: [{ name: 'd/kernel', shape: [3, 2], dtype: 'float32', quantization: { dtype: 'float16' } }] },
  ];
  const topology = { class_name: 'Sequential', config: [{ class_name: 'Dense', config: { name: 'd', units: 2, batch_input_shape: [null, 3] } }] };
  writeFileSync(join(folder, 'model.json'), JSON.stringify({ modelTopology: { model_config: topology, keras_version: '2.1.5', backend: 'tensorflow' }, weightsManifest: manifest }));
  const m = await loadModel(join(folder, 'model.json'));
  assert.deepEqual(m.weights.map((w) => [w.name, [...w.dataSync()]]), [['d/kernel', kernel], ['d/bias', [-0.5, 1]]]);
  m.dispose();
  writeFileSync(join(folder, 'k16.bin'), new Uint8Array(Uint16Array.from([2, 0, 8, 4, 6, 1]).buffer));
  manifest[1] = { paths: ['k16.bin'], weights: [{ name: 'd/kernel', shape: [3, 2], dtype: 'float32', quantization: { dtype: 'uint16', scale: 0.25, min: 0 } as never }] };
  writeFileSync(join(folder, 'model.json'), JSON.stringify({ modelTopology: { model_config: topology }, weightsManifest: manifest }));
  const m2 = await loadModel(join(folder, 'model.json'));
  assert.deepEqual([...m2.weights[0]!.dataSync()], [0.5, 0, 2, 1, 1.5, 0.25]);
  m2.dispose();
});

test('loadWeights reads a TF.js model.json whose manifest lists the layers out of order (dense_3 before lstm_2)', { skip }, async () => {
  const path = join(FIXTURES, 'tfjs-legacy-keras2.1-lstm-textgen', 'model.json');
  const reference = await loadModel(path);
  const m = await loadModel(path);
  randomize(m);
  await m.loadWeights(path);
  m.weights.forEach((w, i) => assert.deepEqual(w.dataSync(), reference.weights[i]!.dataSync(), w.name));
  reference.dispose();
  m.dispose();
});

test('a compiled model keeps its compile settings through model.json: TF.js compiles it on loading, and so does Strata', async () => {
  const m = sequential({ layers: [new layers.InputLayer({ batchShape: [null, 3] }), new layers.Dense({ units: 4, activation: 'softmax' })] });
  m.compile({ optimizer: new optimizers.Adam({ learningRate: 0.005 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  await m.save(join(dir, 'compiled', 'model.json'));
  const json = JSON.parse(readFileSync(join(dir, 'compiled', 'model.json'), 'utf8'));
  assert.equal(json.trainingConfig.optimizer_config.class_name, 'Adam');
  assert.equal(json.trainingConfig.loss, 'categorical_crossentropy');
  const t = await tfjsLoad(join(dir, 'compiled'));
  assert.ok(t.optimizer instanceof tf.AdamOptimizer);
  assert.equal((t.optimizer.getConfig() as { learningRate: number }).learningRate, 0.005);
  t.dispose();
  // A folder's path without a trailing slash means its model.json when reading.
  const back = await loadModel(join(dir, 'compiled'));
  assert.equal(classNameOf(back.optimizer!), 'Adam');
  assert.ok(Math.abs((back.optimizer!.getConfig() as { learningRate: number }).learningRate - 0.005) < 1e-9);
  back.dispose();
  m.dispose();
});

test("Adam's state goes both ways: TF.js's (includeOptimizer) into Strata's optimizer, and Strata's into TF.js's, so training continues", async () => {
  const xs = values(8 * 3, 7, -1, 1);
  const ys = Float32Array.from({ length: 8 * 2 }, (_, i) => (i % 3 === 0 ? 1 : 0));
  const t = tf.sequential({ layers: [tf.layers.dense({ name: 'dense_a', inputShape: [3], units: 2, activation: 'tanh' })] });
  t.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
  await t.fit(tf.tensor(xs, [8, 3]), tf.tensor(ys, [8, 2]), { epochs: 3, batchSize: 4, verbose: 0 });
  let saved: tf.io.ModelArtifacts | undefined;
  await t.save({ save: async (a) => ((saved = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }) }, { includeOptimizer: true });
  const folder = join(dir, 'adam-from-tfjs');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'weights.bin'), Buffer.from(saved!.weightData as ArrayBuffer));
  writeFileSync(join(folder, 'model.json'), JSON.stringify({ format: saved!.format, modelTopology: saved!.modelTopology, trainingConfig: saved!.trainingConfig, weightsManifest: [{ paths: ['weights.bin'], weights: saved!.weightSpecs }] }));
  const tfState = await t.optimizer.getWeights();
  const m = await loadModel(join(folder, 'model.json'));
  const state = m.optimizer!.getWeights();
  assert.deepEqual(state.map((w) => w.name).sort(), ['adam/dense_a/bias/m', 'adam/dense_a/bias/v', 'adam/dense_a/kernel/m', 'adam/dense_a/kernel/v', 'adam/iterations']);
  const tfByName = new Map(tfState.map((w) => [w.name, w.tensor.dataSync()]));
  assert.deepEqual([...state.find((s) => s.name === 'adam/iterations')!.tensor.dataSync()], [6]);
  for (const w of state.filter((s) => !s.name.endsWith('/iterations'))) assert.deepEqual(w.tensor.dataSync(), tfByName.get(w.name.slice('adam/'.length)), w.name);
  for (const w of state) w.tensor.dispose();
  // One more step on each side from the same state: the same weights after it.
  await m.fit(tensor(xs.subarray(0, 12), [4, 3]), tensor(ys.subarray(0, 8), [4, 2]), { epochs: 1, batchSize: 4, verbose: 0 });
  await t.fit(tf.tensor(xs.subarray(0, 12), [4, 3]), tf.tensor(ys.subarray(0, 8), [4, 2]), { epochs: 1, batchSize: 4, verbose: 0 });
  const next = await t.optimizer.getWeights();
  assert.ok(maxDiff(m.weights[0]!.dataSync(), t.getWeights()[0]!.dataSync()) <= 1e-6, 'kernel after the next step');

  await m.save(join(dir, 'adam-to-tfjs') + '/');
  const back = await tfjsLoad(join(dir, 'adam-to-tfjs'));
  const backState = await back.optimizer.getWeights();
  assert.deepEqual(backState.map((w) => w.name), next.map((w) => w.name));
  backState.forEach((w, i) => assert.ok(maxDiff(w.tensor.dataSync(), next[i]!.tensor.dataSync()) <= 1e-6, w.name));
  m.dispose();
  t.dispose();
  back.dispose();
});
