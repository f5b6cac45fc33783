/**
 * Encoding category indices as Keras's preprocessing layers output them ('int', 'one_hot',
 * 'multi_hot', 'count'): what CategoryEncoding, Discretization and Hashing share.
 */
import type { Shape } from '../../core/shape.js';
import type { Tensor } from '../../core/tensor.js';
import { tensor } from '../../ops/creation.js';
import type { SymbolicShape } from '../symbolic-tensor.js';

/** How a categorical layer outputs its indices: as they are ('int'), or as vectors of `depth`. */
export type CategoricalOutputMode = 'int' | 'one_hot' | 'multi_hot' | 'count';

/** The output modes, in Keras's spelling. */
export const CATEGORICAL_OUTPUT_MODES: readonly CategoricalOutputMode[] = ['int', 'one_hot', 'multi_hot', 'count'];

/**
 * The output shape for indices of `shape` (Keras's rule): 'int' keeps it; 'one_hot' adds an axis
 * of `depth`, replacing a last axis of 1; 'multi_hot' and 'count' replace the last axis by
 * `depth` (a scalar or a vector is one sample: [depth]).
 *
 * @example
 * encodedShape([null, 3], 'multi_hot', 5); // [null, 5]
 * encodedShape([null, 1], 'one_hot', 5);   // [null, 5]
 */
export function encodedShape<S extends SymbolicShape>(shape: S, mode: CategoricalOutputMode, depth: number): S {
  if (mode === 'int') return shape;
  if (mode === 'one_hot') {
    const base = shape.length > 1 && shape[shape.length - 1] === 1 ? shape.slice(0, -1) : shape;
    return [...base, depth] as unknown as S;
  }
  return [...shape.slice(0, -1), depth] as unknown as S;
}

/**
 * Encodes `indices` (row-major, of shape `shape`) as `mode` says: 'int' gives an int32 tensor of
 * the indices; the others a float32 tensor of `encodedShape`, 1 at each index ('one_hot',
 * 'multi_hot') or the number of times it occurs in the last axis ('count'). Indices outside
 * [0, depth) are left out, as Keras's encoders do.
 *
 * @example
 * encodeCategorical(Int32Array.from([1, 1, 3]), [1, 3], 'count', 4).arraySync(); // [[0, 2, 0, 1]]
 */
export function encodeCategorical(indices: Int32Array, shape: Shape, mode: CategoricalOutputMode, depth: number): Tensor {
  if (mode === 'int') return tensor(indices, shape, 'int32');
  const outShape = encodedShape(shape, mode, depth);
  // One output row per index for 'one_hot'; per row of the last axis for 'multi_hot' and 'count'.
  const perRow = mode === 'one_hot' || shape.length === 0 ? 1 : shape[shape.length - 1]!;
  const out = new Float32Array(Math.ceil(indices.length / Math.max(1, perRow)) * depth);
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i]!;
    if (k < 0 || k >= depth) continue;
    const at = Math.floor(i / perRow) * depth + k;
    out[at] = mode === 'count' ? out[at]! + 1 : 1;
  }
  return tensor(out, outShape);
}
