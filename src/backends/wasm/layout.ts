/**
 * Reduces the index arithmetic of a kernel call to the few loops the WebAssembly kernels take:
 * axes that every operand walks contiguously are merged, size-1 axes dropped.
 */
import { broadcastStrides, sizeOf, type Shape } from '../../core/shape.js';

/** The most axes the elementwise kernels loop over. */
export const KERNEL_RANK = 4;

/** A loop nest: `shape` outermost first and, per operand, its element stride along each axis. */
export interface Strided {
  shape: number[];
  strides: number[][];
}

/**
 * Merges adjacent axes of `shape` wherever every operand's stride continues contiguously across
 * them, drops size-1 axes, and pads the result to `KERNEL_RANK` axes at the front. Undefined when
 * more than `KERNEL_RANK` axes remain (the caller then uses the general JS kernel).
 */
export function collapse(shape: Shape, strides: readonly (readonly number[])[]): Strided | undefined {
  const dims: number[] = [];
  const merged: number[][] = strides.map(() => []);
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const d = shape[axis]!;
    if (d === 1) continue;
    const last = dims.length - 1;
    // An axis joins the inner group when, for every operand, one step along it is one step past the group.
    if (last >= 0 && strides.every((s, t) => s[axis] === merged[t]![last]! * dims[last]!)) {
      dims[last]! *= d;
    } else {
      dims.push(d);
      strides.forEach((s, t) => merged[t]!.push(s[axis]!));
    }
  }
  if (dims.length > KERNEL_RANK) return undefined;
  while (dims.length < KERNEL_RANK) {
    dims.push(1);
    merged.forEach((m) => m.push(0));
  }
  return { shape: dims.reverse(), strides: merged.map((m) => m.reverse()) };
}

/**
 * The loop nest for operands of `shapes` broadcast to `outShape`. Operands that are whole or
 * scalar (the usual case: same shapes, a tensor and a number) skip the general analysis.
 */
export function broadcastLoops(outShape: Shape, shapes: readonly Shape[]): Strided | undefined {
  const size = sizeOf(outShape);
  const sizes = shapes.map(sizeOf);
  if (sizes.every((n) => n === size || n === 1)) {
    return { shape: [1, 1, 1, size], strides: sizes.map((n) => [0, 0, 0, n === size ? 1 : 0]) };
  }
  // Whole operands beside ones that repeat along the leading axes (a bias added to a batch): rows × a run.
  const inner = Math.min(...sizes.filter((n) => n !== size));
  if (inner > 1 && shapes.every((s, i) => sizes[i] === size || sizes[i] === 1 || (sizes[i] === inner && isSuffix(s, outShape)))) {
    return { shape: [1, 1, size / inner, inner], strides: sizes.map((n) => (n === size ? [0, 0, inner, 1] : n === 1 ? [0, 0, 0, 0] : [0, 0, 0, 1])) };
  }
  return collapse(outShape, shapes.map((s) => broadcastStrides(s, outShape)));
}

/** Whether `shape`, without leading ones, is the trailing part of `outShape`. */
function isSuffix(shape: Shape, outShape: Shape): boolean {
  let i = shape.length - 1;
  let j = outShape.length - 1;
  for (; i >= 0 && j >= 0; i--, j--) if (shape[i] !== outShape[j]) break;
  for (; i >= 0; i--) if (shape[i] !== 1) return false;
  return true;
}

/**
 * A reduction over `axes` as x viewed [outer, r, inner], reducing the middle; undefined when the
 * reduced axes (ignoring size-1 axes) are not adjacent.
 */
export function reductionView(shape: Shape, axes: readonly number[]): { outer: number; r: number; inner: number } | undefined {
  const reduced = axes.filter((a) => shape[a] !== 1);
  if (reduced.length === 0) return { outer: shape.reduce((p, d) => p * d, 1), r: 1, inner: 1 };
  const first = reduced[0]!;
  const last = reduced[reduced.length - 1]!;
  for (let a = first; a <= last; a++) if (shape[a] !== 1 && !axes.includes(a)) return undefined;
  const product = (from: number, to: number): number => shape.slice(from, to).reduce((p, d) => p * d, 1);
  return { outer: product(0, first), r: product(first, last + 1), inner: product(last + 1, shape.length) };
}

/**
 * A transpose as x viewed [batch, rows, cols, inner] becoming [batch, cols, rows, inner]; undefined
 * for permutations of any other form.
 */
export function transposeView(shape: Shape, perm: readonly number[]): { batch: number; rows: number; cols: number; inner: number } | undefined {
  // Drop size-1 axes, then merge runs of axes that stay adjacent and in order.
  const kept = perm.filter((p) => shape[p] !== 1);
  const groups: number[][] = [];
  for (const p of kept) {
    const g = groups[groups.length - 1];
    if (g && g[g.length - 1]! + 1 === p) g.push(p);
    else groups.push([p]);
  }
  const size = (g: number[]): number => g.reduce((acc, p) => acc * shape[p]!, 1);
  // Groups in input order, and the output's order of them.
  const byInput = [...groups].sort((a, b) => a[0]! - b[0]!);
  const order = groups.map((g) => byInput.indexOf(g));
  const sizes = byInput.map(size);
  if (order.length <= 1) return { batch: 1, rows: 1, cols: 1, inner: sizes[0] ?? 1 };
  const swapAt = order.findIndex((o, i) => o !== i);
  // The only permutation left must swap two neighbours: [..., i+1, i, ...].
  const swapped = [...order];
  [swapped[swapAt], swapped[swapAt + 1]] = [swapped[swapAt + 1]!, swapped[swapAt]!];
  if (!swapped.every((o, i) => o === i) || order[swapAt] !== swapAt + 1) return undefined;
  const product = (from: number, to: number): number => sizes.slice(from, to).reduce((p, d) => p * d, 1);
  return { batch: product(0, swapAt), rows: sizes[swapAt]!, cols: sizes[swapAt + 1]!, inner: product(swapAt + 2, sizes.length) };
}
