/**
 * `strata convert` and the commands that read models (summary, evaluate, predict) on every format:
 * Strata's own, Keras's `.keras` and `.h5`, TF.js's model.json, ONNX as an output; run in child processes.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as s from '../../src/node/index.js';
import { assertFails as fails, runCli } from '../helpers/run-cli.js';
import { FASHION_MNIST, missing } from '../helpers/system-packages.js';
import { INTEROP, interopMissing } from '../helpers/interop-fixtures.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'strata-convert-'));

/** A small compiled CNN of the lesson's shape, saved as .strata in `dir`. */
async function savedCnn(dir: string): Promise<string> {
  const model = s.sequential({
    layers: [
      s.layers.input({ shape: [28, 28, 1] }),
      s.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu' }),
      s.layers.maxPooling2d({ poolSize: 2 }),
      s.layers.flatten(),
      s.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const path = join(dir, 'cnn.strata');
  await model.save(path);
  model.dispose();
  return path;
}

test('convert: .strata → .keras → TF.js folder → .strata keeps the layers, parameters and compile settings', async () => {
  const dir = tmp();
  const source = await savedCnn(dir);
  const keras = await runCli(['convert', source, join(dir, 'cnn.keras'), '--json']);
  assert.equal(keras.code, 0, keras.stderr);
  const doc = JSON.parse(keras.stdout);
  assert.deepEqual([doc.from.format, doc.to.format, doc.layers, doc.params, doc.compiled], ['strata', 'keras', 4, 4 * 9 + 4 + 676 * 10 + 10, true]);
  const tfjs = await runCli(['convert', join(dir, 'cnn.keras'), join(dir, 'web') + '/']);
  assert.equal(tfjs.code, 0, tfjs.stderr);
  assert.match(tfjs.stdout, /^Converted .*cnn\.keras \(.*\) to .*web\/ \(TensorFlow\.js layers-model.*\): 4 layers, 6,810 parameters/);
  assert.ok(existsSync(join(dir, 'web', 'model.json')));
  const back = await runCli(['convert', join(dir, 'web'), join(dir, 'back.strata')]);
  assert.equal(back.code, 0, back.stderr);
  const [a, b] = [await s.loadModel(source), await s.loadModel(join(dir, 'back.strata'))];
  const x = s.randomUniform([2, 28, 28, 1], 0, 1, { seed: 3 });
  assert.deepEqual((b.predict(x) as s.Tensor).arraySync(), (a.predict(x) as s.Tensor).arraySync());
  const onnx = await runCli(['convert', source, join(dir, 'cnn.onnx')]);
  assert.equal(onnx.code, 0, onnx.stderr);
  assert.ok(readFileSync(join(dir, 'cnn.onnx')).length > 6810 * 4);
});

test('convert: mistakes exit 1 (a file) or 2 (the command line) with one line', async () => {
  const dir = tmp();
  fails(await runCli(['convert', join(dir, 'missing.keras'), join(dir, 'x.strata')]), 1, /^strata: error: cannot load '.*missing\.keras': no such file/);
  fails(await runCli(['convert', join(dir, 'only-one')]), 2, /missing required argument 'out'/);
  const source = await savedCnn(dir);
  fails(await runCli(['convert', source, join(dir, 'no-such-dir', 'x.keras')]), 1, /^strata: error: cannot save to/);
});

test('summary, evaluate and predict read a Keras .keras file and feed it the input shape it declares', { skip: interopMissing() ?? missing(FASHION_MNIST) }, async () => {
  const file = join(INTEROP, 'keras3-cnn-batchnorm-mnist', 'mnist_cnn.keras');
  const summary = await runCli(['summary', file]);
  assert.equal(summary.code, 0, summary.stderr);
  assert.match(summary.stdout, /Total params: 331,754/);
  // Compiled by Keras with categorical crossentropy: evaluate gives it one-hot labels.
  const evaluated = await runCli(['evaluate', file, '--test-size', '64', '--json']);
  assert.equal(evaluated.code, 0, evaluated.stderr);
  const logs = JSON.parse(evaluated.stdout);
  assert.ok(Number.isFinite(logs.loss) && logs.samples === 64);
  const predicted = await runCli(['predict', file, '--index', '0', '--json']);
  assert.equal(predicted.code, 0, predicted.stderr);
  assert.equal(JSON.parse(predicted.stdout).probabilities.length, 10);
});
