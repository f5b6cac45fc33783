/** toCategorical: integer class ids to one-hot float32 rows, as Keras's `to_categorical`. */
import { ValueError, fmtShape } from '../core/errors.js';
import { tidy } from '../core/memory.js';
import type { Tensor } from '../core/tensor.js';
import { cast, oneHot, reshape } from '../ops/index.js';

/**
 * One-hot encodes class ids (any integer dtype, shape [n] or [n, 1]) as float32 rows
 * [n, numClasses]. `numClasses` defaults to the largest id plus one.
 *
 * @example
 * toCategorical(tensor(new Uint8Array([0, 2]))).arraySync(); // [[1, 0, 0], [0, 0, 1]]
 */
export function toCategorical(y: Tensor, numClasses?: number): Tensor {
  y.assertAlive('toCategorical');
  const ids = y.rank === 2 && y.shape[1] === 1 ? y.shape[0]! : y.rank === 1 ? y.shape[0]! : -1;
  if (ids < 0) throw new ValueError(`toCategorical: expected class ids of shape [n] or [n, 1], got ${fmtShape(y.shape)}.`);
  const values = y.dataSync();
  let largest = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < 0) throw new ValueError(`toCategorical: class ids must be whole numbers >= 0, got ${v} at index ${i}.`);
    if (v > largest) largest = v;
  }
  const depth = numClasses ?? largest + 1;
  if (!Number.isInteger(depth) || depth <= 0) throw new ValueError(`toCategorical: numClasses must be a positive integer, got ${numClasses}.`);
  if (largest >= depth) throw new ValueError(`toCategorical: class id ${largest} does not fit in numClasses ${depth} (ids must be in [0, ${depth - 1}]).`);
  return tidy(() => oneHot(cast(reshape(y, [ids]), 'int32'), depth));
}
