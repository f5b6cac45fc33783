/** Issue 12, the API's inputs: sample and class weights, nested gradients, unknown option keys, and Sequential built from an array. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as s from '../../src/index.js';

const { Dense, GRU, LSTM, Conv2D, Flatten, BatchNormalization, Bidirectional, Embedding } = s.layers;

/** A compiled 4 → 3 classifier and 8 samples of class-id labels. */
function classifier(): { model: s.Sequential; x: s.Tensor; y: s.Tensor } {
  s.setSeed(1);
  const model = new s.Sequential([new Dense({ units: 3, activation: 'softmax', inputShape: [4] })]);
  model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
  const x = s.randomNormal([8, 4]);
  const y = s.tensor([0, 1, 2, 0, 1, 2, 0, 1], [8], 'int32');
  return { model, x, y };
}

const valueError = (...patterns: RegExp[]) => (e: unknown) =>
  e instanceof s.ValueError && patterns.every((p) => p.test((e as Error).message));

test('fit refuses a sampleWeight of the wrong length, naming the argument, the expected and the actual length', async () => {
  const { model, x, y } = classifier();
  await assert.rejects(
    model.fit(x, y, { sampleWeight: s.ones([5]), verbose: 0 }),
    valueError(/\.fit: sampleWeight/, /expected length 8/, /got shape \[5\]/, /Give a tensor of shape \[8\]/),
  );
});

test('fit refuses a sampleWeight holding NaN', async () => {
  const { model, x, y } = classifier();
  await assert.rejects(
    model.fit(x, y, { sampleWeight: s.tensor([1, 1, 1, Number.NaN, 1, 1, 1, 1]), verbose: 0 }),
    valueError(/sampleWeight must be finite and non-negative, got NaN at sample 3/),
  );
});

test('fit refuses a negative sampleWeight', async () => {
  const { model, x, y } = classifier();
  await assert.rejects(
    model.fit(x, y, { sampleWeight: s.tensor([1, 1, 1, 1, 1, -2, 1, 1]), verbose: 0 }),
    valueError(/sampleWeight must be finite and non-negative, got -2 at sample 5/),
  );
});

test('evaluate, trainOnBatch and testOnBatch check sampleWeight too; valid weights still weigh the loss', async () => {
  const { model, x, y } = classifier();
  await assert.rejects(model.evaluate(x, y, { sampleWeight: s.ones([9]) }), valueError(/\.evaluate: sampleWeight/, /expected length 8/, /\[9\]/));
  assert.throws(() => model.trainOnBatch(x, y, s.ones([3])), valueError(/\.trainOnBatch: sampleWeight/, /expected length 8/));
  assert.throws(() => model.testOnBatch(x, y, s.tensor([1, 1, 1, 1, 1, 1, 1, Infinity])), valueError(/\.testOnBatch: sampleWeight must be finite/));
  // All-zero weights make the loss exactly 0; weights of 2 double it.
  assert.equal(model.testOnBatch(x, y, s.zeros([8]))['loss'], 0);
  const plain = model.testOnBatch(x, y)['loss']!;
  assert.ok(Math.abs(model.testOnBatch(x, y, s.fill([8], 2))['loss']! - 2 * plain) < 1e-5);
});

test('fit refuses a bad classWeight: a key that is no class id, a class out of range, a negative or NaN weight', async () => {
  const { model, x, y } = classifier();
  await assert.rejects(model.fit(x, y, { classWeight: { 1.5: 2 } as Record<number, number>, verbose: 0 }), valueError(/classWeight has key '1.5'/, /non-negative integer/));
  await assert.rejects(model.fit(x, y, { classWeight: { 0: -1 }, verbose: 0 }), valueError(/classWeight for class 0 must be a finite non-negative number, got -1/));
  await assert.rejects(model.fit(x, y, { classWeight: { 2: Number.NaN }, verbose: 0 }), valueError(/classWeight for class 2/, /got NaN/));
  // One-hot labels tell the number of classes: 3 is out of range.
  model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
  const oneHot = s.oneHot(y, 3);
  await assert.rejects(model.fit(x, oneHot, { classWeight: { 3: 1 }, verbose: 0 }), valueError(/classWeight has key '3'/, /from 0 to 2 \(the labels have 3 classes\)/));
  const history = await model.fit(x, oneHot, { classWeight: { 0: 1, 2: 4 }, verbose: 0 });
  assert.ok(Number.isFinite(history.history['loss']![0]));
  // A source of batches brings its weights with each batch; fit's own weights need arrays.
  // (fit releases each batch a source yields, so the source yields copies.)
  const source = (weights?: s.Tensor): Iterable<s.Batch> => ({
    *[Symbol.iterator]() {
      yield weights ? [s.clone(x), s.clone(oneHot), weights] : [s.clone(x), s.clone(oneHot)];
    },
  });
  await assert.rejects(model.fit(source(), undefined, { classWeight: { 0: 2 }, verbose: 0 }), valueError(/classWeight needs arrays/, /\[x, y, sampleWeight\]/));
  await assert.rejects(model.fit(source(s.ones([7])), undefined, { verbose: 0 }), valueError(/\.fit: sampleWeight/, /expected length 8/));
});

test('grad(grad(f)) gives the second derivative, and a nested gradient that throws leaves no tape behind', () => {
  const d2 = s.grad(s.grad((x) => s.tanh(x)));
  const t = Math.tanh(0.5);
  assert.ok(Math.abs(d2(s.tensor(0.5)).item() - -2 * t * (1 - t * t)) < 1e-6);
  const w = s.variable(s.tensor([1, 2]));
  // d/dw Σ (2w)² = 8w
  assert.deepEqual(s.variableGrads(() => s.sum(s.square(s.valueAndGrad((v) => s.sum(s.square(v)))(w).grad)), [w]).grads[0]!.arraySync(), [8, 16]);
  assert.throws(() => s.grad((x) => s.grad(() => { throw new s.ValueError('inner failure'); })(x))(s.tensor(1)), /inner failure/);
  // First derivatives still work, one after the other and inside tidy.
  const d1 = s.grad((x) => s.tanh(x));
  assert.ok(Math.abs(d1(s.tensor(0.5)).item() - (1 - Math.tanh(0.5) ** 2)) < 1e-6);
  const inTidy = s.tidy(() => d1(s.tensor(0)).item());
  assert.ok(Math.abs(inTidy - 1) < 1e-6);
});

test('training still takes gradients after a nested gradient failed', async () => {
  assert.throws(() => s.grad((x) => s.grad(() => { throw new s.ValueError('inner failure'); })(x))(s.tensor(1)), /inner failure/);
  const { model, x, y } = classifier();
  const before = model.testOnBatch(x, y)['loss']!;
  model.compile({ optimizer: s.optimizers.sgd(0.5), loss: 'sparseCategoricalCrossentropy' });
  await model.fit(x, y, { epochs: 20, batchSize: 8, verbose: 0 });
  assert.ok(model.testOnBatch(x, y)['loss']! < before);
});

const unknownOption = (where: RegExp, key: string, near: string | null, known: string[]) => (e: unknown) => {
  if (!(e instanceof s.UnknownOptionError)) return false;
  const m = (e as Error).message;
  const suggestion = near === null ? !/did you mean/.test(m) : m.includes(`unknown option '${key}' (did you mean '${near}'?)`);
  return where.test(m) && suggestion && m.includes(`unknown option '${key}'`) && known.every((k) => m.includes(k)) && /Known options: /.test(m);
};

test('compile refuses an unknown option (Keras\'s runEagerly), suggesting none', () => {
  const { model } = classifier();
  assert.throws(
    () => model.compile({ optimizer: 'adam', loss: 'mse', runEagerly: true } as s.CompileArgs),
    unknownOption(/^sequential(_\d+)?\.compile: /, 'runEagerly', null, ['Known options: optimizer, loss, metrics, lossWeights, jitCompile.']),
  );
});

test('fit, evaluate, predict and summary refuse unknown options, suggesting the nearest', async () => {
  const { model, x, y } = classifier();
  await assert.rejects(model.fit(x, y, { epoch: 2 } as s.FitArgs), unknownOption(/\.fit: /, 'epoch', 'epochs', ['batchSize', 'validationSplit']));
  await assert.rejects(model.evaluate(x, y, { batchsize: 2 } as s.EvaluateArgs), unknownOption(/\.evaluate: /, 'batchsize', 'batchSize', ['returnDict']));
  assert.throws(() => model.predict(x, { batch_size: 2 } as s.PredictArgs), unknownOption(/\.predict: /, 'batch_size', 'batchSize', ['batchSize']));
  assert.throws(() => model.summary({ linelength: 80 } as s.SummaryArgs), unknownOption(/\.summary: /, 'linelength', 'lineLength', ['printFn']));
});

test('a layer refuses an unknown argument, naming the layer, the nearest key and its known keys (base ones included)', () => {
  assert.throws(
    () => new Dense({ units: 3, activaton: 'relu', name: 'dense_typo' } as s.layers.DenseLayerArgs),
    unknownOption(/^Dense 'dense_typo': /, 'activaton', 'activation', ['units', 'useBias', 'inputShape', 'batchInputShape', 'trainable']),
  );
  assert.throws(() => new GRU({ units: 4, returnSequence: true } as s.layers.GRULayerArgs), unknownOption(/^GRU '/, 'returnSequence', 'returnSequences', ['resetAfter']));
  assert.throws(() => new s.layers.GRUCell({ units: 4, inputShape: [3] } as s.layers.GRUCellArgs), unknownOption(/^GRUCell '/, 'inputShape', null, ['recurrentActivation']));
  assert.throws(() => s.Input({ shape: [3], dtpe: 'float32' } as s.layers.InputLayerArgs), unknownOption(/^InputLayer '/, 'dtpe', 'dtype', ['batchShape']));
  // A recurrent layer still gives its cell the cell's arguments.
  const gru = new GRU({ units: 4, returnSequences: true, resetAfter: false, dropout: 0.1 });
  assert.equal(gru.cell.units, 4);
  assert.equal((gru.cell as s.layers.GRUCell).resetAfter, false);
  assert.deepEqual(gru.apply(s.zeros([2, 5, 3])).shape, [2, 5, 4]);
});

test('a custom layer declares its keys with layerArgKeys; one that declares none is not checked', () => {
  interface ScaleArgs extends s.layers.LayerArgs { factor: number }
  class Scale extends s.layers.Layer {
    static override readonly argKeys = s.layers.layerArgKeys<ScaleArgs>({ factor: true });
    readonly factor: number;
    constructor(args: ScaleArgs) {
      super(args);
      this.factor = args.factor;
    }
    override call(inputs: s.Tensor | s.Tensor[]): s.Tensor {
      return s.mul(this.singleInput(inputs), this.factor);
    }
  }
  assert.deepEqual(new Scale({ factor: 2, name: 'scale_ok' }).apply(s.tensor([[1, 2]])).arraySync(), [[2, 4]]);
  assert.throws(() => new Scale({ factor: 2, facter: 3 } as ScaleArgs), unknownOption(/^Scale '/, 'facter', 'factor', ['inputShape']));
  class Plain extends s.layers.Layer {
    constructor(args: s.layers.LayerArgs & { extra: number }) {
      super(args);
    }
    override call(inputs: s.Tensor | s.Tensor[]): s.Tensor {
      return this.singleInput(inputs);
    }
  }
  assert.equal(new Plain({ extra: 1 }).built, false);
});

test('an optimizer refuses an unknown argument', () => {
  assert.throws(() => new s.Adam({ learningrate: 0.1 } as s.optimizers.AdamArgs), unknownOption(/^Adam: /, 'learningrate', 'learningRate', ['beta1', 'clipNorm', 'weightDecay']));
  assert.throws(() => s.optimizers.sgd({ momentun: 0.9 } as s.optimizers.SGDArgs), unknownOption(/^SGD: /, 'momentun', 'momentum', ['nesterov']));
  assert.equal(new s.AdamW({ learningRate: 0.01 }).weightDecay, 0.004);
});

test('a callback refuses an unknown argument', () => {
  assert.throws(() => new s.EarlyStopping({ patient: 3 } as s.EarlyStoppingArgs), unknownOption(/^EarlyStopping: /, 'patient', 'patience', ['monitor', 'restoreBestWeights']));
  assert.throws(() => new s.ReduceLROnPlateau({ min_lr: 0.001 } as s.ReduceLROnPlateauArgs), unknownOption(/^ReduceLROnPlateau: /, 'min_lr', 'minLr', ['cooldown']));
  assert.throws(() => new s.TensorBoard({ logdir: 'x' } as s.TensorBoardArgs), unknownOption(/^TensorBoard: /, 'logdir', 'logDir', ['histogramFreq']));
  assert.throws(() => new s.LambdaCallback({ onEpochEnds: () => {} } as s.CallbackHooks), unknownOption(/^LambdaCallback: /, 'onEpochEnds', 'onEpochEnd', ['onBatchEnd']));
});

test('losses, metrics, initializers, regularizers and data helpers refuse unknown arguments', () => {
  assert.throws(() => new s.losses.SparseCategoricalCrossentropy({ fromLogit: true } as never), unknownOption(/^SparseCategoricalCrossentropy: /, 'fromLogit', 'fromLogits', []));
  assert.throws(() => new s.metrics.Precision({ treshold: 0.3 } as never), unknownOption(/^Precision: /, 'treshold', 'threshold', []));
  assert.throws(() => new s.initializers.GlorotUniform({ sed: 1 } as never), unknownOption(/^GlorotUniform initializer: /, 'sed', 'seed', []));
  assert.throws(() => new s.regularizers.L2({ l1: 0.1 } as never), unknownOption(/^L2 regularizer: /, 'l1', 'l2', []));
  assert.throws(() => s.datasets.batches(s.zeros([4, 2]), s.zeros([4]), { batch: 2 } as never), unknownOption(/^batches: /, 'batch', null, ['batchSize']));
});

test('new Sequential([...]) takes the layers as an array; sequential() and model() are factories', () => {
  const stack = new s.Sequential([new Dense({ units: 5, activation: 'relu', inputShape: [4] }), new Dense({ units: 2 })]);
  assert.equal(stack.layers.length, 2);
  assert.equal(stack.countParams(), 4 * 5 + 5 + 5 * 2 + 2);
  assert.deepEqual((stack.predict(s.zeros([3, 4])) as s.Tensor).shape, [3, 2]);
  const fromFactory = s.sequential([new Dense({ units: 2, inputShape: [4] })]);
  assert.ok(fromFactory instanceof s.Sequential);
  assert.equal(fromFactory.countParams(), 10);
  const input = s.Input({ shape: [4] });
  const functional = s.model({ inputs: input, outputs: new Dense({ units: 3 }).apply(input) });
  assert.ok(functional instanceof s.Model);
  assert.deepEqual((functional.predict(s.zeros([2, 4])) as s.Tensor).shape, [2, 3]);
  assert.throws(() => new s.Sequential({ layer: [] } as s.SequentialArgs), unknownOption(/^Sequential '/, 'layer', 'layers', ['name', 'trainable']));
  assert.throws(() => s.model({ inputs: input, outputs: input, outputz: input } as s.ModelArgs), unknownOption(/^Model '/, 'outputz', 'outputs', ['inputs']));
});

test('layers rebuilt from their configs (and a model from its saved bytes) pass the option checks and compute the same', () => {
  s.setSeed(3);
  const cases: [s.Sequential, s.Tensor][] = [
    [new s.Sequential([new Conv2D({ filters: 2, kernelSize: 3, padding: 'same', inputShape: [5, 5, 1] }), new BatchNormalization(), new Flatten(), new Dense({ units: 3, kernelRegularizer: 'l2' })]), s.randomNormal([2, 5, 5, 1])],
    [new s.Sequential([new Embedding({ inputDim: 10, outputDim: 4, maskZero: true, inputShape: [6] }), new Bidirectional({ layer: new LSTM({ units: 3 }) }), new Dense({ units: 2 })]), s.tensor([[1, 2, 3, 0, 0, 0], [4, 5, 6, 7, 8, 9]], [2, 6], 'float32')],
    [new s.Sequential([new GRU({ units: 3, returnSequences: true, inputShape: [4, 2] }), new s.layers.RNN({ cell: new s.layers.SimpleRNNCell({ units: 2 }) })]), s.randomNormal([2, 4, 2])],
  ];
  for (const [model, x] of cases) {
    const expected = (model.predict(x) as s.Tensor).arraySync();
    const rebuilt = s.Sequential.fromConfig(model.getConfig());
    rebuilt.setWeights(model.getWeights());
    assert.deepEqual((rebuilt.predict(x) as s.Tensor).arraySync(), expected);
    const decoded = s.decodeModel(s.encodeModel(model));
    assert.deepEqual((decoded.predict(x) as s.Tensor).arraySync(), expected);
  }
});
