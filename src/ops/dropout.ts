/** Dropout: zeroing random elements and scaling the rest, composed from primitives (so its gradient comes free). */
import { isFloat } from '../core/dtype.js';
import type { RandomGenerator } from '../core/random.js';
import { ShapeError, fmtShape } from '../core/errors.js';
import { checkOptions, optionKeys } from '../core/options.js';
import type { Tensor } from '../core/tensor.js';
import { checkInterval } from '../core/validate.js';
import { mul } from './arithmetic.js';
import { greaterEqual } from './compare.js';
import { cast, toTensor } from './convert.js';
import { randomUniform } from './creation.js';

/** Options of `dropout`. */
export interface DropoutArgs {
  /**
   * The shape of the keep/drop mask, broadcast over `x` (same rank; each dimension 1, null or
   * equal to x's). `[batch, 1, features]` drops the same features at every time step. Null means x's dimension.
   */
  noiseShape?: readonly (number | null)[];
  /**
   * A seed for this call; without one the global generator (see `setSeed`) is used. A generator gives each
   * call (and each run of a `jit` graph) a mask seeded by its next number.
   */
  seed?: number | RandomGenerator;
}

const DROPOUT_KEYS = optionKeys<DropoutArgs>({ noiseShape: true, seed: true });

/**
 * Inverted dropout: each element is set to 0 with probability `rate` and the others are divided
 * by `1 - rate`, so the expected value of every element is unchanged. `rate` must be in [0, 1).
 * The gradient is the same mask and scale applied to dy.
 *
 * @example
 * dropout(ones([2, 4]), 0.5, { seed: 1 }).arraySync(); // each element 0 or 2
 */
export function dropout(x: Tensor, rate: number, args: DropoutArgs = {}): Tensor {
  checkOptions('dropout', args, DROPOUT_KEYS);
  let t = toTensor('dropout', 'x', x);
  checkInterval('dropout', 'rate', rate, 0, 1, '[)');
  if (!isFloat(t.dtype)) t = cast(t, 'float32');
  if (rate === 0) return t;
  const noiseShape = (args.noiseShape ?? t.shape).map((d, i) => d ?? t.shape[i]!);
  if (noiseShape.length !== t.rank || noiseShape.some((d, i) => d !== 1 && d !== t.shape[i])) {
    throw new ShapeError(
      `dropout: noiseShape ${fmtShape(noiseShape)} does not fit input shape ${fmtShape(t.shape)}; ` +
        'it needs the same rank, and each dimension 1 or equal to the input\'s.',
    );
  }
  const keep = greaterEqual(randomUniform(noiseShape, 0, 1, { dtype: t.dtype, seed: args.seed }), rate);
  return mul(t, mul(cast(keep, t.dtype), 1 / (1 - rate)));
}
