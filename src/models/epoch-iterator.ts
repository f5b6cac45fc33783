/**
 * The epoch iterator: whatever data fit, evaluate and predict are given — arrays of samples, or a
 * source of batches (an array, a generator, any iterable or async iterable) — becomes the batches
 * of each epoch, `{x, y, sampleWeight}`, that the step methods receive.
 */
import { ValueError } from '../core/errors.js';
import { dispose } from '../core/memory.js';
import { StringTensor } from '../core/string-tensor.js';
import { Tensor } from '../core/tensor.js';
import { SparseCategoricalCrossentropy, type Loss } from '../losses/index.js';
import { classIdBound, markClassIds } from '../losses/categorical-crossentropy.js';
import { asList, checkSampleWeight, epochBatches, indexTensor, sampleCount, sliceRows, takeRows, type Inputs, type Tensors } from './data.js';

/**
 * One batch as `trainStep`, `testStep` and `predictStep` receive it (Keras passes the same as
 * `data`): `x` one tensor per model input (a single tensor for one input), `y` one per output
 * (absent for prediction), and `sampleWeight` one loss weight per sample ([batch] or [batch, 1]).
 * The inputs of a model that takes text hold StringTensors: its step overrides declare
 * `StepBatch<Inputs>`; the default, `Tensors`, suits every other model.
 *
 * @example
 * override testStep({ x, y, sampleWeight }: StepBatch): StepLogs { ... }
 */
export interface StepBatch<X extends Inputs = Tensors> {
  x: X;
  y?: Tensors;
  sampleWeight?: Tensor;
}

/** Frees a batch's tensors (the loops own every batch they take). */
export function disposeBatch(batch: StepBatch<Inputs>): void {
  for (const x of asList(batch.x)) x.dispose();
  if (batch.y !== undefined) dispose(batch.y);
  batch.sampleWeight?.dispose();
}

/** A batch as an iterable data source yields it: `[x, y]`, `[x, y, sampleWeight]` or `{xs, ys}`. */
export type Batch = readonly [Inputs, Tensors] | readonly [Inputs, Tensors, Tensor] | { xs: Inputs; ys: Tensors; sampleWeight?: Tensor };

/** A stream of batches: an array, a generator, or any (async) iterable. Each epoch iterates it anew. */
export type BatchSource = Iterable<Batch> | AsyncIterable<Batch>;

/**
 * A batch for `predict` from a source: the inputs alone (a tensor, or `{xs}` for several inputs),
 * or a training batch (its targets are ignored).
 *
 * @example
 * async function* images(): AsyncGenerator<PredictBatch> { yield tensor(await readChunk(), [64, 28, 28]); }
 * const probs = await model.predict(images());
 */
export type PredictBatch = Tensor | StringTensor | { xs: Inputs } | Batch;

/** A stream of batches for `predict`. */
export type PredictSource = Iterable<PredictBatch> | AsyncIterable<PredictBatch>;

/** True for a source of batches, as opposed to arrays of samples. */
export function isBatchSource(x: unknown): x is BatchSource {
  return !(x instanceof Tensor) && !Array.isArray(x) && x !== null && typeof x === 'object' && (Symbol.iterator in x || Symbol.asyncIterator in x);
}

/**
 * The batches of one epoch: a plain iterator for arrays (a step with nothing to wait for then
 * stays synchronous, thousands of times per epoch) and an async one for a source. The caller owns
 * each batch's tensors and frees them after the step.
 */
export interface EpochIterator {
  /** Batches per epoch, when known before the first epoch. */
  readonly steps: number | undefined;
  epoch(index: number): Iterator<StepBatch<Inputs>> | AsyncIterator<StepBatch<Inputs>>;
}

/**
 * The class-id labels of arrays, checked once per fit (or evaluation): for each output trained with
 * sparse categorical cross-entropy, one read of all its labels finds whether they are non-negative
 * integers and the largest; each batch taken from them is then marked, and the loss does not read it
 * back. (Labels that fail the check are left unmarked, so the loss still names the bad one in its batch.)
 */
function classIdBounds(losses: readonly Loss[], y: Tensors): (number | undefined)[] {
  const ys = asList(y);
  return losses.map((loss, i) => (loss instanceof SparseCategoricalCrossentropy && ys[i] ? classIdBound(ys[i]!) : undefined));
}

function markBatch(bounds: readonly (number | undefined)[], y: Tensors): Tensors {
  asList(y).forEach((t, i) => {
    const bound = bounds[i];
    if (bound !== undefined) markClassIds(t, bound);
  });
  return y;
}

/** Options of `arrayEpochs`. */
export interface ArrayEpochsArgs {
  batchSize: number;
  /** Draw each epoch's batches in a new random order (training); else in order. */
  shuffle: boolean;
  /** The rows used: [from, to) (all by default). */
  from?: number;
  to?: number;
  /** Weights of each row (the whole array, indexed like x). */
  sampleWeight?: Tensor;
  /** The compiled losses, to check class-id labels once (see `classIdBounds`). */
  losses?: readonly Loss[];
}

/** The batches of arrays of samples: rows [from, to) of `x` (and `y`, `sampleWeight`), shuffled or in order. */
export function arrayEpochs(x: Inputs, y: Tensors | undefined, args: ArrayEpochsArgs): EpochIterator {
  const from = args.from ?? 0;
  const to = args.to ?? asList(x)[0]!.shape[0]!;
  const { batchSize, shuffle, sampleWeight } = args;
  const bounds = y !== undefined && args.losses ? classIdBounds(args.losses, y) : [];
  const marked = (t: Tensors): Tensors => (bounds.length ? markBatch(bounds, t) : t);
  return {
    steps: Math.ceil((to - from) / batchSize),
    *epoch(): Iterator<StepBatch<Inputs>> {
      if (shuffle) {
        // Training gathers shuffled rows of [0, to); from is 0 there.
        for (const rows of epochBatches(to, batchSize, true)) {
          // The index is freed before the batch is handed over: a loop that stops early leaves nothing behind.
          const idx = indexTensor(rows);
          let batch: StepBatch<Inputs>;
          try {
            batch = { x: takeRows(x, idx), y: y && marked(takeRows(y, idx)), sampleWeight: sampleWeight && (takeRows(sampleWeight, idx) as Tensor) };
          } finally {
            idx.dispose();
          }
          yield batch;
        }
        return;
      }
      for (let start = from; start < to; start += batchSize) {
        const count = Math.min(batchSize, to - start);
        yield { x: sliceRows(x, start, count), y: y && marked(sliceRows(y, start, count)), sampleWeight: sampleWeight && (sliceRows(sampleWeight, start, count) as Tensor) };
      }
    },
  };
}

/** Options of `sourceEpochs`. */
export interface SourceEpochsArgs {
  /** The method and model named in errors. */
  method: string;
  model: string;
  /** Batches per epoch (default: until the source is exhausted); the next epoch continues where one stopped. */
  steps?: number;
  /** Whether each batch must hold targets (fit, evaluate) or may be the inputs alone (predict). */
  targets: boolean;
}

/** The batches of a source: a fresh pass per epoch, or `steps` batches continuing where the last epoch stopped. */
export function sourceEpochs(source: BatchSource | PredictSource, args: SourceEpochsArgs): EpochIterator {
  const src = source as Partial<Iterable<unknown> & AsyncIterable<unknown>>;
  const fresh = (): Iterator<unknown> | AsyncIterator<unknown> => (src[Symbol.asyncIterator] ? src[Symbol.asyncIterator]!() : src[Symbol.iterator]!());
  const { steps } = args;
  let iterator: Iterator<unknown> | AsyncIterator<unknown> | undefined;
  return {
    steps,
    async *epoch(index: number): AsyncIterator<StepBatch<Inputs>> {
      if (steps === undefined || !iterator) iterator = fresh();
      let count = 0;
      let restarted = false;
      while (steps === undefined || count < steps) {
        const next = await iterator.next();
        if (next.done) {
          if (steps === undefined || restarted) break;
          // A re-iterable source (an array, a class with [Symbol.iterator]) starts over; a spent generator stays empty.
          iterator = fresh();
          restarted = true;
          continue;
        }
        restarted = false;
        count++;
        yield unpackBatch(args, next.value);
      }
      if (count === 0 && args.targets && args.method === 'fit') {
        throw new ValueError(`${args.model}.fit: the data source yielded no batch in epoch ${index + 1}. A generator can be read only once: pass an array or a re-iterable object, or set stepsPerEpoch.`);
      }
    },
  };
}

function readBatch(args: SourceEpochsArgs, item: unknown): StepBatch<Inputs> {
  if (!args.targets) {
    if (item instanceof Tensor || item instanceof StringTensor) return { x: item };
    if (Array.isArray(item)) return { x: item[0] as Inputs, y: item[1] as Tensors | undefined, sampleWeight: item[2] as Tensor | undefined };
    const b = item as { xs?: Inputs; ys?: Tensors; sampleWeight?: Tensor } | null;
    if (b && b.xs !== undefined) return { x: b.xs, y: b.ys, sampleWeight: b.sampleWeight };
    throw new ValueError(`${args.model}.${args.method}: each batch of the data source must be x, {xs}, [x] or [x, y], got ${item === null ? 'null' : typeof item}.`);
  }
  if (Array.isArray(item)) return { x: item[0] as Inputs, y: item[1] as Tensors, sampleWeight: item[2] as Tensor | undefined };
  const b = item as { xs?: Inputs; ys?: Tensors; sampleWeight?: Tensor } | null;
  if (b && b.xs !== undefined && b.ys !== undefined) return { x: b.xs, y: b.ys, sampleWeight: b.sampleWeight };
  throw new ValueError(`${args.model}.${args.method}: each batch of the data source must be [x, y], [x, y, sampleWeight] or {xs, ys}, got ${typeof item}.`);
}

/** A batch of a source, its weights checked: they arrive with each batch, so this is the one place to check them (one read of a batch's weights). */
function unpackBatch(args: SourceEpochsArgs, item: unknown): StepBatch<Inputs> {
  const b = readBatch(args, item);
  try {
    if (b.sampleWeight !== undefined) checkSampleWeight(args.method, args.model, b.sampleWeight, sampleCount(args.method, args.model, b.x, b.y));
  } catch (e) {
    // The loop owns a source's batches: a refused one is released as a used one would be.
    disposeBatch(b);
    throw e;
  }
  return b;
}
