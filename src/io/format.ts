/**
 * Strata's file format: a fixed header, a JSON description, then the raw tensor bytes. Decoding
 * checks every size against the data before reading it and never evaluates anything from the file.
 *
 * Layout (all integers little-endian):
 * | bytes | content |
 * |---|---|
 * | 0–7 | magic `STRATA\r\n` (the CR LF catches text-mode corruption) |
 * | 8–11 | format version, uint32 (currently 1) |
 * | 12–15 | length J of the JSON description, uint32 |
 * | 16 … 16+J | the description, UTF-8 JSON (see `ArtifactsHeader`) |
 * | then | padding to a multiple of 8, then the tensor data: each tensor's row-major bytes at its `offset` |
 */
import { bytesPerElement, type DType } from '../core/dtype.js';
import { ValueError } from '../core/errors.js';

const MAGIC = [0x53, 0x54, 0x52, 0x41, 0x54, 0x41, 0x0d, 0x0a]; // "STRATA\r\n"
/** The format version this build writes and reads. */
export const FORMAT_VERSION = 1;
const PREFIX_BYTES = 16;
/** Refuse descriptions larger than this: a real one is a few kilobytes, a corrupt length can claim gigabytes. */
const MAX_HEADER_BYTES = 64 * 1024 * 1024;
const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];

/** Where one tensor's values are in the data section. */
export interface TensorEntry {
  name: string;
  shape: number[];
  dtype: DType;
  /** Byte offset from the start of the data section. */
  offset: number;
}

/** The JSON description of a saved model or weights file. */
export interface ArtifactsHeader {
  /** `'model'` (architecture, weights, training state) or `'weights'` (weights only). */
  kind: 'model' | 'weights';
  /** The library version that wrote the file, for messages. */
  generatedBy: string;
  /** The model's architecture (`getConfig()`), for kind `'model'`. */
  modelConfig?: unknown;
  /** The compile arguments (serialized optimizer, losses, metrics), when the model was compiled. */
  trainingConfig?: unknown;
  /** The model's weights, in the model's weight order. */
  weights: TensorEntry[];
  /** The optimizer's state (iterations and slots), when saved. */
  optimizerWeights: TensorEntry[];
}

/** A tensor's name, shape, dtype and values, as written to or read from a file. */
export interface NamedValues {
  name: string;
  shape: number[];
  dtype: DType;
  values: ArrayBufferView;
}

/** Everything a file holds, decoded. */
export interface Artifacts {
  header: Omit<ArtifactsHeader, 'weights' | 'optimizerWeights'>;
  weights: NamedValues[];
  optimizerWeights: NamedValues[];
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/** Encodes artifacts into the bytes of a file. */
export function encodeArtifacts(artifacts: Artifacts): Uint8Array {
  let offset = 0;
  const place = (list: NamedValues[]): TensorEntry[] =>
    list.map((t) => {
      const entry = { name: t.name, shape: [...t.shape], dtype: t.dtype, offset };
      offset = align8(offset + t.values.byteLength);
      return entry;
    });
  const weights = place(artifacts.weights);
  const optimizerWeights = place(artifacts.optimizerWeights);
  const header: ArtifactsHeader = { ...artifacts.header, weights, optimizerWeights };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = align8(PREFIX_BYTES + json.length);
  const out = new Uint8Array(dataStart + offset);
  out.set(MAGIC, 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, FORMAT_VERSION, true);
  view.setUint32(12, json.length, true);
  out.set(json, PREFIX_BYTES);
  [...artifacts.weights, ...artifacts.optimizerWeights].forEach((t, i) => {
    const entry = [...weights, ...optimizerWeights][i]!;
    out.set(new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength), dataStart + entry.offset);
  });
  return out;
}

/**
 * Decodes and validates the bytes of a file; `source` names it in errors. Checks the magic, the
 * version, the description's length and fields, and each tensor's shape, dtype and byte range
 * against the data actually present.
 */
export function decodeArtifacts(bytes: Uint8Array, source: string): Artifacts {
  const fail = (why: string): never => {
    throw new ValueError(`${source}: cannot load: ${why}.`);
  };
  if (bytes.length < PREFIX_BYTES) fail(`the file has ${bytes.length} bytes, fewer than the ${PREFIX_BYTES}-byte header of a Strata file (it is truncated or not a Strata file)`);
  if (MAGIC.some((b, i) => bytes[i] !== b)) fail('it is not a Strata model or weights file (wrong magic bytes at the start)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== FORMAT_VERSION) fail(`it uses format version ${version}, but this Strata reads version ${FORMAT_VERSION}`);
  const jsonLength = view.getUint32(12, true);
  if (jsonLength > MAX_HEADER_BYTES || PREFIX_BYTES + jsonLength > bytes.length) {
    fail(`its description claims ${jsonLength} bytes but only ${bytes.length - PREFIX_BYTES} follow the header (the file is truncated or corrupt)`);
  }
  let header: ArtifactsHeader;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + jsonLength)));
  } catch (e) {
    return fail(`its description is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || (header.kind !== 'model' && header.kind !== 'weights')) fail(`its description has no valid 'kind'`);
  if (!Array.isArray(header.weights) || !Array.isArray(header.optimizerWeights)) fail('its description lacks the weight tables');
  const dataStart = align8(PREFIX_BYTES + jsonLength);
  const dataBytes = bytes.length - dataStart;
  const read = (entries: TensorEntry[], table: string): NamedValues[] =>
    entries.map((e, i) => {
      const where = `${table}[${i}]${typeof e?.name === 'string' ? ` ('${e.name}')` : ''}`;
      if (typeof e !== 'object' || e === null || typeof e.name !== 'string') fail(`${where} has no name`);
      if (!DTYPES.includes(e.dtype)) fail(`${where} has unknown dtype ${JSON.stringify(e.dtype)}`);
      if (!Array.isArray(e.shape) || e.shape.length > 16 || e.shape.some((d) => !Number.isSafeInteger(d) || d < 0)) fail(`${where} has an invalid shape ${JSON.stringify(e.shape)}`);
      const count = e.shape.reduce((p, q) => p * q, 1);
      const length = count * bytesPerElement(e.dtype);
      if (!Number.isSafeInteger(e.offset) || e.offset < 0 || e.offset % 8 !== 0 || !Number.isSafeInteger(length) || e.offset + length > dataBytes) {
        fail(`${where} (shape [${e.shape.join(',')}], ${e.dtype}) needs bytes ${e.offset}–${e.offset + length} of the data section, which has ${dataBytes} bytes (the file is truncated or corrupt)`);
      }
      // Copy into a fresh, aligned buffer: the file's bytes need not be aligned for the typed array.
      const copy = bytes.slice(dataStart + e.offset, dataStart + e.offset + length);
      const values = e.dtype === 'float32' ? new Float32Array(copy.buffer) : e.dtype === 'float64' ? new Float64Array(copy.buffer) : e.dtype === 'int32' ? new Int32Array(copy.buffer) : copy;
      return { name: e.name, shape: e.shape, dtype: e.dtype, values };
    });
  const weights = read(header.weights, 'weights');
  const optimizerWeights = read(header.optimizerWeights, 'optimizerWeights');
  const { weights: _w, optimizerWeights: _o, ...rest } = header;
  return { header: rest, weights, optimizerWeights };
}
