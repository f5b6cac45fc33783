/** compile({ jitCompile: true }): fit, evaluate and predict run through jit and give eager's numbers, callbacks and History. */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PRESETS } from '../../src/cli/presets.js';
import * as s from '../../src/node/index.js';
import { decodeRunMetadataGraphs, readEventDir, valuesOf } from '../helpers/event-file-decoder.js';
import { loadFashionMnist } from '../helpers/fashion-mnist.js';
import { FASHION_MNIST, missing } from '../helpers/system-packages.js';

const { Dense, Dropout } = s.layers;

/** 100 samples of 6 features in 3 classes (the argmax of a random linear map), made from `seed`. */
function data(seed: number, n = 100): { x: s.Tensor; y: s.Tensor } {
  s.setSeed(seed);
  const x = s.randomNormal([n, 6]);
  const y = s.tidy(() => s.cast(s.argmax(s.matMul(x, s.randomNormal([6, 3])), -1), 'int32'));
  return { x, y };
}

function mlp(dropout = 0): s.Sequential {
  return new s.Sequential({
    layers: [
      new Dense({ units: 16, activation: 'relu', inputShape: [6] }),
      ...(dropout > 0 ? [new Dropout({ rate: dropout })] : []),
      new Dense({ units: 3, activation: 'softmax' }),
    ],
  });
}

const classifier = (optimizer: string | s.Optimizer = 'adam'): s.CompileArgs => ({ optimizer, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });

/**
 * Makes a model twice from one seed (same weights, same dropout generators), compiles one eagerly and
 * the other with jitCompile (`compile` is called once per model: an optimizer is not shared), and runs
 * `run` on each from one seed (same shuffles).
 */
async function both<M extends s.Model, R>(make: () => M, compile: () => s.CompileArgs, run: (m: M) => Promise<R> | R): Promise<{ eager: R; jitted: R; models: [M, M] }> {
  const made: M[] = [];
  for (const jitCompile of [false, true]) {
    s.setSeed(7);
    const m = make();
    m.compile({ ...compile(), jitCompile });
    made.push(m);
  }
  const results: R[] = [];
  for (const m of made) {
    s.setSeed(11);
    results.push(await run(m));
  }
  return { eager: results[0]!, jitted: results[1]!, models: [made[0]!, made[1]!] };
}

const fitHistory = (x: s.Tensor, y: s.Tensor, args: s.FitArgs = {}) => async (m: s.Model) => (await m.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0, ...args })).history;

test('fit with jitCompile gives the History of eager fit bit for bit, replays a traced graph, in constant memory', async () => {
  const { x, y } = data(1);
  const perEpoch: s.MemoryInfo[] = [];
  const warnings: unknown[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args);
  const { eager, jitted, models } = await both(() => mlp(), () => classifier(), async (m) => {
    perEpoch.length = 0;
    return fitHistory(x, y, { callbacks: [{ onEpochEnd: () => void perEpoch.push(s.memory()) }] })(m);
  }).finally(() => (console.warn = warn));
  assert.deepEqual(warnings, [], 'a last smaller batch traces once more, without a warning');
  assert.deepEqual(Object.keys(jitted), ['loss', 'accuracy']);
  assert.deepEqual(jitted, eager);
  assert.deepEqual(perEpoch[2], perEpoch[0], 'the graphs are traced in the first epoch; replays hold nothing after them');
  assert.equal(models[0].stepGraph(), undefined, 'an eager model traces nothing');
  const graph = models[1].stepGraph();
  assert.ok(graph, 'the train step was traced');
  const ops = graph.stats().byOp;
  assert.equal(ops['applyUpdates'], 1, 'the optimizer update is in the graph');
  assert.ok((ops['matMul'] ?? 0) + (ops['fusedMatMul'] ?? 0) >= 4, `forward and backward matMuls: ${JSON.stringify(ops)}`);
  // 100 samples in batches of 16: a last batch of 4 traces its own graph.
  assert.deepEqual(graph.inputs[0]!.shape, [4, 6]);
});

test('each optimizer, with schedules, weight decay and clipping, trains the same under jit as eagerly', async () => {
  const { x, y } = data(2);
  const schedule = () => new s.optimizers.ExponentialDecay({ initialLearningRate: 0.05, decaySteps: 3, decayRate: 0.5 });
  const optimizers: [string, () => s.Optimizer][] = [
    ['SGD with momentum and a schedule', () => new s.SGD({ learningRate: schedule(), momentum: 0.9 })],
    ['Adam', () => new s.Adam({ learningRate: 0.01 })],
    ['AdamW with a schedule', () => new s.AdamW({ learningRate: schedule(), weightDecay: 0.1 })],
    ['RMSprop, centered, globalClipNorm', () => new s.RMSprop({ learningRate: 0.01, centered: true, globalClipNorm: 0.5 })],
    ['Adagrad with a schedule', () => new s.Adagrad({ learningRate: schedule() })],
    ['SGD with clipNorm', () => new s.SGD({ learningRate: 0.1, clipNorm: 0.1 })],
  ];
  for (const [what, make] of optimizers) {
    const { eager, jitted, models } = await both(() => mlp(), () => classifier(make()), fitHistory(x, y));
    assert.deepEqual(jitted, eager, what);
    assert.equal(models[1].optimizer!.iterations, models[0].optimizer!.iterations, `${what}: every replay counts its step`);
    assert.deepEqual(models[1].getWeights().map((w) => [...w.dataSync()]), models[0].getWeights().map((w) => [...w.dataSync()]), `${what}: weights`);
  }
});

test('callbacks see the same logs: a LearningRateScheduler takes effect under jit, EarlyStopping stops at the same epoch, ModelCheckpoint saves', async () => {
  const { x, y } = data(3);
  const dir = mkdtempSync(join(tmpdir(), 'strata-jit-'));
  const { eager, jitted, models } = await both(
    () => mlp(),
    () => classifier(new s.SGD({ learningRate: 0.1 })),
    async (m) => {
      const calls: unknown[] = [];
      const history = await m.fit(x, y, {
        epochs: 12, batchSize: 25, verbose: 0, validationData: [x, y],
        callbacks: [
          new s.LearningRateScheduler((epoch, lr) => (epoch === 2 ? lr * 10 : lr)),
          new s.EarlyStopping({ monitor: 'val_loss', minDelta: 0.05, patience: 1 }),
          new s.ModelCheckpoint({ filepath: join(dir, `${m.name}.strata`), monitor: 'val_loss', saveBestOnly: true }),
          { onBatchEnd: (batch, logs) => void calls.push(['batch', batch, { ...logs }]), onEpochEnd: (epoch, logs) => void calls.push(['epoch', epoch, { ...logs }]) },
        ],
      });
      return { calls, history: history.history, epochs: history.epoch };
    },
  );
  assert.deepEqual(jitted, eager);
  assert.ok(eager.epochs.length < 12, `EarlyStopping stopped the run: ${eager.epochs.length} epochs`);
  assert.deepEqual(eager.history.learning_rate!.slice(0, 3), [0.1, 0.1, 1], 'the scheduler raised the rate at epoch 2');
  const saved = await s.loadModel(join(dir, `${models[1].name}.strata`));
  assert.equal(saved.compiledState!.jitCompile, true, 'the checkpoint keeps jitCompile');
  saved.dispose();
});

test('a Dropout model, sample weights and validation data: same History; evaluate and predict agree with eager', async () => {
  const { x, y } = data(4);
  const sampleWeight = s.tidy(() => s.add(s.mul(s.cast(y, 'float32'), 0.5), 0.25));
  const { eager, jitted } = await both(() => mlp(0.3), () => classifier(), async (m) => {
    const history = (await m.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0, sampleWeight, validationSplit: 0.2 })).history;
    const evaluated = await m.evaluate(x, y, { batchSize: 32, sampleWeight, returnDict: true });
    const predicted = [...(m.predict(x, { batchSize: 30 }) as s.Tensor).dataSync()];
    return { history, evaluated, predicted };
  });
  assert.deepEqual(Object.keys(jitted.history), ['loss', 'accuracy', 'val_loss', 'val_accuracy']);
  assert.deepEqual(jitted, eager);
});

test('trainOnBatch, testOnBatch and predictOnBatch under jit match eager, step after step, with precision and recall', async () => {
  const { x, y: classes } = data(5, 32);
  const y = s.tidy(() => s.expandDims(s.cast(s.equal(classes, 0), 'float32'), -1));
  const binary = () => new s.Sequential({ layers: [new Dense({ units: 8, activation: 'relu', inputShape: [6] }), new Dense({ units: 1, activation: 'sigmoid' })] });
  const metrics = () => ['accuracy', new s.metrics.Precision({ threshold: 0.4 }), new s.metrics.Recall()];
  const { eager, jitted, models } = await both(binary, () => ({ optimizer: 'rmsprop', loss: 'binaryCrossentropy', metrics: metrics() }), (m) => {
    const out: unknown[] = [];
    for (let i = 0; i < 4; i++) out.push(m.trainOnBatch(x, y), m.testOnBatch(x, y));
    out.push([...(m.predictOnBatch(x) as s.Tensor).dataSync()]);
    return out;
  });
  assert.deepEqual(jitted, eager);
  assert.ok(models[1].stepGraph('test') && models[1].stepGraph('predict'), 'test and predict steps were traced');
});

/** A model whose own trainStep computes its loss, tracks it with a Mean, and counts how often its JavaScript runs. */
class CountingNet extends s.Model {
  static override readonly className = 'CountingNet';
  readonly hidden = new Dense({ units: 8, activation: 'tanh' });
  readonly out = new Dense({ units: 3, activation: 'softmax' });
  readonly tracked = new s.metrics.Mean({ name: 'custom_loss' });
  stepsRun = 0;

  override call(inputs: s.Tensor | s.Tensor[]): s.Tensor {
    return this.out.apply(this.hidden.apply(inputs as s.Tensor));
  }

  override get metrics(): s.Metric[] {
    return [this.tracked];
  }

  override trainStep({ x, y }: s.StepBatch): s.StepLogs {
    this.stepsRun++;
    const weights = this.trainableWeights;
    const { value, grads } = s.variableGrads(() => s.mean(s.losses.sparseCategoricalCrossentropy(y as s.Tensor, this.call(x))), weights);
    this.optimizer!.applyGradients(weights.map((v, i) => [grads[i]!, v] as const));
    // A tensor, not value.item(): the Mean folds it in through an effect, after every replay too.
    this.tracked.updateState(value);
    return { ...this.getMetricsResult(), batch_loss: value };
  }
}

test('an overridden trainStep is jitted: its JavaScript runs once eagerly and once per trace, its figures follow every replay', async () => {
  const { x, y } = data(6, 64);
  const { eager, jitted, models } = await both(() => new CountingNet(), () => ({ optimizer: 'adam' }), fitHistory(x, y));
  assert.deepEqual(Object.keys(jitted), ['custom_loss', 'batch_loss']);
  assert.deepEqual(jitted, eager);
  assert.equal(models[0].stepsRun, 12, 'eager: 4 batches × 3 epochs');
  assert.equal(models[1].stepsRun, 2, 'jit: the first step eagerly, then one trace');
});

test('gradient observers (what TensorBoard uses) are called after every replay with that step\'s gradients', async () => {
  const { x, y } = data(7, 64);
  const { eager, jitted } = await both(() => mlp(), () => classifier(), async (m) => {
    const norms: number[] = [];
    const stop = m.observeGradients((grads) => void norms.push(grads.reduce((acc, g) => acc + s.sum(s.square(g)).item(), 0)));
    await m.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0 });
    stop();
    return norms;
  });
  assert.equal(jitted.length, 8);
  assert.deepEqual(jitted, eager);
});

test('the TensorBoard callback writes a jitCompile model\'s training step as an op graph, once it is traced', async () => {
  const { x, y } = data(8, 64);
  s.setSeed(7);
  const model = mlp();
  model.compile({ ...classifier(), jitCompile: true });
  const dir = mkdtempSync(join(tmpdir(), 'strata-jit-board-'));
  await model.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0, callbacks: [new s.TensorBoard({ logDir: dir, histogramFreq: 0 })] });
  const written = valuesOf(readEventDir(join(dir, 'train')).events, s.board.TRAIN_STEP_GRAPH_TAG);
  assert.equal(written.length, 1);
  assert.equal(written[0]!.step, 2, 'the first step runs eagerly; the second is traced');
  const [graph] = decodeRunMetadataGraphs(written[0]!.value.tensor.string_val[0]);
  assert.deepEqual(graph!.node.map((n) => n.name), s.board.opGraphDef(model.stepGraph()!).node.map((n) => n.name));
  model.dispose();
});

test('compile checks jitCompile, and .keras files keep it as Keras\'s jit_compile', async () => {
  const model = mlp();
  assert.throws(
    () => model.compile({ ...classifier(), jitCompile: 'yes' as unknown as boolean }),
    (e: Error) => e instanceof s.ValueError && /compile: jitCompile must be true or false, got "yes"/.test(e.message),
  );
  model.compile({ ...classifier(), jitCompile: true });
  const path = join(mkdtempSync(join(tmpdir(), 'strata-jit-')), 'model.keras');
  await model.save(path);
  const loaded = await s.loadModel(path);
  assert.equal(loaded.compiledState!.jitCompile, true);
  loaded.compile(classifier());
  await loaded.save(path);
  const eager = await s.loadModel(path);
  assert.equal(eager.compiledState!.jitCompile, false);
  for (const m of [model, loaded, eager]) m.dispose();
});

function fashion(split: 'train' | 't10k', start: number, count: number, shape: number[]): { x: s.Tensor; y: s.Tensor } {
  const { images, labels } = loadFashionMnist(split, start, count);
  return { x: s.tensor(images, [count, ...shape]), y: s.tensor(labels, [count], 'int32') };
}

test('the lesson\'s MLP and CNN trained with jitCompile on a Fashion-MNIST slice reach eager\'s accuracy', { skip: missing(FASHION_MNIST) }, async () => {
  // The lesson's models as `strata train` builds them ('relu' takes [28, 28] images, 'cnn' [28, 28, 1]), on
  // slices small enough for the reference backend: equality with eager is the point, the floors a sanity check.
  for (const [what, shape, samples, epochs, floor] of [['relu', [28, 28], 1024, 3, 0.7], ['cnn', [28, 28, 1], 256, 1, 0.4]] as const) {
    const { x, y } = fashion('train', 0, samples, [...shape]);
    const testSet = fashion('t10k', 0, 300, [...shape]);
    const { eager, jitted } = await both(() => PRESETS[what]!.build(10), () => classifier(), async (m) => {
      const history = (await m.fit(x, y, { epochs, batchSize: 32, verbose: 0 })).history;
      return { history, test: await m.evaluate(testSet.x, testSet.y) };
    });
    assert.ok(eager.test[1]! >= floor, `${what}: eager test accuracy ${eager.test[1]}`);
    assert.deepEqual(jitted.test, eager.test, `${what}: test loss and accuracy`);
    assert.deepEqual(jitted.history, eager.history, `${what}: History`);
  }
});
