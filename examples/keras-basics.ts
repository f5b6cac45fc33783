/**
 * The Keras workflow in Strata: build a Sequential model, compile, fit with callbacks, evaluate,
 * save, load and predict — on a small three-class spiral that a straight line cannot separate.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EarlyStopping, ModelCheckpoint, Sequential, argmax, layers, loadModel, randomNormal, randomUniform, setSeed, tensor, type Tensor,
} from '../src/node/index.js';

setSeed(0);

// Three interleaved spiral arms, 600 points at random radii, labelled 0, 1, 2.
const points: number[] = [];
const labels: number[] = [];
const noise = randomNormal([600], 0, 0.15).dataSync();
const radii = randomUniform([600], 0.1, 2.1).dataSync();
for (let i = 0; i < 600; i++) {
  const arm = i % 3;
  const r = radii[i]!;
  const angle = arm * ((2 * Math.PI) / 3) + r * 2.5 + noise[i]!;
  points.push(r * Math.cos(angle), r * Math.sin(angle));
  labels.push(arm);
}
const x = tensor(points, [600, 2]);
const y = tensor(labels, [600], 'int32');

const model = new Sequential({
  layers: [
    new layers.Dense({ units: 64, activation: 'relu', inputShape: [2] }),
    new layers.Dense({ units: 64, activation: 'relu' }),
    new layers.Dense({ units: 3, activation: 'softmax' }),
  ],
});
model.summary();
model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });

const dir = mkdtempSync(join(tmpdir(), 'strata-example-'));
const history = await model.fit(x, y, {
  epochs: 50,
  batchSize: 32,
  validationSplit: 0.2,
  verbose: 0,
  callbacks: [
    new EarlyStopping({ monitor: 'val_loss', patience: 10, restoreBestWeights: true }),
    new ModelCheckpoint({ filepath: join(dir, 'best.strata'), monitor: 'val_accuracy', saveBestOnly: true }),
  ],
});
console.log(`trained ${history.epoch.length} epochs`);

const [loss, accuracy] = await model.evaluate(x, y);
console.log(`loss ${loss!.toFixed(3)}, accuracy ${accuracy!.toFixed(3)}`);

await model.save(join(dir, 'spiral.strata'));
const restored = await loadModel(join(dir, 'spiral.strata'));
const probs = restored.predict(tensor([[0.5, 0.5]])) as Tensor;
console.log(`class of (0.5, 0.5): ${argmax(probs).arraySync()}`);
