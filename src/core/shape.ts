/** Shape arithmetic: sizes, strides, axis normalisation and NumPy broadcasting. */
import { ShapeError, ValueError, fmtShape } from './errors.js';

/** A tensor's shape: one non-negative integer per axis, `[]` for a scalar. */
export type Shape = readonly number[];

/** Number of elements of a shape (1 for a scalar). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides, in elements. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** True when both shapes have the same rank and dimensions. */
export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Throws unless every dimension is a non-negative integer. */
export function assertValidShape(op: string, shape: Shape): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ValueError(`${op}: every dimension must be a non-negative integer, got shape ${fmtShape(shape)}.`);
    }
  }
}

/** Turns a possibly negative axis into its index in [0, rank); throws if out of range. */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ValueError(`${op}: axis ${axis} is out of range for a tensor of rank ${rank}; expected an integer in [${-rank}, ${rank - 1}].`);
  }
  return axis < 0 ? axis + rank : axis;
}

/**
 * Normalises an axis argument to a sorted list of distinct axes. `undefined` means every axis;
 * `[]` means none (the reduction is then the identity, as in NumPy).
 */
export function normalizeAxes(op: string, axis: number | readonly number[] | undefined, rank: number): number[] {
  if (axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : axis;
  const out = [...new Set(list.map((a) => normalizeAxis(op, a, rank)))];
  if (out.length !== list.length) throw new ValueError(`${op}: axis ${fmtShape(list)} names the same axis twice.`);
  return out.sort((a, b) => a - b);
}

/** The shape NumPy broadcasting gives two shapes, or a ShapeError naming the op and both shapes. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        `${op}: shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast together: ` +
          `dimension ${i - rank} is ${da} in one and ${db} in the other; each pair of trailing dimensions must be equal or 1.`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * The axes of `outShape` that were broadcast from `inShape` (missing leading axes, or size 1
 * stretched to more): a gradient must be summed over them to get back `inShape`.
 */
export function broadcastedAxes(inShape: Shape, outShape: Shape): number[] {
  const offset = outShape.length - inShape.length;
  const axes: number[] = [];
  for (let i = 0; i < outShape.length; i++) {
    if (i < offset || (inShape[i - offset] === 1 && outShape[i] !== 1)) axes.push(i);
  }
  return axes;
}

/** Strides for reading a tensor of `inShape` as if it had the broadcast shape `outShape` (0 on broadcast axes). */
export function broadcastStrides(inShape: Shape, outShape: Shape): number[] {
  const inStrides = stridesOf(inShape);
  const offset = outShape.length - inShape.length;
  return outShape.map((_, i) => (i < offset || inShape[i - offset] === 1 ? 0 : inStrides[i - offset]!));
}

/** The shape a reduction over `axes` leaves, keeping them as size 1 or dropping them. */
export function reducedShape(shape: Shape, axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepDims) out.push(1);
  });
  return out;
}
