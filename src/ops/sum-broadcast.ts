/**
 * `sum` and its adjoint `broadcastTo`, defined together because each one's gradient is the
 * other; `reduceTo` sums a broadcast gradient back to an operand's shape.
 */
import { ENGINE } from '../core/engine.js';
import { ShapeError, fmtShape } from '../core/errors.js';
import { broadcastedAxes, normalizeAxes, reducedShape, shapesEqual, type Shape } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { cast, toTensor } from './convert.js';
import { reshape } from './shape.js';

/**
 * Sum over `axis` (all axes by default; `[]` sums over none). Booleans and uint8 are summed in int32.
 *
 * @example
 * sum(tensor([[1, 2], [3, 4]]), 0).arraySync();       // [4, 6]
 * sum(tensor([[1, 2], [3, 4]]), 1, true).arraySync(); // [[3], [7]]
 */
export function sum(x: Tensor, axis?: number | number[], keepDims = false): Tensor {
  x = toTensor('sum', 'x', x);
  if (x.dtype === 'bool' || x.dtype === 'uint8') x = cast(x, 'int32');
  const axes = normalizeAxes('sum', axis, x.rank);
  const keptShape = reducedShape(x.shape, axes, true);
  const input = x;
  const out = axes.length === 0
    ? reshape(x, x.shape)
    : ENGINE.runOp('sum', [x], (b) => b.reduce(input, axes, 'sum'), {
        backward: (dy) => [broadcastTo(reshape(dy, keptShape), input.shape)],
      });
  return keepDims ? reshape(out, keptShape) : out;
}

/**
 * Repeats `x` along axes of size 1 (and new leading axes) to reach `shape`, as broadcasting does.
 *
 * @example
 * broadcastTo(tensor([1, 2]), [3, 2]).arraySync(); // [[1, 2], [1, 2], [1, 2]]
 */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  x = toTensor('broadcastTo', 'x', x);
  const offset = shape.length - x.rank;
  if (offset < 0 || x.shape.some((d, i) => d !== 1 && d !== shape[offset + i])) {
    throw new ShapeError(`broadcastTo: cannot broadcast shape ${fmtShape(x.shape)} to ${fmtShape(shape)}; each dimension must be 1 or equal to the target's.`);
  }
  if (shapesEqual(x.shape, shape)) return reshape(x, shape);
  const padded = reshape(x, [...new Array<number>(offset).fill(1), ...x.shape]);
  const reps = shape.map((d, i) => (padded.shape[i] === 1 ? d : 1));
  return ENGINE.runOp('broadcastTo', [padded], (b) => b.tile(padded, reps), {
    backward: (dy) => [reduceTo(dy, padded.shape)],
  });
}

/** Sums `dy` over the axes along which `shape` was broadcast, giving a tensor of `shape`. */
export function reduceTo(dy: Tensor, shape: Shape): Tensor {
  if (shapesEqual(dy.shape, shape)) return dy;
  return reshape(sum(dy, broadcastedAxes(shape, dy.shape)), shape);
}
