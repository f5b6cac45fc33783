/**
 * The base of the preprocessing layers that learn their state from data (Normalization,
 * Discretization, the lookup layers): `adapt` feeds them one batch or a stream of batches through
 * Keras's three steps — `resetState`, `updateState` per batch, `finalizeState` — and keeps what
 * they learn out of training (non-trainable weights, or a vocabulary in the config).
 */
import type { DType } from '../../core/dtype.js';
import { ValueError } from '../../core/errors.js';
import { StringTensor, strings, type NestedStrings } from '../../core/string-tensor.js';
import { Tensor, type NestedArray, type Variable } from '../../core/tensor.js';
import { checkPositiveInt } from '../../core/validate.js';
import type { InitializerIdentifier } from '../../initializers/get-initializer.js';
import { tensor } from '../../ops/creation.js';
import { Layer } from '../layer.js';

/** One batch `adapt` learns from: a tensor, a tensor of strings, or nested arrays of numbers or of strings. */
export type AdaptBatch = Tensor | StringTensor | NestedArray[] | NestedStrings[];

/**
 * What `adapt` takes: one batch, or batches from an array of tensors, an iterable or an async
 * iterable (a generator, a `data` Dataset). A plain array of numbers or strings is one batch.
 */
export type AdaptData = AdaptBatch | readonly (Tensor | StringTensor)[] | Iterable<AdaptBatch> | AsyncIterable<AdaptBatch>;

/** Options of `adapt`. */
export interface AdaptOptions {
  /** Learn from at most this many batches of an iterable (all of them by default; needed for endless streams). */
  steps?: number;
}

/**
 * A layer whose state is computed from data by `adapt` rather than trained. A subclass says how:
 * `resetState` forgets, `updateState` takes one batch in, `finalizeState` turns what was gathered
 * into the state the layer computes with. State kept in weights is made with `addStateWeight`
 * (non-trainable, so `fit` leaves it alone and `.strata`/`.keras` files keep it); state kept as
 * plain values (a vocabulary, bin boundaries) goes into `getConfig`.
 *
 * @example
 * const norm = new Normalization();
 * norm.adapt(tensor([[1, 10], [3, 30]]));          // in-memory data: synchronous
 * await norm.adapt(data.array(rows).batch(32));    // a stream of batches: a promise
 */
export abstract class PreprocessingLayer extends Layer {
  /** Set once the layer has its state: by `adapt`, or by a subclass given the state in its constructor. */
  protected adapted = false;

  /** Whether `adapt` has run (or the state was given to the constructor): the layer is ready to compute. */
  get isAdapted(): boolean {
    return this.adapted;
  }

  /** Forgets what earlier `adapt` calls gathered. */
  abstract resetState(): void;

  /** Takes one batch into the statistics (a tensor, or a StringTensor for layers that take text). */
  abstract updateState(batch: Tensor | StringTensor): void;

  /** Turns the gathered statistics into the layer's state. */
  abstract finalizeState(): void;

  /**
   * Computes the layer's state from `data`: one batch (a tensor, a StringTensor, nested arrays) —
   * synchronously — or the batches of an array of tensors, an iterable or an async iterable (a
   * Dataset) — then it returns a promise, settled once the state is final. Either way `await` works.
   *
   * @example
   * const disc = new Discretization({ numBins: 4 });
   * disc.adapt([[0.1], [0.5], [0.9], [1.7]]);
   */
  adapt(data: AdaptData, options: AdaptOptions = {}): void | Promise<void> {
    this.assertNotDisposed('adapt');
    const steps = options.steps === undefined ? Infinity : checkPositiveInt(`${this.describe()}.adapt`, 'steps', options.steps);
    this.resetState();
    if (isOneBatch(data)) {
      this.takeBatch(data);
      return this.finish(1);
    }
    if (data !== null && typeof data === 'object' && Symbol.asyncIterator in data) {
      return (async () => {
        let n = 0;
        for await (const batch of data as AsyncIterable<AdaptBatch>) {
          if (n >= steps) break;
          this.takeBatch(batch);
          n++;
        }
        this.finish(n);
      })();
    }
    if (data !== null && typeof data === 'object' && Symbol.iterator in data) {
      let n = 0;
      for (const batch of data as Iterable<AdaptBatch>) {
        if (n >= steps) break;
        this.takeBatch(batch);
        n++;
      }
      return this.finish(n);
    }
    throw new ValueError(`${this.describe()}.adapt: expected a tensor, a StringTensor, nested arrays, or batches of them (an iterable or a Dataset), got ${data === null ? 'null' : typeof data}.`);
  }

  /**
   * Makes a weight holding adapted state: non-trainable, so optimizers never move it, but saved
   * and loaded with the model as Keras keeps such state (Normalization's mean and variance).
   */
  protected addStateWeight(name: string, shape: readonly number[], initializer: InitializerIdentifier, dtype?: DType): Variable {
    return this.addWeight(name, shape, { initializer, trainable: false, dtype });
  }

  /** Throws unless the layer has its state, naming what to do. */
  protected assertAdapted(): void {
    if (!this.adapted) throw new ValueError(`${this.describe()} has no state yet: call adapt(data) first, or give the state to the constructor.`);
  }

  /** Converts one batch to a tensor (or StringTensor), updates the state with it and frees what the conversion made. */
  private takeBatch(batch: AdaptBatch): void {
    if (batch instanceof Tensor || batch instanceof StringTensor) {
      this.updateState(batch);
      return;
    }
    if (!Array.isArray(batch)) throw new ValueError(`${this.describe()}.adapt: each batch must be a tensor, a StringTensor or nested arrays, got ${batch === null ? 'null' : typeof batch}.`);
    const converted = firstLeaf(batch) === 'string' ? strings(batch as NestedStrings[]) : tensor(batch as NestedArray[]);
    try {
      this.updateState(converted);
    } finally {
      converted.dispose();
    }
  }

  private finish(batches: number): void {
    if (batches === 0) throw new ValueError(`${this.describe()}.adapt: the data held no batches; pass at least one.`);
    this.finalizeState();
    this.adapted = true;
  }
}

/** Whether `data` is a single batch rather than a collection of batches. */
function isOneBatch(data: AdaptData): data is AdaptBatch {
  if (data instanceof Tensor || data instanceof StringTensor) return true;
  // An array of tensors is a list of batches (as in Keras); an array of numbers or strings is one batch.
  return Array.isArray(data) && !data.some((b) => b instanceof Tensor || b instanceof StringTensor);
}

/** The type of the first value found in nested arrays ('undefined' for empty ones). */
function firstLeaf(values: unknown): string {
  let v = values;
  while (Array.isArray(v)) v = v[0];
  return typeof v;
}
