/**
 * The loops behind fit, evaluate and predict: each reads its data through an epoch iterator and
 * calls the model's step method on every batch, in a memory scope that frees what the step made;
 * fit adds callbacks, validation and progress. Every per-batch tensor is released, so training runs
 * in constant memory without user code.
 */
import { CallbackList, History, ProgbarLogger, type Callback, type CallbackHooks, type Logs } from '../callbacks/index.js';
import { ValueError, fmtShape } from '../core/errors.js';
import { dispose, tidy } from '../core/memory.js';
import { optionKeys } from '../core/options.js';
import { Tensor } from '../core/tensor.js';
import { concat, expandDims, mul } from '../ops/index.js';
import type { CompiledState } from './compile.js';
import { asList, assertFinite, checkSampleWeight, classSampleWeights, positiveInt, sampleCount, sliceRows, type Inputs, type Tensors } from './data.js';
import { arrayEpochs, disposeBatch, isBatchSource, sourceEpochs, type BatchSource, type EpochIterator, type PredictSource, type StepBatch } from './epoch-iterator.js';
import type { StepLogs, Trainer } from './trainer.js';

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
  validationData?: readonly [Inputs, Tensors] | BatchSource;
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

/** The keys `fit` takes. */
export const FIT_KEYS = optionKeys<FitArgs>({
  epochs: true, batchSize: true, verbose: true, callbacks: true, validationSplit: true, validationData: true, shuffle: true,
  classWeight: true, sampleWeight: true, initialEpoch: true, stepsPerEpoch: true, validationSteps: true, validationBatchSize: true, validationFreq: true,
});

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
  /** Samples per batch (default 32); ignored for batch sources. */
  batchSize?: number;
}

/** The keys `Model.predict` takes. */
export const PREDICT_KEYS = optionKeys<PredictArgs>({ batchSize: true });

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

/** What a step returned, as numbers: each scalar tensor read (the step's scope then frees it). */
export function readLogs(model: Trainer, step: string, logs: StepLogs): Logs {
  if (logs === null || typeof logs !== 'object' || logs instanceof Tensor || Array.isArray(logs)) {
    throw new ValueError(`${model.name}.${step} must return a record of numbers or scalar tensors by name, e.g. {loss: value}, got ${logs === null ? 'null' : logs instanceof Tensor ? 'a Tensor' : typeof logs}.`);
  }
  // The default steps return numbers only: the record is then used as it is.
  for (const key in logs) if (typeof logs[key] !== 'number') return readValues(model, step, logs);
  return logs as Logs;
}

function readValues(model: Trainer, step: string, logs: StepLogs): Logs {
  const read: Logs = {};
  for (const [key, value] of Object.entries(logs)) {
    if (typeof value === 'number') read[key] = value;
    else if (value instanceof Tensor && value.size === 1) read[key] = value.item();
    else {
      const got = value instanceof Tensor ? `a tensor of shape ${fmtShape(value.shape)}` : typeof value;
      throw new ValueError(`${model.name}.${step} returned ${got} for '${key}'; each figure must be a number or a scalar tensor (reduce it with mean() first).`);
    }
  }
  return read;
}

/**
 * Runs `step` on each batch of one epoch of `data`, each in its own memory scope, the batch freed
 * after it; with `callbacks` (training) the batch hooks run around it and `stopTraining` ends the
 * epoch early. Returns the number of batches and what the last step returned.
 */
async function runBatches(
  model: Trainer, step: 'trainStep' | 'testStep', data: EpochIterator, epoch: number, yielder: Yielder, callbacks?: CallbackList,
): Promise<{ count: number; last: Logs | undefined }> {
  const batches = data.epoch(epoch);
  let count = 0;
  let last: Logs | undefined;
  for (;;) {
    // Arrays' batches, most batch hooks and most steps have nothing to wait for: awaiting only real
    // promises keeps the step synchronous.
    const pending = batches.next();
    const next = pending instanceof Promise ? await pending : pending;
    if (next.done) break;
    const batch: StepBatch<Inputs> = next.value;
    const index = count++;
    try {
      const begun = callbacks?.batchBegin(index);
      if (begun) await begun;
      model.buildFor(batch.x);
      tidy(() => {
        last = model.runStep(step, batch);
      });
    } finally {
      disposeBatch(batch);
    }
    const ended = callbacks?.batchEnd(index, last!);
    if (ended) await ended;
    const pause = yielder.maybeYield();
    if (pause) await pause;
    if (callbacks && model.stopTraining) break;
  }
  return { count, last };
}

/** Resets the metrics and runs `testStep` over one pass of `data`; returns the last step's figures. */
async function evaluateEpoch(model: Trainer, data: EpochIterator): Promise<Logs> {
  model.resetMetrics();
  const { last } = await runBatches(model, 'testStep', data, 0, new Yielder());
  return last ?? model.getMetricsResult();
}

/** The training data of a fit and, when asked for, its validation data (a fresh iterator per evaluation). */
function fitData(
  model: Trainer, compiled: CompiledState, x: Inputs | BatchSource, y: Tensors | undefined, args: FitArgs, batchSize: number, owned: Tensor[],
): { train: EpochIterator; validation: (() => EpochIterator) | undefined } {
  const validationBatchSize = args.validationBatchSize ?? batchSize;
  let validation: (() => EpochIterator) | undefined;
  let train: EpochIterator;
  if (isBatchSource(x)) {
    if (y !== undefined) throw new ValueError(`${model.name}.fit: y must be omitted when x is a batch source (the source yields [x, y] pairs).`);
    if (args.validationSplit) throw new ValueError(`${model.name}.fit: validationSplit needs arrays; with a batch source pass validationData instead.`);
    for (const key of ['sampleWeight', 'classWeight'] as const) {
      if (args[key] !== undefined) {
        throw new ValueError(`${model.name}.fit: ${key} needs arrays; with a batch source, yield [x, y, sampleWeight] batches instead (weights computed per batch).`);
      }
    }
    train = sourceEpochs(x, { method: 'fit', model: model.name, steps: args.stepsPerEpoch, targets: true });
  } else {
    if (y === undefined) throw new ValueError(`${model.name}.fit: y (the targets) is required when x is an array of samples.`);
    let n = sampleCount('fit', model.name, x, y);
    assertFinite('fit', model.name, 'x', x);
    assertFinite('fit', model.name, 'y', y);
    if (args.sampleWeight !== undefined) checkSampleWeight('fit', model.name, args.sampleWeight, n);
    let weights = args.sampleWeight;
    if (args.validationSplit) {
      const split = args.validationSplit;
      if (!(split > 0 && split < 1)) throw new ValueError(`${model.name}.fit: validationSplit must be between 0 and 1 (exclusive), got ${split}.`);
      const nTrain = Math.floor(n * (1 - split));
      if (nTrain === 0 || nTrain === n) throw new ValueError(`${model.name}.fit: validationSplit ${split} of ${n} samples leaves ${nTrain} for training and ${n - nTrain} for validation; both need at least one.`);
      // The split is a range of rows, not a copy: training gathers its batches from rows [0, nTrain)
      // and validation slices its batches from rows [nTrain, n), so the data is held once.
      const held = arrayEpochs(x, y, { batchSize: validationBatchSize, shuffle: false, from: nTrain, to: n, losses: compiled.losses });
      validation = () => held;
      n = nTrain;
    }
    if (args.classWeight) {
      const classWeights = classSampleWeights(model.name, args.classWeight, asList(y)[0]!, n);
      owned.push(classWeights);
      const given = weights;
      // Per-sample weights of rank 2 ([n, 1] or [n, steps]) take the class weights as a column.
      weights = given ? tidy(() => mul(sliceRows(given, 0, n) as Tensor, given.rank === 2 ? expandDims(classWeights, -1) : classWeights)) : classWeights;
      if (weights !== classWeights) owned.push(weights);
    }
    train = arrayEpochs(x, y, { batchSize, shuffle: args.shuffle ?? true, to: n, sampleWeight: weights, losses: compiled.losses });
  }
  if (args.validationData !== undefined) {
    if (validation) throw new ValueError(`${model.name}.fit: give either validationData or validationSplit, not both.`);
    const vd = args.validationData;
    if (isBatchSource(vd)) {
      validation = () => sourceEpochs(vd, { method: 'evaluate', model: model.name, steps: args.validationSteps, targets: true });
    } else {
      const [vx, vy] = vd as readonly [Inputs, Tensors];
      sampleCount('fit (validationData)', model.name, vx, vy);
      const held = arrayEpochs(vx, vy, { batchSize: validationBatchSize, shuffle: false, losses: compiled.losses });
      validation = () => held;
    }
  }
  return { train, validation };
}

/** The training loop of `Model.fit`: `trainStep` on every batch of every epoch, with callbacks, validation and progress. */
export async function fitLoop(model: Trainer, compiled: CompiledState, x: Inputs | BatchSource, y: Tensors | undefined, args: FitArgs): Promise<History> {
  const epochs = args.epochs ?? 1;
  const initialEpoch = args.initialEpoch ?? 0;
  if (!Number.isInteger(epochs) || epochs < 0) throw new ValueError(`${model.name}.fit: epochs must be a non-negative integer, got ${epochs}.`);
  if (!Number.isInteger(initialEpoch) || initialEpoch < 0) throw new ValueError(`${model.name}.fit: initialEpoch must be a non-negative integer, got ${initialEpoch}.`);
  const batchSize = positiveInt('fit', model.name, 'batchSize', args.batchSize ?? 32);
  const verbose = args.verbose ?? 1;
  const validationFreq = positiveInt('fit', model.name, 'validationFreq', args.validationFreq ?? 1);
  const owned: Tensor[] = [];
  try {
    const { train, validation } = fitData(model, compiled, x, y, args, batchSize, owned);
    const history = new History();
    const params = { epochs, steps: train.steps, verbose };
    const callbacks = new CallbackList([...(verbose > 0 ? [new ProgbarLogger({ verbose })] : []), ...(args.callbacks ?? []), history], model, params);
    const yielder = new Yielder();
    model.beginTraining();
    await callbacks.trainBegin();
    let logs: Logs = {};
    for (let epoch = initialEpoch; epoch < epochs && !model.stopTraining; epoch++) {
      model.resetMetrics();
      await callbacks.epochBegin(epoch);
      const { count, last } = await runBatches(model, 'trainStep', train, epoch, yielder, callbacks);
      if (params.steps === undefined) params.steps = count;
      logs = { ...(last ?? model.getMetricsResult()) };
      if (validation && (epoch + 1 - initialEpoch) % validationFreq === 0) {
        for (const [key, value] of Object.entries(await evaluateEpoch(model, validation()))) logs[`val_${key}`] = value;
      }
      await callbacks.epochEnd(epoch, logs);
    }
    await callbacks.trainEnd(logs);
    return history;
  } finally {
    dispose(owned);
  }
}

/** The evaluation loop of `Model.evaluate`: `testStep` over all the data; what its last call returned. */
export async function evaluateLoop(model: Trainer, compiled: CompiledState, x: Inputs | BatchSource, y: Tensors | undefined, args: EvaluateArgs): Promise<Logs> {
  if (isBatchSource(x)) {
    if (args.sampleWeight !== undefined) throw new ValueError(`${model.name}.evaluate: sampleWeight needs arrays; with a batch source, yield [x, y, sampleWeight] batches instead.`);
    return evaluateEpoch(model, sourceEpochs(x, { method: 'evaluate', model: model.name, steps: args.steps, targets: true }));
  }
  if (y === undefined) throw new ValueError(`${model.name}.evaluate: y (the targets) is required when x is an array of samples.`);
  const n = sampleCount('evaluate', model.name, x, y);
  assertFinite('evaluate', model.name, 'x', x);
  if (args.sampleWeight !== undefined) checkSampleWeight('evaluate', model.name, args.sampleWeight, n);
  const batchSize = positiveInt('evaluate', model.name, 'batchSize', args.batchSize ?? 32);
  return evaluateEpoch(model, arrayEpochs(x, y, { batchSize, shuffle: false, sampleWeight: args.sampleWeight, losses: compiled.losses }));
}

/** `predictStep` on one batch, in a scope that keeps only its outputs; the batch is freed. */
function predictBatch(model: Trainer, batch: StepBatch<Inputs>): Tensors {
  try {
    model.buildFor(batch.x);
    return tidy(() => model.runPredictStep(batch));
  } finally {
    disposeBatch(batch);
  }
}

/** One tensor per output from the outputs of each batch: one tensor for one output (as Keras), a list for several. */
function joinPredictions(parts: Tensors[]): Tensors {
  const single = (p: Tensors): Tensors => (Array.isArray(p) && p.length === 1 ? p[0]! : p);
  if (parts.length === 1) return single(parts[0]!);
  try {
    return tidy(() => {
      const lists = parts.map(asList);
      return single(lists[0]!.map((_, i) => concat(lists.map((p) => p[i]!), 0)));
    });
  } finally {
    dispose(parts);
  }
}

/** The prediction loop of `Model.predict` for arrays: `predictStep` on each batch, in order; synchronous. */
export function predictArrays(model: Trainer, x: Inputs, args: PredictArgs): Tensors {
  const batchSize = args.batchSize ?? 32;
  const n = sampleCount('predict', model.name, x);
  positiveInt('predict', model.name, 'batchSize', batchSize);
  assertFinite('predict', model.name, 'x', x);
  if (n === 0) return model.predictOnBatch(x);
  const batches = arrayEpochs(x, undefined, { batchSize, shuffle: false }).epoch(0) as Iterator<StepBatch<Inputs>>;
  const parts: Tensors[] = [];
  try {
    // Each batch's slice of x is freed after its step: predicting holds one batch of x, not a copy of all of it.
    for (let next = batches.next(); !next.done; next = batches.next()) parts.push(predictBatch(model, next.value));
  } catch (e) {
    dispose(parts);
    throw e;
  }
  return joinPredictions(parts);
}

/** The prediction loop of `Model.predict` for a source of batches (iterable or async iterable). */
export async function predictSource(model: Trainer, source: PredictSource): Promise<Tensors> {
  const batches = sourceEpochs(source, { method: 'predict', model: model.name, targets: false }).epoch(0);
  const parts: Tensors[] = [];
  try {
    for (let next = await batches.next(); !next.done; next = await batches.next()) parts.push(predictBatch(model, next.value));
  } catch (e) {
    dispose(parts);
    throw e;
  }
  if (parts.length === 0) throw new ValueError(`${model.name}.predict: the data source yielded no batch.`);
  return joinPredictions(parts);
}
