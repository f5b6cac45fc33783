/** Reading the data lookup layers adapt on: one batch (a tensor or an array) or a stream of batches, each turned into rows of tokens. */
import { DTypeError, ValueError, fmtShape } from '../../core/errors.js';
import { StringTensor } from '../../core/string-tensor.js';
import { Tensor } from '../../core/tensor.js';
import type { AdaptData, TokenRows } from './index-lookup.js';

/** What `adapt` drives: forget the counts, count batches, make the vocabulary. */
interface Adaptable {
  resetState(): void;
  finalizeState(): void;
}

/**
 * Adapts `layer` on `data`: one batch, or every batch of an iterable (synchronously) or an async
 * iterable (the promise settles when the vocabulary is made). `count` counts one batch.
 */
export function adaptOn<D>(layer: Adaptable, data: AdaptData<D>, count: (batch: D) => void): void | Promise<void> {
  layer.resetState();
  const isBatch = data instanceof StringTensor || data instanceof Tensor || Array.isArray(data);
  if (!isBatch && data !== null && typeof data === 'object' && Symbol.asyncIterator in data) {
    return (async () => {
      for await (const batch of data as AsyncIterable<D>) count(batch);
      layer.finalizeState();
    })();
  }
  if (isBatch) count(data as D);
  else if (data !== null && typeof data === 'object' && Symbol.iterator in data) for (const batch of data as Iterable<D>) count(batch);
  else throw new ValueError(`adapt: expected a tensor, an array or batches of them, got ${data === null ? 'null' : typeof data}.`);
  layer.finalizeState();
}

/** Rows of a flat array of `size` values with `shape`: the last axis is a row (a document); a scalar or a vector gives rows of one. */
export function rowsOf<T>(values: readonly T[] | ArrayLike<T>, shape: readonly number[]): T[][] {
  const width = shape.length >= 2 ? shape[shape.length - 1]! : 1;
  const rows: T[][] = [];
  for (let i = 0; i < values.length; i += Math.max(1, width)) rows.push(Array.from({ length: width }, (_, j) => values[i + j]!));
  return rows;
}

/** The strings of a batch (a StringTensor or an array of strings) as rows of tokens. */
export function stringRows(who: string, batch: StringTensor | readonly string[]): TokenRows<string> {
  if (batch instanceof StringTensor) return rowsOf(batch.dataSync(), batch.shape);
  if (Array.isArray(batch) && batch.every((s) => typeof s === 'string')) return batch.map((s) => [s]);
  throw new ValueError(`${who}.adapt: expected a StringTensor or an array of strings, got ${describeValue(batch)}.`);
}

/** The integers of a batch (a tensor or an array of numbers) as rows of tokens. */
export function integerRows(who: string, batch: Tensor | readonly number[]): TokenRows<number> {
  if (batch instanceof Tensor) return rowsOf(integersOf(who, batch), batch.shape);
  if (Array.isArray(batch) && batch.every((v) => Number.isInteger(v))) return batch.map((v) => [v]);
  throw new ValueError(`${who}.adapt: expected a tensor or an array of integers, got ${describeValue(batch)}.`);
}

/** A tensor's values, checked to be whole numbers (ids may come as floats holding integers). */
export function integersOf(who: string, x: Tensor): number[] {
  if (x.dtype === 'bool') throw new DTypeError(`${who} expects integer tokens, got a bool tensor of shape ${fmtShape(x.shape)}.`);
  const values = Array.from(x.dataSync());
  const bad = values.findIndex((v) => !Number.isInteger(v));
  if (bad >= 0) throw new DTypeError(`${who} expects integer tokens, but its ${x.dtype} input of shape ${fmtShape(x.shape)} holds ${values[bad]} (flat index ${bad}).`);
  return values;
}

function describeValue(v: unknown): string {
  if (v instanceof Tensor) return `a ${v.dtype} tensor of shape ${fmtShape(v.shape)}`;
  if (Array.isArray(v)) return `an array of ${[...new Set(v.map((e) => typeof e))].join(' and ')} values`;
  return v === null ? 'null' : typeof v;
}
