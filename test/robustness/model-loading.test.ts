/**
 * Issue 12, model files: loading checks every size a file declares against its weight table and
 * the caps before any layer allocates, and malformed configs give typed errors naming the file
 * and the field. Hostile files are made by editing a real saved file's description and
 * re-encoding it, as a corrupt or malicious writer would.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as s from '../../src/node/index.js';
import { decodeArtifacts, encodeArtifacts, type Artifacts } from '../../src/io/format.js';

/** A file's JSON description, edited freely by the tests. */
type Json = Record<string, any>;

const dir = mkdtempSync(join(tmpdir(), 'strata-loading-'));

/** A compiled, trained small model's artifacts. */
async function saved(): Promise<Artifacts> {
  const model = new s.Sequential({
    layers: [new s.layers.Dense({ units: 5, activation: 'relu', inputShape: [4] }), new s.layers.Dense({ units: 2, activation: 'softmax', name: 'head' })],
  });
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const x = s.ones([6, 4]);
  const y = s.tensor([0, 1, 0, 1, 0, 1], [6], 'int32');
  await model.fit(x, y, { epochs: 1, verbose: 0 });
  const artifacts = decodeArtifacts(s.encodeModel(model), 'saved');
  s.dispose([x, y]);
  model.dispose();
  return artifacts;
}

const good = await saved();

/** Writes `good` edited by `edit` (on its JSON description) and returns the path. */
function hostile(name: string, edit: (header: Json, artifacts: Artifacts) => void): string {
  const artifacts = structuredClone(good);
  edit(artifacts.header as Json, artifacts);
  const path = join(dir, `${name}.strata`);
  writeFileSync(path, encodeArtifacts(artifacts));
  return path;
}

const layerConfig = (header: Json, name: string): Json => (header['modelConfig'].config.layers as Json[]).find((l) => l['config'].name === name)!['config'];

test("a header claiming units: 3e6 fails at once with a ShapeError naming the file, the layer and both shapes, allocating nothing", async () => {
  const path = hostile('units', (h) => (layerConfig(h, 'head')['units'] = 3e6));
  const before = s.memory();
  await assert.rejects(
    s.loadModel(path),
    (e: unknown) =>
      e instanceof s.ShapeError &&
      e.message.startsWith(`${path}: Layer 'head' (Dense) declares weight 'head/kernel' with shape [5,3000000], but the file's weight has shape [5,2]`),
  );
  const after = s.memory();
  assert.equal(after.numTensors, before.numTensors);
  assert.equal(after.numBytes, before.numBytes);
});

test('a declared input width that does not match the weights is refused the same way', async () => {
  const path = hostile('input', (h) => ((h['modelConfig'].config.layers as Json[])[0]!['config'].batchShape = [null, 70000]));
  await assert.rejects(s.loadModel(path), (e: unknown) => e instanceof s.ShapeError && /declares weight '.*\/kernel' with shape \[70000,5\], but the file's weight has shape \[4,5\]/.test((e as Error).message));
});

test('weights larger than maxTensorBytes are refused before the model is built; the cap is a per-call option', async () => {
  const path = hostile('plain', () => {});
  await assert.rejects(
    s.loadModel(path, { limits: { maxTensorBytes: 64 } }),
    (e: unknown) => e instanceof s.LimitError && /weights\[0\] \('.*kernel'\) \(shape \[4,5\], float32\) declares: 80 bytes, more than the cap maxTensorBytes = 64 bytes/.test((e as Error).message),
  );
  const model = await s.loadModel(path, { limits: { maxTensorBytes: 1024 } });
  model.dispose();
  assert.throws(() => s.decodeModel(encodeArtifacts(good), 'bytes', { limits: { maxTensorBytes: 64 } }), s.LimitError);
});

test('a layer that must run on a sample input to learn its output shape is bounded by maxTensorBytes too', async () => {
  class Twice extends s.layers.Layer {
    static override readonly className = 'TwiceForLoadingTest';
    override call(inputs: s.Tensor | s.Tensor[]): s.Tensor {
      return s.mul(this.singleInput(inputs), 2);
    }
  }
  s.layers.registerLayer(Twice);
  const model = new s.Sequential({ layers: [new Twice({ inputShape: [3] })] });
  const bytes = s.encodeModel(model);
  model.dispose();
  const artifacts = decodeArtifacts(bytes, 'twice');
  ((artifacts.header as Json)['modelConfig'].config.layers[0].config.batchShape = [null, 1e6, 1e6]);
  assert.throws(
    () => s.decodeModel(encodeArtifacts(artifacts), 'twice.strata'),
    (e: unknown) => e instanceof s.LimitError && /^twice\.strata: Layer '.*' \(TwiceForLoadingTest\) needs a sample input to compute the output shape of shape \[1,1000000,1000000\]/.test((e as Error).message),
  );
});

test("saved optimizer state whose shape differs from its variable's is refused at load, not at the first step", async () => {
  const path = hostile('slot', (_, a) => {
    const slot = a.optimizerWeights.find((w) => w.name.endsWith('head/kernel/m'))!;
    slot.shape = [2, 5];
  });
  const before = s.memory().numTensors;
  await assert.rejects(s.loadModel(path), (e: unknown) => e instanceof s.ShapeError && e.message.startsWith(`${path}: optimizerWeights[`) && /'adam\/head\/kernel\/m' has shape \[2,5\], but the model's weight 'head\/kernel' has shape \[5,2\]/.test((e as Error).message));
  assert.equal(s.memory().numTensors, before);
});

test('options of loadModel, decodeModel and loadWeights are checked', async () => {
  const path = hostile('options', () => {});
  await assert.rejects(s.loadModel(path, { limit: {} } as never), (e: unknown) => e instanceof s.UnknownOptionError && /loadModel: unknown option 'limit' \(did you mean 'limits'\?\)/.test((e as Error).message));
  assert.throws(() => s.decodeModel(new Uint8Array(0), 'x', { foo: 1 } as never), (e: unknown) => e instanceof s.UnknownOptionError && /^decodeModel: unknown option 'foo'/.test((e as Error).message));
  await assert.rejects(s.loadModel(path, { limits: { maxTensorBytes: -1 } }), (e: unknown) => e instanceof s.LimitError && /loadModel: limits\.maxTensorBytes must be a positive number/.test((e as Error).message));
  const model = await s.loadModel(path);
  await assert.rejects(model.loadWeights(path, { limts: {} } as never), (e: unknown) => e instanceof s.UnknownOptionError && /loadWeights: unknown option 'limts'/.test((e as Error).message));
  await assert.rejects(model.loadWeights(path, { limits: { maxTensorBytes: 8 } }), s.LimitError);
  model.dispose();
});

test('a bad trainingConfig gives a ValueError naming the file and the field, never a TypeError', async () => {
  const cases: [string, (t: Json) => void, RegExp][] = [
    ['optimizer-name', (t) => (t['optimizer'].className = 'Adamax'), /: trainingConfig\.optimizer: deserializeOptimizer: unknown optimizer 'Adamax'/],
    ['optimizer-config', (t) => (t['optimizer'].config = 'fast'), /: trainingConfig\.optimizer\.config must be an object, got "fast"/],
    ['optimizer-value', (t) => (t['optimizer'].config.learningRate = 'x'), /: trainingConfig\.optimizer: .*learningRate/],
    ['losses-type', (t) => (t['losses'] = 'mse'), /: trainingConfig\.losses must be an array, got "mse"/],
    ['loss-entry', (t) => (t['losses'] = [42]), /: trainingConfig\.losses\[0\] must be a \{className, config\} object, got 42/],
    ['loss-name', (t) => (t['losses'][0].className = 'NoSuchLoss'), /: trainingConfig\.losses\[0\]: .*NoSuchLoss/],
    ['loss-weights', (t) => (t['lossWeights'] = ['1']), /: trainingConfig\.lossWeights\[0\] must be a finite number, got "1"/],
    ['metrics', (t) => (t['metrics'] = [{ className: 'Accuracy' }]), /: trainingConfig\.metrics\[0\] must be an array/],
    ['metric-name', (t) => (t['metrics'][0][0].className = 'Nope'), /: trainingConfig\.metrics\[0\]\[0\]: deserializeMetric: cannot rebuild a 'Nope' metric/],
    ['whole', (t) => Object.keys(t).forEach((k) => delete t[k]), /: trainingConfig\.optimizer must be a \{className, config\} object, got undefined/],
  ];
  for (const [name, edit, pattern] of cases) {
    const path = hostile(`training-${name}`, (h) => edit(h['trainingConfig']));
    const before = s.memory().numTensors;
    await assert.rejects(s.loadModel(path), (e: unknown) => e instanceof s.ValueError && e.message.startsWith(path) && pattern.test(e.message), name);
    assert.equal(s.memory().numTensors, before, `${name}: nothing left behind`);
  }
});

test('a malformed modelConfig gives a ValueError naming the file and the field', async () => {
  const cases: [string, (h: Json) => void, RegExp][] = [
    ['missing', (h) => delete h['modelConfig'], /: modelConfig must be a \{className, config\} object, got undefined/],
    ['layers', (h) => (h['modelConfig'].config.layers = {}), /: modelConfig\.config\.layers must be an array, got \{\}/],
    ['layer-entry', (h) => (h['modelConfig'].config.layers[1] = 'Dense'), /: modelConfig\.config\.layers\[1\] must be a \{className, config\} object, got "Dense"/],
    ['class', (h) => (h['modelConfig'].config.layers[1].className = 'Evil'), /: cannot rebuild the model's architecture \(modelConfig\): .*'Evil'/],
    ['argument', (h) => (layerConfig(h, 'head')['units'] = 'many'), /: cannot rebuild the model's architecture \(modelConfig\): .*units/],
    ['functional', (h) => (h['modelConfig'] = { className: 'Functional', config: { layers: [], inputLayers: [['x', 0]], outputLayers: [] } }), /: modelConfig\.config\.inputLayers\[0\] must be a \[layer name, call index, output index\] reference/],
  ];
  for (const [name, edit, pattern] of cases) {
    const path = hostile(`model-${name}`, (h) => edit(h));
    await assert.rejects(s.loadModel(path), (e: unknown) => e instanceof s.ValueError && e.message.startsWith(path) && pattern.test(e.message), name);
  }
});

test('a loaded model gives the saved predictions and no initializer runs while loading', async () => {
  const path = hostile('same', () => {});
  let initialized = 0;
  const original = s.initializers.GlorotUniform.prototype.apply;
  s.initializers.GlorotUniform.prototype.apply = function (...args: Parameters<typeof original>) {
    initialized++;
    return original.apply(this, args);
  };
  try {
    const model = await s.loadModel(path);
    assert.equal(initialized, 0);
    const kernel = model.getLayer('head').getWeights()[0]!;
    assert.deepEqual(Array.from(kernel.dataSync()), Array.from(good.weights.find((w) => w.name === 'head/kernel')!.values as Float32Array));
    kernel.dispose();
    model.dispose();
  } finally {
    s.initializers.GlorotUniform.prototype.apply = original;
  }
});
