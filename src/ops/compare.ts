/** Comparisons and logic (results are `bool`, with no gradient) and `where`, which selects between two tensors. */
import type { CompareOp } from '../core/backend.js';
import { ENGINE } from '../core/engine.js';
import { broadcastShapes } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { toTensor, toTensorPair, type TensorLike } from './convert.js';
import { zerosLike } from './creation.js';
import { reduceTo } from './sum-broadcast.js';

function compare(op: CompareOp, a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = toTensorPair(op, a, b);
  const shape = broadcastShapes(op, x.shape, y.shape);
  return ENGINE.runOp(op, [x, y], (k) => k.binary(x, y, op, shape, 'bool'));
}

/** `a == b` elementwise, broadcasting. */
export const equal = (a: TensorLike, b: TensorLike): Tensor => compare('equal', a, b);
/** `a != b` elementwise, broadcasting. */
export const notEqual = (a: TensorLike, b: TensorLike): Tensor => compare('notEqual', a, b);
/** `a > b` elementwise, broadcasting. */
export const greater = (a: TensorLike, b: TensorLike): Tensor => compare('greater', a, b);
/** `a >= b` elementwise, broadcasting. */
export const greaterEqual = (a: TensorLike, b: TensorLike): Tensor => compare('greaterEqual', a, b);
/** `a < b` elementwise, broadcasting. */
export const less = (a: TensorLike, b: TensorLike): Tensor => compare('less', a, b);
/** `a <= b` elementwise, broadcasting. */
export const lessEqual = (a: TensorLike, b: TensorLike): Tensor => compare('lessEqual', a, b);
/** Logical and of two tensors (nonzero is true). */
export const logicalAnd = (a: TensorLike, b: TensorLike): Tensor => compare('logicalAnd', a, b);
/** Logical or of two tensors (nonzero is true). */
export const logicalOr = (a: TensorLike, b: TensorLike): Tensor => compare('logicalOr', a, b);
/**
 * True where `x` is NaN (the one value not equal to itself).
 *
 * @example
 * isNaN(tensor([1, NaN, Infinity])).arraySync(); // [false, true, false]
 */
export const isNaN = (x: TensorLike): Tensor => compare('notEqual', x, x);
/** Logical not (nonzero becomes false). */
export const logicalNot = (x: Tensor): Tensor => compare('equal', x, 0);

/**
 * Picks `a` where `condition` is true (nonzero) and `b` elsewhere; all three broadcast together.
 * The gradient flows to `a` where the condition holds and to `b` elsewhere.
 *
 * @example
 * where(greater(x, 0), x, 0); // relu
 */
export function where(condition: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const cond = toTensor('where', 'condition', condition);
  const [x, y] = toTensorPair('where', a, b);
  const shape = broadcastShapes('where', cond.shape, broadcastShapes('where', x.shape, y.shape));
  return ENGINE.runOp('where', [cond, x, y], (k) => k.where(cond, x, y, shape), {
    saved: [cond],
    backward: (dy, [c], needs) => {
      const zero = zerosLike(dy);
      return [null, needs[1] ? reduceTo(where(c!, dy, zero), x.shape) : null, needs[2] ? reduceTo(where(c!, zero, dy), y.shape) : null];
    },
  });
}

