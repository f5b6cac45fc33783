/** Subclassed models (a Model subclass with call() and getConfig(), registered) saved and loaded, and the errors that say what is missing. */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as s from '../../src/node/index.js';

const { Dense } = s.layers;

/** Two dense layers with a residual sum: call() is code, so only the class knows the graph. */
class Residual extends s.Model {
  readonly units: number;
  readonly inner: s.layers.Dense;
  readonly outer: s.layers.Dense;

  constructor(args: { units: number; name?: string; trainable?: boolean }) {
    super({ name: args.name, trainable: args.trainable });
    this.units = args.units;
    this.inner = new Dense({ units: args.units, activation: 'relu' });
    this.outer = new Dense({ units: 3, activation: 'softmax' });
  }

  override call(inputs: s.Tensor | s.Tensor[]): s.Tensor {
    const x = inputs as s.Tensor;
    return this.outer.apply(s.add(this.inner.apply(x), s.mean(x, -1, true)));
  }

  override getConfig(): s.ConfigDict {
    return { ...super.getConfig(), units: this.units };
  }
}
s.layers.registerLayer(Residual);

/** Residual trained by a step of its own, compiled without a loss. */
class SelfTaught extends Residual {
  override trainStep({ x, y }: s.StepBatch): s.StepLogs {
    const weights = this.trainableWeights;
    const { value, grads } = s.variableGrads(() => s.mean(s.losses.sparseCategoricalCrossentropy(y as s.Tensor, this.call(x))), weights);
    this.optimizer!.applyGradients(weights.map((v, i) => [grads[i]!, v] as const));
    return { loss: value };
  }
}
s.layers.registerLayer(SelfTaught);

function data(): { x: s.Tensor; y: s.Tensor } {
  const x = s.tensor(Array.from({ length: 24 * 4 }, (_, i) => Math.sin(i * 0.7)), [24, 4]);
  const y = s.tensor(Array.from({ length: 24 }, (_, i) => i % 3), [24], 'int32');
  return { x, y };
}

const values = (ts: s.Tensor[]): number[][] => ts.map((t) => Array.from(t.dataSync()));

async function roundTrip(model: s.Model, compile: s.CompileArgs): Promise<void> {
  s.setSeed(2);
  const { x, y } = data();
  model.compile(compile);
  await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
  const path = join(mkdtempSync(join(tmpdir(), 'strata-subclassed-')), 'model.strata');
  await model.save(path);
  const loaded = await s.loadModel(path);
  assert.ok(loaded instanceof model.constructor, `loaded a ${loaded.constructor.name}`);
  assert.equal(loaded.name, model.name);
  assert.equal((loaded as Residual).units, 5);
  assert.deepEqual(loaded.layers.map((l) => l.name), model.layers.map((l) => l.name));
  assert.deepEqual(loaded.weights.map((w) => w.name), model.weights.map((w) => w.name));
  assert.deepEqual(values(loaded.getWeights()), values(model.getWeights()));
  assert.deepEqual(loaded.getBuildConfig(), { inputShape: [null, 4] });
  // The next training step after loading equals the one before saving: same weights, same optimizer state.
  const before = model.trainOnBatch(x, y);
  const after = loaded.trainOnBatch(x, y);
  assert.deepEqual(after, before);
  assert.deepEqual(values(loaded.getWeights()), values(model.getWeights()));
  s.dispose([x, y]);
  model.dispose();
  loaded.dispose();
}

test('a registered subclass round-trips through save and loadModel: config, build, weights, compile settings and Adam state; the next step is identical', async () => {
  await roundTrip(new Residual({ units: 5, name: 'res' }), { optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
});

test('a subclass compiled without a loss, training by its own trainStep, round-trips too', async () => {
  await roundTrip(new SelfTaught({ units: 5 }), { optimizer: new s.Adam({ learningRate: 0.01 }) });
});

test('saving a subclass says what is missing: registration, getConfig, a first call; other formats refuse it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-subclassed-'));
  class Unregistered extends Residual {}
  const unregistered = new Unregistered({ units: 2 });
  s.tidy(() => unregistered.apply(s.ones([1, 4])));
  await assert.rejects(unregistered.save(join(dir, 'a.strata')), (e: unknown) => e instanceof s.ValueError &&
    /the layer class 'Unregistered' is not registered; call registerLayer\(Unregistered\)/.test((e as Error).message));

  class NoConfig extends s.Model {
    readonly dense = new Dense({ units: 1 });
    override call(inputs: s.Tensor | s.Tensor[]): s.Tensor {
      return this.dense.apply(inputs as s.Tensor);
    }
  }
  s.layers.registerLayer(NoConfig);
  const noConfig = new NoConfig({ name: 'plain' });
  s.tidy(() => noConfig.apply(s.ones([1, 4])));
  await assert.rejects(noConfig.save(join(dir, 'b.strata')), (e: unknown) => e instanceof s.NotSupportedError &&
    (e as Error).message.startsWith("Model 'plain' (NoConfig) is a subclass without a getConfig(): override getConfig() to return the arguments its constructor takes"));

  const unbuilt = new Residual({ units: 2, name: 'fresh' });
  await assert.rejects(unbuilt.save(join(dir, 'c.strata')), /cannot save model 'fresh' \(Residual\): it is not built yet, so it has no weights\. Call it on data \(or fit it\) once before saving\./);

  const built = new Residual({ units: 2, name: 'built' });
  s.tidy(() => built.apply(s.ones([1, 4])));
  for (const file of ['d.keras', 'e.h5', 'f.weights.h5']) {
    const save = file.endsWith('.weights.h5') ? built.saveWeights(join(dir, file)) : built.save(join(dir, file));
    await assert.rejects(save, (e: unknown) => e instanceof s.NotSupportedError && /subclassed model's call\(\) is code they cannot hold\. Save it as a \.strata file/.test((e as Error).message), file);
  }
  // A file naming a class this program has not registered is refused, naming the class and the fix.
  const artifacts = s.modelToArtifacts(built);
  assert.throws(() => s.modelFromArtifacts({ ...artifacts, modelConfig: { ...artifacts.modelConfig!, className: 'Elsewhere' } }, 'other.strata'), (e: unknown) =>
    e instanceof s.ValueError && /^other\.strata: cannot rebuild the model's architecture \(modelConfig\): deserializeLayer: unknown layer class 'Elsewhere'\. .*call registerLayer\(Elsewhere\) before loading/.test((e as Error).message));
  // A file declaring a huge input shape to build on is refused before the sample input is allocated.
  const huge = { ...artifacts, modelConfig: { ...artifacts.modelConfig!, buildConfig: { inputShape: [null, 1e6, 1e6] } } };
  const before = s.memory().numTensors;
  assert.throws(() => s.modelFromArtifacts(huge, 'huge.strata'), (e: unknown) => e instanceof s.LimitError &&
    /^huge\.strata: Layer 'built' \(Residual\) needs a sample input .* of shape \[1,1000000,1000000\] \(float32\): 4,000,000,000,000 bytes, more than the cap maxTensorBytes/.test((e as Error).message));
  assert.equal(s.memory().numTensors, before);
  // Its weights alone go to Strata's format, and back into a new instance.
  await built.saveWeights(join(dir, 'g.weights.strata'));
  const copy = new Residual({ units: 2 });
  s.tidy(() => copy.apply(s.ones([1, 4])));
  await copy.loadWeights(join(dir, 'g.weights.strata'));
  assert.deepEqual(values(copy.getWeights()), values(built.getWeights()));
  for (const m of [unregistered, noConfig, built, copy]) m.dispose();
});
