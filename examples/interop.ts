/**
 * Models in and out: a small image classifier trained in Strata, saved as a Keras 3 `.keras` file,
 * as a TensorFlow.js folder and as ONNX, then the first two loaded back; the predictions agree and
 * the Keras file carries the compile settings and the optimizer's state, so training goes on.
 *
 * Run: node dist/examples/interop.js
 */
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { layers, loadModel, randomUniform, readModelArtifacts, sequential, setSeed, tensor, type Tensor } from '../src/node/index.js';

setSeed(7);
const dir = mkdtempSync(join(tmpdir(), 'strata-interop-'));

// A CNN of the lesson's shape, on 8×8 images of 3 classes, trained for a few steps.
const model = sequential({
  layers: [
    layers.input({ shape: [8, 8, 1] }),
    layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu' }),
    layers.maxPooling2d({ poolSize: 2 }),
    layers.flatten(),
    layers.dense({ units: 3, activation: 'softmax' }),
  ],
});
model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
const x = randomUniform([48, 8, 8, 1], 0, 1, { seed: 1 });
const y = tensor(Array.from({ length: 48 }, (_, i) => i % 3), [48], 'int32');
await model.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0 });

// Save in three formats: the name picks the format.
await model.save(join(dir, 'cnn.keras'));
await model.save(join(dir, 'web') + '/');
await model.save(join(dir, 'cnn.onnx'));
console.log(`cnn.keras: ${statSync(join(dir, 'cnn.keras')).size} bytes`);
console.log(`web/: ${readdirSync(join(dir, 'web')).sort().join(', ')}`);
console.log(`cnn.onnx: ${statSync(join(dir, 'cnn.onnx')).size} bytes`);

// Loading tells the format from the bytes.
const { format, artifacts } = await readModelArtifacts(join(dir, 'cnn.keras'));
console.log(`cnn.keras is read as '${format.name}' (${format.description}); its metadata names ${artifacts.generatedBy}, whose layout it follows`);

const probe = randomUniform([4, 8, 8, 1], 0, 1, { seed: 2 });
const expected = model.predict(probe) as Tensor;
for (const path of [join(dir, 'cnn.keras'), join(dir, 'web')]) {
  const loaded = await loadModel(path);
  const got = loaded.predict(probe) as Tensor;
  const diff = Math.max(...Array.from(got.dataSync(), (v, i) => Math.abs(v - expected.dataSync()[i]!)));
  console.log(`${path.slice(dir.length + 1)}: largest difference from Strata's predictions ${diff.toExponential(1)}, compiled: ${loaded.compiledState !== undefined}`);
  loaded.dispose();
}

// The Keras file kept Adam's state: training continues with the same step in both copies.
const resumed = await loadModel(join(dir, 'cnn.keras'));
const [a, b] = [model.trainOnBatch(x, y), resumed.trainOnBatch(x, y)];
const after = [model, resumed].map((m) => (m.predict(probe) as Tensor).dataSync());
const stepDiff = Math.max(...Array.from(after[0]!, (v, i) => Math.abs(v - after[1]![i]!)));
console.log(`next training step: loss ${a['loss']!.toFixed(6)} here, ${b['loss']!.toFixed(6)} after the round trip; predictions after it differ by ${stepDiff.toExponential(1)}`);
