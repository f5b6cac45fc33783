/** Customising what fit does: overridden trainStep / testStep / predictStep, compile without a loss, custom metrics, and the memory the loops release. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as s from '../../src/node/index.js';

const { Dense } = s.layers;

/** Points of the square [-1, 1]², class 1 where both coordinates have the same sign (XOR: no line separates it). */
function quadrants(n: number, seed: number): { x: s.Tensor; y: s.Tensor } {
  let state = seed;
  const next = (): number => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const xs = new Float32Array(2 * n);
  const ys = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    xs[2 * i] = next();
    xs[2 * i + 1] = next();
    ys[i] = xs[2 * i]! * xs[2 * i + 1]! > 0 ? 1 : 0;
  }
  return { x: s.tensor(xs, [n, 2]), y: s.tensor(ys, [n], 'int32') };
}

/**
 * A classifier whose trainStep computes its own loss (compiled without one) and tracks its own
 * metrics: the running loss and accuracy, reset each epoch through `metrics`, and the last batch's
 * loss returned as a scalar tensor.
 */
class QuadrantNet extends s.Model {
  static override readonly className = 'QuadrantNet';
  readonly units: number;
  readonly hidden: s.layers.Dense;
  readonly out: s.layers.Dense;
  readonly lossMean = new s.metrics.Mean({ name: 'loss' });
  readonly accuracy = new s.metrics.SparseCategoricalAccuracy({ name: 'acc' });

  constructor(args: { units: number; name?: string }) {
    super({ name: args.name });
    this.units = args.units;
    this.hidden = new Dense({ units: args.units, activation: 'tanh' });
    this.out = new Dense({ units: 2, activation: 'softmax' });
  }

  override call(inputs: s.Tensor | s.Tensor[]): s.Tensor {
    return this.out.apply(this.hidden.apply(inputs as s.Tensor));
  }

  override get metrics(): s.Metric[] {
    return [this.lossMean, this.accuracy];
  }

  override trainStep({ x, y }: s.StepBatch): s.StepLogs {
    const labels = y as s.Tensor;
    const weights = this.trainableWeights;
    const { value, grads } = s.variableGrads(() => {
      const probs = this.call(x);
      this.accuracy.updateState(labels, probs);
      return s.mean(s.losses.sparseCategoricalCrossentropy(labels, probs));
    }, weights);
    this.optimizer!.applyGradients(weights.map((v, i) => [grads[i]!, v] as const));
    this.lossMean.updateState(value.item(), labels.shape[0]!);
    return { ...this.getMetricsResult(), batch_loss: value };
  }

  override getConfig(): s.ConfigDict {
    return { ...super.getConfig(), units: this.units };
  }
}
s.layers.registerLayer(QuadrantNet);

/** Lines a fit prints, by recording the progress display. */
function recordProgress(): string[] {
  const lines: string[] = [];
  s.setDefaultProgressDisplay(() => ({ interactive: false, line: (t: string) => void lines.push(t), start() {}, update() {}, stop() {} }));
  return lines;
}

test('a subclass that computes its loss in trainStep (compiled without one) learns XOR quadrants to 95%; its figures reach the logs, History and the progress bar', async () => {
  s.setSeed(3);
  const train = quadrants(512, 1);
  const held = quadrants(256, 2);
  const model = new QuadrantNet({ units: 16 });
  model.compile({ optimizer: new s.Adam({ learningRate: 0.03 }) });
  const lines = recordProgress();
  const batchKeys = new Set<string>();
  const history = await model.fit(train.x, train.y, {
    epochs: 30, batchSize: 32, verbose: 2, callbacks: [{ onBatchEnd: (_b, logs) => Object.keys(logs).forEach((k) => batchKeys.add(k)) }],
  });
  assert.deepEqual(Object.keys(history.history).sort(), ['acc', 'batch_loss', 'loss']);
  assert.deepEqual([...batchKeys].sort(), ['acc', 'batch_loss', 'loss']);
  assert.equal(lines.filter((l) => / - acc: [\d.]+ - batch_loss: [\d.e-]+ - loss: [\d.]+$/.test(l)).length, 30, lines.slice(0, 3).join('\n'));
  const probs = model.predict(held.x) as s.Tensor;
  const accuracy = s.tidy(() => s.mean(s.cast(s.equal(s.argmax(probs, -1), held.y), 'float32')).item());
  assert.ok(accuracy >= 0.95, `held-out accuracy ${accuracy}`);
  // Epoch figures are the last batch's; the running accuracy is reset each epoch, so it ends near the held-out one.
  assert.ok(history.history.acc![29]! > 0.9 && history.history.acc![0]! < 0.9, `acc ${history.history.acc}`);
  s.dispose([probs, train.x, train.y, held.x, held.y]);
  model.dispose();
});

test('custom metrics are reset each epoch, and memory stays flat across epochs', async () => {
  s.setSeed(4);
  const data = quadrants(100, 5);
  /** The number of samples seen since the last reset. */
  class SampleCount extends s.Metric {
    readonly className = 'SampleCount';
    private count = 0;
    constructor() {
      super('seen');
    }
    updateState(yTrue: s.Tensor): void {
      this.count += yTrue.shape[0]!;
    }
    result(): number {
      return this.count;
    }
    resetState(): void {
      this.count = 0;
    }
  }
  const seen = new SampleCount();
  class Counting extends QuadrantNet {
    override get metrics(): s.Metric[] {
      return [...super.metrics, seen];
    }
    override trainStep(batch: s.StepBatch): s.StepLogs {
      const logs = super.trainStep(batch);
      seen.updateState(batch.y as s.Tensor);
      return { ...logs, seen: seen.result() };
    }
  }
  const model = new Counting({ units: 4 });
  model.compile({ optimizer: 'sgd' });
  const counts: number[] = [];
  const history = await model.fit(data.x, data.y, {
    epochs: 4, batchSize: 30, verbose: 0, callbacks: [{ onEpochEnd: () => void counts.push(s.memory().numTensors) }],
  });
  // Reset at each epoch's start: 100 samples per epoch (never reset, it would read 100, 200, 300, 400).
  assert.deepEqual(history.history.seen, [100, 100, 100, 100]);
  assert.equal(new Set(counts).size, 1, `tensors at each epoch end: ${counts}`);
  s.dispose([data.x, data.y]);
  model.dispose();
});

test('an overridden testStep drives evaluate and validation; an overridden predictStep drives predict, also over an async iterable', async () => {
  s.setSeed(5);
  const data = quadrants(64, 7);
  class Scored extends QuadrantNet {
    override testStep({ x, y }: s.StepBatch): s.StepLogs {
      // The figure is the sum of the probabilities given to the true class: a scalar tensor the loop reads and frees.
      const probs = this.call(x);
      return { score: s.sum(s.mul(probs, s.oneHot(y as s.Tensor, 2))) };
    }
    override predictStep({ x }: s.StepBatch): s.Tensor {
      return s.argmax(this.call(x), -1);
    }
  }
  const model = new Scored({ units: 4 });
  model.compile({ optimizer: 'sgd' });
  const probs = model.predictOnBatch(s.slice(data.x, [48], [16])) as s.Tensor;
  assert.deepEqual(probs.shape, [16]);
  assert.equal(probs.dtype, 'int32');
  const expected = s.tidy(() => s.sum(s.mul(model.call(s.slice(data.x, [48], [16])), s.oneHot(s.slice(data.y, [48], [16]), 2))).item());
  assert.deepEqual(await model.evaluate(s.slice(data.x, [48], [16]), s.slice(data.y, [48], [16]), { batchSize: 16, returnDict: true }), { score: expected });
  const history = await model.fit(s.slice(data.x, [0], [48]), s.slice(data.y, [0], [48]), {
    epochs: 2, verbose: 0, validationData: [s.slice(data.x, [48], [16]), s.slice(data.y, [48], [16])],
  });
  assert.deepEqual(Object.keys(history.history).sort(), ['acc', 'batch_loss', 'loss', 'val_score']);

  const whole = model.predict(data.x, { batchSize: 10 }) as s.Tensor;
  async function* batches(): AsyncGenerator<s.Tensor> {
    for (let start = 0; start < 64; start += 20) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      yield s.slice(data.x, [start], [Math.min(20, 64 - start)]);
    }
  }
  const before = s.memory().numTensors;
  const streamed = (await model.predict(batches())) as s.Tensor;
  assert.equal(s.memory().numTensors, before + 1, 'only the result is left');
  assert.deepEqual(Array.from(streamed.dataSync()), Array.from(whole.dataSync()));
  assert.equal(streamed.shape[0], 64);
  s.dispose([probs, whole, streamed, data.x, data.y]);
  model.dispose();
});

test('compile without a loss: the default steps refuse with a typed error saying what to do', async () => {
  const model = new s.Sequential({ layers: [new Dense({ units: 1, inputShape: [2] })] });
  model.compile({ optimizer: 'sgd', metrics: ['mae'] });
  assert.deepEqual(model.metrics.map((m) => m.name), ['mae']);
  const x = s.ones([4, 2]);
  const y = s.zeros([4, 1]);
  const refused = (method: string) => (e: unknown): boolean =>
    e instanceof s.ValueError &&
    (e as Error).message ===
      `${model.name}.${method}: the model was compiled without a loss, so the default ${method} has nothing to minimise. ` +
        `Pass one to compile (compile({optimizer, loss: 'mse'})), or override ${method} in a subclass of Model to compute the loss yourself.`;
  const before = s.memory().numTensors;
  await assert.rejects(model.fit(x, y, { verbose: 0 }), refused('trainStep'));
  await assert.rejects(model.evaluate(x, y), refused('testStep'));
  assert.throws(() => model.trainOnBatch(x, y), refused('trainStep'));
  assert.equal(s.memory().numTensors, before, 'the refused batches are released');
  // computeLoss alone is the regularization penalties then: none here.
  assert.equal(s.tidy(() => model.computeLoss({ y, yPred: model.call(x) as s.Tensor }).item()), 0);
  assert.throws(() => model.compile({ optimizer: 'sgd', lossWeights: [2] }), /lossWeights has 1 entries for 0 losses \(compile was given no loss\)/);
  s.dispose([x, y]);
  model.dispose();
});

test('a step must return numbers or scalar tensors', async () => {
  class Wrong extends QuadrantNet {
    override trainStep({ x }: s.StepBatch): s.StepLogs {
      return { out: this.call(x) };
    }
  }
  const model = new Wrong({ units: 2 });
  model.compile({ optimizer: 'sgd' });
  const data = quadrants(8, 9);
  const before = s.memory().numTensors;
  assert.throws(() => model.trainOnBatch(data.x, data.y), (e: unknown) => e instanceof s.ValueError &&
    (e as Error).message === `${model.name}.trainStep returned a tensor of shape [8,2] for 'out'; each figure must be a number or a scalar tensor (reduce it with mean() first).`);
  assert.equal(s.memory().numTensors, before + 4, 'only the weights made by the first call are left');
  s.dispose([data.x, data.y]);
  model.dispose();
});

test('the default steps through the new API: computeLoss, computeMetrics and resetMetrics equal what fit logs', () => {
  const model = new s.Sequential({ layers: [new Dense({ units: 1, inputShape: [2], kernelInitializer: 'ones' })] });
  model.compile({ optimizer: new s.SGD({ learningRate: 0.1 }), loss: 'mse', metrics: ['mae'] });
  assert.deepEqual(model.metrics.map((m) => m.name), ['loss', 'mae']);
  const x = s.tensor([[1, 2], [0, 1]]);
  const y = s.tensor([[0], [1]]);
  s.tidy(() => {
    const yPred = model.call(x) as s.Tensor; // [3, 1]: errors 3 and 0
    assert.equal(model.computeLoss({ x, y, yPred }).item(), (9 + 0) / 2);
    assert.deepEqual(model.computeMetrics({ x, y, yPred }), { loss: 0, mae: 1.5 });
  });
  model.resetMetrics();
  assert.deepEqual(model.getMetricsResult(), { loss: 0, mae: 0 });
  assert.deepEqual(model.testOnBatch(x, y), { loss: 4.5, mae: 1.5 });
  s.dispose([x, y]);
  model.dispose();
});
