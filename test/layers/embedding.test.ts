import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DTypeError, Input, Model, ValueError, layers, sum, tensor, tidy, variableGrads, type Tensor } from '../../src/index.js';
import { assertClose } from '../helpers/grad-check.js';
import { runLayerTest } from '../helpers/layer-test.js';

const { Embedding, LSTM } = layers;

test('runLayerTest: Embedding on int32 ids, and on ids of rank 3', () => {
  runLayerTest('Embedding', { make: () => new Embedding({ inputDim: 10, outputDim: 4 }), inputShape: [3, 5], inputDtype: 'int32', inputRange: [0, 10], expectedOutputShape: [3, 5, 4], expectedTrainableWeights: 1 });
  runLayerTest('Embedding rank 3', { make: () => new Embedding({ inputDim: 6, outputDim: 2, maskZero: true }), inputShape: [2, 3, 4], inputDtype: 'int32', inputRange: [0, 6], expectedOutputShape: [2, 3, 4, 2], expectedTrainableWeights: 1 });
});

test('Embedding looks up rows; float ids holding whole numbers work; the gradient adds up per id; maskZero gives the mask', () => tidy(() => {
  const emb = new Embedding({ inputDim: 4, outputDim: 2 });
  const ids = tensor([[1, 3, 1]], [1, 3], 'int32');
  emb.apply(ids);
  emb.setWeights([tensor([[0, 0], [1, 2], [3, 4], [5, 6]])]);
  assert.deepEqual(emb.apply(ids).arraySync(), [[[1, 2], [5, 6], [1, 2]]]);
  assert.deepEqual(emb.apply(tensor([[1, 3, 1]])).arraySync(), [[[1, 2], [5, 6], [1, 2]]]);
  const { grads } = variableGrads(() => sum(emb.apply(ids)), emb.trainableWeights);
  assert.deepEqual(grads[0]!.arraySync(), [[0, 0], [2, 2], [0, 0], [1, 1]]);
  assert.equal(emb.computeMask(ids, null), null);
  assert.equal(emb.countParams(), 8);
  const masking = new Embedding({ inputDim: 4, outputDim: 2, maskZero: true });
  const mask = masking.computeMask(tensor([[2, 1, 0, 0]], [1, 4], 'int32'), null) as ReturnType<typeof tensor>;
  assert.deepEqual(mask.arraySync(), [[true, true, false, false]]);
}));

test('Embedding errors: fractional ids (normalized data by mistake) and ids out of range, with the fix', () => {
  const emb = new Embedding({ inputDim: 10, outputDim: 3, name: 'chars' });
  tidy(() => {
    assert.throws(() => emb.apply(tensor([[0.2, 0.5]])),
      (e: unknown) => e instanceof DTypeError && /Layer 'chars' \(Embedding\) expects integer ids, but its float32 input of shape \[1,2\] holds 0\.2/.test(e.message) && /not normalized or one-hot data/.test(e.message));
    assert.throws(() => emb.apply(tensor([[3, 10]], [1, 2], 'int32')),
      (e: unknown) => e instanceof ValueError && /id 10 \(flat index 1 of input shape \[1,2\]\) is out of range for inputDim 10; ids must be in \[0, 9\]/.test(e.message) && /vocabulary size \+ 1 = 11/.test(e.message));
    assert.throws(() => emb.apply(tensor([[-1]], [1, 1], 'int32')), /id -1 .* is out of range for inputDim 10/);
  });
  assert.throws(() => new Embedding({ inputDim: 0, outputDim: 3 }), /inputDim must be a positive integer, got 0/);
  emb.dispose();
});

test('a mask flows through layers that keep the steps (Dense, Dropout) and stops at those that do not', () => tidy(() => {
  const ids = Input({ shape: [null], dtype: 'int32' });
  const e = new Embedding({ inputDim: 5, outputDim: 3, maskZero: true }).apply(ids);
  const d = new layers.Dropout({ rate: 0.5 }).apply(new layers.Dense({ units: 3 }).apply(e));
  const model = new Model({ inputs: ids, outputs: new LSTM({ units: 2 }).apply(d) });
  const padded = (model.predict(tensor([[1, 2, 0, 0], [1, 2, 3, 4]], [2, 4], 'int32')) as Tensor).dataSync();
  const short = (model.predict(tensor([[1, 2]], [1, 2], 'int32')) as Tensor).dataSync();
  assertClose(padded.slice(0, 2), short, 1e-6, 'the mask reached the LSTM through Dense and Dropout');
  // Layers that keep the steps pass the mask on; Flatten and the global poolings end it.
  const x = tensor(new Float32Array(2 * 4 * 3), [2, 4, 3]);
  const mask = tensor([true, true, false, false, true, true, true, true], [2, 4], 'bool');
  for (const layer of [new layers.Dense({ units: 2 }), new layers.Dropout({ rate: 0.1 }), new layers.LayerNormalization(), new layers.TimeDistributed({ layer: new layers.Dense({ units: 2 }) })]) {
    assert.equal(layer.computeMask(x, mask), mask, `${layer.name} passes the mask on`);
  }
  for (const layer of [new layers.Flatten(), new layers.GlobalAveragePooling1D(), new LSTM({ units: 2 })]) assert.equal(layer.computeMask(x, mask), null, `${layer.name} ends the mask`);
  assert.equal(new LSTM({ units: 2, returnSequences: true }).computeMask(x, mask), mask);
}));
