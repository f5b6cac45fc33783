/**
 * The weights of a TensorFlow.js model: `weightsManifest` in `model.json` lists groups, each a list
 * of shard files (`group1-shard1of3.bin`, ...) whose bytes, concatenated, hold the group's weights
 * one after the other, row-major, little-endian. A weight may be stored quantized (uint8, uint16 or
 * float16) and is then dequantized on reading. Every size the manifest declares is checked before
 * a byte is read or allocated, and the shards must hold exactly the bytes the manifest declares.
 */
import { sizeOf } from '../../core/shape.js';
import { bytesPerElement, type DType } from '../../core/dtype.js';
import { NotSupportedError, ValueError } from '../../core/errors.js';
import { checkLimit, type Limits } from '../../core/limits.js';
import type { NamedValues } from '../format.js';
import { checkRelativePath } from '../sources.js';

/** How TF.js stores a weight in fewer bytes: `value = q · scale + min` (uint8, uint16), or IEEE half floats. */
interface Quantization {
  dtype: 'uint8' | 'uint16' | 'float16';
  scale: number;
  min: number;
}

/** One weight of a manifest group, checked. */
export interface ManifestWeight {
  name: string;
  shape: number[];
  /** The weight's dtype once decoded. */
  dtype: DType;
  quantization?: Quantization;
  /** The manifest's group tag: TF.js puts an optimizer's state under `'optimizer'`. */
  group?: string;
}

/** One group of the manifest, checked: its shard files (relative paths) and its weights in storage order. */
export interface ManifestGroup {
  paths: string[];
  weights: ManifestWeight[];
}

/** A decoded weight of the file, with the manifest's group tag. */
export interface ManifestValues extends NamedValues {
  group?: string;
}

/** What a shard holds at most when TF.js's converter splits weights: 4 MiB. */
export const SHARD_BYTES = 4 * 1024 * 1024;

/** The dtypes a manifest may declare, as Strata stores them. (TF.js's `string` and `complex64` have no Strata dtype.) */
const DTYPES: Record<string, DType> = { float32: 'float32', int32: 'int32', bool: 'bool' };
const STORED_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Elements of `shape` (Infinity when a dimension is not a size). */

/** Bytes a weight takes in its shard. */
export function storedBytes(w: ManifestWeight): number {
  return sizeOf(w.shape) * STORED_BYTES[w.quantization?.dtype ?? w.dtype]!;
}

function checkQuantization(q: unknown, where: string): Quantization {
  if (!isRecord(q) || !['uint8', 'uint16', 'float16'].includes(q.dtype as string)) {
    throw new ValueError(`${where}.quantization must be {dtype: 'uint8' | 'uint16' | 'float16', scale, min}, not ${JSON.stringify(q)}.`);
  }
  const dtype = q.dtype as Quantization['dtype'];
  if (dtype === 'float16') return { dtype, scale: 1, min: 0 };
  if (typeof q.scale !== 'number' || !Number.isFinite(q.scale) || typeof q.min !== 'number' || !Number.isFinite(q.min)) {
    throw new ValueError(`${where}.quantization (${dtype}) needs finite numbers scale and min, not scale ${JSON.stringify(q.scale)} and min ${JSON.stringify(q.min)}.`);
  }
  return { dtype, scale: q.scale, min: q.min };
}

function checkWeight(w: unknown, where: string, limits: Limits): ManifestWeight {
  if (!isRecord(w) || typeof w.name !== 'string' || w.name === '') throw new ValueError(`${where} must be {name, shape, dtype} with a non-empty name, not ${JSON.stringify(w)?.slice(0, 200)}.`);
  const at = `${where} ('${w.name}')`;
  const shape = w.shape;
  if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || (d as number) < 0)) {
    throw new ValueError(`${at}.shape must be a list of sizes (whole numbers ≥ 0), not ${JSON.stringify(shape)}.`);
  }
  const dtype = DTYPES[w.dtype as string];
  if (dtype === undefined) {
    const known = typeof w.dtype === 'string' && ['string', 'complex64', 'float16'].includes(w.dtype);
    const message = `${at} has dtype ${JSON.stringify(w.dtype)}; Strata reads TF.js weights of dtype float32, int32 and bool (quantized or not).`;
    throw known ? new NotSupportedError(message) : new ValueError(message);
  }
  const weight: ManifestWeight = { name: w.name, shape: shape as number[], dtype };
  if (w.quantization !== undefined && w.quantization !== null) weight.quantization = checkQuantization(w.quantization, at);
  if (typeof w.group === 'string') weight.group = w.group;
  checkLimit(limits, 'maxTensorBytes', sizeOf(weight.shape) * bytesPerElement(dtype), `${at} declares shape [${weight.shape.join(', ')}]`);
  return weight;
}

/**
 * The checked groups of `manifest` (the `weightsManifest` of `source`): shard paths relative and
 * below the model's folder, weight shapes, dtypes and quantization well-formed, each weight under
 * `limits.maxTensorBytes` and each group under `limits.maxFileBytes` (a group is read as one buffer).
 */
export function parseWeightsManifest(manifest: unknown, source: string, limits: Limits): ManifestGroup[] {
  if (!Array.isArray(manifest)) throw new ValueError(`${source}: weightsManifest must be a list of groups {paths, weights}, not ${JSON.stringify(manifest)?.slice(0, 200)}.`);
  return manifest.map((g, i) => {
    const where = `${source}: weightsManifest[${i}]`;
    if (!isRecord(g) || !Array.isArray(g.paths) || !Array.isArray(g.weights)) throw new ValueError(`${where} must be {paths: [...], weights: [...]}, not ${JSON.stringify(g)?.slice(0, 200)}.`);
    const paths = g.paths.map((p, j) => {
      if (typeof p !== 'string') throw new ValueError(`${where}.paths[${j}] must be a file name, not ${JSON.stringify(p)}.`);
      checkRelativePath(p, source);
      return p;
    });
    const weights = g.weights.map((w, j) => checkWeight(w, `${where}.weights[${j}]`, limits));
    const total = weights.reduce((n, w) => n + storedBytes(w), 0);
    if (total > 0 && paths.length === 0) throw new ValueError(`${where} declares ${total} bytes of weights but names no shard file (paths is empty).`);
    checkLimit(limits, 'maxFileBytes', total, `${where} declares weights of`);
    return { paths, weights };
  });
}

/** The float32 value of the IEEE half float `h`. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** The values of `w`, stored at `offset` of `bytes`, decoded to its dtype. */
function decodeWeight(w: ManifestWeight, bytes: Uint8Array, offset: number): NamedValues['values'] {
  const n = sizeOf(w.shape);
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, storedBytes(w));
  const out = w.dtype === 'int32' ? new Int32Array(n) : w.dtype === 'bool' ? new Uint8Array(n) : new Float32Array(n);
  const q = w.quantization;
  if (q === undefined) {
    // The shard's bytes are little-endian already; copying keeps every weight aligned and owned.
    new Uint8Array(out.buffer).set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
    return out;
  }
  const integral = w.dtype !== 'float32';
  for (let i = 0; i < n; i++) {
    const v = q.dtype === 'uint8' ? view.getUint8(i) * q.scale + q.min : q.dtype === 'uint16' ? view.getUint16(i * 2, true) * q.scale + q.min : halfToFloat(view.getUint16(i * 2, true));
    out[i] = integral ? Math.round(v) : v;
  }
  return out;
}

/**
 * Reads the shards of each group (through `readShard`, which checks its own file against the caps),
 * concatenates them, and decodes the group's weights in manifest order. Refuses shards that hold
 * fewer or more bytes than the manifest declares, before decoding anything.
 */
export async function readManifestWeights(groups: readonly ManifestGroup[], readShard: (path: string) => Promise<Uint8Array>, source: string): Promise<ManifestValues[]> {
  const out: ManifestValues[] = [];
  for (const [i, group] of groups.entries()) {
    const total = group.weights.reduce((n, w) => n + storedBytes(w), 0);
    const bytes = new Uint8Array(total);
    let filled = 0;
    for (const path of group.paths) {
      const shard = await readShard(path);
      if (filled + shard.length > total) {
        throw new ValueError(`${source}: weightsManifest[${i}]: the shards up to '${path}' hold ${filled + shard.length} bytes, but the group's ${group.weights.length} weights take ${total} bytes (the manifest and its weight files do not match).`);
      }
      bytes.set(shard, filled);
      filled += shard.length;
    }
    if (filled < total) {
      throw new ValueError(`${source}: weightsManifest[${i}]: the shards (${group.paths.join(', ')}) hold ${filled} bytes, but the group's ${group.weights.length} weights take ${total} bytes (a weight file is truncated or belongs to another model).`);
    }
    let offset = 0;
    for (const w of group.weights) {
      const values = decodeWeight(w, bytes, offset);
      offset += storedBytes(w);
      out.push({ name: w.name, shape: [...w.shape], dtype: w.dtype, values, ...(w.group === undefined ? {} : { group: w.group }) });
    }
  }
  return out;
}

/** The `weightsManifest` and shard files that hold `weights` (each with its group tag, if any) as one group, split every `SHARD_BYTES` like TF.js's converter; `shardName(i, n)` names shard i of n (from 1). */
export function encodeManifestWeights(weights: readonly ManifestValues[], shardName: (i: number, n: number) => string): { manifest: Array<{ paths: string[]; weights: Array<{ name: string; shape: number[]; dtype: string; group?: string }> }>; shards: Uint8Array[] } {
  const specs = weights.map((w) => {
    if (w.dtype !== 'float32' && w.dtype !== 'int32' && w.dtype !== 'bool') {
      throw new NotSupportedError(`TF.js has no ${w.dtype} weights: '${w.name}' cannot be saved as a TF.js layers-model (it stores float32, int32 and bool).`);
    }
    return { name: w.name, shape: [...w.shape], dtype: w.dtype, ...(w.group === undefined ? {} : { group: w.group }) };
  });
  const total = weights.reduce((n, w) => n + w.values.byteLength, 0);
  const all = new Uint8Array(total);
  let at = 0;
  for (const w of weights) {
    all.set(new Uint8Array(w.values.buffer, w.values.byteOffset, w.values.byteLength), at);
    at += w.values.byteLength;
  }
  const count = Math.max(1, Math.ceil(total / SHARD_BYTES));
  const shards = Array.from({ length: count }, (_, i) => all.slice(i * SHARD_BYTES, Math.min(total, (i + 1) * SHARD_BYTES)));
  return { manifest: [{ paths: shards.map((_, i) => shardName(i + 1, count)), weights: specs }], shards };
}
