/**
 * Keras's containers against model files written by Keras 2.2 to 3.15 and taken from public
 * projects (shared/fixtures/interop, with the facts an independent reader recorded in
 * expected.json): every weight is found where Keras put it, with its shape and statistics. Skips
 * when the fixtures are absent.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { unzipSync } from 'fflate';
import { getLimits, loadModel, ones, zeros, type Tensor } from '../../src/node/index.js';
import { readHdf5 } from '../../src/io/keras/hdf5.js';
import { readLayerWeights } from '../../src/io/keras/keras-artifacts.js';
import { configLayers, keras3LayerDatasets, legacyLayerDatasets } from '../../src/io/keras/weight-layout.js';
import { INTEROP, interopFixtures, interopMissing, meanStd, type InteropFixture } from '../helpers/interop-fixtures.js';

const FIXTURES = INTEROP;
const skip = interopMissing();

/** The Keras fixtures (all but the TF.js ones), by folder. */
function kerasFixtures(): [string, InteropFixture][] {
  return Object.entries(interopFixtures()).filter(([, f]) => f.format === 'keras-zip' || f.format === 'hdf5-legacy');
}

/** The fixture's main file. */
function fixturePath(f: InteropFixture): string {
  return join(FIXTURES, f.folder, f.files[0]!.file);
}

test('the 14 Keras fixtures: every weight found at the path, in the order and with the shape expected.json records', { skip }, async () => {
  const fixtures = kerasFixtures();
  assert.equal(fixtures.length, 14);
  for (const [name, f] of fixtures) {
    const bytes = new Uint8Array(readFileSync(fixturePath(f)));
    const zip = f.format === 'keras-zip';
    const members = zip ? unzipSync(bytes) : undefined;
    const h5Bytes = members ? members['model.weights.h5']! : bytes;
    const weights = await readHdf5(h5Bytes, name, getLimits(), (h5) => {
      if (!members) return readLayerWeights(h5, legacyLayerDatasets(h5, 'model_weights'));
      const config = JSON.parse(new TextDecoder().decode(members['config.json']));
      return readLayerWeights(h5, keras3LayerDatasets(h5, configLayers(config, name)));
    });
    assert.deepEqual(
      weights.map((w) => [w.name, w.shape]),
      f.weights.map((w) => [w.path, w.shape]),
      name,
    );
    const params = weights.reduce((n, w) => n + w.shape.reduce((p, d) => p * d, 1), 0);
    assert.equal(params, f.model_params, name);
    for (const which of ['first_kernel', 'last_kernel', 'first_embedding']) {
      const path = f.stats[`${which}_path`];
      if (path === undefined) continue;
      const w = weights.find((x) => x.name === path)!;
      const [mean, std] = meanStd(w.values as Float32Array);
      assert.ok(Math.abs(mean - (f.stats[`${which}_mean`] as number)) < 1e-6, `${name} ${which} mean ${mean}`);
      assert.ok(Math.abs(std - (f.stats[`${which}_std`] as number)) < 1e-6, `${name} ${which} std ${std}`);
    }
  }
});

/** Fixtures whose compile settings Strata cannot keep, and why (loading warns and leaves the model uncompiled). */
const NOT_COMPILED: Record<string, string> = { 'keras2.3tf-h5-lstm-stock': "its loss, 'mean_absolute_percentage_error', is not one Strata has" };

/** An input of `shape` (unknown sizes made concrete) for a model's input: 1s, valid for any Embedding. */
function inputFor(shape: readonly (number | null)[]): Tensor {
  const concrete = shape.map((d, i) => (d === null ? (i === 0 ? 2 : 7) : d));
  return ones(concrete);
}

test('each of the 14 Keras fixtures loads: parameter count, layer sequence, weight shapes, kernel statistics, finite predictions, compile config and optimizer state', { skip, timeout: 120_000 }, async () => {
  for (const [name, f] of kerasFixtures()) {
    const model = await loadModel(fixturePath(f));
    try {
      const shapes = model.weights.map((w) => [...w.shape]);
      assert.deepEqual(shapes, f.weights.map((w) => w.shape), name);
      assert.equal(model.countParams(), f.model_params, name);
      const classes = (list: readonly string[]): string[] => list.filter((c) => c !== 'InputLayer');
      assert.deepEqual(classes(model.layers.map((l) => l.constructor.name)), classes(f.layers.map((l) => l.class)), name);
      for (const which of ['first_kernel', 'last_kernel', 'first_embedding']) {
        const path = f.stats[`${which}_path`];
        if (path === undefined) continue;
        const index = f.weights.findIndex((w) => w.path === path);
        const [mean, std] = meanStd(model.weights[index]!.dataSync() as Float32Array);
        assert.ok(Math.abs(mean - (f.stats[`${which}_mean`] as number)) < 1e-6, `${name} ${which} mean ${mean}`);
        assert.ok(Math.abs(std - (f.stats[`${which}_std`] as number)) < 1e-6, `${name} ${which} std ${std}`);
      }
      const inputs = model.inputs.map((s) => inputFor(s.shape));
      const outputs = [model.predict(inputs.length === 1 ? inputs[0]! : inputs)].flat();
      for (const out of outputs) assert.ok((out.dataSync() as Float32Array).every(Number.isFinite), `${name}: predictions are finite`);
      for (const t of [...inputs, ...outputs]) t.dispose();
      if (f.extra.compile && !(name in NOT_COMPILED)) {
        assert.equal(model.optimizer?.className, 'Adam', `${name}: optimizer`);
        const state = model.optimizer!.getWeights();
        // Every Keras fixture saved its Adam state: the step count and m and v of each weight but the
        // moving statistics (a model frozen after training, as keras2.13-zip's, keeps them too).
        const trainable = model.weights.filter((w) => !/moving_(mean|variance)$/.test(w.name)).length;
        assert.ok(model.optimizer!.iterations > 0, `${name}: iterations ${model.optimizer!.iterations}`);
        assert.equal(state.length, 1 + 2 * trainable, `${name}: optimizer slots`);
        for (const s of state) s.tensor.dispose();
      } else assert.equal(model.optimizer, undefined, name);
    } finally {
      model.dispose();
    }
  }
});

test("a Keras 3 weights file (the model.weights.h5 of keras3-cnn-batchnorm-mnist) loads with loadWeights into the model, placed by class and counter", { skip }, async () => {
  const f = kerasFixtures().find(([name]) => name === 'keras3-cnn-batchnorm-mnist')![1];
  const path = join(mkdtempSync(join(tmpdir(), 'strata-keras-')), 'mnist.weights.h5');
  writeFileSync(path, unzipSync(new Uint8Array(readFileSync(fixturePath(f))))['model.weights.h5']!);
  const reference = await loadModel(fixturePath(f));
  const model = await loadModel(fixturePath(f));
  try {
    const cleared = model.weights.map((w) => zeros(w.shape));
    model.setWeights(cleared);
    for (const t of cleared) t.dispose();
    assert.equal(model.weights[0]!.dataSync()[0], 0);
    await model.loadWeights(path);
    reference.weights.forEach((w, i) => assert.deepEqual(model.weights[i]!.dataSync(), w.dataSync(), w.name));
  } finally {
    reference.dispose();
    model.dispose();
  }
});
