/** GroupNormalization and UnitNormalization: values computed by hand, the harness, gradients, parameter counts, summary rows, errors. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Input, Sequential, ValueError, layers, tensor, tidy } from '../../src/index.js';
import { assertClose, checkGrad, checkWeightGrads } from '../helpers/grad-check.js';
import { runLayerTest } from '../helpers/layer-test.js';

const { GroupNormalization, UnitNormalization, Conv2D, clearSession } = layers;

test('runLayerTest: GroupNormalization and UnitNormalization', () => {
  runLayerTest('GroupNormalization', { make: () => new GroupNormalization({ groups: 2 }), inputShape: [2, 3, 4], expectedOutputShape: [2, 3, 4], expectedTrainableWeights: 2 });
  runLayerTest('GroupNormalization axis 1', { make: () => new GroupNormalization({ groups: 3, axis: 1, center: false }), inputShape: [2, 6, 2, 2], expectedOutputShape: [2, 6, 2, 2], expectedTrainableWeights: 1 });
  runLayerTest('UnitNormalization', { make: () => new UnitNormalization(), inputShape: [2, 3, 4], expectedOutputShape: [2, 3, 4] });
  runLayerTest('UnitNormalization two axes', { make: () => new UnitNormalization({ axis: [1, 2] }), inputShape: [2, 3, 4], expectedOutputShape: [2, 3, 4] });
});

/** The reference: each (sample, group) of channels-last x normalized over its steps and channels. */
function groupNormReference(x: number[][][], groups: number, epsilon: number): number[] {
  const out: number[] = [];
  for (const sample of x) {
    const channels = sample[0]!.length;
    const per = channels / groups;
    const stats = Array.from({ length: groups }, (_, g) => {
      const vals = sample.flatMap((step) => step.slice(g * per, (g + 1) * per));
      const m = vals.reduce((a, b) => a + b, 0) / vals.length;
      const v = vals.reduce((a, b) => a + (b - m) ** 2, 0) / vals.length;
      return { m, v };
    });
    for (const step of sample) step.forEach((value, c) => {
      const { m, v } = stats[Math.floor(c / per)]!;
      out.push((value - m) / Math.sqrt(v + epsilon));
    });
  }
  return out;
}

test('GroupNormalization normalizes each group of channels within each sample; 1 group is layer norm over all axes', () => tidy(() => {
  const values = [[[1, 2, 3, 4], [5, 0, -1, 2], [3, 3, 8, -4]], [[0, 1, 0, 1], [2, 2, 7, 1], [-3, 5, 2, 2]]];
  const x = tensor(values);
  assertClose(new GroupNormalization({ groups: 2 }).apply(x).dataSync(), groupNormReference(values, 2, 1e-3), 1e-5, 'two groups');
  assertClose(new GroupNormalization({ groups: 1, epsilon: 0.1 }).apply(x).dataSync(), groupNormReference(values, 1, 0.1), 1e-5, 'one group');
  assertClose(new GroupNormalization({ groups: 4 }).apply(x).dataSync(), groupNormReference(values, 4, 1e-3), 1e-5, 'instance normalization');
  // gamma and beta per channel.
  const gn = new GroupNormalization({ groups: 2, gammaInitializer: { className: 'Constant', config: { value: 2 } }, betaInitializer: 'ones' });
  assertClose(gn.apply(x).dataSync(), groupNormReference(values, 2, 1e-3).map((v) => 2 * v + 1), 1e-5, 'scaled and shifted');
}));

test('UnitNormalization divides by the L2 norm; a zero vector stays zero', () => tidy(() => {
  assertClose(new UnitNormalization().apply(tensor([[3, 4], [0, 0]])).dataSync(), [0.6, 0.8, 0, 0], 1e-6);
  assertClose(new UnitNormalization({ axis: 0 }).apply(tensor([[3, 1], [4, 0]])).dataSync(), [0.6, 1, 0.8, 0], 1e-6);
  assertClose(new UnitNormalization({ axis: [1, 2] }).apply(tensor([[[1, 1], [1, 1]]])).dataSync(), [0.5, 0.5, 0.5, 0.5], 1e-6);
}));

test('gradients of GroupNormalization (input and weights) and UnitNormalization against finite differences', () => {
  const x = tensor(Float64Array.from({ length: 24 }, (_, i) => Math.sin(1.7 * i)), [2, 3, 4], 'float64');
  const gn = new GroupNormalization({ groups: 2, dtype: 'float64', gammaInitializer: { className: 'RandomNormal', config: { seed: 5 } }, betaInitializer: { className: 'RandomNormal', config: { seed: 6 } } });
  gn.apply(x).dispose();
  checkGrad('GroupNormalization', (t) => gn.apply(t), [{ shape: [2, 3, 4] }]);
  checkWeightGrads('GroupNormalization', gn, x);
  checkGrad('UnitNormalization', (t) => new UnitNormalization().apply(t), [{ shape: [2, 3, 4] }]);
  checkGrad('UnitNormalization two axes', (t) => new UnitNormalization({ axis: [1, 2] }).apply(t), [{ shape: [2, 3, 4] }]);
  x.dispose();
});

test('GroupNormalization has 2 · channels parameters (Keras: gamma then beta); summary rows', () => {
  clearSession();
  const model = new Sequential({ layers: [new Conv2D({ filters: 32, kernelSize: 3, inputShape: [8, 8, 3] }), new GroupNormalization({ groups: 8 }), new UnitNormalization()] });
  const gn = model.layers[1]!;
  assert.equal(gn.countParams(), 2 * 32);
  assert.deepEqual(gn.weights.map((w) => w.name), [`${gn.name}/gamma`, `${gn.name}/beta`]);
  const lines: string[] = [];
  model.summary({ printFn: (line) => lines.push(line) });
  assert.ok(lines.includes('│ group_normalization                  │ (None, 6, 6, 32)            │              64 │'), lines.join('\n'));
  // Keras wraps a long "name (Class)" onto a second row.
  const at = lines.indexOf('│ unit_normalization                   │ (None, 6, 6, 32)            │               0 │');
  assert.ok(at > 0 && lines[at + 1] === '│ (UnitNormalization)                  │                             │                 │', lines.join('\n'));
  assert.equal(model.countParams(), 3 * 3 * 3 * 32 + 32 + 64);
});

test('configs as Keras names them; errors name the layer', () => {
  assert.deepEqual(new GroupNormalization({ name: 'g' }).getConfig(), {
    name: 'g', trainable: true, dtype: 'float32', activityRegularizer: null, epsilon: 1e-3, center: true, scale: true,
    betaInitializer: { className: 'Zeros', config: {} }, gammaInitializer: { className: 'Ones', config: {} }, betaRegularizer: null, gammaRegularizer: null, groups: 32, axis: -1,
  });
  assert.deepEqual(new UnitNormalization({ name: 'u', axis: [1, 2] }).getConfig(), { name: 'u', trainable: true, dtype: 'float32', activityRegularizer: null, axis: [1, 2] });
  assert.throws(() => new GroupNormalization({ groups: 3, name: 'g' }).apply(Input({ shape: [4] })), (e: unknown) => e instanceof ValueError && /Layer 'g' \(GroupNormalization\): the 4 channels .* cannot be split into 3 groups; .*try 1, 2, 4/.test(e.message));
  assert.throws(() => new GroupNormalization({ groups: 0, name: 'g' }), /Layer 'g' \(GroupNormalization\): groups must be a positive integer, got 0/);
  assert.throws(() => new UnitNormalization({ axis: 1.5 as number, name: 'u' }), (e: unknown) => e instanceof ValueError && /Layer 'u' \(UnitNormalization\): axis must be an integer/.test(e.message));
});
