/**
 * Issue 12, memory: training, saving, loading and evaluating leak no tensor, a failed load frees
 * what it made, and `dispose()` on models, layers and optimizers frees what they own.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as s from '../../src/node/index.js';
import { decodeArtifacts, encodeArtifacts, type Artifacts } from '../../src/io/format.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'strata-memory-'));

function smallModel(): s.Sequential {
  return new s.Sequential({
    layers: [new s.layers.Dense({ units: 8, activation: 'relu', inputShape: [4] }), new s.layers.BatchNormalization(), new s.layers.Dense({ units: 3, activation: 'softmax' })],
  });
}

function data(): { x: s.Tensor; y: s.Tensor } {
  const values = Array.from({ length: 24 * 4 }, (_, i) => Math.sin(i * 0.7));
  return { x: s.tensor(values, [24, 4]), y: s.tensor(Array.from({ length: 24 }, (_, i) => i % 3), [24], 'int32') };
}

/** numTensors and numBytes, the two figures that must come back exactly. */
function usage(): [number, number] {
  const m = s.memory();
  return [m.numTensors, m.numBytes];
}

test('build → fit → save → load → evaluate → dispose, 20 times, returns numTensors and numBytes exactly to the baseline', async () => {
  const dir = tmp();
  const { x, y } = data();
  const baseline = usage();
  for (let round = 0; round < 20; round++) {
    const model = smallModel();
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    const path = join(dir, `m${round % 2}.strata`);
    await model.save(path);
    const loaded = await s.loadModel(path);
    const [loss, accuracy] = await loaded.evaluate(x, y);
    assert.ok(Number.isFinite(loss!) && accuracy! >= 0 && accuracy! <= 1, `round ${round}: evaluate gives real figures (${loss}, ${accuracy})`);
    model.dispose();
    loaded.dispose();
    assert.deepEqual(usage(), baseline, `round ${round}: [numTensors, numBytes] back to the baseline`);
  }
  s.dispose([x, y]);
});

test('repeated saves, directly and by ModelCheckpoint, leak nothing (the optimizer state snapshots are freed)', async () => {
  const dir = tmp();
  const { x, y } = data();
  const model = smallModel();
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
  await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 }); // makes the optimizer's slots
  const before = usage();
  for (let i = 0; i < 5; i++) await model.save(join(dir, 'direct.strata'));
  assert.deepEqual(usage(), before, 'five saves: nothing left behind');
  const checkpoint = new s.ModelCheckpoint({ filepath: join(dir, 'ckpt-{epoch}.strata'), monitor: 'loss' });
  await model.fit(x, y, { epochs: 4, batchSize: 8, verbose: 0, callbacks: [checkpoint] });
  assert.equal(checkpoint.savedPaths.length, 4);
  assert.deepEqual(usage(), before, 'four checkpoint saves during fit: nothing left behind');
  model.dispose();
  s.dispose([x, y]);
});

/** A saved model's artifacts, to edit and re-encode. */
async function savedArtifacts(): Promise<Artifacts> {
  const { x, y } = data();
  const model = smallModel();
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
  const artifacts = decodeArtifacts(s.encodeModel(model), 'saved');
  model.dispose();
  s.dispose([x, y]);
  return artifacts;
}

test('a load that fails (before, during or after building the layers) frees everything it made', async () => {
  const good = await savedArtifacts();
  const dir = tmp();
  const cases: [string, (a: Artifacts) => void, (e: unknown) => boolean][] = [
    // The second Dense's kernel renamed: the first Dense and the normalization are built, then the load fails.
    ['renamed-weight', (a) => (a.weights[a.weights.length - 2]!.name = 'elsewhere/kernel'), (e) => e instanceof s.ValueError && /no weight of that name/.test((e as Error).message)],
    // A weight the architecture does not declare: every layer is built first.
    ['extra-weight', (a) => a.weights.push({ name: 'stray', shape: [2], dtype: 'float32', values: new Float32Array(2) }), (e) => e instanceof s.ValueError && /no layer declares 'stray' \[2\]/.test((e as Error).message)],
    // Optimizer state that cannot be restored: the model is built and compiled first.
    ['bad-state', (a) => (a.optimizerWeights[0]!.name = 'iterations'), (e) => e instanceof s.ValueError && /optimizerWeights: .*'iterations'/.test((e as Error).message)],
  ];
  for (const [name, edit, check] of cases) {
    const artifacts = structuredClone(good);
    edit(artifacts);
    const path = join(dir, `${name}.strata`);
    writeFileSync(path, encodeArtifacts(artifacts));
    const before = usage();
    await assert.rejects(s.loadModel(path), check, name);
    assert.deepEqual(usage(), before, `${name}: the failed load left nothing behind`);
  }
});

test('Model.dispose frees the weights and the optimizer state; later use is a DisposedError naming the model; dispose is idempotent', async () => {
  const { x, y } = data();
  const before = usage();
  const model = smallModel();
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
  await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
  assert.ok(usage()[0] > before[0]);
  model.dispose();
  assert.deepEqual(usage(), before);
  model.dispose();
  assert.deepEqual(usage(), before, 'a second dispose() does nothing');
  assert.ok(model.isDisposed && model.layers.every((l) => l.isDisposed) && model.optimizer!.isDisposed);
  const named = (what: string) => (e: unknown) => e instanceof s.DisposedError && new RegExp(`^Sequential '${model.name}': cannot ${what}: it was disposed`).test((e as Error).message);
  assert.throws(() => model.predict(x), named('run'));
  assert.throws(() => model.getWeights(), named('getWeights'));
  await assert.rejects(model.fit(x, y, { epochs: 1, verbose: 0 }), named('fit'));
  await assert.rejects(model.evaluate(x, y), named('evaluate'));
  await assert.rejects(model.save(join(tmp(), 'gone.strata')), named('save'));
  assert.throws(() => model.compile({ loss: 'mse' }), named('compile'));
  assert.throws(
    () => model.layers[0]!.apply(x),
    (e: unknown) => e instanceof s.DisposedError && new RegExp(`^Dense '${model.layers[0]!.name}': cannot apply`).test((e as Error).message),
  );
  s.dispose([x, y]);
});

test('disposing a model frees a layer it shares with another model (as in TensorFlow.js)', () => {
  const before = usage();
  const shared = new s.layers.Dense({ units: 2, inputShape: [3] });
  const a = new s.Sequential({ layers: [shared] });
  const b = new s.Sequential({ layers: [shared, new s.layers.Dense({ units: 1 })] });
  a.dispose();
  assert.ok(shared.isDisposed);
  const x = s.ones([1, 3]);
  assert.throws(() => b.predict(x), (e: unknown) => e instanceof s.DisposedError && /^Dense 'dense_\d+': cannot apply: it was disposed/.test((e as Error).message));
  b.dispose();
  x.dispose();
  assert.deepEqual(usage(), before);
});

test('Layer.dispose frees the weights of the layer and of the layers it contains; Optimizer.dispose frees its slots and refuses later use', () => {
  const before = usage();
  const lstm = new s.layers.LSTM({ units: 3 });
  s.tidy(() => void lstm.apply(s.ones([2, 4, 5])));
  assert.equal(lstm.weights.length, 3);
  lstm.dispose();
  assert.deepEqual(usage(), before, 'the cell weights are freed with the layer');
  assert.throws(() => lstm.getWeights(), (e: unknown) => e instanceof s.DisposedError && /^LSTM 'lstm(_\d+)?': cannot getWeights/.test((e as Error).message));

  const w = s.variable(s.tensor([1, 2, 3]), { name: 'w' });
  const opt = new s.Adam({ name: 'opt' });
  s.tidy(() => opt.applyGradients([[s.tensor([0.1, 0.2, 0.3]), w]]));
  const withSlots = usage();
  opt.dispose();
  assert.equal(usage()[0], withSlots[0] - 2, 'the two moment slots are freed');
  opt.dispose();
  assert.throws(() => opt.applyGradients([[s.tensor([0.1, 0.2, 0.3]), w]]), (e: unknown) => e instanceof s.DisposedError && /^Adam 'opt': cannot applyGradients: the optimizer was disposed/.test((e as Error).message));
  w.dispose();
});
