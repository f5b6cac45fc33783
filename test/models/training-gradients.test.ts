/** The gradient observer hook of the training loop: what a callback sees of each step's gradients. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as s from '../../src/index.js';

function linearModel(): s.Sequential {
  const model = new s.Sequential({ layers: [new s.layers.Dense({ units: 1, inputShape: [2], name: 'lin' })] });
  model.setWeights([s.tensor([[1], [2]]), s.tensor([0])]);
  model.compile({ optimizer: new s.SGD({ learningRate: 0.1 }), loss: 'meanSquaredError' });
  return model;
}

test('observeGradients sees each step\'s raw gradients, aligned with the variables, until it is removed', async () => {
  const model = linearModel();
  const seen: { names: string[]; grads: number[][] }[] = [];
  const stop = model.observeGradients((grads, variables) => {
    seen.push({ names: variables.map((v) => v.name), grads: grads.map((g) => Array.from(g.dataSync())) });
  });
  // preds = [1·1 + 1·2, 2·1 + 0·2] = [3, 2]; MSE = (9 + 4) / 2; dL/dp = 2p / 2 = [3, 2];
  // dL/dW = xᵀ·dp = [1·3 + 2·2, 1·3 + 0·2] = [7, 3]; dL/db = 3 + 2 = 5.
  const x = s.tensor([[1, 1], [2, 0]]);
  const y = s.tensor([[0], [0]]);
  const logs = model.trainOnBatch(x, y);
  assert.equal(logs.loss, 6.5);
  assert.deepEqual(seen, [{ names: ['lin/kernel', 'lin/bias'], grads: [[7, 3], [5]] }]);

  await model.fit(x, y, { epochs: 3, batchSize: 1, verbose: 0 });
  assert.equal(seen.length, 1 + 6, 'one call per step: 3 epochs × 2 batches');
  stop();
  model.trainOnBatch(x, y);
  assert.equal(seen.length, 7, 'no call after the observer is removed');
});

test('observed gradients are released after the step: no tensor is left behind', async () => {
  const model = linearModel();
  const x = s.tensor([[1, 1], [2, 0]]);
  const y = s.tensor([[0], [0]]);
  model.trainOnBatch(x, y);
  const before = s.memory().numTensors;
  const stop = model.observeGradients((grads) => void grads.map((g) => s.sum(s.square(g)).item()));
  model.trainOnBatch(x, y);
  stop();
  assert.equal(s.memory().numTensors, before);
});
