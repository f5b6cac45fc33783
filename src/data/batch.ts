/** Batching: elements of one structure stacked into one element whose leaves have a leading batch axis. */
import { allocArray } from '../core/dtype.js';
import type { TensorContainer } from '../core/engine.js';
import { ShapeError, ValueError, fmtShape } from '../core/errors.js';
import { tidy } from '../core/memory.js';
import { StringTensor } from '../core/string-tensor.js';
import { Tensor } from '../core/tensor.js';
import { pad, tensor } from '../ops/index.js';
import { disposeElement, isRecord, type Element } from './element.js';

/** How `paddedBatch` pads: the shape each leaf is padded to (undefined sizes: the batch's longest) and the value. */
export interface Padding {
  /** Shape per leaf, in the element's structure, or 'longest'; `undefined` in a shape pads that axis to the batch's longest. */
  shapes: unknown;
  /** The value padded with (default 0; '' for strings). */
  value?: number;
}

/**
 * Stacks `elements` (each of one structure) into one batch; with `padding` each tensor leaf is
 * first padded at the end of each axis. The elements' tensors are freed: the batch replaces them.
 */
export function stackElements(elements: readonly Element[], padding?: Padding): Element {
  try {
    // A string tensor is a plain object to tidy: it walks it and finds no tensor.
    return tidy(() => stackLeaves(elements, '', padding?.shapes, padding?.value ?? 0) as TensorContainer) as Element;
  } finally {
    for (const e of elements) disposeElement(e);
  }
}

function stackLeaves(items: readonly Element[], path: string, shape: unknown, value: number): Element {
  const first = items[0]!;
  const where = path === '' ? 'the element' : `the element's ${path}`;
  const mismatch = (e: Element): ValueError => new ValueError(`batch: every element must have one structure, but ${where} is ${describe(first)} in one element and ${describe(e)} in another.`);
  if (typeof first === 'number') {
    return tensor(items.map((e) => (typeof e === 'number' ? e : throwError(mismatch(e)))), [items.length], 'float32');
  }
  if (typeof first === 'string') {
    return new StringTensor(items.map((e) => (typeof e === 'string' ? e : throwError(mismatch(e)))), [items.length]);
  }
  if (first instanceof StringTensor) {
    const parts = items.map((e) => (e instanceof StringTensor && sameShape(e.shape, first.shape) ? e : throwError(mismatch(e))));
    return new StringTensor(parts.flatMap((p) => p.dataSync()), [items.length, ...first.shape]);
  }
  if (first instanceof Tensor) {
    const ts = items.map((e) => (e instanceof Tensor && e.rank === first.rank ? e : throwError(mismatch(e))));
    return stackRows(shape === undefined ? ts : padAll(ts, shape, value, where), where);
  }
  if (Array.isArray(first)) {
    return first.map((_, i) =>
      stackLeaves(items.map((e) => (Array.isArray(e) && e.length === first.length ? (e[i] as Element) : throwError(mismatch(e)))), `${path}[${i}]`, shapeAt(shape, i), value),
    );
  }
  const keys = Object.keys(first);
  const out: Record<string, Element> = {};
  for (const key of keys) {
    const column = items.map((e) => (isRecord(e) && key in e ? e[key]! : throwError(mismatch(e))));
    out[key] = stackLeaves(column, path === '' ? key : `${path}.${key}`, shapeAt(shape, key), value);
  }
  return out;
}

/**
 * The tensors stacked along a new first axis, copied into one array: one tensor made per batch,
 * where stacking by ops would make one per element.
 */
function stackRows(ts: readonly Tensor[], where: string): Tensor {
  const first = ts[0]!;
  const out = allocArray(first.dtype, ts.length * first.size);
  ts.forEach((t, i) => {
    if (!sameShape(t.shape, first.shape) || t.dtype !== first.dtype) {
      throw new ShapeError(`batch: ${where} must have one shape and dtype in every element to be stacked, got ${first.dtype} ${fmtShape(first.shape)} and ${t.dtype} ${fmtShape(t.shape)}; use paddedBatch for sequences of different lengths.`);
    }
    out.set(t.dataSync(), i * first.size);
  });
  return tensor(out, [ts.length, ...first.shape], first.dtype);
}

/** Pads each tensor at the end of each axis to `shape` (undefined sizes: the longest among them). */
function padAll(ts: readonly Tensor[], shape: unknown, value: number, where: string): Tensor[] {
  const rank = ts[0]!.rank;
  if (shape === 'longest') shape = new Array<undefined>(rank).fill(undefined);
  if (!Array.isArray(shape) || shape.length !== rank) {
    throw new ShapeError(`paddedBatch: the padded shape of ${where} must be an array of ${rank} sizes (undefined for the longest), got ${JSON.stringify(shape)}.`);
  }
  const target = shape.map((d: unknown, axis) => (typeof d === 'number' ? d : Math.max(...ts.map((t) => t.shape[axis]!))));
  return ts.map((t) => {
    if (t.shape.some((d, axis) => d > target[axis]!)) {
      throw new ShapeError(`paddedBatch: ${where} has shape ${fmtShape(t.shape)}, longer than the padded shape ${fmtShape(target)}; raise paddedShapes or leave the axis undefined.`);
    }
    return pad(t, t.shape.map((d, axis) => [0, target[axis]! - d] as const), value);
  });
}

function shapeAt(shape: unknown, key: number | string): unknown {
  if (shape === undefined) return undefined;
  // A shape is an array of sizes; a structure of shapes is an array of arrays or an object.
  if (Array.isArray(shape) && typeof key === 'number' && Array.isArray(shape[key])) return shape[key];
  if (isRecord(shape) && typeof key === 'string') return (shape as Record<string, unknown>)[key];
  return shape;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function describe(e: Element): string {
  if (e instanceof Tensor) return `a tensor of shape ${fmtShape(e.shape)}`;
  if (e instanceof StringTensor) return `a string tensor of shape ${fmtShape(e.shape)}`;
  if (Array.isArray(e)) return `an array of ${e.length}`;
  if (isRecord(e)) return `an object with keys ${Object.keys(e).join(', ')}`;
  return `a ${typeof e}`;
}

function throwError(e: Error): never {
  throw e;
}
