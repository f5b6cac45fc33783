/** The issue-17 shape, masking, noise, normalization and activation layers in a model saved as .strata and loaded back. */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as s from '../../src/node/index.js';

const { layers } = s;

test('a model of every new layer survives .strata: same classes, configs and predictions', async () => {
  layers.clearSession();
  s.setSeed(3);
  const model = s.sequential([
    layers.inputLayer({ shape: [4, 6] }),
    layers.masking({ maskValue: 0 }),
    layers.gaussianNoise({ stddev: 0.1, seed: 1 }),
    layers.gaussianDropout({ rate: 0.1 }),
    layers.alphaDropout({ rate: 0.1, noiseShape: [null, 1, null] }),
    layers.spatialDropout1d({ rate: 0.2 }),
    layers.pReLU({ sharedAxes: [1], alphaInitializer: 'randomNormal' }),
    layers.lstm({ units: 6, returnSequences: true }),
    layers.groupNormalization({ groups: 3, gammaInitializer: 'randomNormal' }),
    layers.unitNormalization(),
    layers.activityRegularization({ l2: 0.01 }),
    layers.permute({ dims: [2, 1] }),
    layers.reshape({ targetShape: [6, 2, 2] }),
    layers.spatialDropout2d({ rate: 0.2, dataFormat: 'channelsFirst' }),
    layers.flatten(),
    layers.dense({ units: 3 }),
    layers.repeatVector({ n: 2 }),
  ]);
  const x = s.randomNormal([2, 4, 6], 0, 1, { seed: 5 });
  const expected = (model.predict(x) as s.Tensor).dataSync();
  const path = join(mkdtempSync(join(tmpdir(), 'strata-misc-layers-')), 'model.strata');
  await model.save(path);
  const loaded = await s.loadModel(path);
  assert.deepEqual(loaded.layers.map((l) => l.getConfig()), model.layers.map((l) => l.getConfig()));
  assert.deepEqual((loaded.predict(x) as s.Tensor).dataSync(), expected);
  assert.equal(loaded.countParams(), model.countParams());
  model.dispose();
  loaded.dispose();
  x.dispose();
});
