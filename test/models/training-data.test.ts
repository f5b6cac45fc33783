/** How fit, evaluate and predict hold the data: uint8 images scaled in the model, validationSplit as a range of rows, predict one batch at a time. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as s from '../../src/node/index.js';
import { FASHION_MNIST_DIR } from '../helpers/fashion-mnist.js';
import { FASHION_MNIST, missing } from '../helpers/system-packages.js';

const { Dense, Rescaling } = s.layers;

/** Rows [0, count) of the Fashion-MNIST training images as uint8 [count, 784] and labels as uint8 [count]. */
function pixels(count: number): { x: s.Tensor; y: s.Tensor } {
  const images = s.datasets.readIdxFile(`${FASHION_MNIST_DIR}/train-images-idx3-ubyte.gz`).data.subarray(0, count * 784);
  const labels = s.datasets.readIdxFile(`${FASHION_MNIST_DIR}/train-labels-idx1-ubyte.gz`).data.subarray(0, count);
  return { x: s.tensor(images, [count, 784], 'uint8'), y: s.tensor(labels, [count], 'uint8') };
}

function scaledMlp(): s.Sequential {
  s.setSeed(11);
  const model = new s.Sequential({
    layers: [new Rescaling({ scale: 1 / 255, inputShape: [784] }), new Dense({ units: 16, activation: 'relu' }), new Dense({ units: 10, activation: 'softmax' })],
  });
  model.compile({ optimizer: new s.Adam({ learningRate: 0.01 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

test('fit on uint8 images (gathered as bytes, scaled by Rescaling) equals fit on the same pixels as float32, validation included', { skip: missing(FASHION_MNIST) }, async () => {
  const { x, y } = pixels(320);
  const { x: xv, y: yv } = { x: s.slice(x, [256], [64]), y: s.slice(y, [256], [64]) };
  const xf = s.cast(x, 'float32');
  const fit = async (images: s.Tensor, valImages: s.Tensor): Promise<[s.Sequential, s.History]> => {
    const model = scaledMlp();
    s.setSeed(12);
    return [model, await model.fit(images, y, { epochs: 3, batchSize: 16, validationData: [valImages, yv], verbose: 0 })];
  };
  const [model, bytes] = await fit(x, xv);
  const [, floats] = await fit(xf, s.cast(xv, 'float32'));
  assert.deepEqual(bytes.history, floats.history);
  assert.equal(bytes.history.val_loss!.length, 3);
  // The last validation is the trained model's loss on the uint8 validation images (batches of 16 there, 64 here).
  const [valLoss] = await model.evaluate(xv, yv, { batchSize: 64 });
  assert.ok(Math.abs(valLoss! - bytes.history.val_loss![2]!) < 1e-6, `${valLoss} vs ${bytes.history.val_loss![2]}`);
  assert.ok(bytes.history.loss![2]! < bytes.history.loss![0]!);
});

test('validationSplit trains and validates on ranges of rows of x: the same history as explicit slices, and no copy of x', { skip: missing(FASHION_MNIST) }, async () => {
  const { x, y } = pixels(400);
  const model = scaledMlp();
  const held: number[] = [];
  const before = s.memory().numBytes;
  s.setSeed(13);
  const split = await model.fit(x, y, { epochs: 2, batchSize: 50, validationSplit: 0.25, verbose: 0, callbacks: [{ onEpochBegin: () => void held.push(s.memory().numBytes - before) }] });
  // The model's weights and Adam's two moments (12,730 parameters × 3 × 4 bytes) and the epoch's scalars: far less than x's 313,600 bytes.
  for (const bytes of held) assert.ok(bytes < 200_000, `fit holds ${bytes} bytes beyond the data`);

  const explicit = scaledMlp();
  s.setSeed(13);
  const sliced = await explicit.fit(s.slice(x, [0], [300]), s.slice(y, [0], [300]), { epochs: 2, batchSize: 50, validationData: [s.slice(x, [300], [100]), s.slice(y, [300], [100])], verbose: 0 });
  assert.deepEqual(split.history, sliced.history);
});

test('validationSplit with classWeight weighs only the training rows', async () => {
  const x = s.tensor([[0.5, 1], [1, 0], [0, 1], [1, 1], [0.2, 0.3], [2, 1]], [6, 2]);
  const y = s.tensor([0, 1, 1, 0, 1, 0], [6], 'int32');
  const build = (): s.Sequential => {
    s.setSeed(14);
    const m = new s.Sequential({ layers: [new Dense({ units: 2, activation: 'softmax', inputShape: [2] })] });
    m.compile({ optimizer: new s.SGD({ learningRate: 0 }), loss: 'sparseCategoricalCrossentropy' });
    return m;
  };
  const h = await build().fit(x, y, { epochs: 1, batchSize: 6, validationSplit: 0.5, classWeight: { 0: 3 }, verbose: 0, shuffle: false });
  const perSample = Array.from(s.losses.sparseCategoricalCrossentropy(y, build().predict(x) as s.Tensor).dataSync());
  // Training rows 0..2 (classes 0, 1, 1): weights 3, 1, 1; validation rows 3..5 are unweighted.
  assert.ok(Math.abs(h.history.loss![0]! - (3 * perSample[0]! + perSample[1]! + perSample[2]!) / 3) < 1e-6, `loss ${h.history.loss}`);
  assert.ok(Math.abs(h.history.val_loss![0]! - (perSample[3]! + perSample[4]! + perSample[5]!) / 3) < 1e-6, `val_loss ${h.history.val_loss}`);
  // With per-sample weights as well, each training sample weighs its sample weight times its class weight; nothing is left behind.
  const sampleWeight = s.tensor([2, 0.5, 1, 7, 7, 7]);
  const model = build();
  const before = s.memory().numTensors;
  const hw = await model.fit(x, y, { epochs: 1, batchSize: 6, validationSplit: 0.5, classWeight: { 0: 3 }, sampleWeight, verbose: 0, shuffle: false });
  assert.equal(s.memory().numTensors, before);
  assert.ok(Math.abs(hw.history.loss![0]! - (6 * perSample[0]! + 0.5 * perSample[1]! + perSample[2]!) / 3) < 1e-6, `loss ${hw.history.loss}`);
});

/** A layer that records the bytes in live tensors each time it runs. */
class MemoryProbe extends s.layers.Layer {
  static override readonly className = 'MemoryProbe';
  readonly seen: number[] = [];
  override call(inputs: s.Tensor | s.Tensor[]): s.Tensor {
    this.seen.push(s.memory().numBytes);
    return inputs as s.Tensor;
  }
}

test('predict holds one batch of x at a time: the bytes live during the last batch are those of the first, plus the outputs so far', { skip: missing(FASHION_MNIST) }, () => {
  const { x } = pixels(1000);
  const probe = new MemoryProbe({});
  const model = new s.Sequential({ layers: [new Rescaling({ scale: 1 / 255, inputShape: [784] }), probe, new Dense({ units: 10 })] });
  const out = s.tidy(() => [...(model.predict(x, { batchSize: 100 }) as s.Tensor).shape]);
  assert.deepEqual(out, [1000, 10]);
  // The last ten calls are the ten batches (building the model may call the layer once before them).
  const batches = probe.seen.slice(-10);
  // Between the first and the tenth batch only the nine earlier outputs (100 × 10 float32 each) accumulate.
  assert.equal(batches[9]! - batches[0]!, 9 * 100 * 10 * 4);
});

test('labels are checked once per fit; a bad label is still reported in its batch, by value and position', { skip: missing(FASHION_MNIST) }, async () => {
  const { x, y } = pixels(96);
  const bad = s.where(s.equal(s.range(0, 96), 70), 10, s.cast(y, 'float32'));
  const model = scaledMlp();
  await assert.rejects(model.fit(x, bad, { epochs: 1, batchSize: 32, shuffle: false, verbose: 0 }), (e: unknown) =>
    e instanceof s.ValueError && e.message.includes('label 10 (at flat position 6) is out of range for 10 classes'));
  const fractional = s.where(s.equal(s.range(0, 96), 3), 2.5, s.cast(y, 'float32'));
  await assert.rejects(model.evaluate(x, fractional, { batchSize: 32 }), /label 2\.5 \(at flat position 3\) is not an integer/);
});
