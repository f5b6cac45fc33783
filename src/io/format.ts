/**
 * Strata's file format: a fixed header, a JSON description, then the raw tensor bytes, with a
 * checksum over the header and over each tensor. Decoding checks every size, offset and checksum
 * against the data before reading it, and never evaluates anything from the file.
 *
 * Layout of version 2 (all integers little-endian):
 * | bytes | content |
 * |---|---|
 * | 0–7 | magic `STRATA\r\n` (the CR LF catches text-mode corruption) |
 * | 8–11 | format version, uint32 (2) |
 * | 12–15 | length J of the JSON description, uint32 |
 * | 16–19 | CRC-32C of bytes 8–15 and of the description |
 * | 20 … 20+J | the description, UTF-8 JSON (see `ArtifactsHeader`); each tensor entry holds the CRC-32C of its bytes |
 * | then | zero padding to a multiple of 8, then the tensor data: each tensor's row-major bytes at its `offset`, zero padding between them to multiples of 8, nothing after |
 *
 * Version 1 (still read) has no checksums: the description starts at byte 16.
 */
import { sizeOf } from '../core/shape.js';
import CRC32C from 'crc-32/crc32c.js';
import { bytesPerElement, type DType } from '../core/dtype.js';
import { ValueError } from '../core/errors.js';
import { checkLimit, getLimits, type Limits } from '../core/limits.js';

/** The first 8 bytes of every Strata file: "STRATA\r\n" (the CR LF catches text-mode corruption). */
export const MAGIC: readonly number[] = [0x53, 0x54, 0x52, 0x41, 0x54, 0x41, 0x0d, 0x0a]; // "STRATA\r\n"
/** The format version this build writes; it reads this one and version 1. */
export const FORMAT_VERSION = 2;
/** Bytes before the description, by version. */
const PREFIX_BYTES: Record<number, number> = { 1: 16, 2: 20 };
/** Refuse descriptions larger than this: a real one is a few kilobytes, a corrupt length can claim gigabytes. */
const MAX_HEADER_BYTES = 64 * 1024 * 1024;
const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'uint8', 'bool'];

/** Where one tensor's values are in the data section. */
export interface TensorEntry {
  name: string;
  shape: number[];
  dtype: DType;
  /** Byte offset from the start of the data section, a multiple of 8. */
  offset: number;
  /** CRC-32C of the tensor's bytes (format version 2; absent in version 1). */
  crc32c?: number;
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

/** CRC-32C of `bytes`, continuing from `seed` (the CRC of what came before), as an unsigned number. */
function crc32c(bytes: Uint8Array, seed?: number): number {
  return CRC32C.buf(bytes, seed) >>> 0;
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

const bytesOf = (values: ArrayBufferView): Uint8Array => new Uint8Array(values.buffer, values.byteOffset, values.byteLength);

/** Encodes artifacts into the bytes of a file (the current format version). */
export function encodeArtifacts(artifacts: Artifacts): Uint8Array {
  let offset = 0;
  const place = (list: NamedValues[]): TensorEntry[] =>
    list.map((t) => {
      const entry = { name: t.name, shape: [...t.shape], dtype: t.dtype, offset, crc32c: crc32c(bytesOf(t.values)) };
      offset = align8(offset + t.values.byteLength);
      return entry;
    });
  const weights = place(artifacts.weights);
  const optimizerWeights = place(artifacts.optimizerWeights);
  const header: ArtifactsHeader = { ...artifacts.header, weights, optimizerWeights };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const prefix = PREFIX_BYTES[FORMAT_VERSION]!;
  const dataStart = align8(prefix + json.length);
  const out = new Uint8Array(dataStart + offset);
  out.set(MAGIC, 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, FORMAT_VERSION, true);
  view.setUint32(12, json.length, true);
  out.set(json, prefix);
  view.setUint32(16, crc32c(json, crc32c(out.subarray(8, 16))), true);
  const entries = [...weights, ...optimizerWeights];
  [...artifacts.weights, ...artifacts.optimizerWeights].forEach((t, i) => out.set(bytesOf(t.values), dataStart + entries[i]!.offset));
  return out;
}

/**
 * Decodes and validates the bytes of a file; `source` names it in errors. Checks the magic, the
 * version, the description's length, checksum and fields, each tensor's dtype, shape, offset
 * (aligned, in range, not overlapping another) and size against `limits.maxTensorBytes` before
 * allocating it, and each tensor's checksum. Reads versions 1 (no checksums) and 2. Throws a
 * `ValueError` naming the file and the section (`weights[3] ('dense/kernel')`), or a `LimitError`.
 *
 * @example
 * ```ts
 * const { header, weights } = decodeArtifacts(bytes, 'model.strata');
 * ```
 */
export function decodeArtifacts(bytes: Uint8Array, source: string, limits: Limits = getLimits()): Artifacts {
  const fail = (why: string): never => {
    throw new ValueError(`${source}: cannot load: ${why}.`);
  };
  if (bytes.length < PREFIX_BYTES[1]!) fail(`the file has ${bytes.length} bytes, fewer than the ${PREFIX_BYTES[1]}-byte header of a Strata file (it is truncated or not a Strata file)`);
  if (MAGIC.some((b, i) => bytes[i] !== b)) fail('it is not a Strata model or weights file (wrong magic bytes at the start)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  const prefix = PREFIX_BYTES[version];
  if (prefix === undefined) fail(`it uses format version ${version}, but this Strata reads versions 1 and ${FORMAT_VERSION} (a newer Strata wrote it, or the header is corrupt)`);
  const checked = version >= 2;
  const jsonLength = view.getUint32(12, true);
  if (jsonLength > MAX_HEADER_BYTES || prefix! + jsonLength > bytes.length) {
    fail(`its description claims ${jsonLength} bytes but only ${Math.max(0, bytes.length - prefix!)} follow the header (the file is truncated or corrupt)`);
  }
  const json = bytes.subarray(prefix!, prefix! + jsonLength);
  if (checked && crc32c(json, crc32c(bytes.subarray(8, 16))) !== view.getUint32(16, true)) {
    fail('its header (version, description length or description) fails its checksum: the file is corrupt');
  }
  let header: ArtifactsHeader;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch (e) {
    return fail(`its description is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || (header.kind !== 'model' && header.kind !== 'weights')) fail(`its description has no valid 'kind'`);
  if (!Array.isArray(header.weights) || !Array.isArray(header.optimizerWeights)) fail('its description lacks the weight tables');
  const dataStart = align8(prefix! + jsonLength);
  const dataBytes = Math.max(0, bytes.length - dataStart);
  const tables = { weights: header.weights, optimizerWeights: header.optimizerWeights };
  const placed: Placed[] = [];
  const sections = Object.entries(tables).map(([table, entries]) =>
    entries.map((e, i) => {
      const where = `${table}[${i}]${typeof e?.name === 'string' ? ` ('${e.name}')` : ''}`;
      if (typeof e !== 'object' || e === null || typeof e.name !== 'string') fail(`${where} has no name`);
      if (!DTYPES.includes(e.dtype)) fail(`${where} has unknown dtype ${JSON.stringify(e.dtype)} (expected one of ${DTYPES.join(', ')})`);
      if (!Array.isArray(e.shape) || e.shape.length > 16 || e.shape.some((d) => !Number.isSafeInteger(d) || d < 0)) fail(`${where} has an invalid shape ${JSON.stringify(e.shape)}`);
      const length = sizeOf(e.shape) * bytesPerElement(e.dtype);
      const range = `needs bytes ${e.offset}–${e.offset + length} of the data section, which has ${dataBytes} bytes`;
      const what = `${where} (shape [${e.shape.join(',')}], ${e.dtype})`;
      if (!Number.isSafeInteger(e.offset) || e.offset < 0 || e.offset % 8 !== 0) fail(`${what} has an invalid offset ${JSON.stringify(e.offset)} (expected a non-negative multiple of 8)`);
      if (!Number.isSafeInteger(length) || e.offset + length > dataBytes) fail(`${what} ${range} (the file is truncated or corrupt)`);
      checkLimit(limits, 'maxTensorBytes', length, `${source}: ${what} declares`);
      if (checked && !(Number.isInteger(e.crc32c) && e.crc32c! >= 0 && e.crc32c! < 2 ** 32)) fail(`${where} has no valid checksum (crc32c)`);
      placed.push({ where, start: e.offset, end: e.offset + length });
      return { entry: e, where, length };
    }),
  );
  const sorted = placed.sort((a, b) => a.start - b.start || a.end - b.end);
  checkLayout(sorted, dataBytes, checked, fail);
  if (checked) checkPadding(bytes, prefix! + jsonLength, dataStart, sorted, fail);
  const [weights, optimizerWeights] = sections.map((list) =>
    list.map(({ entry: e, where, length }) => {
      const stored = bytes.subarray(dataStart + e.offset, dataStart + e.offset + length);
      if (checked && crc32c(stored) !== e.crc32c) fail(`${where} fails its checksum: the file is corrupt (a changed bit in the weights would load as a different model)`);
      // Copy into a fresh, aligned buffer: the file's bytes need not be aligned for the typed array
      // (and a Node Buffer's slice() would be a view of the whole file, not a copy).
      const copy = new Uint8Array(length);
      copy.set(stored);
      const values = e.dtype === 'float32' ? new Float32Array(copy.buffer) : e.dtype === 'float64' ? new Float64Array(copy.buffer) : e.dtype === 'int32' ? new Int32Array(copy.buffer) : copy;
      return { name: e.name, shape: e.shape, dtype: e.dtype, values };
    }),
  );
  const { weights: _w, optimizerWeights: _o, ...rest } = header;
  return { header: rest, weights: weights!, optimizerWeights: optimizerWeights! };
}

/** A tensor's byte range in the data section. */
interface Placed {
  where: string;
  start: number;
  end: number;
}

/** Tensors (`sorted` by offset) must not overlap; in version 2 the data section must also end with the last tensor (padded to 8). */
function checkLayout(sorted: Placed[], dataBytes: number, checked: boolean, fail: (why: string) => never): void {
  for (let i = 1; i < sorted.length; i++) {
    const [a, b] = [sorted[i - 1]!, sorted[i]!];
    if (b.start < a.end) fail(`${b.where} (bytes ${b.start}–${b.end}) overlaps ${a.where} (bytes ${a.start}–${a.end}) in the data section (the file is corrupt)`);
  }
  const end = align8(sorted.length > 0 ? sorted[sorted.length - 1]!.end : 0);
  if (checked && dataBytes !== end) fail(`its data section has ${dataBytes} bytes but its tensors fill ${end} (the file is ${dataBytes < end ? 'truncated' : 'corrupt, or has bytes appended'})`);
}

/** In version 2 every byte outside the description and the tensors is zero, so that no bit of the file goes unchecked. */
function checkPadding(bytes: Uint8Array, jsonEnd: number, dataStart: number, sorted: Placed[], fail: (why: string) => never): void {
  const zeros = (from: number, to: number): void => {
    for (let k = from; k < to; k++) if (bytes[k] !== 0) fail(`byte ${k} (padding) is ${bytes[k]}, not 0: the file is corrupt`);
  };
  zeros(jsonEnd, dataStart);
  let cursor = dataStart;
  for (const p of sorted) {
    zeros(cursor, dataStart + p.start);
    cursor = Math.max(cursor, dataStart + p.end);
  }
  zeros(cursor, bytes.length);
}
