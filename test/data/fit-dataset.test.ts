/** fit, evaluate and predict take a Dataset directly: the same numbers as from arrays, validation and steps from datasets, and no tensor left behind. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as s from '../../src/index.js';

const { data } = s;
const { Dense } = s.layers;

function model(): s.Sequential {
  s.setSeed(5);
  const m = new s.Sequential({ layers: [new Dense({ units: 4, activation: 'tanh', inputShape: [3] }), new Dense({ units: 1 })] });
  m.compile({ optimizer: new s.SGD({ learningRate: 0.1 }), loss: 'meanSquaredError' });
  return m;
}

function xy(): { x: s.Tensor; y: s.Tensor } {
  s.setSeed(6);
  const x = s.randomNormal([24, 3]);
  const y = s.tidy(() => s.sum(s.mul(x, s.tensor([0.5, -1, 2])), -1, true));
  return { x, y };
}

test('fit on a dataset of [x, y] batches trains as fit on the arrays (in order), with validation from a dataset', async () => {
  const { x, y } = xy();
  const fromArrays = model();
  const expected = await fromArrays.fit(x, y, { epochs: 3, batchSize: 8, shuffle: false, validationData: [x, y], verbose: 0 });
  const fromData = model();
  const before = s.memory().numTensors;
  const history = await fromData.fit(data.array([x, y]).batch(8), undefined, { epochs: 3, validationData: data.array({ x, y }).batch(8), verbose: 0 });
  assert.equal(s.memory().numTensors, before);
  for (const key of ['loss', 'val_loss']) {
    history.history[key]!.forEach((v, i) => assert.ok(Math.abs(v - expected.history[key]![i]!) < 1e-6, `${key}[${i}]: ${v} vs ${expected.history[key]![i]}`));
  }
  const [loss] = await fromData.evaluate(data.array({ xs: x, ys: y }).batch(5));
  const [arrayLoss] = await fromData.evaluate(x, y, { batchSize: 5 });
  assert.ok(Math.abs(loss! - arrayLoss!) < 1e-6, `${loss} vs ${arrayLoss}`);
  const predicted = (await fromData.predict(data.array(x).batch(7))) as s.Tensor;
  const direct = fromData.predict(x) as s.Tensor;
  assert.deepEqual(predicted.shape, [24, 1]);
  assert.ok(s.tidy(() => s.max(s.abs(s.sub(predicted, direct))).item()) < 1e-6);
  assert.equal(s.memory().numTensors, before + 2);
  s.dispose([x, y, predicted, direct]);
});

test('stepsPerEpoch reads a repeated, shuffled, mapped dataset across epochs; an empty one is refused with a hint', async () => {
  const { x, y } = xy();
  const m = model();
  const before = s.memory().numTensors;
  let seen = 0;
  const ds = data.array({ x, y }).map((e) => {
    seen++;
    const { x: row, y: target } = e as { x: s.Tensor; y: s.Tensor };
    return { x: s.mul(row, 2), y: target };
  }).shuffle(10, { seed: 2 }).batch(4).repeat().prefetch(2);
  const history = await m.fit(ds, undefined, { epochs: 2, stepsPerEpoch: 9, verbose: 0 });
  assert.equal(history.history.loss!.length, 2);
  // 18 batches of 4 read 72 rows: three passes over the 24, and the read-ahead no further than the buffers.
  assert.ok(seen >= 72 && seen <= 72 + 10 + 2 * 4 + 4, `rows mapped: ${seen}`);
  assert.equal(s.memory().numTensors, before);
  await assert.rejects(m.fit(data.array([]), undefined, { verbose: 0 }), /yielded no batch in epoch 1/);
  await assert.rejects(m.fit(data.array([{ a: 1 }]), undefined, { verbose: 0 }), /must be \[x, y\], \[x, y, sampleWeight\], \{x, y\} or \{xs, ys\}, got an object with keys a/);
  s.dispose([x, y]);
});
