/**
 * `Dataset`: an async iterable of elements with the tf.data chain (map, filter, shuffle, batch,
 * prefetch, cache, take, skip, repeat). Each iteration reads the source anew; whoever takes an
 * element owns its tensors, and each stage frees the tensors it drops or replaces, so memory stays
 * bounded by the buffers (a shuffle buffer, a batch, the elements read ahead).
 */
import type { TensorContainer } from '../core/engine.js';
import { ValueError } from '../core/errors.js';
import { tidy } from '../core/memory.js';
import { checkOptions, optionKeys } from '../core/options.js';
import { RandomGenerator, generatorFor } from '../core/random.js';
import { stackElements } from './batch.js';
import { cacheFiles, restoreElement, snapshotElement, type ElementSnapshot } from './snapshot.js';
import { disposeConsumed, disposeElement, type Batched, type Element } from './element.js';

/** Options of `Dataset.map`. */
export interface MapArgs {
  /** How many calls of an async function may run at once (default 1); the order of elements is kept. */
  numParallelCalls?: number;
}

/** Options of `Dataset.shuffle`. */
export interface ShuffleArgs {
  /** Seed of the order: the same seed gives the same sequence of orders. */
  seed?: number;
  /** A new order each iteration (default true); false repeats the first iteration's order. */
  reshuffleEachIteration?: boolean;
}

/** Options of `Dataset.batch`. */
export interface BatchArgs {
  /** Drop a last batch smaller than `size` (default false), so every batch has one shape. */
  dropRemainder?: boolean;
}

/** Options of `Dataset.paddedBatch`. */
export interface PaddedBatchArgs extends BatchArgs {
  /**
   * The shape each tensor is padded to at the end of each axis: one shape for every tensor of the
   * element, or the element's structure of shapes (`[[undefined], []]` for `[tokens, label]`);
   * `undefined` sizes pad to the batch's longest (the default for every axis).
   */
  paddedShapes?: unknown;
  /** The value padded with (default 0). */
  paddingValue?: number;
}

const MAP_KEYS = optionKeys<MapArgs>({ numParallelCalls: true });
const SHUFFLE_KEYS = optionKeys<ShuffleArgs>({ seed: true, reshuffleEachIteration: true });
const BATCH_KEYS = optionKeys<BatchArgs>({ dropRemainder: true });
const PADDED_BATCH_KEYS = optionKeys<PaddedBatchArgs>({ dropRemainder: true, paddedShapes: true, paddingValue: true });

/**
 * A source of elements read one at a time: an async iterable whose every iteration starts over,
 * with tf.data's chain. `fit`, `evaluate` and `predict` take a dataset of batches (`[x, y]`,
 * `{x, y}` or `{xs, ys}`) directly.
 *
 * @example
 * const ds = data.array({ xs: x, ys: y }).shuffle(1000, { seed: 1 }).batch(32).prefetch(2);
 * await model.fit(ds, undefined, { epochs: 5 });
 */
export class Dataset<T = Element> implements AsyncIterable<T> {
  /** @param open Starts one iteration over the elements. */
  constructor(private readonly open: () => AsyncIterator<T>) {}

  /** One pass over the elements. */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.open();
  }

  /**
   * Applies `fn` to each element. A synchronous `fn` runs in a `tidy` scope (its intermediate
   * tensors are freed); an `async` one frees its own. Tensors of the element that the result does
   * not hold are freed.
   *
   * @example
   * const scaled = data.array(images).map((x) => div(x, 255));
   */
  map<U>(fn: (element: T) => U | Promise<U>, args: MapArgs = {}): Dataset<U> {
    checkOptions('Dataset.map', args, MAP_KEYS);
    const parallel = positive('Dataset.map', 'numParallelCalls', args.numParallelCalls ?? 1);
    // Declared async functions return promises of tensors they create later: no tidy scope can span them.
    const isAsync = Object.prototype.toString.call(fn) === '[object AsyncFunction]';
    const apply = async (e: T): Promise<U> => {
      const out = isAsync ? await fn(e) : (tidy(() => fn(e) as TensorContainer) as unknown as U);
      disposeConsumed(e, out);
      return out;
    };
    return new Dataset(() => readAhead(this, parallel, apply));
  }

  /**
   * Keeps the elements for which `predicate` is true (the others are freed).
   *
   * @example
   * const positives = ds.filter(([, label]) => label === 1);
   */
  filter(predicate: (element: T) => boolean | Promise<boolean>): Dataset<T> {
    const source = this;
    return new Dataset(async function* () {
      for await (const e of source) {
        if (await predicate(e)) yield e;
        else disposeElement(e);
      }
    });
  }

  /**
   * Shuffles with a buffer of `bufferSize` elements: each element comes out of a random place of the
   * buffer, refilled from the source (a buffer as large as the data shuffles it uniformly).
   *
   * @example
   * ds.shuffle(10_000, { seed: 42 });
   */
  shuffle(bufferSize: number, args: ShuffleArgs = {}): Dataset<T> {
    checkOptions('Dataset.shuffle', args, SHUFFLE_KEYS);
    positive('Dataset.shuffle', 'bufferSize', bufferSize);
    const seed = args.seed ?? generatorFor(undefined).nextUint32();
    const reshuffle = args.reshuffleEachIteration ?? true;
    // One generator across iterations gives each a new order, the same sequence for the same seed.
    const shared = new RandomGenerator(seed);
    const source = this;
    return new Dataset(async function* () {
      const g = reshuffle ? shared : new RandomGenerator(seed);
      const buffer: T[] = [];
      try {
        for await (const e of source) {
          if (buffer.length < bufferSize) {
            buffer.push(e);
            continue;
          }
          const i = g.int(bufferSize);
          const out = buffer[i]!;
          buffer[i] = e;
          yield out;
        }
        while (buffer.length > 0) {
          const i = g.int(buffer.length);
          const out = buffer[i]!;
          buffer[i] = buffer[buffer.length - 1]!;
          buffer.pop();
          yield out;
        }
      } finally {
        // An iteration stopped early leaves its buffer behind.
        for (const e of buffer) disposeElement(e);
      }
    });
  }

  /**
   * Stacks `size` consecutive elements into one: numbers and tensors gain a leading batch axis,
   * strings become string tensors, arrays and objects keep their structure.
   *
   * @example
   * data.array([[1, 'a'], [2, 'b'], [3, 'c']]).batch(2); // [tensor [1, 2], strings ['a', 'b']], then [[3], ['c']]
   */
  batch(size: number, args: BatchArgs = {}): Dataset<Batched<T>> {
    checkOptions('Dataset.batch', args, BATCH_KEYS);
    return this.batches('Dataset.batch', size, args.dropRemainder ?? false, undefined);
  }

  /**
   * Batches elements whose tensors differ in length, padding each at the end of each axis to the
   * batch's longest (or to `paddedShapes`) with `paddingValue`.
   *
   * @example
   * data.generator(sentences).paddedBatch(16, { paddedShapes: [[undefined], []] }); // [tokens, label] pairs
   */
  paddedBatch(size: number, args: PaddedBatchArgs = {}): Dataset<Batched<T>> {
    checkOptions('Dataset.paddedBatch', args, PADDED_BATCH_KEYS);
    return this.batches('Dataset.paddedBatch', size, args.dropRemainder ?? false, { shapes: args.paddedShapes ?? 'longest', value: args.paddingValue });
  }

  private batches(where: string, size: number, dropRemainder: boolean, padding: { shapes: unknown; value?: number } | undefined): Dataset<Batched<T>> {
    positive(where, 'size', size);
    const source = this;
    return new Dataset(async function* () {
      let pending: T[] = [];
      try {
        for await (const e of source) {
          pending.push(e);
          if (pending.length < size) continue;
          const group = pending;
          pending = [];
          yield stackElements(group as Element[], padding) as Batched<T>;
        }
        if (pending.length > 0 && !dropRemainder) {
          const group = pending;
          pending = [];
          yield stackElements(group as Element[], padding) as Batched<T>;
        }
      } finally {
        for (const e of pending) disposeElement(e);
      }
    });
  }

  /**
   * Reads up to `count` elements ahead while the consumer works on the current one, so reading
   * and decoding overlap training.
   *
   * @example
   * data.csv('big.csv').map(parse).batch(64).prefetch(2);
   */
  prefetch(count: number): Dataset<T> {
    positive('Dataset.prefetch', 'count', count);
    return new Dataset(() => readAhead(this, count, async (e: T) => e));
  }

  /**
   * Keeps the elements of the first complete iteration and replays them afterwards, from memory, or
   * from the file at `path` (Node; the file outlives the process and is read instead of the source
   * whenever it exists). An iteration stopped early caches nothing.
   *
   * @example
   * const decoded = data.imageFolder('photos', { imageSize: [64, 64] }).cache(); // decoded once
   */
  cache(path?: string): Dataset<T> {
    const source = this;
    let kept: ElementSnapshot[] | undefined;
    const files = path === undefined ? undefined : cacheFiles('Dataset.cache');
    return new Dataset(async function* () {
      if (kept) {
        for (const s of kept) yield restoreElement(s) as T;
        return;
      }
      if (files && path !== undefined && (await files.exists(path))) {
        for await (const s of files.read(path)) yield restoreElement(s) as T;
        return;
      }
      if (files && path !== undefined) {
        const writer = files.writer(path);
        let complete = false;
        try {
          for await (const e of source) {
            await writer.append(snapshotElement(e as Element));
            yield e;
          }
          complete = true;
        } finally {
          await (complete ? writer.close() : writer.abandon());
        }
        return;
      }
      const taken: ElementSnapshot[] = [];
      for await (const e of source) {
        taken.push(snapshotElement(e as Element));
        yield e;
      }
      kept = taken;
    });
  }

  /**
   * The first `count` elements.
   *
   * @example
   * const sample = await data.csv('big.csv').take(5).toArray();
   */
  take(count: number): Dataset<T> {
    nonNegative('Dataset.take', 'count', count);
    const source = this;
    return new Dataset(async function* () {
      if (count === 0) return;
      let n = 0;
      for await (const e of source) {
        yield e;
        if (++n >= count) return;
      }
    });
  }

  /**
   * All but the first `count` elements (those are read and freed).
   *
   * @example
   * const validation = ds.take(1000), train = ds.skip(1000);
   */
  skip(count: number): Dataset<T> {
    nonNegative('Dataset.skip', 'count', count);
    const source = this;
    return new Dataset(async function* () {
      let n = 0;
      for await (const e of source) {
        if (n++ < count) disposeElement(e);
        else yield e;
      }
    });
  }

  /**
   * The elements `count` times over (default: forever), each pass a new iteration of the source
   * (a new order after `shuffle`).
   *
   * @example
   * await model.fit(ds.repeat(), undefined, { epochs: 10, stepsPerEpoch: 100 });
   */
  repeat(count = Infinity): Dataset<T> {
    if (count !== Infinity) nonNegative('Dataset.repeat', 'count', count);
    const source = this;
    return new Dataset(async function* () {
      for (let pass = 0; pass < count; pass++) {
        let any = false;
        for await (const e of source) {
          any = true;
          yield e;
        }
        // An empty source would otherwise repeat nothing forever.
        if (!any) return;
      }
    });
  }

  /**
   * Every element, in an array (for small datasets: the whole iteration is held).
   *
   * @example
   * const batches = await data.array([1, 2, 3]).batch(2).toArray(); // [tensor [1, 2], tensor [3]]
   */
  async toArray(): Promise<T[]> {
    const out: T[] = [];
    for await (const e of this) out.push(e);
    return out;
  }

  /**
   * Calls `fn` on each element, then frees the element's tensors.
   *
   * @example
   * await ds.forEachAsync((e) => console.log(e));
   */
  async forEachAsync(fn: (element: T) => void | Promise<void>): Promise<void> {
    for await (const e of this) {
      try {
        await fn(e);
      } finally {
        disposeElement(e);
      }
    }
  }
}

/**
 * The source's elements passed through `apply`, with up to `ahead` of them requested at once (their
 * order kept): the source is still read one element at a time, but `apply` overlaps.
 */
async function* readAhead<T, U>(source: AsyncIterable<T>, ahead: number, apply: (e: T) => Promise<U>): AsyncGenerator<U> {
  const it = source[Symbol.asyncIterator]();
  const pending: Promise<IteratorResult<U, undefined>>[] = [];
  const request = (): Promise<IteratorResult<U, undefined>> =>
    it.next().then(async (n): Promise<IteratorResult<U, undefined>> => (n.done ? { done: true, value: undefined } : { done: false, value: await apply(n.value) }));
  try {
    for (;;) {
      while (pending.length < ahead) pending.push(request());
      const next = await pending.shift()!;
      // Requests are answered in order: once one finds the end, so do the later ones.
      if (next.done) return;
      yield next.value;
    }
  } finally {
    // Elements read ahead of an early stop (or of an error) are freed, and the source closed.
    await Promise.all(pending.map((p) => p.then((n) => !n.done && disposeElement(n.value), () => undefined)));
    await it.return?.();
  }
}

function positive(where: string, name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) throw new ValueError(`${where}: ${name} must be a positive integer, got ${value}.`);
  return value;
}

function nonNegative(where: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) throw new ValueError(`${where}: ${name} must be a non-negative integer, got ${value}.`);
}
