/** Ops that cut, join, pad, repeat and index tensors: slice, concat, stack, split, unstack, pad, tile, gather, oneHot. */
import { ENGINE } from '../core/engine.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../core/errors.js';
import { promoteTypes } from '../core/dtype.js';
import { normalizeAxis, shapesEqual, type Shape } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { checkPositiveInt } from '../core/validate.js';
import { cast, toTensor } from './convert.js';
import { expandDims, reshape } from './shape.js';
import { sum } from './sum-broadcast.js';

/**
 * The box of `x` that starts at `begin` and has `size` (-1 or a missing entry takes the rest of that axis).
 *
 * @example
 * slice(tensor([[1, 2, 3], [4, 5, 6]]), [0, 1], [2, 2]).arraySync(); // [[2, 3], [5, 6]]
 */
export function slice(x: Tensor, begin: number | readonly number[], size?: number | readonly number[]): Tensor {
  x = toTensor('slice', 'x', x);
  const b = typeof begin === 'number' ? [begin] : [...begin];
  const s = size === undefined ? [] : typeof size === 'number' ? [size] : [...size];
  if (b.length > x.rank || s.length > x.rank) {
    throw new ShapeError(`slice: begin ${fmtShape(b)} and size ${fmtShape(s)} have more entries than the ${x.rank} axes of shape ${fmtShape(x.shape)}.`);
  }
  const start = x.shape.map((_, i) => b[i] ?? 0);
  const extent = x.shape.map((d, i) => (s[i] === undefined || s[i] === -1 ? d - start[i]! : s[i]!));
  x.shape.forEach((d, i) => {
    if (!Number.isInteger(start[i]) || !Number.isInteger(extent[i]) || start[i]! < 0 || extent[i]! < 0 || start[i]! + extent[i]! > d) {
      throw new ShapeError(`slice: begin ${fmtShape(start)} with size ${fmtShape(extent)} does not fit in shape ${fmtShape(x.shape)} (axis ${i} has ${d} elements).`);
    }
  });
  if (shapesEqual(extent, x.shape)) return reshape(x, x.shape);
  const input = x;
  return ENGINE.runOp('slice', [x], (k) => k.slice(input, start, extent), {
    backward: (dy) => [pad(dy, input.shape.map((d, i) => [start[i]!, d - start[i]! - extent[i]!] as [number, number]))],
  });
}

/**
 * Joins tensors along `axis`; every other dimension must agree. Dtypes are promoted to a common one.
 *
 * @example
 * concat([zeros([2, 3]), ones([2, 1])], 1).shape; // [2, 4]
 */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new ValueError('concat: needs at least one tensor.');
  const ts = xs.map((x, i) => toTensor('concat', `xs[${i}]`, x));
  const rank = ts[0]!.rank;
  if (rank === 0) throw new ShapeError('concat: cannot concatenate scalars; use stack().');
  const a = normalizeAxis('concat', axis, rank);
  for (const t of ts) {
    if (t.rank !== rank || t.shape.some((d, i) => i !== a && d !== ts[0]!.shape[i])) {
      throw new ShapeError(`concat: shapes ${ts.map((u) => fmtShape(u.shape)).join(', ')} differ outside axis ${a}; all other dimensions must be equal.`);
    }
  }
  if (ts.length === 1) return reshape(ts[0]!, ts[0]!.shape);
  const dtype = ts.map((t) => t.dtype).reduce(promoteTypes);
  const inputs = ts.map((t) => cast(t, dtype));
  return ENGINE.runOp('concat', inputs, (k) => k.concat(inputs, a), {
    backward: (dy) => split(dy, inputs.map((t) => t.shape[a]!), a),
  });
}

/** Stacks tensors of one shape along a new axis. */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new ValueError('stack: needs at least one tensor.');
  const shape = xs[0]!.shape;
  xs.forEach((x) => {
    if (!shapesEqual(x.shape, shape)) throw new ShapeError(`stack: every tensor must have the same shape, got ${xs.map((t) => fmtShape(t.shape)).join(', ')}.`);
  });
  const a = normalizeAxis('stack', axis, shape.length + 1);
  return concat(xs.map((x) => expandDims(x, a)), a);
}

/**
 * Splits along `axis` into `numOrSizes` equal parts, or into parts of the given sizes (one may be -1).
 *
 * @example
 * split(range(0, 6), 3).map((t) => t.arraySync()); // [[0, 1], [2, 3], [4, 5]]
 */
export function split(x: Tensor, numOrSizes: number | readonly number[], axis = 0): Tensor[] {
  x = toTensor('split', 'x', x);
  const a = normalizeAxis('split', axis, x.rank);
  const dim = x.shape[a]!;
  let sizes: number[];
  if (typeof numOrSizes === 'number') {
    if (!Number.isInteger(numOrSizes) || numOrSizes <= 0 || dim % numOrSizes !== 0) {
      throw new ShapeError(`split: axis ${a} of shape ${fmtShape(x.shape)} has ${dim} elements, which cannot be split into ${numOrSizes} equal parts.`);
    }
    sizes = new Array<number>(numOrSizes).fill(dim / numOrSizes);
  } else {
    const known = numOrSizes.filter((s) => s !== -1).reduce((p, q) => p + q, 0);
    sizes = numOrSizes.map((s) => (s === -1 ? dim - known : s));
    if (sizes.reduce((p, q) => p + q, 0) !== dim || sizes.some((s) => s < 0)) {
      throw new ShapeError(`split: sizes ${fmtShape(numOrSizes)} do not add up to ${dim}, the size of axis ${a} of shape ${fmtShape(x.shape)}.`);
    }
  }
  let offset = 0;
  return sizes.map((s) => {
    const begin = x.shape.map((_, i) => (i === a ? offset : 0));
    const size = x.shape.map((d, i) => (i === a ? s : d));
    offset += s;
    return slice(x, begin, size);
  });
}

/** The slices along `axis`, with that axis removed. */
export function unstack(x: Tensor, axis = 0): Tensor[] {
  const a = normalizeAxis('unstack', axis, x.rank);
  const shape = x.shape.filter((_, i) => i !== a);
  return split(x, x.shape[a]!, a).map((t) => reshape(t, shape));
}

/**
 * Pads each axis with `[before, after]` elements equal to `value`.
 *
 * @example
 * pad(tensor([[1]]), [[1, 1], [0, 2]]).arraySync(); // [[0, 0, 0], [1, 0, 0], [0, 0, 0]]
 */
export function pad(x: Tensor, paddings: readonly (readonly [number, number])[], value = 0): Tensor {
  x = toTensor('pad', 'x', x);
  if (paddings.length !== x.rank || paddings.some((p) => p.length !== 2 || p.some((v) => !Number.isInteger(v) || v < 0))) {
    throw new ValueError(`pad: paddings must give [before, after] non-negative integers for each of the ${x.rank} axes of shape ${fmtShape(x.shape)}, got ${JSON.stringify(paddings)}.`);
  }
  const input = x;
  return ENGINE.runOp('pad', [x], (k) => k.pad(input, paddings, value), {
    backward: (dy) => [slice(dy, paddings.map((p) => p[0]), input.shape)],
  });
}

/**
 * Repeats `x` `reps[i]` times along each axis i.
 *
 * @example
 * tile(tensor([1, 2]), [3]).arraySync(); // [1, 2, 1, 2, 1, 2]
 */
export function tile(x: Tensor, reps: readonly number[]): Tensor {
  x = toTensor('tile', 'x', x);
  if (reps.length !== x.rank || reps.some((r) => !Number.isInteger(r) || r < 0)) {
    throw new ValueError(`tile: reps must give a non-negative integer for each of the ${x.rank} axes of shape ${fmtShape(x.shape)}, got ${fmtShape(reps)}.`);
  }
  const input = x;
  return ENGINE.runOp('tile', [x], (k) => k.tile(input, reps), {
    // The output, seen as [r0, d0, r1, d1, ...], is summed over the repeat axes.
    backward: (dy) => [reshape(sum(reshape(dy, input.shape.flatMap((d, i) => [reps[i]!, d])), reps.map((_, i) => 2 * i)), input.shape)],
  });
}

function checkIndices(op: string, indices: Tensor, limit: number, what: string, hint: string): void {
  if (indices.dtype !== 'int32') {
    throw new DTypeError(`${op}: indices must be int32, got ${indices.dtype}. ${hint}`);
  }
  const values = indices.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < 0 || v >= limit) throw new ValueError(`${op}: index ${v} (at flat position ${i}) is out of range for ${what}; indices must be in [0, ${limit - 1}].`);
  }
}

/**
 * Takes the slices of `x` along `axis` at `indices` (int32, any shape).
 *
 * @example
 * gather(tensor([[1, 2], [3, 4], [5, 6]]), tensor([2, 0], [2], 'int32')).arraySync(); // [[5, 6], [1, 2]]
 */
export function gather(x: Tensor, indices: Tensor, axis = 0): Tensor {
  x = toTensor('gather', 'x', x);
  const idx = toTensor('gather', 'indices', indices);
  const a = normalizeAxis('gather', axis, x.rank);
  checkIndices('gather', idx, x.shape[a]!, `axis ${a} of shape ${fmtShape(x.shape)}`, "Cast them with cast(indices, 'int32').");
  return gatherInRange(x, idx, a);
}

/**
 * @internal `gather` along a normalized `axis` for int32 indices the caller made in range (a training
 * loop's batch of sample numbers): the same op, without reading the indices back to check them.
 */
export function gatherInRange(x: Tensor, indices: Tensor, axis: number): Tensor {
  return ENGINE.runOp('gather', [x, indices], (k) => k.gather(x, indices, axis), {
    saved: [indices],
    backward: (dy, [i]) => [scatterAdd(dy, i!, axis, x.shape), null],
  });
}

/** gather's gradient: `updates` summed into zeros of `shape` at `indices`. It is gather's adjoint, so its own gradient is gather. */
function scatterAdd(updates: Tensor, indices: Tensor, axis: number, shape: Shape): Tensor {
  return ENGINE.runOp('scatterAdd', [updates, indices], (k) => k.scatterAdd(updates, indices, axis, shape), {
    saved: [indices],
    backward: (ddx, [i]) => [gatherInRange(ddx, i!, axis), null],
  });
}

/**
 * One-hot rows: `out[..., j] = 1` where `j === indices[...]`, 0 elsewhere (float32, no gradient).
 *
 * @example
 * oneHot(tensor([0, 2], [2], 'int32'), 3).arraySync(); // [[1, 0, 0], [0, 0, 1]]
 */
export function oneHot(indices: Tensor, depth: number, onValue = 1, offValue = 0): Tensor {
  const idx = toTensor('oneHot', 'indices', indices);
  checkPositiveInt('oneHot', 'depth', depth);
  checkIndices('oneHot', idx, depth, `depth ${depth}`, "Labels must be integer class ids: cast them with cast(labels, 'int32').");
  return ENGINE.runOp('oneHot', [idx], (k) => k.oneHot(idx, depth, onValue, offValue));
}

