import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as s from '../../src/node/index.js';
import { runLayerTest } from '../helpers/layer-test.js';

test('Rescaling turns uint8 pixels into float32 in [0, 1], and offsets', () => {
  const pixels = s.tensor(new Uint8Array([0, 51, 255, 128]), [1, 2, 2]);
  const out = new s.layers.Rescaling({ scale: 1 / 255 }).apply(pixels) as s.Tensor;
  assert.equal(out.dtype, 'float32');
  assert.deepEqual(Array.from(out.dataSync(), (v) => Number(v.toFixed(6))), [0, 0.2, 1, Number((128 / 255).toFixed(6))]);
  const centred = new s.layers.Rescaling({ scale: 1 / 127.5, offset: -1 }).apply(pixels) as s.Tensor;
  assert.deepEqual(Array.from(centred.dataSync(), (v) => Number(v.toFixed(6))), [-1, -0.6, 1, Number((128 / 127.5 - 1).toFixed(6))]);
  assert.throws(() => new s.layers.Rescaling({ scale: NaN }), /Rescaling\): scale must be a finite number, got NaN/);
});

test('Rescaling passes runLayerTest and trains a model on uint8 images', async () => {
  runLayerTest('Rescaling', { make: () => new s.layers.Rescaling({ scale: 0.5, offset: 1 }), inputShape: [2, 3], expectedOutputShape: [2, 3], expectedTrainableWeights: 0 });
  s.setSeed(3);
  const x = s.tensor(Uint8Array.from({ length: 64 * 4 }, (_, i) => (i * 37) % 256), [64, 4]);
  const y = s.cast(s.greater(s.sum(x, -1), 510), 'int32');
  const model = new s.Sequential({ layers: [new s.layers.Rescaling({ scale: 1 / 255, inputShape: [4] }), new s.layers.Dense({ units: 2, activation: 'softmax' })] });
  model.compile({ optimizer: new s.Adam({ learningRate: 0.05 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const h = await model.fit(x, y, { epochs: 40, batchSize: 16, verbose: 0 });
  assert.ok(h.history.accuracy!.at(-1)! >= 0.9, `accuracy ${h.history.accuracy!.at(-1)}`);
});
