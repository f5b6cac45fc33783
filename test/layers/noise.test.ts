/** The training-only noise layers (GaussianNoise, GaussianDropout, AlphaDropout, SpatialDropout1D/2D) and ActivityRegularization. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Input, Sequential, ValueError, layers, mean, ones, randomNormal, tensor, tidy, variance, type Tensor } from '../../src/index.js';
import { assertClose, checkGrad } from '../helpers/grad-check.js';
import { runLayerTest } from '../helpers/layer-test.js';

const { GaussianNoise, GaussianDropout, AlphaDropout, SpatialDropout1D, SpatialDropout2D, ActivityRegularization, Dense, clearSession } = layers;

test('runLayerTest: the noise layers change the output only while training', () => {
  runLayerTest('GaussianNoise', { make: () => new GaussianNoise({ stddev: 0.5, seed: 1 }), inputShape: [3, 4], expectedOutputShape: [3, 4], trainingDiffers: true });
  runLayerTest('GaussianDropout', { make: () => new GaussianDropout({ rate: 0.3, seed: 1 }), inputShape: [3, 4], expectedOutputShape: [3, 4], trainingDiffers: true });
  runLayerTest('AlphaDropout', { make: () => new AlphaDropout({ rate: 0.3, seed: 1 }), inputShape: [3, 4], expectedOutputShape: [3, 4], trainingDiffers: true });
  runLayerTest('SpatialDropout1D', { make: () => new SpatialDropout1D({ rate: 0.5, seed: 1 }), inputShape: [3, 4, 5], expectedOutputShape: [3, 4, 5], trainingDiffers: true });
  runLayerTest('SpatialDropout2D', { make: () => new SpatialDropout2D({ rate: 0.5, seed: 1 }), inputShape: [3, 2, 2, 5], expectedOutputShape: [3, 2, 2, 5], trainingDiffers: true });
  runLayerTest('ActivityRegularization', { make: () => new ActivityRegularization({ l1: 0.1 }), inputShape: [3, 4], expectedOutputShape: [3, 4] });
});

test('GaussianNoise adds noise of stddev; GaussianDropout multiplies by noise of mean 1 and stddev sqrt(rate / (1 - rate))', () => tidy(() => {
  const x = ones([200, 100]);
  const noisy = new GaussianNoise({ stddev: 0.5, seed: 3 }).apply(x, { training: true });
  assert.ok(Math.abs(mean(noisy).item() - 1) < 0.01);
  assert.ok(Math.abs(Math.sqrt(variance(noisy).item()) - 0.5) < 0.01);
  const dropped = new GaussianDropout({ rate: 0.2, seed: 3 }).apply(x, { training: true });
  assert.ok(Math.abs(mean(dropped).item() - 1) < 0.01);
  assert.ok(Math.abs(Math.sqrt(variance(dropped).item()) - Math.sqrt(0.25)) < 0.01);
  // Each call draws new noise, and a layer with the same seed replays the same sequence.
  const a = new GaussianNoise({ stddev: 0.1, seed: 5 });
  const b = new GaussianNoise({ stddev: 0.1, seed: 5 });
  const a1 = a.apply(x, { training: true }).dataSync();
  assert.notDeepEqual(a.apply(x, { training: true }).dataSync(), a1);
  assert.deepEqual(b.apply(x, { training: true }).dataSync(), a1);
}));

test('AlphaDropout keeps mean 0 and variance 1, dropping to a·α\' + b (Keras\'s constants)', () => tidy(() => {
  const rate = 0.3;
  const x = randomNormal([400, 100], 0, 1, { seed: 2 });
  const y = new AlphaDropout({ rate, seed: 4 }).apply(x, { training: true });
  assert.ok(Math.abs(mean(y).item()) < 0.02, `mean ${mean(y).item()}`);
  assert.ok(Math.abs(variance(y).item() - 1) < 0.03, `variance ${variance(y).item()}`);
  const alphaP = -1.6732632423543772 * 1.0507009873554805;
  const a = ((1 - rate) * (1 + rate * alphaP ** 2)) ** -0.5;
  const b = -a * alphaP * rate;
  const dropValue = a * alphaP + b;
  const xs = x.dataSync();
  const ys = y.dataSync();
  let dropped = 0;
  for (let i = 0; i < ys.length; i++) {
    if (Math.abs(ys[i]! - dropValue) < 1e-6) dropped++;
    else assert.ok(Math.abs(ys[i]! - (a * xs[i]! + b)) < 1e-5, `kept value ${i}`);
  }
  assert.ok(Math.abs(dropped / ys.length - rate) < 0.01, `dropped fraction ${dropped / ys.length}`);
  // A noiseShape of [batch, 1] drops whole rows.
  const rows = new AlphaDropout({ rate: 0.5, noiseShape: [null, 1], seed: 1 }).apply(ones([6, 3]), { training: true }).arraySync() as number[][];
  for (const r of rows) assert.ok(r.every((v) => v === r[0]), 'one decision per row');
}));

test('SpatialDropout drops whole channels: 1D over the steps, 2D over the pixels (both data formats)', () => tidy(() => {
  const check = (y: Tensor, channelAxis: number): void => {
    const values = y.arraySync() as unknown;
    const flat = y.dataSync();
    const shape = y.shape;
    const strides = shape.map((_, i) => shape.slice(i + 1).reduce((p, d) => p * d, 1));
    const groups = new Map<string, Set<number>>();
    for (let i = 0; i < flat.length; i++) {
      const batch = Math.floor(i / strides[0]!);
      const channel = Math.floor(i / strides[channelAxis]!) % shape[channelAxis]!;
      const key = `${batch}/${channel}`;
      if (!groups.has(key)) groups.set(key, new Set());
      groups.get(key)!.add(flat[i]!);
    }
    assert.ok(values !== undefined);
    for (const [key, set] of groups) assert.equal(set.size, 1, `channel ${key} is kept or dropped as a whole`);
    const set = new Set(flat);
    assert.deepEqual([...set].sort(), [0, 2], 'dropped channels are 0, kept ones scaled by 1 / (1 - rate)');
  };
  check(new SpatialDropout1D({ rate: 0.5, seed: 2 }).apply(ones([4, 5, 6]), { training: true }), 2);
  check(new SpatialDropout2D({ rate: 0.5, seed: 2 }).apply(ones([4, 3, 3, 6]), { training: true }), 3);
  check(new SpatialDropout2D({ rate: 0.5, seed: 2, dataFormat: 'channelsFirst' }).apply(ones([4, 6, 3, 3]), { training: true }), 1);
}));

test('gradients of the noise layers while training, with the noise fixed by the seed, against finite differences', () => {
  // A new layer per evaluation with the same seed draws the same noise, so the function is deterministic.
  checkGrad('GaussianNoise', (x) => new GaussianNoise({ stddev: 0.3, seed: 9 }).apply(x, { training: true }), [{ shape: [3, 4] }]);
  checkGrad('GaussianDropout', (x) => new GaussianDropout({ rate: 0.3, seed: 9 }).apply(x, { training: true }), [{ shape: [3, 4] }]);
  checkGrad('AlphaDropout', (x) => new AlphaDropout({ rate: 0.3, seed: 9 }).apply(x, { training: true }), [{ shape: [3, 4] }]);
  checkGrad('SpatialDropout1D', (x) => new SpatialDropout1D({ rate: 0.4, seed: 9 }).apply(x, { training: true }), [{ shape: [2, 3, 4] }]);
  checkGrad('SpatialDropout2D', (x) => new SpatialDropout2D({ rate: 0.4, seed: 9 }).apply(x, { training: true }), [{ shape: [2, 2, 2, 3] }]);
});

test('ActivityRegularization adds l1·Σ|x| + l2·Σx² to the losses and passes its input through', () => tidy(() => {
  const reg = new ActivityRegularization({ l1: 0.1, l2: 0.01 });
  const x = tensor([[1, -2], [3, 0]]);
  assert.deepEqual(reg.apply(x).arraySync(), [[1, -2], [3, 0]]);
  assertClose([reg.losses[0]!.item()], [0.1 * 6 + 0.01 * 14], 1e-6);
  clearSession();
  const model = new Sequential({ layers: [new Dense({ units: 2, inputShape: [2], kernelInitializer: 'ones', biasInitializer: 'zeros' }), new ActivityRegularization({ l2: 0.5 })] });
  model.predict(tensor([[1, 2]]));
  model.apply(tensor([[1, 2]]));
  assertClose([model.regularizationLoss().item()], [0.5 * (9 + 9)], 1e-6);
  // Its config holds the factors, not the regularizer they make (as Keras's).
  assert.deepEqual(new ActivityRegularization({ l1: 0.2, name: 'a' }).getConfig(), { name: 'a', trainable: true, dtype: 'float32', l1: 0.2, l2: 0 });
}));

test('configs as Keras names them; no parameters; bad arguments are ValueErrors naming the layer', () => {
  const base = { trainable: true, dtype: 'float32', activityRegularizer: null };
  assert.deepEqual(new GaussianNoise({ stddev: 0.1, name: 'g' }).getConfig(), { name: 'g', ...base, seed: null, stddev: 0.1 });
  assert.deepEqual(new GaussianDropout({ rate: 0.1, seed: 3, name: 'g' }).getConfig(), { name: 'g', ...base, seed: 3, rate: 0.1 });
  assert.deepEqual(new AlphaDropout({ rate: 0.1, name: 'a' }).getConfig(), { name: 'a', ...base, seed: null, rate: 0.1, noiseShape: null });
  assert.deepEqual(new SpatialDropout1D({ rate: 0.1, name: 's' }).getConfig(), { name: 's', ...base, rate: 0.1, seed: null });
  assert.deepEqual(new SpatialDropout2D({ rate: 0.1, name: 's', dataFormat: 'channels_first' }).getConfig(), { name: 's', ...base, rate: 0.1, seed: null, dataFormat: 'channelsFirst' });
  const m = new Sequential({ layers: [new GaussianNoise({ stddev: 0.1, inputShape: [4, 3] }), new SpatialDropout1D({ rate: 0.2 }), new AlphaDropout({ rate: 0.1 })] });
  assert.equal(m.countParams(), 0);
  assert.throws(() => new GaussianNoise({ stddev: 2, name: 'g' }), (e: unknown) => e instanceof ValueError && /Layer 'g' \(GaussianNoise\): stddev must be in \[0, 1\], got 2/.test(e.message));
  assert.throws(() => new GaussianDropout({ rate: 1, name: 'g' }), (e: unknown) => e instanceof ValueError && /Layer 'g' \(GaussianDropout\): rate must be in \[0, 1\), got 1/.test(e.message));
  assert.throws(() => new ActivityRegularization({ l1: -1, name: 'a' }), (e: unknown) => e instanceof ValueError && /Layer 'a' \(ActivityRegularization\): l1 must be a non-negative number, got -1/.test(e.message));
  assert.throws(() => new SpatialDropout1D({ rate: 0.1, name: 's' }).apply(Input({ shape: [4] })), /'s' \(SpatialDropout1D\)/);
});
