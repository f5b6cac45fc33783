/**
 * Elements as plain data that outlive their tensors: what `Dataset.cache` keeps in memory or writes
 * to a file, and the tensors made again from it on each later iteration.
 */
import type { DType, TypedArray } from '../core/dtype.js';
import { NotSupportedError } from '../core/errors.js';
import { StringTensor } from '../core/string-tensor.js';
import { Tensor } from '../core/tensor.js';
import { tensor } from '../ops/index.js';
import type { Element } from './element.js';

/**
 * An element with each tensor's values copied out: a number, a string, or a tagged tensor, string
 * tensor, list or record.
 *
 * @example
 * const s: ElementSnapshot = { list: [{ tensor: { dtype: 'float32', shape: [2], values: new Float32Array([1, 2]) } }, 3] };
 */
export type ElementSnapshot =
  | number
  | string
  | { tensor: { dtype: DType; shape: number[]; values: TypedArray } }
  | { strings: { shape: number[]; values: string[] } }
  | { list: ElementSnapshot[] }
  | { record: { [key: string]: ElementSnapshot } };

/** A copy of `e`'s values (its tensors stay with their owner). */
export function snapshotElement(e: Element): ElementSnapshot {
  if (typeof e === 'number' || typeof e === 'string') return e;
  if (e instanceof Tensor) return { tensor: { dtype: e.dtype, shape: [...e.shape], values: e.dataSync().slice() } };
  if (e instanceof StringTensor) return { strings: { shape: [...e.shape], values: [...e.dataSync()] } };
  if (Array.isArray(e)) return { list: e.map((item: Element) => snapshotElement(item)) };
  const record: { [key: string]: ElementSnapshot } = {};
  for (const [key, item] of Object.entries(e as { [key: string]: Element })) record[key] = snapshotElement(item);
  return { record };
}

/** New tensors (owned by the caller) from a snapshot. */
export function restoreElement(s: ElementSnapshot): Element {
  if (typeof s === 'number' || typeof s === 'string') return s;
  if ('tensor' in s) return tensor(s.tensor.values, s.tensor.shape, s.tensor.dtype);
  if ('strings' in s) return new StringTensor(s.strings.values, s.strings.shape);
  if ('list' in s) return s.list.map(restoreElement);
  const out: { [key: string]: Element } = {};
  for (const [key, item] of Object.entries(s.record)) out[key] = restoreElement(item);
  return out;
}

/** Where `Dataset.cache(path)` keeps its elements: a file written while the first iteration runs. */
export interface CacheFiles {
  exists(path: string): Promise<boolean>;
  /** The snapshots in the file, one at a time. */
  read(path: string): AsyncIterable<ElementSnapshot>;
  /** A writer that makes the file appear only when `close` is called (an abandoned one leaves nothing). */
  writer(path: string): { append(s: ElementSnapshot): Promise<void>; close(): Promise<void>; abandon(): Promise<void> };
}

let files: CacheFiles | undefined;

/** Sets where file caches go (the Node entry point sets its file system). */
export function setCacheFiles(f: CacheFiles): void {
  files = f;
}

/** The file store, or a NotSupportedError where there is none (a browser). */
export function cacheFiles(where: string): CacheFiles {
  if (!files) throw new NotSupportedError(`${where}: caching to a file needs Node's file system (import from 'strata' under Node); in a browser call cache() with no path to cache in memory.`);
  return files;
}
