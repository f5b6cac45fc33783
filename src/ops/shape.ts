/** Ops that change only the shape or the order of axes: reshape, expandDims, squeeze, flatten, transpose. */
import { ENGINE } from '../core/engine.js';
import { ShapeError, ValueError, fmtShape } from '../core/errors.js';
import { assertValidShape, normalizeAxes, normalizeAxis, sizeOf, type Shape } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { toTensor } from './convert.js';

/**
 * The same values under a new shape (row-major order is kept; no data is copied). One
 * dimension may be -1 and is then inferred.
 *
 * @example
 * reshape(images, [-1, 784]); // [n, 28, 28] -> [n, 784]
 */
export function reshape(x: Tensor, shape: Shape): Tensor {
  x = toTensor('reshape', 'x', x);
  const unknown = shape.filter((d) => d === -1).length;
  if (unknown > 1) throw new ValueError(`reshape: at most one dimension may be -1, got ${fmtShape(shape)}.`);
  let target = [...shape];
  if (unknown === 1) {
    const known = sizeOf(shape.filter((d) => d !== -1));
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError(`reshape: cannot reshape ${fmtShape(x.shape)} (${x.size} elements) to ${fmtShape(shape)}: ${x.size} is not a multiple of ${known}.`);
    }
    target = shape.map((d) => (d === -1 ? x.size / known : d));
  }
  assertValidShape('reshape', target);
  if (sizeOf(target) !== x.size) {
    throw new ShapeError(`reshape: cannot reshape ${fmtShape(x.shape)} (${x.size} elements) to ${fmtShape(target)} (${sizeOf(target)} elements); the sizes must match.`);
  }
  const out = ENGINE.reshapeView(x, target);
  ENGINE.recordOp('reshape', [x], out, { backward: (dy) => [reshape(dy, x.shape)] });
  return out;
}

/** Inserts an axis of size 1 at `axis` (negative counts from the end of the result). */
export function expandDims(x: Tensor, axis = 0): Tensor {
  const a = normalizeAxis('expandDims', axis, x.rank + 1);
  const shape = [...x.shape];
  shape.splice(a, 0, 1);
  return reshape(x, shape);
}

/** Removes axes of size 1: the ones named, or all of them. */
export function squeeze(x: Tensor, axis?: number | number[]): Tensor {
  const axes = axis === undefined ? x.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : normalizeAxes('squeeze', axis, x.rank);
  for (const a of axes) {
    if (x.shape[a] !== 1) throw new ShapeError(`squeeze: axis ${a} of shape ${fmtShape(x.shape)} has size ${x.shape[a]}, not 1; only axes of size 1 can be squeezed.`);
  }
  return reshape(x, x.shape.filter((_, i) => !axes.includes(i)));
}

/** Reshapes to [batch, everything else]: what Keras's Flatten does. */
export function flatten(x: Tensor): Tensor {
  if (x.rank < 1) throw new ShapeError(`flatten: expected a tensor with a batch axis, got a scalar.`);
  return reshape(x, [x.shape[0]!, sizeOf(x.shape.slice(1))]);
}

/**
 * Permutes the axes: output axis i is input axis `perm[i]` (reverses them by default).
 *
 * @example
 * transpose(x, [0, 2, 1]); // swap the last two axes
 */
export function transpose(x: Tensor, perm?: number[]): Tensor {
  x = toTensor('transpose', 'x', x);
  const p = perm ?? x.shape.map((_, i) => x.rank - 1 - i);
  if (p.length !== x.rank || [...p].map((a) => normalizeAxis('transpose', a, x.rank)).sort((a, b) => a - b).some((a, i) => a !== i)) {
    throw new ValueError(`transpose: perm ${fmtShape(p)} is not a permutation of the ${x.rank} axes of a tensor of shape ${fmtShape(x.shape)}.`);
  }
  const norm = p.map((a) => normalizeAxis('transpose', a, x.rank));
  if (norm.every((a, i) => a === i)) return reshape(x, x.shape);
  const inverse = new Array<number>(norm.length);
  norm.forEach((a, i) => (inverse[a] = i));
  return ENGINE.runOp('transpose', [x], (b) => b.transpose(x, norm), { backward: (dy) => [transpose(dy, inverse)] });
}

/**
 * The same values, but gradients do not flow back through it (it is a constant to `grad`).
 *
 * @example
 * const m = stopGradient(max(x)); // treat the max as a constant
 */
export function stopGradient(x: Tensor): Tensor {
  x = toTensor('stopGradient', 'x', x);
  return ENGINE.reshapeView(x, x.shape);
}

/**
 * A copy of `x` with its own storage (gradients pass through unchanged). Useful to snapshot a
 * variable's value: the copy does not change when the variable is assigned or updated in place.
 */
export function clone(x: Tensor): Tensor {
  x = toTensor('clone', 'x', x);
  const input = x;
  return ENGINE.runOp('clone', [x], (k) => k.slice(input, input.shape.map(() => 0), input.shape), {
    backward: (dy) => [dy],
  });
}
