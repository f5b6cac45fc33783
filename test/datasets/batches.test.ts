/** batches: every sample once per pass, seeded orders that change per epoch, the last partial batch, per-batch mapping, and fit on it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as s from '../../src/index.js';

const { batches } = s.datasets;

const x = (): s.Tensor => s.tensor(Float32Array.from({ length: 10 }, (_, i) => i), [10, 1]);
const y = (): s.Tensor => s.tensor(Int32Array.from({ length: 10 }, (_, i) => i % 2), [10], 'int32');

function pass(source: Iterable<[s.Tensor, s.Tensor]>): number[][] {
  const out: number[][] = [];
  for (const [xb, yb] of source) {
    const rows = [...xb.dataSync()];
    assert.deepEqual([...yb.dataSync()], rows.map((r) => r % 2), 'x and y rows stay paired');
    out.push(rows);
    s.dispose([xb, yb]);
  }
  return out;
}

test('each pass serves every sample once, in batches of batchSize with a smaller last one', () => {
  const epoch = pass(batches(x(), y(), { batchSize: 4, shuffle: false }));
  assert.deepEqual(epoch, [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  assert.deepEqual(pass(batches(x(), y(), { batchSize: 4, shuffle: false, dropRemainder: true })), [[0, 1, 2, 3], [4, 5, 6, 7]]);
});

test('shuffled passes differ from epoch to epoch and repeat with the seed', () => {
  const a = batches(x(), y(), { batchSize: 3, seed: 11 });
  const b = batches(x(), y(), { batchSize: 3, seed: 11 });
  const a1 = pass(a);
  const a2 = pass(a);
  assert.notDeepEqual(a1, a2, 'a new order each epoch');
  assert.deepEqual(a1.flat().sort((p, q) => p - q), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual([pass(b), pass(b)], [a1, a2], 'the same sequence of orders for the same seed');
});

test('map transforms each batch (uint8 images scaled batch by batch) and nothing leaks', () => {
  const images = s.tensor(new Uint8Array([0, 51, 102, 255]), [4, 1]);
  const labels = s.tensor(new Uint8Array([0, 1, 2, 3]));
  const before = s.memory().numTensors;
  const served: number[] = [];
  for (const [xb, yb] of batches(images, labels, { batchSize: 2, shuffle: false, map: (xi, yi) => [s.datasets.scaleImages(xi), yi] })) {
    assert.equal(xb.dtype, 'float32');
    served.push(...xb.dataSync());
    s.dispose([xb, yb]);
  }
  assert.deepEqual(served, [0, 0.2, 0.4, 1].map(Math.fround));
  assert.equal(s.memory().numTensors, before);
});

test('fit trains from batches, and rejects a bad batch size', async () => {
  s.setSeed(3);
  const xs = s.tensor(Float32Array.from({ length: 64 }, (_, i) => (i % 2 ? 1 : -1) * (1 + (i % 5))), [64, 1]);
  const ys = s.tensor(Int32Array.from({ length: 64 }, (_, i) => i % 2), [64], 'int32');
  const model = new s.Sequential({ layers: [new s.layers.Dense({ units: 2, activation: 'softmax', inputShape: [1] })] });
  model.compile({ optimizer: new s.SGD({ learningRate: 0.5 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const history = await model.fit(batches(xs, ys, { batchSize: 16, seed: 1 }), undefined, { epochs: 10, verbose: 0 });
  assert.equal(history.history.accuracy![9], 1, 'the sign of x decides the class, and is learned');
  assert.throws(() => batches(xs, ys, { batchSize: 0 }), /batchSize must be a positive integer, got 0/);
  assert.throws(() => batches(xs, s.slice(ys, 0, 3)), /same number of samples/);
});
