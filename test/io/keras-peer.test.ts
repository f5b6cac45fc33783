// Strata against the real Keras 3 on this machine: Keras writes a model of every layer Strata has
// and Strata predicts as Keras does; Keras loads every .keras Strata writes, predicts the same and
// trains on from Strata's optimizer state; Debian's h5py sees in Strata's rewrite of a Keras file
// what Keras wrote. Skips, saying why, where the Python peers are missing (.ci/run installs them).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as s from '../../src/node/index.js';
import { assertClose } from '../helpers/grad-check.js';
import { ZOO, normal, seq } from '../helpers/model-zoo.js';
import { debianH5py, kerasPython, runPython } from '../helpers/python.js';
import { wasmSuiteOnly } from '../helpers/suite-backend.js';

const { layers } = s;
const keras = kerasPython();
const h5py = debianH5py();

/** A tensor as the Python scripts exchange it: values flat, row-major. */
interface TensorJson {
  shape: number[];
  dtype: string;
  values: number[];
}

/** Each layer's weights in the layer's order, by layer name. */
type LayerWeights = Record<string, TensorJson[]>;

/** What scripts/keras/generate.py wrote (see there). */
interface Manifest {
  keras_version: string;
  models: { name: string; files: { keras: string; h5: string }; layers: string[]; inputs: TensorJson[]; outputs: TensorJson[] }[];
  training: { name: string; files: { keras: string; h5: string }; x: TensorJson; y: TensorJson; next: LayerWeights }[];
}

/** What scripts/keras/check.py answers for one file. */
type KerasAnswer = { outputs: TensorJson[] } | { weights: LayerWeights } | { error: string };

/** What scripts/keras/h5_tree.py lists for one file. */
interface H5Tree {
  groups: string[];
  attributes: Record<string, Record<string, unknown>>;
  datasets: Record<string, TensorJson>;
}

const scratch = mkdtempSync(join(tmpdir(), 'strata-keras-peer-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

let generated: Promise<Manifest> | undefined;
/** Keras's models, written once per run of this file into scratch/keras (one Python process). */
function kerasModels(): Promise<Manifest> {
  generated ??= (async () => {
    const dir = join(scratch, 'keras');
    await runPython(keras.python!, 'generate.py', [dir]);
    return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  })();
  return generated;
}
const kerasFile = (name: string): string => join(scratch, 'keras', name);

const fromJson = (t: TensorJson): s.Tensor => s.tensor(t.values, t.shape, t.dtype.startsWith('int') ? 'int32' : 'float32');
const toJson = (t: s.Tensor): TensorJson => ({ shape: [...t.shape], dtype: t.dtype, values: Array.from(t.dataSync()) });
const asList = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);
const oneOrList = (xs: s.Tensor[]): s.Tensor | s.Tensor[] => (xs.length === 1 ? xs[0]! : xs);

function assertTensor(actual: s.Tensor, expected: TensorJson, tol: number, what: string): void {
  assert.deepEqual([...actual.shape], expected.shape, `${what}: shape`);
  assertClose(actual.dataSync(), expected.values, tol, what);
}

/** Every layer of `model` that has weights holds `expected`'s, in order, within `tol`. */
function assertLayerWeights(model: s.Model, expected: LayerWeights, tol: number, what: string): void {
  const withWeights = model.layers.filter((l) => l.weights.length > 0).map((l) => l.name);
  assert.deepEqual(withWeights.sort(), Object.keys(expected).sort(), `${what}: the layers with weights`);
  for (const [name, tensors] of Object.entries(expected)) {
    const weights = model.getLayer(name).weights;
    assert.equal(weights.length, tensors.length, `${what}: ${name} has ${weights.length} weights, Keras's has ${tensors.length}`);
    weights.forEach((w, i) => assertTensor(w, tensors[i]!, tol, `${what}: ${w.name}`));
  }
}

function predictJson(model: s.Model, inputs: s.Tensor[]): TensorJson[] {
  const outputs = asList(model.predict(oneOrList(inputs)));
  const json = outputs.map(toJson);
  s.dispose(outputs);
  return json;
}

test('Strata loads every model Keras 3 writes, .keras and legacy .h5, and predicts as Keras does (≤1e-5)', { skip: keras.skip || wasmSuiteOnly() }, async (t) => {
  const manifest = await kerasModels();
  assert.ok(manifest.models.length >= 25, `models written: ${manifest.models.length}`);
  for (const m of manifest.models) {
    for (const file of [m.files.keras, m.files.h5]) {
      await t.test(`${file} (${m.layers.join(', ')})`, async (st) => {
        const warn = st.mock.method(console, 'warn', () => {});
        const model = await s.loadModel(kerasFile(file));
        try {
          assert.deepEqual(warn.mock.calls.map((c) => c.arguments[0]), [], 'nothing of the file is left out (its compile settings and optimizer included)');
          const inputs = m.inputs.map(fromJson);
          const outputs = predictJson(model, inputs);
          s.dispose(inputs);
          assert.equal(outputs.length, m.outputs.length, 'number of outputs');
          outputs.forEach((o, i) => {
            assert.deepEqual(o.shape, m.outputs[i]!.shape, `output ${i}: shape`);
            assertClose(o.values, m.outputs[i]!.values, 1e-5, `${file} output ${i}`);
          });
        } finally {
          model.dispose();
        }
      });
    }
  }
});

test("Strata takes the step Keras takes next from a Keras-trained .keras or legacy .h5 and its optimizer state (Adam; SGD with momentum)", { skip: keras.skip }, async (t) => {
  const manifest = await kerasModels();
  assert.deepEqual(manifest.training.map((c) => c.name), ['adam', 'sgd_momentum']);
  for (const c of manifest.training) {
    for (const file of [c.files.keras, c.files.h5]) {
      await t.test(file, async () => {
        const model = await s.loadModel(kerasFile(file));
        try {
          assert.equal(model.optimizer?.iterations, 1, "the optimizer's iterations, as Keras saved them");
          const [x, y] = [fromJson(c.x), fromJson(c.y)];
          model.trainOnBatch(x, y);
          s.dispose([x, y]);
          assertLayerWeights(model, c.next, 1e-5, file);
        } finally {
          model.dispose();
        }
      });
    }
  }
});

test("every .keras Strata writes loads in Keras 3 and predicts as Strata does (≤1e-5); Keras's model.fit goes on from Strata's optimizer state as Strata would (≤1e-5)", { skip: keras.skip || wasmSuiteOnly() }, async () => {
  s.setSeed(13);
  const job: { predict: unknown[]; fit: unknown[] } = { predict: [], fit: [] };
  const expected = new Map<string, { outputs?: TensorJson[]; weights?: LayerWeights }>();
  for (const z of ZOO) {
    layers.clearSession();
    const model = z.build();
    const inputs = z.inputs();
    const path = join(scratch, `${z.name}.keras`);
    let ys: s.Tensor[] = [];
    if (z.fit) {
      ys = z.fit.y();
      model.compile({ optimizer: z.fit.optimizer(), loss: z.fit.loss });
      model.trainOnBatch(oneOrList(inputs), oneOrList(ys));
    }
    await model.save(path);
    const xJson = inputs.map(toJson);
    job.predict.push({ id: `${z.name}:predict`, path, inputs: xJson });
    expected.set(`${z.name}:predict`, { outputs: predictJson(model, inputs) });
    if (z.fit) {
      model.trainOnBatch(oneOrList(inputs), oneOrList(ys));
      const weights: LayerWeights = {};
      for (const layer of model.layers.filter((l) => l.weights.length > 0)) weights[layer.name] = layer.weights.map(toJson);
      job.fit.push({ id: `${z.name}:fit`, path, x: xJson, y: ys.map(toJson) });
      expected.set(`${z.name}:fit`, { weights });
    }
    s.dispose([...inputs, ...ys]);
    model.dispose();
  }
  assert.equal(job.fit.length, 4);
  const answers = (await runPython(keras.python!, 'check.py', [], job)) as Record<string, KerasAnswer>;
  const failures: string[] = [];
  for (const [id, want] of expected) {
    const got = answers[id];
    try {
      assert.ok(got && !('error' in got), `Keras failed: ${got && 'error' in got ? got.error : 'no answer'}`);
      if (want.outputs) {
        const outputs = (got as { outputs: TensorJson[] }).outputs;
        assert.equal(outputs.length, want.outputs.length, 'number of outputs');
        want.outputs.forEach((o, i) => {
          assert.deepEqual(outputs[i]!.shape, o.shape, `output ${i}: shape`);
          assertClose(outputs[i]!.values, o.values, 1e-5, `output ${i}`);
        });
      } else {
        const weights = (got as { weights: LayerWeights }).weights;
        assert.deepEqual(Object.keys(weights).sort(), Object.keys(want.weights!).sort(), 'the layers with weights');
        for (const [layer, tensors] of Object.entries(want.weights!)) {
          assert.equal(weights[layer]!.length, tensors.length, `${layer}: number of weights`);
          tensors.forEach((w, i) => assertClose(weights[layer]![i]!.values, w.values, 1e-5, `${layer} weight ${i} after Keras's step`));
        }
      }
    } catch (e) {
      failures.push(`${id}: ${(e as Error).message}`);
    }
  }
  assert.deepEqual(failures, [], failures.join('\n'));
});

test("Keras's .keras → Strata → .keras: Debian's h5py sees the groups, attributes, shapes and values Keras wrote; → Strata again: the same weights and predictions", { skip: keras.skip || h5py.skip }, async (t) => {
  const manifest = await kerasModels();
  const cases = [
    ...manifest.models.map((m) => ({ file: m.files.keras, inputs: m.inputs })),
    ...manifest.training.map((c) => ({ file: c.files.keras, inputs: [c.x] })),
  ];
  const rewritten = (file: string): string => join(scratch, `rewritten-${file}`);
  const firsts = new Map<string, { weights: TensorJson[]; outputs: TensorJson[] }>();
  for (const c of cases) {
    const model = await s.loadModel(kerasFile(c.file));
    const inputs = c.inputs.map(fromJson);
    firsts.set(c.file, { weights: model.weights.map(toJson), outputs: predictJson(model, inputs) });
    await model.save(rewritten(c.file));
    s.dispose(inputs);
    model.dispose();
  }
  const paths = cases.flatMap((c) => [kerasFile(c.file), rewritten(c.file)]);
  const trees = (await runPython(h5py.python!, 'h5_tree.py', paths)) as Record<string, H5Tree>;
  for (const c of cases) {
    await t.test(c.file, async () => {
      const [theirs, ours] = [trees[kerasFile(c.file)]!, trees[rewritten(c.file)]!];
      assert.deepEqual(ours.groups, theirs.groups, 'groups');
      assert.deepEqual(ours.attributes, theirs.attributes, 'attributes');
      assert.deepEqual(Object.keys(ours.datasets), Object.keys(theirs.datasets), 'datasets');
      for (const [path, d] of Object.entries(theirs.datasets)) {
        assert.deepEqual({ ...ours.datasets[path], path }, { ...d, path }, `${path}: shape, dtype and values`);
      }
      const model = await s.loadModel(rewritten(c.file));
      try {
        const first = firsts.get(c.file)!;
        assert.deepEqual(model.weights.map(toJson), first.weights, 'weights after the second load');
        const inputs = c.inputs.map(fromJson);
        assert.deepEqual(predictJson(model, inputs), first.outputs, 'predictions after the second load');
        s.dispose(inputs);
      } finally {
        model.dispose();
      }
    });
  }
});

test('a model trained in Strata, saved as .keras and loaded back, takes the identical next step (Adam, SGD with momentum, RMSprop)', async (t) => {
  const optimizers: [string, () => s.Optimizer][] = [
    ['adam', () => new s.Adam({ learningRate: 0.01 })],
    ['sgd_momentum', () => new s.SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true })],
    ['rmsprop', () => new s.RMSprop({ learningRate: 0.01, momentum: 0.5 })],
  ];
  for (const [name, optimizer] of optimizers) {
    await t.test(name, async () => {
      s.setSeed(7);
      layers.clearSession();
      const model = seq([6], [layers.dense({ units: 5, activation: 'relu' }), layers.batchNormalization(), layers.dense({ units: 3, activation: 'softmax' })]);
      model.compile({ optimizer: optimizer(), loss: 'categorical_crossentropy', metrics: ['accuracy'] });
      const x = normal(8, 6);
      const y = s.oneHot(s.tensor([0, 1, 2, 0, 1, 2, 2, 1], [8], 'int32'), 3);
      for (let i = 0; i < 3; i++) model.trainOnBatch(x, y);
      const path = join(scratch, `strata-trained-${name}.keras`);
      await model.save(path);
      const loaded = await s.loadModel(path);
      try {
        assert.equal(loaded.optimizer?.iterations, 3, 'iterations');
        const state = (m: s.Model): Record<string, TensorJson> => {
          const weights = m.optimizer!.getWeights();
          const byName = Object.fromEntries(weights.map((w) => [w.name.slice(w.name.indexOf('/') + 1), toJson(w.tensor)]));
          s.dispose(weights.map((w) => w.tensor));
          return byName;
        };
        assert.deepEqual(state(loaded), state(model), "the optimizer's state as loaded");
        model.trainOnBatch(x, y);
        loaded.trainOnBatch(x, y);
        assert.deepEqual(loaded.weights.map(toJson), model.weights.map(toJson), 'weights after the next step');
      } finally {
        s.dispose([x, y]);
        model.dispose();
        loaded.dispose();
      }
    });
  }
});
