/**
 * The values of a TensorProto as TensorBoard reads them (`tensor_util.make_ndarray`): numbers of any
 * numeric dtype from their value lists or their little-endian bytes, and strings.
 */
import { DataType, type TensorMessage } from './tf-protos.js';

/** A tensor's numbers (as float64, whatever the dtype) and its shape. */
export interface NumericTensor {
  shape: number[];
  values: Float64Array;
}

/** Bytes per element and the little-endian reader of each numeric dtype stored in `tensorContent`. */
const CONTENT_READERS: Record<number, [number, (view: DataView, at: number) => number]> = {
  [DataType.DT_FLOAT]: [4, (v, at) => v.getFloat32(at, true)],
  [DataType.DT_DOUBLE]: [8, (v, at) => v.getFloat64(at, true)],
  [DataType.DT_INT32]: [4, (v, at) => v.getInt32(at, true)],
  [DataType.DT_INT16]: [2, (v, at) => v.getInt16(at, true)],
  [DataType.DT_INT8]: [1, (v, at) => v.getInt8(at)],
  [DataType.DT_UINT8]: [1, (v, at) => v.getUint8(at)],
  [DataType.DT_INT64]: [8, (v, at) => Number(v.getBigInt64(at, true))],
  [DataType.DT_BOOL]: [1, (v, at) => v.getUint8(at)],
  [DataType.DT_HALF]: [2, (v, at) => halfToNumber(v.getUint16(at, true))],
  [DataType.DT_BFLOAT16]: [2, (v, at) => bfloat16ToNumber(v.getUint16(at, true))],
};

/** An IEEE half-precision number from its 16 bits. */
function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** A bfloat16 number from its 16 bits: the top half of a float32. */
function bfloat16ToNumber(bits: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, bits << 16);
  return view.getFloat32(0);
}

/** The values listed in the dtype's own field (TensorFlow's writers list small tensors there). */
function listedValues(t: TensorMessage): number[] {
  switch (t.dtype) {
    case DataType.DT_FLOAT:
      return t.floatVal ?? [];
    case DataType.DT_DOUBLE:
      return t.doubleVal ?? [];
    case DataType.DT_INT64:
      return t.int64Val ?? [];
    case DataType.DT_BOOL:
      return (t.boolVal ?? []).map(Number);
    case DataType.DT_HALF:
      return (t.halfVal ?? []).map(halfToNumber);
    case DataType.DT_BFLOAT16:
      return (t.halfVal ?? []).map(bfloat16ToNumber);
    default:
      return t.intVal ?? [];
  }
}

/** The dimensions of a tensor's shape (a scalar has none). */
export function tensorShape(t: TensorMessage): number[] {
  return (t.tensorShape?.dim ?? []).map((d) => Number(d.size));
}

/**
 * The numbers of a numeric tensor, or undefined for a string tensor or an unknown dtype. As in
 * TensorFlow, a value list shorter than the shape is filled out with its last value.
 *
 * @example
 * ```ts
 * tensorNumbers({ dtype: DataType.DT_FLOAT, tensorShape: {}, floatVal: [0.5] }); // { shape: [], values: [0.5] }
 * ```
 */
export function tensorNumbers(t: TensorMessage): NumericTensor | undefined {
  const reader = CONTENT_READERS[t.dtype];
  if (!reader) return undefined;
  const shape = tensorShape(t);
  const size = shape.reduce((a, b) => a * b, 1);
  if (t.tensorContent && t.tensorContent.byteLength > 0) {
    const [width, read] = reader;
    const view = new DataView(t.tensorContent.buffer, t.tensorContent.byteOffset, t.tensorContent.byteLength);
    const values = new Float64Array(Math.min(size, Math.floor(view.byteLength / width)));
    for (let i = 0; i < values.length; i++) values[i] = read(view, i * width);
    return { shape, values };
  }
  const listed = listedValues(t);
  const values = new Float64Array(listed.length === 0 ? 0 : size);
  for (let i = 0; i < values.length; i++) values[i] = listed[Math.min(i, listed.length - 1)]!;
  return { shape, values };
}

/**
 * The strings of a string tensor as bytes (empty for any other dtype).
 *
 * @example
 * ```ts
 * tensorStrings(textTensor).map((b) => new TextDecoder().decode(b)); // ['hello']
 * ```
 */
export function tensorStrings(t: TensorMessage): Uint8Array[] {
  return t.dtype === DataType.DT_STRING ? (t.stringVal ?? []) : [];
}
