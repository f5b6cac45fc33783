/** examples/augmented-cnn runs on a slice of Fashion-MNIST: both CNNs train and test, the augmentation only in training. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import * as s from '../../src/node/index.js';
import { FASHION_MNIST, missing } from '../helpers/system-packages.js';
import { wasmSuiteOnly } from '../helpers/suite-backend.js';

test('examples/augmented-cnn: the plain and the augmented CNN train and test (on a few images here)', { skip: missing(FASHION_MNIST) || wasmSuiteOnly() }, () => {
  const path = fileURLToPath(new URL('../../examples/augmented-cnn.js', import.meta.url));
  // NOTE: the example runs on wasm under both suites: its figures are the same on the reference kernels,
  // which take ten times as long; the layers themselves are tested on both backends.
  const out = execFileSync(process.execPath, [path, '--images', '300', '--epochs', '2', '--test', '100'], { encoding: 'utf8', env: { ...process.env, STRATA_BACKEND: 'wasm' } });
  assert.match(out, /Training on 240 images for 2 epochs, validating on 60, testing on 100\./);
  for (const name of ['Plain CNN', 'Augmented CNN']) {
    const m = new RegExp(`${name}: training (\\d\\.\\d{4}), best validation (\\d\\.\\d{4}), test (\\d\\.\\d{4}), gap (-?\\d\\.\\d{4})`).exec(out);
    assert.ok(m, out);
    assert.ok(Number(m[3]) >= 0.35, `${name}: test accuracy ${m[3]} after 2 epochs on 240 images (chance is 0.1)`);
  }
});

test('examples/augmented-cnn: the model has the lesson CNN\'s 333,526 parameters and augments only in training', async () => {
  const { buildAugmentedCnn } = await import('../../examples/augmented-cnn.js');
  const model = buildAugmentedCnn(1);
  assert.equal(model.countParams(), 333_526);
  assert.ok(model.layers[0] instanceof s.layers.RandomFlip && model.layers[1] instanceof s.layers.RandomTranslation);
  const x = s.randomUniform([4, 28, 28, 1], 0, 1, { seed: 1 });
  const flip = model.layers[0]!;
  assert.equal(flip.apply(x), x, 'inference passes the images through');
  assert.notDeepEqual(Array.from((model.layers[1]!.apply(x, { training: true }) as s.Tensor).dataSync()), Array.from(x.dataSync()));
  assert.deepEqual((model.predict(x) as s.Tensor).dataSync(), (model.predict(x) as s.Tensor).dataSync());
});
