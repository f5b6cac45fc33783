/** RepeatVector and Permute: values, the layer harness, gradients, configs, parameter counts and summary rows, bad arguments. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Input, Sequential, ValueError, layers, tensor, tidy } from '../../src/index.js';
import { checkGrad } from '../helpers/grad-check.js';
import { runLayerTest } from '../helpers/layer-test.js';

const { RepeatVector, Permute, Dense, Flatten, clearSession } = layers;

test('runLayerTest: RepeatVector and Permute', () => {
  runLayerTest('RepeatVector', { make: () => new RepeatVector({ n: 3 }), inputShape: [2, 4], expectedOutputShape: [2, 3, 4] });
  runLayerTest('Permute', { make: () => new Permute({ dims: [2, 1] }), inputShape: [2, 3, 4], expectedOutputShape: [2, 4, 3] });
  runLayerTest('Permute rank 4', { make: () => new Permute({ dims: [3, 1, 2] }), inputShape: [2, 3, 4, 5], expectedOutputShape: [2, 5, 3, 4] });
});

test('RepeatVector repeats each sample; Permute moves its axes', () => tidy(() => {
  assert.deepEqual(new RepeatVector({ n: 2 }).apply(tensor([[1, 2], [3, 4]])).arraySync(), [[[1, 2], [1, 2]], [[3, 4], [3, 4]]]);
  assert.deepEqual(new Permute({ dims: [2, 1] }).apply(tensor([[[1, 2, 3], [4, 5, 6]]])).arraySync(), [[[1, 4], [2, 5], [3, 6]]]);
  // [batch, 1, 2, 3] with dims [3, 1, 2]: out[b, k, i, j] = x[b, i, j, k].
  const x = tensor([1, 2, 3, 4, 5, 6], [1, 1, 2, 3]);
  assert.deepEqual(new Permute({ dims: [3, 1, 2] }).apply(x).arraySync(), [[[[1, 4]], [[2, 5]], [[3, 6]]]]);
}));

test('gradients of RepeatVector (a sum over the copies) and Permute against finite differences', () => {
  checkGrad('RepeatVector', (x) => new RepeatVector({ n: 3 }).apply(x), [{ shape: [2, 4] }]);
  checkGrad('Permute', (x) => new Permute({ dims: [3, 1, 2] }).apply(x), [{ shape: [2, 3, 2, 4] }]);
});

test('no parameters; summary rows as Keras prints them', () => {
  clearSession();
  const model = new Sequential({ layers: [new Dense({ units: 4, inputShape: [3] }), new RepeatVector({ n: 5 }), new Permute({ dims: [2, 1] }), new Flatten()] });
  assert.equal(model.countParams(), 3 * 4 + 4);
  const lines: string[] = [];
  model.summary({ printFn: (line) => lines.push(line) });
  assert.ok(lines.includes('│ repeat_vector (RepeatVector)         │ (None, 5, 4)                │               0 │'), lines.join('\n'));
  assert.ok(lines.includes('│ permute (Permute)                    │ (None, 4, 5)                │               0 │'), lines.join('\n'));
});

test('configs as Keras names them; bad arguments and inputs are typed errors naming the layer', () => {
  assert.deepEqual(new RepeatVector({ n: 2, name: 'r' }).getConfig(), { name: 'r', trainable: true, dtype: 'float32', activityRegularizer: null, n: 2 });
  assert.deepEqual(new Permute({ dims: [2, 1], name: 'p' }).getConfig(), { name: 'p', trainable: true, dtype: 'float32', activityRegularizer: null, dims: [2, 1] });
  assert.throws(() => new RepeatVector({ n: 0, name: 'r' }), (e: unknown) => e instanceof ValueError && /Layer 'r' \(RepeatVector\): n must be a positive integer, got 0/.test(e.message));
  assert.throws(() => new Permute({ dims: [0, 1], name: 'p' }), (e: unknown) => e instanceof ValueError && /Layer 'p' \(Permute\): dims must be a permutation of 1\.\.n/.test(e.message));
  assert.throws(() => new Permute({ dims: [1, 1] }), ValueError);
  assert.throws(() => new RepeatVector({ n: 2, name: 'r' }).apply(Input({ shape: [3, 4] })), /'r' \(RepeatVector\).*rank 2|'r' \(RepeatVector\).*ndim|'r' \(RepeatVector\)/);
  assert.throws(() => new Permute({ dims: [2, 1], name: 'p' }).apply(Input({ shape: [3] })), /'p' \(Permute\)/);
});
