/** compile / fit / evaluate / predict on real data, callbacks in real training, save and load, and the errors users meet most. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as s from '../../src/node/index.js';
import { loadFashionMnist } from '../helpers/fashion-mnist.js';
import { FASHION_MNIST, missing } from '../helpers/system-packages.js';

const { Dense, Dropout, Flatten } = s.layers;

function fashion(split: 'train' | 't10k', start: number, count: number): { x: s.Tensor; y: s.Tensor } {
  const { images, labels } = loadFashionMnist(split, start, count);
  return { x: s.tensor(images, [count, 28, 28]), y: s.tensor(labels, [count], 'int32') };
}

function mlp(dropout = 0): s.Sequential {
  return new s.Sequential({
    layers: [
      new Flatten({ inputShape: [28, 28] }),
      new Dense({ units: 100, activation: 'relu' }),
      ...(dropout > 0 ? [new Dropout({ rate: dropout })] : []),
      new Dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'strata-model-'));

test('an MLP trained on 3,000 Fashion-MNIST images reaches 78% accuracy on 1,000 held-out test images', { skip: missing(FASHION_MNIST) }, async () => {
  s.setSeed(1);
  const train = fashion('train', 0, 3000);
  const testSet = fashion('t10k', 0, 1000);
  const model = mlp();
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const history = await model.fit(train.x, train.y, { epochs: 3, batchSize: 32, validationSplit: 0.2, verbose: 0 });
  assert.deepEqual(Object.keys(history.history).sort(), ['accuracy', 'loss', 'val_accuracy', 'val_loss']);
  assert.equal(history.history.loss!.length, 3);
  assert.ok(history.history.loss![2]! < history.history.loss![0]!, `loss fell: ${history.history.loss}`);
  const [loss, accuracy] = await model.evaluate(testSet.x, testSet.y);
  assert.ok(accuracy! >= 0.78, `test accuracy ${accuracy}`);
  assert.ok(loss! < 0.7, `test loss ${loss}`);
  const probs = model.predict(testSet.x) as s.Tensor;
  assert.deepEqual(probs.shape, [1000, 10]);
  const predicted = s.argmax(probs).dataSync();
  const labels = testSet.y.dataSync();
  const agree = predicted.filter((p, i) => p === labels[i]).length / 1000;
  assert.ok(Math.abs(agree - accuracy!) < 1e-6, 'predict agrees with evaluate');
});

test('memory after epoch 1 equals memory after epoch 10, with no dispose in user code', { skip: missing(FASHION_MNIST) }, async () => {
  s.setSeed(2);
  const { x, y } = fashion('train', 0, 256);
  const model = mlp(0.3);
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const perEpoch: s.MemoryInfo[] = [];
  await model.fit(x, y, { epochs: 10, batchSize: 32, validationSplit: 0.25, verbose: 0, callbacks: [{ onEpochEnd: () => void perEpoch.push(s.memory()) }] });
  assert.deepEqual(perEpoch[9], perEpoch[0]);
  const afterFit = s.memory();
  await model.evaluate(x, y);
  (model.predict(x) as s.Tensor).dispose();
  assert.deepEqual(s.memory(), afterFit);
});

test('EarlyStopping stops training and restores the best weights', { skip: missing(FASHION_MNIST) }, async () => {
  s.setSeed(3);
  const { x, y } = fashion('train', 0, 600);
  const model = mlp();
  // A learning rate this large makes the validation loss bounce, so patience runs out.
  model.compile({ optimizer: new s.SGD({ learningRate: 0.8 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const stop = new s.EarlyStopping({ monitor: 'val_loss', patience: 1, restoreBestWeights: true });
  const weightsAt: s.Tensor[][] = [];
  const history = await model.fit(x, y, { epochs: 30, validationSplit: 0.3, verbose: 0, callbacks: [stop, { onEpochEnd: () => void weightsAt.push(model.getWeights()) }] });
  const ran = history.history.val_loss!.length;
  assert.ok(ran < 30, `stopped early after ${ran} epochs`);
  assert.equal(stop.stoppedEpoch, ran - 1);
  const best = history.history.val_loss!.indexOf(Math.min(...history.history.val_loss!));
  assert.equal(stop.bestEpoch, best);
  const restored = model.getWeights();
  restored.forEach((w, i) => assert.deepEqual(w.dataSync(), weightsAt[best]![i]!.dataSync()));
});

test('ModelCheckpoint with saveBestOnly keeps the best epoch; save/load gives identical predictions and resumed training continues', { skip: missing(FASHION_MNIST) }, async () => {
  s.setSeed(4);
  const dir = tmp();
  const { x, y } = fashion('train', 0, 600);
  const valSet = fashion('train', 50000, 200);
  const model = mlp();
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const ckpt = new s.ModelCheckpoint({ filepath: join(dir, 'best.strata'), monitor: 'val_accuracy', saveBestOnly: true });
  const history = await model.fit(x, y, { epochs: 4, validationData: [valSet.x, valSet.y], verbose: 0, callbacks: [ckpt] });
  const valAcc = history.history.val_accuracy!;
  const bestEpoch = valAcc.indexOf(Math.max(...valAcc));
  const best = await s.loadModel(join(dir, 'best.strata'));
  const [, bestAcc] = await best.evaluate(valSet.x, valSet.y);
  assert.equal(bestAcc, valAcc[bestEpoch], 'the file holds the best epoch');
  assert.deepEqual(readdirSync(dir), ['best.strata'], 'no temporary files are left');

  const path = join(dir, 'final.strata');
  await model.save(path);
  const loaded = await s.loadModel(path);
  assert.equal(loaded.name, model.name);
  assert.deepEqual((loaded.predict(valSet.x) as s.Tensor).dataSync(), (model.predict(valSet.x) as s.Tensor).dataSync());
  assert.equal(loaded.optimizer!.iterations, model.optimizer!.iterations);

  // Both continue identically from the same state: the optimizer's moments were saved too.
  s.setSeed(9);
  const a = await model.fit(x, y, { epochs: 2, verbose: 0, shuffle: false });
  s.setSeed(9);
  const b = await loaded.fit(x, y, { epochs: 2, verbose: 0, shuffle: false });
  assert.deepEqual(b.history.loss, a.history.loss);
  assert.ok(b.history.loss![1]! < history.history.loss![3]!, 'resumed training lowers the loss further');

  await model.saveWeights(join(dir, 'w.strata'));
  const fresh = mlp();
  fresh.build([null, 28, 28]);
  await fresh.loadWeights(join(dir, 'w.strata'));
  assert.deepEqual((fresh.predict(valSet.x) as s.Tensor).dataSync(), (model.predict(valSet.x) as s.Tensor).dataSync());
});

test('a crash mid-save leaves the previous file; truncated and foreign files give clear errors', async () => {
  const dir = tmp();
  const path = join(dir, 'm.strata');
  const model = mlp();
  model.build([null, 28, 28]);
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
  await model.save(path);
  const good = readFileSync(path);
  writeFileSync(join(dir, 'cut.strata'), good.subarray(0, good.length - 100));
  await assert.rejects(s.loadModel(join(dir, 'cut.strata')), (e: unknown) => e instanceof s.ValueError && /cut\.strata: cannot load: .*needs bytes .* \(the file is truncated or corrupt\)/.test(e.message));
  writeFileSync(join(dir, 'text.strata'), 'hello, this is not a model at all');
  await assert.rejects(s.loadModel(join(dir, 'text.strata')), /text\.strata: not a model file Strata can read \(it starts with bytes 68 65 6c 6c 6f.*Strata reads: Strata model file/);
  await assert.rejects(s.loadModel(join(dir, 'missing.strata')), /cannot load '.*missing\.strata': no such file/);
  await assert.rejects(model.save(join(dir, 'no-such-dir', 'm.strata')), /cannot save to/);
  assert.deepEqual(readFileSync(path), good);
  assert.equal(existsSync(join(dir, 'no-such-dir')), false);
});

test('fit streams batches from an iterable, with stepsPerEpoch and validation from an iterable', { skip: missing(FASHION_MNIST) }, async () => {
  s.setSeed(5);
  const { images, labels } = loadFashionMnist('train', 0, 640);
  function* batches(): Generator<[s.Tensor, s.Tensor]> {
    for (let i = 0; i < 640; i += 64) {
      yield [s.tensor(images.subarray(i * 784, (i + 64) * 784), [64, 28, 28]), s.tensor(labels.subarray(i, i + 64), [64], 'int32')];
    }
  }
  const model = mlp();
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const reusable = { [Symbol.iterator]: batches };
  const history = await model.fit(reusable, undefined, { epochs: 3, validationData: { [Symbol.iterator]: batches }, verbose: 0 });
  const before = s.memory().numTensors;
  await model.fit(reusable, undefined, { epochs: 1, validationData: { [Symbol.iterator]: batches }, verbose: 0 });
  assert.equal(s.memory().numTensors, before, 'batches from the source are released after use');
  assert.ok(history.history.accuracy![2]! > 0.6, `streamed training accuracy ${history.history.accuracy}`);
  assert.equal(history.history.val_loss!.length, 3);
  const once = batches();
  const h2 = await model.fit(once, undefined, { epochs: 2, stepsPerEpoch: 4, verbose: 0 });
  assert.equal(h2.history.loss!.length, 2, 'stepsPerEpoch reads 4 batches per epoch from one generator');
  await assert.rejects(model.fit(batches(), undefined, { epochs: 2, verbose: 0 }), /the data source yielded no batch in epoch 2\. A generator can be read only once/);
});

test('verbose 2 prints one line per epoch, Keras style', { skip: missing(FASHION_MNIST) }, async () => {
  const { x, y } = fashion('train', 0, 64);
  const model = mlp();
  model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const lines: string[] = [];
  const display: s.ProgressDisplay = { interactive: false, line: (t) => void lines.push(t), start() {}, update() {}, stop() {} };
  s.setDefaultProgressDisplay(() => display);
  try {
    await model.fit(x, y, { epochs: 2, batchSize: 16, verbose: 2 });
  } finally {
    s.setDefaultProgressDisplay(() => new s.TerminalDisplay());
  }
  assert.equal(lines.length, 4);
  assert.equal(lines[0], 'Epoch 1/2');
  assert.match(lines[1]!, /^4\/4 - \d+s - \d+(us|ms)\/step - accuracy: \d\.\d{4} - loss: \d\.\d{4}$/);
});

test('errors name the shapes and suggest the fix', { skip: missing(FASHION_MNIST) }, async () => {
  const { x, y } = fashion('train', 0, 64);
  const noFlatten = new s.Sequential({ layers: [new Dense({ units: 10, activation: 'softmax', inputShape: [28, 28] })] });
  await assert.rejects(noFlatten.fit(x, y, { verbose: 0 }), /fit: the model must be compiled first; call model\.compile\(/);
  noFlatten.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
  await assert.rejects(noFlatten.fit(x, y, { verbose: 0 }), (e: unknown) => e instanceof s.StrataError && /\[32,28,10\]/.test(e.message) && /\[32\]/.test(e.message) && /Flatten/.test(e.message));

  const model = mlp();
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
  await assert.rejects(model.fit(x, s.slice(y, 0, 60), { verbose: 0 }), (e: unknown) => e instanceof s.ValueError && /x and y must have the same number of samples \(first dimension\), but x is \[64,28,28\] and y is \[60\]/.test(e.message));
  const badLabels = s.add(y, 5);
  await assert.rejects(model.fit(x, badLabels, { verbose: 0 }), (e: unknown) => e instanceof s.ValueError && /1[0-4]/.test(e.message) && /10 classes|\[0, 9\]|0\.\.9/.test(e.message));
  const withNaN = s.where(s.equal(s.reshape(s.range(0, 64 * 784), [64, 28, 28]), 5000), NaN, x);
  await assert.rejects(model.fit(withNaN, y, { verbose: 0 }), /fit: x contains NaN at sample 6 \(flat index 5000\)/);
});

test('classWeight scales each sample loss by its class weight; initialEpoch resumes the epoch count', async () => {
  s.setSeed(6);
  const x = s.randomNormal([8, 3]);
  const y = s.tensor([0, 1, 0, 1, 0, 1, 0, 1], [8], 'int32');
  const build = (): s.Sequential => {
    s.setSeed(7);
    const m = new s.Sequential({ layers: [new Dense({ units: 2, activation: 'softmax', inputShape: [3] })] });
    m.compile({ optimizer: new s.SGD({ learningRate: 0 }), loss: 'sparseCategoricalCrossentropy' });
    return m;
  };
  const plain = await build().fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
  const onlyOnes = await build().fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, classWeight: { 0: 0, 1: 2 } });
  const perSample = Array.from(s.losses.sparseCategoricalCrossentropy(y, build().predict(x) as s.Tensor).dataSync());
  const ones = [1, 3, 5, 7].reduce((acc, i) => acc + perSample[i]!, 0);
  assert.ok(Math.abs(plain.history.loss![0]! - perSample.reduce((p, q) => p + q, 0) / 8) < 1e-6);
  assert.ok(Math.abs(onlyOnes.history.loss![0]! - (2 * ones) / 8) < 1e-6, `weighted loss ${onlyOnes.history.loss} vs ${(2 * ones) / 8}`);
  const resumed = await build().fit(x, y, { epochs: 5, initialEpoch: 3, verbose: 0 });
  assert.deepEqual(resumed.epoch, [3, 4]);
});

test('a functional model with two outputs trains on the weighted sum of its losses and logs per-output metrics', async () => {
  s.setSeed(8);
  const input = s.Input({ shape: [4] });
  const hidden = new Dense({ units: 8, activation: 'relu' }).apply(input);
  const cls = new Dense({ units: 3, activation: 'softmax', name: 'cls' }).apply(hidden);
  const reg = new Dense({ units: 1, name: 'reg' }).apply(hidden);
  const model = new s.Model({ inputs: input, outputs: [cls, reg] });
  model.compile({ optimizer: new s.Adam({ learningRate: 0.02 }), loss: ['sparseCategoricalCrossentropy', 'mse'], lossWeights: [1, 0.5], metrics: [['accuracy'], ['mae']] });
  const x = s.randomNormal([64, 4]);
  const yCls = s.cast(s.argmax(x, -1), 'int32');
  const yCls3 = s.where(s.greater(yCls, 2), 2, yCls);
  const yReg = s.sum(x, -1, true);
  const h = await model.fit(x, [yCls3, yReg], { epochs: 30, batchSize: 16, verbose: 0 });
  assert.deepEqual(Object.keys(h.history).sort(), ['cls_accuracy', 'loss', 'reg_mae']);
  assert.ok(h.history.loss![29]! < h.history.loss![0]! / 2, `loss ${h.history.loss![0]} -> ${h.history.loss![29]}`);
  const [total, accuracy, mae] = await model.evaluate(x, [yCls3, yReg]);
  const [probs, values] = model.predict(x) as s.Tensor[];
  const expected = s.add(s.losses.sparseCategoricalCrossentropy(yCls3, probs!), s.mul(s.losses.meanSquaredError(yReg, values!), 0.5));
  assert.ok(Math.abs(total! - s.mean(expected).item()) < 1e-5, 'total = loss1 + 0.5 loss2');
  assert.ok(accuracy! > 0.6 && mae! < 1, `accuracy ${accuracy}, mae ${mae}`);
});
