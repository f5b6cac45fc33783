/** Data types, their storage arrays and the promotion rule used when two dtypes meet. */
import { DTypeError } from './errors.js';

/**
 * The element types a tensor can hold. `float64` exists for exact gradient checks on the
 * reference backend; models compute in `float32`. `bool` holds the results of comparisons.
 * `uint8` holds images as data sets ship them (a quarter of float32's memory); arithmetic that
 * could leave [0, 255] computes it in int32, and division gives float32 (see `ops/arithmetic.ts`).
 */
export type DType = 'float32' | 'float64' | 'int32' | 'uint8' | 'bool';

/** The typed array that stores each dtype. */
export interface DTypeArrays {
  float32: Float32Array;
  float64: Float64Array;
  int32: Int32Array;
  uint8: Uint8Array;
  bool: Uint8Array;
}

/** Any typed array a tensor can be stored in. */
export type TypedArray = DTypeArrays[DType];

const arrayCtors = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  uint8: Uint8Array,
  bool: Uint8Array,
} as const;

/** Allocates a zero-filled storage array of `size` elements for `dtype`. */
export function allocArray<D extends DType>(dtype: D, size: number): DTypeArrays[D] {
  return new arrayCtors[dtype](size) as DTypeArrays[D];
}

/**
 * A typed array of `dtype` over `length` elements of `buffer` from `byteOffset`: a view, not a copy.
 *
 * @example
 * viewArray('float32', new ArrayBuffer(16), 8, 2); // Float32Array [0, 0] over the last 8 bytes
 */
export function viewArray<D extends DType>(dtype: D, buffer: ArrayBuffer, byteOffset: number, length: number): DTypeArrays[D] {
  return new arrayCtors[dtype](buffer, byteOffset, length) as DTypeArrays[D];
}

/** Bytes per element of each dtype: plain numbers, as every new tensor's size needs one (not each array class's property). */
const ELEMENT_BYTES: Readonly<Record<DType, number>> = { float32: 4, float64: 8, int32: 4, uint8: 1, bool: 1 };

/** Bytes per element. */
export function bytesPerElement(dtype: DType): number {
  return ELEMENT_BYTES[dtype];
}

/** True for the dtypes gradients flow through. */
export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

const rank: Record<DType, number> = { bool: 0, uint8: 1, int32: 2, float32: 3, float64: 4 };

/** The dtype two operands are computed in: the wider of the two (bool < uint8 < int32 < float32 < float64), as NumPy does. */
export function promoteTypes(a: DType, b: DType): DType {
  return rank[a] >= rank[b] ? a : b;
}

/**
 * The dtype a typed array is read as when none is given: float arrays keep their width, byte
 * arrays (Uint8Array, Uint8ClampedArray, Node's Buffer) are uint8, other integer arrays become
 * int32. A Uint8Array is `bool` only when asked for.
 */
export function dtypeOfArray(values: ArrayBufferView): DType | undefined {
  if (values instanceof Float32Array) return 'float32';
  if (values instanceof Float64Array) return 'float64';
  if (values instanceof Uint8Array || values instanceof Uint8ClampedArray) return 'uint8';
  if (values instanceof Int32Array || values instanceof Int8Array || values instanceof Int16Array || values instanceof Uint16Array) return 'int32';
  return undefined;
}

/** Throws a DTypeError unless `dtype` is one Strata knows. */
export function assertDType(op: string, dtype: string): asserts dtype is DType {
  if (!(dtype in arrayCtors)) {
    throw new DTypeError(`${op}: unknown dtype '${dtype}'; expected one of ${Object.keys(arrayCtors).join(', ')}.`);
  }
}
