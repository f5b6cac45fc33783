/** Reading tokens out of tensors for the lookup layers: rows of tokens (documents), and integer tokens checked. */
import { DTypeError, fmtShape } from '../../core/errors.js';
import type { Tensor } from '../../core/tensor.js';

/** Rows of a flat array of values with `shape`: the last axis is a row (a document); a scalar or a vector gives rows of one. */
export function rowsOf<T>(values: ArrayLike<T>, shape: readonly number[]): T[][] {
  const width = shape.length >= 2 ? shape[shape.length - 1]! : 1;
  const rows: T[][] = [];
  for (let i = 0; i < values.length; i += Math.max(1, width)) rows.push(Array.from({ length: width }, (_, j) => values[i + j]!));
  return rows;
}

/** A tensor's values, checked to be whole numbers (ids may come as floats holding integers). */
export function integersOf(who: string, x: Tensor): number[] {
  if (x.dtype === 'bool') throw new DTypeError(`${who} expects integer tokens, got a bool tensor of shape ${fmtShape(x.shape)}.`);
  const values = Array.from(x.dataSync());
  const bad = values.findIndex((v) => !Number.isInteger(v));
  if (bad >= 0) throw new DTypeError(`${who} expects integer tokens, but its ${x.dtype} input of shape ${fmtShape(x.shape)} holds ${values[bad]} (flat index ${bad}).`);
  return values;
}
