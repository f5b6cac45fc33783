import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Adam, Loss, Metric, SGD, losses, metrics, optimizers } from '../src/index.js';

test('optimizers, losses and metrics are exported as namespaces, with Keras classes and lowercase factories', () => {
  assert.ok(optimizers.adam() instanceof Adam);
  assert.ok(new optimizers.SGD() instanceof SGD);
  assert.equal(optimizers.sgd(0.1).learningRate, 0.1);
  assert.ok(losses.getLoss('mse') instanceof Loss);
  assert.ok(metrics.getMetric('accuracy', 'sparse_categorical_crossentropy') instanceof Metric);
});
