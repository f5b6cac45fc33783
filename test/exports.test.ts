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

test('datasets: the browser entry has the in-memory helpers, the Node entry adds the loaders', async () => {
  const browser = await import('../src/index.js');
  const node = await import('../src/node/index.js');
  for (const name of ['trainTestSplit', 'toCategorical', 'scaleImages', 'batches', 'parseIdx']) {
    assert.equal(typeof (browser.datasets as Record<string, unknown>)[name], 'function', `browser datasets.${name}`);
    assert.equal(typeof (node.datasets as Record<string, unknown>)[name], 'function', `node datasets.${name}`);
  }
  assert.equal('fashionMnist' in browser.datasets, false);
  assert.ok(node.datasets.fashionMnist instanceof node.datasets.ImageDataset);
  assert.ok(node.datasets.mnist instanceof node.datasets.ImageDataset);
});
