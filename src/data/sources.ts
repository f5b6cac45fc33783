/** Datasets from what is already in memory or computed on demand: `array`, `generator`, and `zip` of datasets. */
import { ValueError } from '../core/errors.js';
import { tidy } from '../core/memory.js';
import { StringTensor } from '../core/string-tensor.js';
import { Tensor } from '../core/tensor.js';
import { reshape, slice } from '../ops/index.js';
import { Dataset } from './dataset.js';
import { disposeElement, isRecord, type Element } from './element.js';
import { restoreElement, snapshotElement } from './snapshot.js';

/** What `array` takes: a tensor (its rows), an array of tensors (`[x, y]`: rows zipped), an object of tensors, or a list of elements. */
export type ArraySource = Tensor | StringTensor | readonly (Tensor | StringTensor)[] | { readonly [key: string]: Tensor | StringTensor } | readonly Element[];

/**
 * A dataset of in-memory data: the rows of a tensor; the rows of several tensors with one row count
 * together (`[x, y]` → `[xRow, yRow]`, `{xs, ys}` → `{xs: xRow, ys: yRow}`); or the items of a
 * plain array as they are. Each element is a new tensor (the given ones stay the caller's).
 *
 * @example
 * data.array({ xs: tensor([[1, 2], [3, 4]]), ys: tensor([0, 1]) }).batch(2); // {xs: [2, 2], ys: [2]}
 * data.array(['a cat', 'a dog']); // two string elements
 */
export function array(source: Tensor): Dataset<Tensor>;
export function array(source: StringTensor): Dataset<StringTensor>;
export function array<K extends string>(source: { readonly [key in K]: Tensor }): Dataset<{ [key in K]: Tensor }>;
export function array(source: readonly Tensor[]): Dataset<Tensor[]>;
export function array<T extends Element>(source: readonly T[]): Dataset<T>;
export function array(source: ArraySource): Dataset<Element>;
export function array(source: ArraySource): Dataset<Element> {
  const columns = tensorColumns(source);
  if (columns === undefined) {
    const items = source as readonly Element[];
    return new Dataset(async function* () {
      // The caller keeps the given tensors: each iteration hands out copies.
      for (const item of items) yield hasTensor(item) ? restoreElement(snapshotElement(item)) : item;
    });
  }
  const leaves = Object.values(columns);
  const rows = leaves[0]!.shape[0];
  for (const [key, t] of Object.entries(columns)) {
    if (t.shape[0] !== rows) {
      throw new ValueError(`data.array: every tensor must have the same number of rows, but ${Object.keys(columns)[0]} has ${rows} and ${key} has ${t.shape[0]}.`);
    }
  }
  const rowOf = (t: Tensor | StringTensor, i: number): Tensor | StringTensor =>
    t instanceof StringTensor ? t.sliceRows(i, 1).reshape(t.shape.slice(1)) : tidy(() => reshape(slice(t, [i], [1]), t.shape.slice(1)));
  return new Dataset<Element>(async function* () {
    for (let i = 0; i < rows!; i++) {
      if (Array.isArray(source)) yield leaves.map((t) => rowOf(t, i));
      else if (source instanceof Tensor || source instanceof StringTensor) yield rowOf(source, i);
      else yield Object.fromEntries(Object.entries(columns).map(([key, t]) => [key, rowOf(t, i)]));
    }
  });
}

/** The tensors of `source` by name when it is a tensor or a collection of tensors; undefined for a list of elements. */
function tensorColumns(source: ArraySource): Record<string, Tensor | StringTensor> | undefined {
  const isColumn = (v: unknown): v is Tensor | StringTensor => v instanceof Tensor || v instanceof StringTensor;
  if (isColumn(source)) {
    if (source.rank === 0) throw new ValueError('data.array: a scalar tensor has no rows; pass a tensor with a leading axis of samples.');
    return { x: source };
  }
  const values = Array.isArray(source) ? source : isRecord(source) ? Object.values(source) : [];
  if (values.length === 0 || !values.every(isColumn)) {
    if (!Array.isArray(source)) throw new ValueError('data.array: an object must map names to tensors, e.g. {xs, ys}; for a list of elements pass an array.');
    return undefined;
  }
  const entries = Array.isArray(source) ? values.map((t, i) => [`[${i}]`, t] as const) : Object.entries(source as Record<string, Tensor | StringTensor>);
  for (const [key, t] of entries) if (t.rank === 0) throw new ValueError(`data.array: ${key} is a scalar tensor; each tensor needs a leading axis of samples.`);
  return Object.fromEntries(entries);
}

function hasTensor(e: Element): boolean {
  if (e instanceof Tensor) return true;
  if (Array.isArray(e)) return e.some((item: Element) => hasTensor(item));
  return isRecord(e) && Object.values(e).some(hasTensor);
}

/** What `generator`'s function returns: an iterator or iterable, synchronous or async (a generator function's result). */
export type ElementStream<T> = Iterator<T> | AsyncIterator<T> | Iterable<T> | AsyncIterable<T>;

/**
 * A dataset whose elements `fn` computes: each iteration calls `fn` for a new stream (a generator
 * function fits), so only the elements in flight are in memory.
 *
 * @example
 * const ds = data.generator(function* () {
 *   for (let i = 0; i < 1e6; i++) yield [randomNormal([8]), i % 2];
 * });
 */
export function generator<T = Element>(fn: () => ElementStream<T>): Dataset<T> {
  if (typeof fn !== 'function') throw new ValueError(`data.generator: expected a function returning an iterator (a generator function), got ${typeof fn}.`);
  return new Dataset<T>(async function* () {
    const made = fn();
    const s = made as Partial<Iterable<T> & AsyncIterable<T> & Iterator<T>>;
    if (s[Symbol.asyncIterator]) yield* s as AsyncIterable<T>;
    else if (s[Symbol.iterator]) yield* s as Iterable<T>;
    else if (typeof s.next === 'function') {
      const it = made as Iterator<T> | AsyncIterator<T>;
      for (let next = await it.next(); !next.done; next = await it.next()) yield next.value;
    } else throw new ValueError('data.generator: the function must return an iterator or an (async) iterable.');
  });
}

/**
 * The elements of several datasets side by side, `[a, b]` or `{a, b}`, until the shortest ends.
 *
 * @example
 * data.zip({ xs: images, ys: labels }).batch(32);
 */
export function zip<T = Element>(datasets: readonly AsyncIterable<unknown>[] | { readonly [key: string]: AsyncIterable<unknown> }): Dataset<T> {
  const entries = Object.entries(datasets);
  if (entries.length === 0) throw new ValueError('data.zip: give at least one dataset, as an array [a, b] or an object {a, b}.');
  return new Dataset<T>(async function* () {
    const its = entries.map(([, ds]) => ds[Symbol.asyncIterator]());
    try {
      for (;;) {
        const nexts = await Promise.all(its.map((it) => it.next()));
        if (nexts.some((n) => n.done)) {
          // The longer datasets' elements read with the shortest's end are freed.
          for (const n of nexts) if (!n.done) disposeElement(n.value);
          return;
        }
        const values = nexts.map((n) => n.value as Element);
        yield (Array.isArray(datasets) ? values : Object.fromEntries(entries.map(([key], i) => [key, values[i]!]))) as T;
      }
    } finally {
      await Promise.all(its.map((it) => it.return?.()));
    }
  });
}
