/**
 * Keras's containers on files written here: `.weights.h5` saved and loaded back (by Strata's
 * `saveWeights`/`loadWeights`), whole models through `.keras` and legacy `.h5`, Keras 3's group
 * names, detection by content, the caps checked before anything is read, and typed errors for
 * files that are not what they claim.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { zipSync } from 'fflate';
import { LimitError, ValueError, detectModelFormat, getLimits, Input, RMSprop, layers, loadModel, model, modelFormatForPath, randomNormal, sequential, tensor, weightsToArtifacts, type Model, type SymbolicTensor, type Tensor } from '../../src/node/index.js';
import { readHdf5, writeHdf5 } from '../../src/io/keras/hdf5.js';
import { kerasHdf5Format } from '../../src/io/keras/hdf5-format.js';
import { kerasZipFormat } from '../../src/io/keras/keras-zip-format.js';
import { toSnakeCase } from '../../src/core/serialization.js';

const dir = mkdtempSync(join(tmpdir(), 'strata-keras-'));

function recurrentModel() {
  return sequential({
    layers: [
      layers.input({ shape: [5, 3] }),
      layers.lstm({ units: 4, returnSequences: true }),
      layers.gru({ units: 3 }),
      layers.dense({ units: 2 }),
      layers.batchNormalization(),
      layers.dense({ units: 1 }),
    ],
  });
}

test("Keras's snake case of class names, as it names weight groups", () => {
  assert.deepEqual(
    ['Dense', 'Conv2D', 'LeakyReLU', 'BatchNormalization', 'GlobalAveragePooling1D', 'SimpleRNN', 'LSTM', 'InputLayer', 'DepthwiseConv2D'].map(toSnakeCase),
    ['dense', 'conv2d', 'leaky_re_lu', 'batch_normalization', 'global_average_pooling1d', 'simple_rnn', 'lstm', 'input_layer', 'depthwise_conv2d'],
  );
});

test('.weights.h5: saved in Keras 3 groups (by class, counter, recurrent cells) and loaded back into a fresh model, weight for weight', async () => {
  const a = recurrentModel();
  const b = recurrentModel();
  try {
    const path = join(dir, 'rnn.weights.h5');
    assert.equal(modelFormatForPath(path).name, 'hdf5');
    await a.saveWeights(path);
    const [file] = await kerasHdf5Format.write!(weightsToArtifacts(a), 'x.weights.h5');
    const listing = await readHdf5(file!.bytes, 'x.weights.h5', getLimits(), (h5) => {
      const out: string[] = [];
      const walk = (p: string): void => {
        for (const m of h5.members(p)) {
          const q = p === '' ? m : `${p}/${m}`;
          if (h5.isDataset(q)) out.push(`${q} [${h5.read(q).shape.join(',')}]`);
          else walk(q);
        }
      };
      walk('');
      return out;
    });
    assert.deepEqual(listing, [
      'layers/batch_normalization/vars/0 [2]',
      'layers/batch_normalization/vars/1 [2]',
      'layers/batch_normalization/vars/2 [2]',
      'layers/batch_normalization/vars/3 [2]',
      'layers/dense/vars/0 [3,2]',
      'layers/dense/vars/1 [2]',
      'layers/dense_1/vars/0 [2,1]',
      'layers/dense_1/vars/1 [1]',
      'layers/gru/cell/vars/0 [4,9]',
      'layers/gru/cell/vars/1 [3,9]',
      'layers/gru/cell/vars/2 [2,9]',
      'layers/lstm/cell/vars/0 [3,16]',
      'layers/lstm/cell/vars/1 [4,16]',
      'layers/lstm/cell/vars/2 [16]',
    ]);
    await b.loadWeights(path);
    a.weights.forEach((w, i) => assert.deepEqual(b.weights[i]!.dataSync(), w.dataSync(), w.name));
    await assert.rejects(loadModel(path), (e: Error) => e instanceof ValueError && /rnn\.weights\.h5: this is a Keras weights file .* call model\.loadWeights/.test(e.message));
  } finally {
    a.dispose();
    b.dispose();
  }
});

test('formats are told by content: HDF5 by its signature (whatever the name), .keras by the zip and its members', () => {
  const hdf5 = new Uint8Array(1024);
  hdf5.set([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(detectModelFormat(hdf5, 'model.keras').name, 'hdf5');
  const zip = zipSync({ 'metadata.json': new TextEncoder().encode('{}') });
  assert.equal(detectModelFormat(zip.subarray(0, 1024), 'model.bin').name, 'keras');
  const other = zipSync({ 'readme.txt': new Uint8Array(3) });
  assert.throws(() => detectModelFormat(other, 'data.zip'), (e: Error) => e instanceof ValueError && /data\.zip: not a model file Strata can read \(it starts with bytes 50 4b 03 04/.test(e.message));
});

test('sizes are checked before reading: a dataset over maxTensorBytes and a zip member over maxDecompressedBytes give LimitErrors naming them', async () => {
  const values = new Float32Array(1000);
  const bytes = await writeHdf5('big.h5', (h5) => h5.dataset('layers/dense/vars/0', { shape: [10, 100], dtype: 'float32', values }));
  await assert.rejects(
    readHdf5(bytes, 'big.h5', { ...getLimits(), maxTensorBytes: 1000 }, (h5) => h5.read('layers/dense/vars/0')),
    (e: Error) => e instanceof LimitError && /^big\.h5: the dataset 'layers\/dense\/vars\/0' \(shape \[10,100\]\) declares: 4,000 bytes, more than the cap maxTensorBytes = 1,000 bytes/.test(e.message),
  );
  const archive = zipSync({ 'metadata.json': new TextEncoder().encode('{}'), 'config.json': new Uint8Array(5000), 'model.weights.h5': bytes });
  const input = { source: 'big.keras', bytes: archive, readSibling: async () => new Uint8Array() };
  await assert.rejects(
    kerasZipFormat.read!(input, { ...getLimits(), maxDecompressedBytes: 4096 }),
    (e: Error) => e instanceof LimitError && /^big\.keras: the archive member 'config\.json' declares: 5,000 bytes, more than the cap maxDecompressedBytes = 4,096 bytes/.test(e.message),
  );
});

test('broken files give typed errors naming the file and what HDF5 or the zip reader found', async () => {
  const model = recurrentModel();
  try {
    const [file] = await kerasHdf5Format.write!(weightsToArtifacts(model), 'w.weights.h5');
    const cut = file!.bytes.subarray(0, 800);
    const path = join(dir, 'cut.weights.h5');
    writeFileSync(path, cut);
    await assert.rejects(model.loadWeights(path), (e: Error) => e instanceof ValueError && e.message.startsWith(`${path}: cannot read the HDF5 file: opening it: truncated file: eof = 800`));
    const zipPath = join(dir, 'cut.keras');
    writeFileSync(zipPath, zipSync({ 'metadata.json': new Uint8Array(10), 'config.json': new Uint8Array(10) }).subarray(0, 60));
    await assert.rejects(loadModel(zipPath), (e: Error) => e instanceof ValueError && e.message.startsWith(`${zipPath}: cannot read the .keras archive (a zip file):`));
  } finally {
    model.dispose();
  }
});

/** A functional model with most of the layers Keras files hold: two inputs, conv, pooling, batch norm, recurrent, embedding, merges. */
function mixedModel() {
  const image = Input({ shape: [8, 8, 1], name: 'image' });
  const tokens = Input({ shape: [6], name: 'tokens' });
  let x = layers.conv2d({ filters: 3, kernelSize: 3, activation: 'relu' }).apply(image) as SymbolicTensor;
  x = layers.batchNormalization().apply(x) as SymbolicTensor;
  x = layers.maxPooling2d({ poolSize: 2 }).apply(x) as SymbolicTensor;
  x = layers.flatten().apply(x) as SymbolicTensor;
  let t = layers.embedding({ inputDim: 10, outputDim: 4, maskZero: true }).apply(tokens) as SymbolicTensor;
  t = layers.lstm({ units: 5, returnSequences: true }).apply(t) as SymbolicTensor;
  t = layers.gru({ units: 3 }).apply(t) as SymbolicTensor;
  const merged = layers.concatenate().apply([x, t]) as SymbolicTensor;
  const hidden = layers.dense({ units: 4, activation: 'relu' }).apply(merged) as SymbolicTensor;
  const out = layers.dense({ units: 2, activation: 'softmax' }).apply(hidden) as SymbolicTensor;
  return model({ inputs: [image, tokens], outputs: out });
}

/** A Sequential model of wrappers: a bidirectional LSTM, a time-distributed Dense, and an RMSprop with momentum to carry two runs of slots. */
function wrapperModel() {
  return sequential({
    layers: [
      layers.input({ shape: [6, 3] }),
      layers.bidirectional({ layer: layers.lstm({ units: 4, returnSequences: true }) }),
      layers.timeDistributed({ layer: layers.dense({ units: 2 }) }),
      layers.flatten(),
      layers.dense({ units: 2, activation: 'softmax' }),
    ],
  });
}

function sequenceBatch(seed: number): { x: Tensor; y: Tensor } {
  return { x: randomNormal([4, 6, 3], 0, 1, { seed }), y: tensor(Float32Array.from({ length: 8 }, (_, i) => (i % 2 === seed % 2 ? 1 : 0)), [4, 2]) };
}

/**
 * Trains `original` one step on `first`, saves it to `path` and loads it back; checks the weights,
 * `check(original, loaded)`, the optimizer's class and step count, and that the next step on
 * `second` gives identical weights in both.
 */
async function assertResumes(original: Model, path: string, optimizer: string, first: { x: Tensor | Tensor[]; y: Tensor }, second: { x: Tensor | Tensor[]; y: Tensor }, check: (original: Model, loaded: Model) => void = () => {}): Promise<void> {
  let loaded: Model | undefined;
  try {
    original.trainOnBatch(first.x, first.y);
    await original.save(path);
    loaded = await loadModel(path);
    original.weights.forEach((w, i) => assert.deepEqual(loaded!.weights[i]!.dataSync(), w.dataSync(), w.name));
    check(original, loaded);
    assert.equal(loaded.optimizer?.className, optimizer);
    assert.equal(loaded.optimizer!.iterations, 1);
    original.trainOnBatch(second.x, second.y);
    loaded.trainOnBatch(second.x, second.y);
    original.weights.forEach((w, i) => assert.deepEqual(loaded!.weights[i]!.dataSync(), w.dataSync(), `after the next step: ${w.name}`));
  } finally {
    original.dispose();
    loaded?.dispose();
    for (const t of [first.x, first.y, second.x, second.y].flat()) t.dispose();
  }
}

test('Strata → .keras → Strata with wrappers (Bidirectional, TimeDistributed) and RMSprop: identical weights, optimizer state and next step', async () => {
  const original = wrapperModel();
  original.compile({ optimizer: new RMSprop({ momentum: 0.5, centered: true }), loss: 'categoricalCrossentropy' });
  await assertResumes(original, join(dir, 'wrappers.keras'), 'RMSprop', sequenceBatch(3), sequenceBatch(4));
});

function batch(seed: number): { x: Tensor[]; y: Tensor } {
  const image = randomNormal([4, 8, 8, 1], 0, 1, { seed });
  const tokens = tensor(Float32Array.from({ length: 24 }, (_, i) => (i * 7 + seed) % 10), [4, 6]);
  const y = tensor(Float32Array.from({ length: 8 }, (_, i) => (i % 2 === seed % 2 ? 1 : 0)), [4, 2]);
  return { x: [image, tokens], y };
}

for (const extension of ['keras', 'h5']) {
  test(`Strata → .${extension} → Strata: identical weights, predictions, compile settings, optimizer state and next training step`, async () => {
    const original = mixedModel();
    original.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const path = join(dir, `mixed.${extension}`);
    assert.equal(modelFormatForPath(path).name, extension === 'h5' ? 'hdf5' : 'keras');
    const second = batch(2);
    await assertResumes(original, path, 'Adam', batch(1), second, (a, b) => {
      const [p, q] = [a.predict(second.x) as Tensor, b.predict(second.x) as Tensor];
      assert.deepEqual(q.dataSync(), p.dataSync());
      p.dispose();
      q.dispose();
    });
  });
}

test('an HDF5 file whose global heap would make HDF5 loop forever is refused before HDF5 sees it', async () => {
  const bytes = await writeHdf5('heap.h5', (h5) => {
    h5.group('layers/dense/vars');
    h5.attribute('layers/dense/vars', 'name', 'dense');
  });
  const at = Buffer.from(bytes).indexOf('GCOL');
  assert.ok(at > 0, 'the string attribute lives in a global heap collection');
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  // Walk to the free-space object (index 0) and give it size 0.
  let p = at + 16;
  while (view.getUint16(p, true) !== 0) p += 16 + Math.ceil(Number(view.getBigUint64(p + 8, true)) / 8) * 8;
  view.setBigUint64(p + 8, 0n, true);
  await assert.rejects(
    readHdf5(bytes, 'heap.h5', getLimits(), (h5) => h5.attribute('layers/dense/vars', 'name')),
    (e: Error) => e instanceof ValueError && e.message === `heap.h5: cannot read the HDF5 file: the global heap collection at byte ${at} holds an object at byte ${p} whose size (0) is 0 modulo 2^32, on which HDF5 would loop forever; the file is corrupt.`,
  );
});
