/**
 * The training loop behind Model's compile / fit / evaluate / predict / trainOnBatch: batching,
 * the gradient step, metrics, validation, callbacks and progress. Every per-batch tensor is
 * released inside `tidy`, so training runs in constant memory without user code.
 */
import {
  CallbackList, History, ProgbarLogger, type Callback, type CallbackHooks, type CallbackModel, type GradientObserver, type Logs,
} from '../callbacks/index.js';
import { ValueError } from '../core/errors.js';
import { variableGrads } from '../core/gradients.js';
import { dispose, tidy } from '../core/memory.js';
import { checkOptions, optionKeys } from '../core/options.js';
import { Tensor, type Variable } from '../core/tensor.js';
import { SparseCategoricalCrossentropy, getLoss, type Loss, type LossFn } from '../losses/index.js';
import { classIdBound, markClassIds } from '../losses/categorical-crossentropy.js';
import { getMetric, type Metric, type MetricFn } from '../metrics/index.js';
import { add, argmax, concat, expandDims, mul, tensor } from '../ops/index.js';
import { getOptimizer, type Optimizer } from '../optimizers/index.js';
import {
  asList, assertFinite, checkClassWeight, checkSampleWeight, epochBatches, indexTensor, positiveInt, sampleCount, sliceRows, takeRows, type Tensors,
} from './data.js';

/** What a model must offer the training loop. */
export interface TrainableModel extends CallbackModel {
  readonly name: string;
  /** Runs the forward pass (recording for gradients when inside `variableGrads`). */
  call(inputs: Tensors, options: { training: boolean }): Tensors;
  readonly trainableWeights: Variable[];
  /** Names of the outputs, used to prefix metrics when there are several. */
  readonly outputNames: string[];
  /** The regularization penalties and the losses the last call recorded (computed when read, so read it inside the gradient function). */
  readonly losses: Tensor[];
  /** Builds the model for inputs like `x` if it has not learned its input shape yet. */
  buildFor(x: Tensors): void;
  /** Those who asked to see each step's gradients (see `CallbackModel.observeGradients`). */
  readonly gradientObservers?: ReadonlySet<GradientObserver>;
}

/** A loss as `compile` accepts it: a name, a Loss object, or a function (yTrue, yPred) => per-sample losses. */
export type LossSpec = string | Loss | LossFn;
/** A metric as `compile` accepts it: a name ('accuracy', 'mae', ...), a Metric object, or a function. */
export type MetricSpec = string | Metric | MetricFn;

/** Options of `compile`. */
export interface CompileArgs {
  /** An optimizer or its name (default `'rmsprop'`, as in Keras). */
  optimizer?: string | Optimizer;
  /** The loss: one for all outputs, or one per output. */
  loss: LossSpec | LossSpec[];
  /** Metrics to report: for all outputs, or one list per output. */
  metrics?: MetricSpec[] | MetricSpec[][];
  /** Weights of each output's loss in the total (default 1 each). */
  lossWeights?: number[];
}

const COMPILE_KEYS = optionKeys<CompileArgs>({ optimizer: true, loss: true, metrics: true, lossWeights: true });

/** What `compile` resolved. */
export interface CompiledState {
  optimizer: Optimizer;
  losses: Loss[];
  lossWeights: number[];
  /** The metrics of each output. */
  metrics: Metric[][];
}

/** Resolves `compile`'s arguments against a model with `numOutputs` outputs. */
export function compileModel(model: TrainableModel, args: CompileArgs): CompiledState {
  if (!args || args.loss === undefined) {
    throw new ValueError(`${model.name}.compile: a loss is required, e.g. compile({optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy']}).`);
  }
  checkOptions(`${model.name}.compile`, args, COMPILE_KEYS);
  const numOutputs = model.outputNames.length;
  const lossSpecs = Array.isArray(args.loss) ? args.loss : new Array<LossSpec>(numOutputs).fill(args.loss);
  if (lossSpecs.length !== numOutputs) {
    throw new ValueError(`${model.name}.compile: ${lossSpecs.length} losses were given for a model with ${numOutputs} outputs (${model.outputNames.join(', ')}).`);
  }
  const losses = lossSpecs.map((l) => getLoss(l));
  const lossWeights = args.lossWeights ?? new Array<number>(numOutputs).fill(1);
  if (lossWeights.length !== numOutputs) throw new ValueError(`${model.name}.compile: lossWeights has ${lossWeights.length} entries for ${numOutputs} outputs.`);
  const metricSpecs = args.metrics ?? [];
  const perOutput = metricSpecs.length > 0 && Array.isArray(metricSpecs[0]) ? (metricSpecs as MetricSpec[][]) : new Array<MetricSpec[]>(numOutputs).fill(metricSpecs as MetricSpec[]);
  if (perOutput.length !== numOutputs) throw new ValueError(`${model.name}.compile: ${perOutput.length} metric lists were given for ${numOutputs} outputs.`);
  return {
    optimizer: getOptimizer(args.optimizer ?? 'rmsprop'),
    losses,
    lossWeights,
    metrics: perOutput.map((specs, i) => specs.map((m) => getMetric(m, lossSpecs[i] as string | Loss))),
  };
}

function requireCompiled(model: TrainableModel, compiled: CompiledState | undefined, method: string): CompiledState {
  if (!compiled) {
    throw new ValueError(`${model.name}.${method}: the model must be compiled first; call model.compile({optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy']}) before ${method}().`);
  }
  return compiled;
}

/** The name each metric is logged under: prefixed by the output's name when there are several outputs. */
function metricKeys(model: TrainableModel, compiled: CompiledState): string[][] {
  const several = compiled.metrics.length > 1;
  return compiled.metrics.map((ms, i) => ms.map((m) => (several ? `${model.outputNames[i]}_${m.name}` : m.name)));
}

/** Tracks the loss (averaged per sample) and the metrics over the batches of an epoch or an evaluation. */
class Tracker {
  private lossTotal = 0;
  private lossCount = 0;
  private readonly keys: string[][];

  constructor(
    model: TrainableModel,
    private readonly compiled: CompiledState,
  ) {
    this.keys = metricKeys(model, compiled);
  }

  reset(): void {
    this.lossTotal = 0;
    this.lossCount = 0;
    for (const ms of this.compiled.metrics) for (const m of ms) m.resetState();
  }

  updateMetrics(ys: Tensor[], preds: Tensor[], sampleWeight?: Tensor): void {
    this.compiled.metrics.forEach((ms, i) => {
      for (const m of ms) m.updateState(ys[i]!, preds[i]!, sampleWeight);
    });
  }

  addLoss(value: number, batchSize: number): void {
    this.lossTotal += value * batchSize;
    this.lossCount += batchSize;
  }

  logs(prefix = ''): Logs {
    const logs: Logs = { [`${prefix}loss`]: this.lossCount > 0 ? this.lossTotal / this.lossCount : Number.NaN };
    this.compiled.metrics.forEach((ms, i) => ms.forEach((m, j) => (logs[`${prefix}${this.keys[i]![j]}`] = m.result())));
    return logs;
  }
}

/**
 * The class-id labels of arrays given to fit or evaluate, checked once per fit (or evaluation): for each
 * output trained with sparse categorical cross-entropy, one read of all its labels finds whether they are
 * non-negative integers and the largest; each batch taken from them is then marked, and the loss does not
 * read it back. (Labels that fail the check are left unmarked, so the loss still names the bad one in its batch.)
 */
class ClassIdLabels {
  private readonly bounds: (number | undefined)[];

  constructor(compiled: CompiledState, y: Tensors) {
    const ys = asList(y);
    this.bounds = compiled.losses.map((loss, i) => (loss instanceof SparseCategoricalCrossentropy && ys[i] ? classIdBound(ys[i]!) : undefined));
  }

  /** Marks the batch `y` (taken from the checked arrays, in output order) and returns it. */
  mark(y: Tensors): Tensors {
    asList(y).forEach((t, i) => {
      const bound = this.bounds[i];
      if (bound !== undefined) markClassIds(t, bound);
    });
    return y;
  }
}

/** The total loss of a batch: each output's loss (weighted by sample) times its weight, plus regularization. */
function totalLoss(model: TrainableModel, compiled: CompiledState, ys: Tensor[], preds: Tensor[], sampleWeight?: Tensor): Tensor {
  if (preds.length !== ys.length) {
    throw new ValueError(`${model.name}: the model has ${preds.length} outputs but ${ys.length} target arrays were given; pass one y per output.`);
  }
  const terms = compiled.losses.map((loss, i) => {
    const value = loss.compute(ys[i]!, preds[i]!, sampleWeight);
    return compiled.lossWeights[i] === 1 ? value : mul(value, compiled.lossWeights[i]!);
  });
  // The penalties are summed first and added once, as Layer.regularizationLoss does; without any, nothing is added.
  const penalties = model.losses;
  if (penalties.length > 0) terms.push(penalties.reduce((acc, t) => add(acc, t)));
  return terms.reduce((acc, t) => add(acc, t));
}

/**
 * Per-sample weights from `classWeight` (checked here, once per fit) for the first `count` samples:
 * each gets its class's weight (1 for classes not listed).
 */
function classSampleWeights(model: TrainableModel, classWeight: Record<number, number>, y: Tensor, count: number): Tensor {
  const sparse = y.rank === 1 || (y.rank === 2 && y.shape[1] === 1);
  // One-hot labels tell the number of classes; class-id labels do not (the largest id may be absent).
  checkClassWeight('fit', model.name, classWeight, sparse ? undefined : y.shape[y.rank - 1]);
  return tidy(() => {
    const ids = (sparse ? y.dataSync() : argmax(y, -1).dataSync()).subarray(0, count);
    const weights = Float32Array.from(ids, (c) => classWeight[Math.round(c)] ?? 1);
    return tensor(weights, [weights.length]);
  });
}

/**
 * The variables a fit trains, read at its first step (once the model is built). As in Keras, a change of
 * `trainable` takes effect at the next fit (or trainOnBatch), not in the middle of one; and the weights
 * need not be walked every step.
 */
class TrainedVariables {
  private list: Variable[] | undefined;

  of(model: TrainableModel): Variable[] {
    return (this.list ??= [...new Set(model.trainableWeights)]);
  }
}

/** One gradient step on a batch; updates the tracker and returns nothing but side effects. */
function trainStep(
  model: TrainableModel, compiled: CompiledState, tracker: Tracker, trained: TrainedVariables, x: Tensors, y: Tensors, sampleWeight?: Tensor,
): void {
  model.buildFor(x);
  tidy(() => {
    const ys = asList(y);
    const variables = trained.of(model);
    const { value, grads } = variableGrads(() => {
      const preds = asList(model.call(x, { training: true }));
      const loss = totalLoss(model, compiled, ys, preds, sampleWeight);
      // Metrics read the predictions here, before the gradient scope releases them.
      tracker.updateMetrics(ys, preds, sampleWeight);
      return loss;
    }, variables);
    for (const observe of model.gradientObservers ?? []) observe(grads, variables);
    compiled.optimizer.applyGradients(variables.map((v, i) => [grads[i]!, v] as const));
    tracker.addLoss(value.item(), asList(x)[0]!.shape[0]!);
  });
}

/** Loss and metrics of one batch in inference mode. */
function testStep(model: TrainableModel, compiled: CompiledState, tracker: Tracker, x: Tensors, y: Tensors, sampleWeight?: Tensor): void {
  tidy(() => {
    const ys = asList(y);
    const preds = asList(model.call(x, { training: false }));
    tracker.addLoss(totalLoss(model, compiled, ys, preds, sampleWeight).item(), asList(x)[0]!.shape[0]!);
    tracker.updateMetrics(ys, preds, sampleWeight);
  });
}

/** A batch as an iterable data source yields it: `[x, y]`, `[x, y, sampleWeight]` or `{xs, ys}`. */
export type Batch = readonly [Tensors, Tensors] | readonly [Tensors, Tensors, Tensor] | { xs: Tensors; ys: Tensors; sampleWeight?: Tensor };

/** A stream of batches: an array, a generator, or any (async) iterable. Each epoch iterates it anew. */
export type BatchSource = Iterable<Batch> | AsyncIterable<Batch>;

function isBatchSource(x: unknown): x is BatchSource {
  return !(x instanceof Tensor) && !Array.isArray(x) && x !== null && typeof x === 'object' && (Symbol.iterator in x || Symbol.asyncIterator in x);
}

function readBatch(model: TrainableModel, method: string, batch: Batch): { x: Tensors; y: Tensors; sampleWeight?: Tensor } {
  if (Array.isArray(batch)) return { x: batch[0] as Tensors, y: batch[1] as Tensors, sampleWeight: batch[2] as Tensor | undefined };
  const b = batch as { xs?: Tensors; ys?: Tensors; sampleWeight?: Tensor };
  if (b && b.xs !== undefined && b.ys !== undefined) return { x: b.xs, y: b.ys, sampleWeight: b.sampleWeight };
  throw new ValueError(`${model.name}.${method}: each batch of the data source must be [x, y], [x, y, sampleWeight] or {xs, ys}, got ${typeof batch}.`);
}

/** A batch of a source, its weights checked: they arrive with each batch, so this is the one place to check them (one read of a batch's weights). */
function unpackBatch(model: TrainableModel, method: string, batch: Batch): { x: Tensors; y: Tensors; sampleWeight?: Tensor } {
  const b = readBatch(model, method, batch);
  try {
    if (b.sampleWeight !== undefined) checkSampleWeight(method, model.name, b.sampleWeight, sampleCount(method, model.name, b.x, b.y));
  } catch (e) {
    // The loop owns a source's batches: a refused one is released as a used one would be.
    dispose([b.x, b.y, b.sampleWeight]);
    throw e;
  }
  return b;
}

/** Reads batches from a source across epochs: a fresh pass per epoch, or `steps` batches continuing where the last epoch stopped. */
class BatchReader {
  private iterator: Iterator<Batch> | AsyncIterator<Batch> | undefined;

  constructor(private readonly source: BatchSource) {}

  private fresh(): Iterator<Batch> | AsyncIterator<Batch> {
    const src = this.source as Partial<Iterable<Batch> & AsyncIterable<Batch>>;
    return src[Symbol.asyncIterator] ? src[Symbol.asyncIterator]!() : src[Symbol.iterator]!();
  }

  /** Calls `visit` for each batch of one epoch; returns the number of batches read. */
  async epoch(steps: number | undefined, visit: (batch: Batch, index: number) => Promise<boolean>): Promise<number> {
    if (steps === undefined || !this.iterator) this.iterator = this.fresh();
    let count = 0;
    let restarted = false;
    while (steps === undefined || count < steps) {
      const next = await this.iterator.next();
      if (next.done) {
        if (steps === undefined || restarted) break;
        // A re-iterable source (an array, a class with [Symbol.iterator]) starts over; a spent generator stays empty.
        this.iterator = this.fresh();
        restarted = true;
        continue;
      }
      restarted = false;
      if (!(await visit(next.value, count++))) break;
    }
    return count;
  }
}

/** Options of `fit`. */
export interface FitArgs {
  /** Number of passes over the data (default 1). */
  epochs?: number;
  /** Samples per gradient step (default 32); ignored for batch sources. */
  batchSize?: number;
  /** 0 silent, 1 progress bar (one line per epoch when not on a terminal), 2 one line per epoch (default 1). */
  verbose?: 0 | 1 | 2;
  /** Callbacks, or plain objects of hooks. */
  callbacks?: (Callback | CallbackHooks)[];
  /** Fraction of the data, taken from the end before shuffling, held out for validation. */
  validationSplit?: number;
  /** Validation data: `[x, y]` arrays or a batch source. */
  validationData?: readonly [Tensors, Tensors] | BatchSource;
  /** Shuffle the training samples before each epoch (default true). */
  shuffle?: boolean;
  /** Loss weight per class id, e.g. `{0: 1, 1: 5}` for an under-represented class 1. */
  classWeight?: Record<number, number>;
  /** Loss weight per training sample ([n]). */
  sampleWeight?: Tensor;
  /** Epoch to start counting from, to resume a previous fit (default 0). */
  initialEpoch?: number;
  /** Batches per epoch when training from a batch source (default: until it is exhausted). */
  stepsPerEpoch?: number;
  /** Batches of validation data per evaluation from a batch source (default: all). */
  validationSteps?: number;
  /** Batch size for validation arrays (default batchSize). */
  validationBatchSize?: number;
  /** Validate every this many epochs (default 1). */
  validationFreq?: number;
}

const FIT_KEYS = optionKeys<FitArgs>({
  epochs: true, batchSize: true, verbose: true, callbacks: true, validationSplit: true, validationData: true, shuffle: true,
  classWeight: true, sampleWeight: true, initialEpoch: true, stepsPerEpoch: true, validationSteps: true, validationBatchSize: true, validationFreq: true,
});

const YIELD_EVERY_MS = 100;

/** Lets timers and I/O run (live dashboards, the browser's UI) during long synchronous stretches. */
class Yielder {
  private last = performance.now();

  /** A promise to await when it is time to yield; undefined (nothing to await) the rest of the time. */
  maybeYield(): Promise<void> | undefined {
    if (performance.now() - this.last < YIELD_EVERY_MS) return undefined;
    return new Promise<void>((resolve) => setTimeout(resolve, 0)).then(() => {
      this.last = performance.now();
    });
  }
}

/** The training loop of `Model.fit`. */
export async function fit(model: TrainableModel, compiled: CompiledState | undefined, x: Tensors | BatchSource, y: Tensors | undefined, args: FitArgs = {}): Promise<History> {
  checkOptions(`${model.name}.fit`, args, FIT_KEYS);
  const state = requireCompiled(model, compiled, 'fit');
  const epochs = args.epochs ?? 1;
  const initialEpoch = args.initialEpoch ?? 0;
  if (!Number.isInteger(epochs) || epochs < 0) throw new ValueError(`${model.name}.fit: epochs must be a non-negative integer, got ${epochs}.`);
  if (!Number.isInteger(initialEpoch) || initialEpoch < 0) throw new ValueError(`${model.name}.fit: initialEpoch must be a non-negative integer, got ${initialEpoch}.`);
  const batchSize = positiveInt('fit', model.name, 'batchSize', args.batchSize ?? 32);
  const verbose = args.verbose ?? 1;
  const validationFreq = positiveInt('fit', model.name, 'validationFreq', args.validationFreq ?? 1);
  const owned: Tensor[] = [];
  const trained = new TrainedVariables();
  try {
    let trainEpoch: (epoch: number, tracker: Tracker, callbacks: CallbackList, yielder: Yielder) => Promise<number>;
    let validate: (() => Promise<Logs>) | undefined;
    let steps: number | undefined;

    if (isBatchSource(x)) {
      if (y !== undefined) throw new ValueError(`${model.name}.fit: y must be omitted when x is a batch source (the source yields [x, y] pairs).`);
      if (args.validationSplit) throw new ValueError(`${model.name}.fit: validationSplit needs arrays; with a batch source pass validationData instead.`);
      for (const key of ['sampleWeight', 'classWeight'] as const) {
        if (args[key] !== undefined) {
          throw new ValueError(`${model.name}.fit: ${key} needs arrays; with a batch source, yield [x, y, sampleWeight] batches instead (weights computed per batch).`);
        }
      }
      const reader = new BatchReader(x);
      steps = args.stepsPerEpoch;
      trainEpoch = (epoch, tracker, callbacks, yielder) =>
        reader.epoch(steps, async (batch, index) => {
          const b = unpackBatch(model, 'fit', batch);
          await callbacks.batchBegin(index);
          try {
            trainStep(model, state, tracker, trained, b.x, b.y, b.sampleWeight);
          } finally {
            dispose([b.x, b.y, b.sampleWeight ?? null]);
          }
          await callbacks.batchEnd(index, tracker.logs());
          await yielder.maybeYield();
          return !model.stopTraining;
        }).then((count) => {
          if (count === 0) {
            throw new ValueError(`${model.name}.fit: the data source yielded no batch in epoch ${epoch + 1}. A generator can be read only once: pass an array or a re-iterable object, or set stepsPerEpoch.`);
          }
          return count;
        });
    } else {
      if (y === undefined) throw new ValueError(`${model.name}.fit: y (the targets) is required when x is an array of samples.`);
      let n = sampleCount('fit', model.name, x, y);
      assertFinite('fit', model.name, 'x', x);
      assertFinite('fit', model.name, 'y', y);
      if (args.sampleWeight !== undefined) checkSampleWeight('fit', model.name, args.sampleWeight, n);
      let trainWeights = args.sampleWeight;
      if (args.validationSplit) {
        const split = args.validationSplit;
        if (!(split > 0 && split < 1)) throw new ValueError(`${model.name}.fit: validationSplit must be between 0 and 1 (exclusive), got ${split}.`);
        const nTrain = Math.floor(n * (1 - split));
        if (nTrain === 0 || nTrain === n) throw new ValueError(`${model.name}.fit: validationSplit ${split} of ${n} samples leaves ${nTrain} for training and ${n - nTrain} for validation; both need at least one.`);
        // The split is a range of rows, not a copy: training gathers its batches from rows [0, nTrain)
        // and validation slices its batches from rows [nTrain, n), so the data is held once.
        const end = n;
        validate = () => evaluateArrays(model, state, x, y, args.validationBatchSize ?? batchSize, 'val_', undefined, nTrain, end);
        n = nTrain;
      }
      if (args.classWeight) {
        const classWeights = classSampleWeights(model, args.classWeight, asList(y)[0]!, n);
        owned.push(classWeights);
        const given = trainWeights;
        // Per-sample weights of rank 2 ([n, 1] or [n, steps]) take the class weights as a column.
        trainWeights = given ? tidy(() => mul(sliceRows(given, 0, n) as Tensor, given.rank === 2 ? expandDims(classWeights, -1) : classWeights)) : classWeights;
        if (trainWeights !== classWeights) owned.push(trainWeights);
      }
      const count = n;
      const weights = trainWeights;
      const labels = new ClassIdLabels(state, y);
      steps = Math.ceil(count / batchSize);
      trainEpoch = async (_epoch, tracker, callbacks, yielder) => {
        const batches = epochBatches(count, batchSize, args.shuffle ?? true);
        for (let b = 0; b < batches.length; b++) {
          // Most batch hooks and most steps have nothing to wait for: awaiting only real promises keeps
          // the step synchronous.
          const begun = callbacks.batchBegin(b);
          if (begun) await begun;
          tidy(() => {
            const idx = indexTensor(batches[b]!);
            const yb = labels.mark(takeRows(y, idx));
            trainStep(model, state, tracker, trained, takeRows(x, idx), yb, weights && (takeRows(weights, idx) as Tensor));
          });
          const ended = callbacks.batchEnd(b, tracker.logs());
          if (ended) await ended;
          const pause = yielder.maybeYield();
          if (pause) await pause;
          if (model.stopTraining) break;
        }
        return batches.length;
      };
    }

    if (args.validationData !== undefined) {
      if (validate) throw new ValueError(`${model.name}.fit: give either validationData or validationSplit, not both.`);
      const vd = args.validationData;
      if (isBatchSource(vd)) {
        validate = () => evaluateSource(model, state, new BatchReader(vd), args.validationSteps, 'val_');
      } else {
        const [vx, vy] = vd as readonly [Tensors, Tensors];
        sampleCount('fit (validationData)', model.name, vx, vy);
        validate = () => evaluateArrays(model, state, vx, vy, args.validationBatchSize ?? batchSize, 'val_');
      }
    }

    const history = new History();
    const params = { epochs, steps, verbose };
    const callbackList = new CallbackList(
      [...(verbose > 0 ? [new ProgbarLogger({ verbose })] : []), ...(args.callbacks ?? []), history],
      model,
      params,
    );
    const tracker = new Tracker(model, state);
    const yielder = new Yielder();
    model.stopTraining = false;
    await callbackList.trainBegin();
    let logs: Logs = {};
    for (let epoch = initialEpoch; epoch < epochs && !model.stopTraining; epoch++) {
      tracker.reset();
      await callbackList.epochBegin(epoch);
      const count = await trainEpoch(epoch, tracker, callbackList, yielder);
      if (params.steps === undefined) params.steps = count;
      logs = tracker.logs();
      if (validate && (epoch + 1 - initialEpoch) % validationFreq === 0) Object.assign(logs, await validate());
      await callbackList.epochEnd(epoch, logs);
    }
    await callbackList.trainEnd(logs);
    return history;
  } finally {
    dispose(owned);
  }
}

/** The loss and metrics over rows [from, to) of arrays (all rows by default), in batches. */
async function evaluateArrays(
  model: TrainableModel, compiled: CompiledState, x: Tensors, y: Tensors, batchSize: number, prefix: string, sampleWeight?: Tensor, from = 0, to?: number,
): Promise<Logs> {
  const end = to ?? sampleCount('evaluate', model.name, x, y);
  const tracker = new Tracker(model, compiled);
  tracker.reset();
  const yielder = new Yielder();
  const labels = new ClassIdLabels(compiled, y);
  for (let start = from; start < end; start += batchSize) {
    const count = Math.min(batchSize, end - start);
    tidy(() => testStep(model, compiled, tracker, sliceRows(x, start, count), labels.mark(sliceRows(y, start, count)), sampleWeight && (sliceRows(sampleWeight, start, count) as Tensor)));
    const pause = yielder.maybeYield();
    if (pause) await pause;
  }
  return tracker.logs(prefix);
}

async function evaluateSource(model: TrainableModel, compiled: CompiledState, reader: BatchReader, steps: number | undefined, prefix: string): Promise<Logs> {
  const tracker = new Tracker(model, compiled);
  tracker.reset();
  await reader.epoch(steps, async (batch) => {
    const b = unpackBatch(model, 'evaluate', batch);
    try {
      testStep(model, compiled, tracker, b.x, b.y, b.sampleWeight);
    } finally {
      dispose([b.x, b.y, b.sampleWeight ?? null]);
    }
    return true;
  });
  return tracker.logs(prefix);
}

/** Options of `evaluate`. */
export interface EvaluateArgs {
  /** Samples per batch (default 32). */
  batchSize?: number;
  /** Loss weight per sample ([n]). */
  sampleWeight?: Tensor;
  /** Batches to read from a batch source (default: all). */
  steps?: number;
}

/** The keys `Model.evaluate` takes: EvaluateArgs's and `returnDict`. */
export const EVALUATE_KEYS = [...optionKeys<EvaluateArgs>({ batchSize: true, sampleWeight: true, steps: true }), 'returnDict'];

/** Options of `predict`. */
export interface PredictArgs {
  /** Samples per batch (default 32). */
  batchSize?: number;
}

/** The keys `Model.predict` takes. */
export const PREDICT_KEYS = optionKeys<PredictArgs>({ batchSize: true });

/** The evaluation loop of `Model.evaluate`: the loss and metrics over all the data, by Keras's keys. */
export async function evaluate(model: TrainableModel, compiled: CompiledState | undefined, x: Tensors | BatchSource, y: Tensors | undefined, args: EvaluateArgs = {}): Promise<Logs> {
  const state = requireCompiled(model, compiled, 'evaluate');
  if (isBatchSource(x)) {
    if (args.sampleWeight !== undefined) throw new ValueError(`${model.name}.evaluate: sampleWeight needs arrays; with a batch source, yield [x, y, sampleWeight] batches instead.`);
    return evaluateSource(model, state, new BatchReader(x), args.steps, '');
  }
  if (y === undefined) throw new ValueError(`${model.name}.evaluate: y (the targets) is required when x is an array of samples.`);
  const n = sampleCount('evaluate', model.name, x, y);
  assertFinite('evaluate', model.name, 'x', x);
  if (args.sampleWeight !== undefined) checkSampleWeight('evaluate', model.name, args.sampleWeight, n);
  return evaluateArrays(model, state, x, y, positiveInt('evaluate', model.name, 'batchSize', args.batchSize ?? 32), '', args.sampleWeight);
}

/** The prediction loop of `Model.predict`: the outputs for every sample, computed in batches. */
export function predict(model: TrainableModel, x: Tensors, batchSize = 32): Tensors {
  const n = sampleCount('predict', model.name, x);
  positiveInt('predict', model.name, 'batchSize', batchSize);
  assertFinite('predict', model.name, 'x', x);
  return tidy(() => {
    const parts: Tensor[][] = [];
    for (let start = 0; start < n; start += batchSize) {
      // Each batch's slice of x is released with its own scope: predicting holds one batch of x, not a copy of all of it.
      parts.push(asList(tidy(() => model.call(sliceRows(x, start, Math.min(batchSize, n - start)), { training: false }))));
    }
    if (parts.length === 0) return model.call(x, { training: false });
    const outputs = parts[0]!.map((_, i) => (parts.length === 1 ? parts[0]![i]! : concat(parts.map((p) => p[i]!), 0)));
    return model.outputNames.length === 1 ? outputs[0]! : outputs;
  });
}

/** One gradient step on one batch (Keras's `train_on_batch`); the metrics cover this batch only. */
export function trainOnBatch(model: TrainableModel, compiled: CompiledState | undefined, x: Tensors, y: Tensors, sampleWeight?: Tensor): Logs {
  const state = requireCompiled(model, compiled, 'trainOnBatch');
  const n = sampleCount('trainOnBatch', model.name, x, y);
  if (sampleWeight !== undefined) checkSampleWeight('trainOnBatch', model.name, sampleWeight, n);
  const tracker = new Tracker(model, state);
  tracker.reset();
  trainStep(model, state, tracker, new TrainedVariables(), x, y, sampleWeight);
  return tracker.logs();
}

/** The loss and metrics of one batch in inference mode (Keras's `test_on_batch`). */
export function testOnBatch(model: TrainableModel, compiled: CompiledState | undefined, x: Tensors, y: Tensors, sampleWeight?: Tensor): Logs {
  const state = requireCompiled(model, compiled, 'testOnBatch');
  const n = sampleCount('testOnBatch', model.name, x, y);
  if (sampleWeight !== undefined) checkSampleWeight('testOnBatch', model.name, sampleWeight, n);
  const tracker = new Tracker(model, state);
  tracker.reset();
  testStep(model, state, tracker, x, y, sampleWeight);
  return tracker.logs();
}
