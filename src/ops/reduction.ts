/** Reductions over any set of axes (with `keepDims`): mean, max, min, their arg-forms, variance and logSumExp. `sum` lives with `broadcastTo`. */
import type { ReduceOp } from '../core/backend.js';
import { isFloat } from '../core/dtype.js';
import { ENGINE } from '../core/engine.js';
import { ShapeError, fmtShape } from '../core/errors.js';
import { normalizeAxes, normalizeAxis, reducedShape, sizeOf } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { add, div, maximum, mul, sub } from './arithmetic.js';
import { equal, isNaN, less, where } from './compare.js';
import { cast, toTensor } from './convert.js';
import { reshape, stopGradient } from './shape.js';
import { broadcastTo, sum } from './sum-broadcast.js';
import { abs, exp, log, square } from './unary.js';

/**
 * Mean over `axis` (all axes by default). Integers are averaged in float32.
 *
 * @example
 * mean(tensor([[1, 2], [3, 4]]), 1).arraySync(); // [1.5, 3.5]
 */
export function mean(x: Tensor, axis?: number | number[], keepDims = false): Tensor {
  x = toTensor('mean', 'x', x);
  if (!isFloat(x.dtype)) x = cast(x, 'float32');
  const axes = normalizeAxes('mean', axis, x.rank);
  const count = sizeOf(axes.map((a) => x.shape[a]!));
  return div(sum(x, axes, keepDims), count);
}

/**
 * max or min: the gradient is shared equally among the elements that attain the extreme. Where the
 * extreme is NaN (the values hold a NaN), each NaN gets NaN, the other values nothing: the slope at a NaN
 * is undefined, and an equal share of a finite dy would look like a derivative.
 */
function extreme(op: 'max' | 'min', x: Tensor, axis: number | number[] | undefined, keepDims: boolean): Tensor {
  x = toTensor(op, 'x', x);
  const axes = normalizeAxes(op, axis, x.rank);
  const keptShape = reducedShape(x.shape, axes, true);
  const input = x;
  const out = axes.length === 0
    ? reshape(x, x.shape)
    : ENGINE.runOp(op, [x], (k) => k.reduce(input, axes, op as ReduceOp), {
        saved: [x],
        saveOutput: true,
        backward: (dy, [sx, sy]) => {
          const isExtreme = cast(equal(sx!, reshape(sy!, keptShape)), dy.dtype);
          // A NaN extreme equals nothing, so its row has no ties: dividing by at least 1 keeps the other shares 0.
          const ties = maximum(sum(isExtreme, axes, true), 1);
          const share = where(isNaN(sx!), sx!, div(isExtreme, ties));
          return [mul(broadcastTo(reshape(dy, keptShape), sx!.shape), share)];
        },
      });
  return keepDims ? reshape(out, keptShape) : out;
}

/** Maximum over `axis` (all axes by default); -Infinity over an empty axis. */
export function max(x: Tensor, axis?: number | number[], keepDims = false): Tensor {
  return extreme('max', x, axis, keepDims);
}

/** Minimum over `axis` (all axes by default); Infinity over an empty axis. */
export function min(x: Tensor, axis?: number | number[], keepDims = false): Tensor {
  return extreme('min', x, axis, keepDims);
}

function argExtreme(op: 'argmax' | 'argmin', x: Tensor, axis: number): Tensor {
  x = toTensor(op, 'x', x);
  if (x.rank === 0) return reshape(toTensor(op, 'zero', 0, 'int32'), []);
  const a = normalizeAxis(op, axis, x.rank);
  if (x.shape[a] === 0) throw new ShapeError(`${op}: axis ${a} of shape ${fmtShape(x.shape)} is empty; there is no ${op === 'argmax' ? 'maximum' : 'minimum'} to index.`);
  const input = x;
  return ENGINE.runOp(op, [x], (k) => k.argReduce(input, a, op));
}

/**
 * Index (int32) of the largest value along `axis` (the last by default); the first one on ties.
 *
 * @example
 * argmax(tensor([[0.1, 0.7, 0.2]])).arraySync(); // [1]
 */
export function argmax(x: Tensor, axis = -1): Tensor {
  return argExtreme('argmax', x, axis);
}

/** Index (int32) of the smallest value along `axis` (the last by default); the first one on ties. */
export function argmin(x: Tensor, axis = -1): Tensor {
  return argExtreme('argmin', x, axis);
}

/** Population variance over `axis` (all axes by default): mean((x - mean(x))²). */
export function variance(x: Tensor, axis?: number | number[], keepDims = false): Tensor {
  const m = mean(x, axis, true);
  return mean(square(sub(x, m)), axis, keepDims);
}

/**
 * The per-row constant to subtract before exponentiating: the maximum (as a constant for
 * gradients, since the functions using it do not depend on the shift), or 0 where the maximum is not finite.
 */
export function stableShift(x: Tensor, axes: number | number[]): Tensor {
  const m = stopGradient(max(x, axes, true));
  // NOTE: an infinite maximum would make x - max NaN (Infinity - Infinity), so such rows shift by 0: a row of
  // -Infinity keeps its exps at 0, a row holding Infinity gets a logSumExp of Infinity (as in TensorFlow), and
  // a row holding NaN stays NaN.
  return where(less(abs(m), Infinity), m, 0);
}

/**
 * `log(sum(exp(x)))` over `axis`, computed without overflow: the maximum is subtracted first.
 *
 * @example
 * logSumExp(tensor([1000, 1000])).item(); // 1000.693..., not Infinity
 */
export function logSumExp(x: Tensor, axis?: number | number[], keepDims = false): Tensor {
  x = toTensor('logSumExp', 'x', x);
  if (!isFloat(x.dtype)) x = cast(x, 'float32');
  const axes = normalizeAxes('logSumExp', axis, x.rank);
  const shift = stableShift(x, axes);
  const out = add(log(sum(exp(sub(x, shift)), axes, true)), shift);
  return keepDims ? out : reshape(out, reducedShape(x.shape, axes, false));
}
