/**
 * A small reader and writer of HDF5 files over h5wasm (the HDF5 library compiled to WebAssembly),
 * working on bytes in memory so that it runs in browsers as in Node: the bytes go into h5wasm's
 * in-memory file system, are read or written there, and the file is removed. h5wasm is loaded on
 * first use, so programs that never touch HDF5 do not load its 4 MB module. Every dataset's
 * declared size is checked against the caps before its values are read, and every failure of the
 * library becomes a `ValueError` naming the file and what HDF5 said.
 */
import { sizeOf } from '../../core/shape.js';
import type { DType } from '../../core/dtype.js';
import { NotSupportedError, StrataError, ValueError, fmtShape } from '../../core/errors.js';
import { checkLimit, type Limits } from '../../core/limits.js';

type H5Module = typeof import('h5wasm');
type H5Group = InstanceType<H5Module['Group']>;
type H5Entity = ReturnType<H5Group['get']>;

/** The HDF5 format signature, at the start of the file (or after a user block of 512 bytes or more). */
const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** Whether `head` (a file's first bytes) is an HDF5 file: its signature at offset 0 or 512. */
export function isHdf5(head: Uint8Array): boolean {
  return [0, 512].some((at) => SIGNATURE.every((b, i) => head[at + i] === b));
}

/** h5wasm once ready, with HDF5's error report on stderr captured (see `captureDiagnostics`). */
let loaded: Promise<{ h5: H5Module; diagnostics: number[] }> | undefined;

function loadH5wasm(): Promise<{ h5: H5Module; diagnostics: number[] }> {
  loaded ??= (async () => {
    const h5 = await import('h5wasm');
    const module = await h5.ready;
    return { h5, diagnostics: captureDiagnostics(module.FS) };
  })();
  return loaded;
}

/**
 * Sends what HDF5 prints on stderr (its "HDF5-DIAG: Error detected" stack, on every failed call)
 * to a buffer instead of the console: the last line of the stack says what was wrong with the
 * file, and goes into the error message instead.
 */
function captureDiagnostics(fs: unknown): number[] {
  const buffer: number[] = [];
  const stream = (fs as { getStream?(fd: number): { tty?: { ops: unknown } } | undefined }).getStream?.(2);
  if (stream?.tty) {
    stream.tty.ops = {
      put_char: (_tty: unknown, c: number | null) => {
        if (c !== null) buffer.push(c);
        if (buffer.length > 1 << 16) buffer.splice(0, buffer.length - (1 << 15));
      },
      fsync: () => undefined,
    };
  }
  return buffer;
}

/** The most specific reason in HDF5's captured error stack (its last frame's message), then clears it. */
function takeDiagnostic(buffer: number[]): string | undefined {
  const text = new TextDecoder().decode(new Uint8Array(buffer));
  buffer.length = 0;
  const frames = [...text.matchAll(/#\d+: .* in ([\w]+)\(\): (.*)/g)];
  const last = frames[frames.length - 1];
  return last ? `${last[2]!.trim()} (in ${last[1]})` : undefined;
}

let fileCounter = 0;

/** A dataset's values as read: Strata's dtype, its shape, and a fresh typed array. */
export interface Hdf5Array {
  shape: number[];
  dtype: DType;
  values: Float32Array | Float64Array | Int32Array | Uint8Array;
}

/** Read access to an open HDF5 file, by '/'-separated paths (a name may hold '\\', which HDF5 keeps as is). */
export interface Hdf5Reader {
  /** The file's name, for messages. */
  readonly source: string;
  /** Whether `path` is a group. */
  isGroup(path: string): boolean;
  /** Whether `path` is a dataset. */
  isDataset(path: string): boolean;
  /** The names of the members of group `path` (HDF5's order: by name). */
  members(path: string): string[];
  /** The attribute `name` of `path` as a string, a list of strings or a number; undefined when absent. */
  attribute(path: string, name: string): unknown;
  /** The values of dataset `path`, checked against `limits.maxTensorBytes` before they are read. */
  read(path: string): Hdf5Array;
}

/** A value to store, with its shape and dtype. */
export interface Hdf5Value {
  shape: readonly number[];
  dtype: DType;
  values: ArrayBufferView;
}

/** Write access to a new HDF5 file. Groups are made as paths need them. */
export interface Hdf5Writer {
  /** Makes group `path` (and its parents) if missing. */
  group(path: string): void;
  /** Writes dataset `path` (its parent groups are made as needed). */
  dataset(path: string, value: Hdf5Value): void;
  /** Sets a string attribute (or a list of strings) on the group or dataset `path`. */
  attribute(path: string, name: string, value: string | string[]): void;
}

/**
 * Opens the HDF5 file in `bytes` and gives it to `use`; the file is closed and removed from
 * memory afterwards, whatever happens. `source` names the file in errors; every failure of HDF5
 * becomes a `ValueError` that says what HDF5 found wrong.
 *
 * @example
 * const version = await readHdf5(bytes, 'model.h5', limits, (h5) => h5.attribute('/', 'keras_version'));
 */
export async function readHdf5<T>(bytes: Uint8Array, source: string, limits: Limits, use: (file: Hdf5Reader) => T | Promise<T>): Promise<T> {
  const { h5, diagnostics } = await loadH5wasm();
  const fs = (await h5.ready).FS;
  const path = `/strata-read-${++fileCounter}.h5`;
  const fail = (what: string, cause: unknown): never => {
    if (cause instanceof StrataError) throw cause;
    const said = takeDiagnostic(diagnostics) ?? (cause instanceof Error ? cause.message : String(cause));
    throw new ValueError(`${source}: cannot read the HDF5 file: ${what}: ${said}. The file is truncated or corrupt, or not an HDF5 file.`);
  };
  checkGlobalHeaps(bytes, source);
  diagnostics.length = 0;
  fs.writeFile(path, bytes);
  let file: InstanceType<H5Module['File']> | undefined;
  try {
    try {
      file = new h5.File(path, 'r');
    } catch (e) {
      fail('opening it', e);
    }
    if (file!.file_id < 0n) fail('opening it', undefined);
    return await use(reader(h5, file!, source, limits, fail));
  } finally {
    try {
      if (file && file.file_id >= 0n) file.close();
    } catch {
      // The file was already unusable; its memory goes with the unlink below.
    }
    fs.unlink(path);
    diagnostics.length = 0;
  }
}

/** "GCOL": the signature of a global heap collection, where HDF5 keeps variable-length strings. */
const GCOL = [0x47, 0x43, 0x4f, 0x4c];
/** The smallest collection HDF5 writes. */
const MIN_COLLECTION = 4096;

/**
 * Refuses a file whose global heap collections HDF5 would parse forever. HDF5 steps from object
 * to object by each object's size; the free-space object (index 0) advances by its own size, so
 * a corrupt size of 0, or one that wraps around, keeps it in place and the library never returns (a loop inside WebAssembly
 * that nothing can interrupt). The walk here is HDF5's, with those cases caught.
 */
function checkGlobalHeaps(bytes: Uint8Array, source: string): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = bytes.indexOf(GCOL[0]!); at >= 0 && at + 16 <= bytes.length; at = bytes.indexOf(GCOL[0]!, at + 1)) {
    if (!GCOL.every((b, i) => bytes[at + i] === b) || bytes[at + 4] !== 1) continue;
    const size = Number(view.getBigUint64(at + 8, true));
    if (size < MIN_COLLECTION || at + size > bytes.length) continue;
    const end = at + size;
    for (let p = at + 16; p + 16 <= end; ) {
      const index = view.getUint16(p, true);
      const objectSize = view.getBigUint64(p + 8, true);
      const step = index > 0 ? 16n + ((objectSize + 7n) / 8n) * 8n : objectSize;
      // HDF5 compiled to 32-bit WebAssembly steps by the size modulo 2^32: a size of 0 (or of a
      // multiple of 2^32) stands still, one past the collection's end may wrap back into it.
      if (step % 2n ** 32n === 0n || step > BigInt(end - p)) {
        throw new ValueError(`${source}: cannot read the HDF5 file: the global heap collection at byte ${at} holds an object at byte ${p} whose size (${objectSize}) ${step % 2n ** 32n === 0n ? 'is 0 modulo 2^32' : 'runs past the collection'}, on which HDF5 would loop forever; the file is corrupt.`);
      }
      p += Number(step);
    }
  }
}

function reader(h5: H5Module, file: H5Group, source: string, limits: Limits, fail: (what: string, cause: unknown) => never): Hdf5Reader {
  const entity = (path: string): H5Entity => {
    try {
      const parts = splitPath(path);
      let at: H5Entity = file;
      for (const part of parts) {
        if (!(at instanceof h5.Group) || !at.keys().includes(part)) return null;
        at = at.get(part);
      }
      return at;
    } catch (e) {
      return fail(`looking up '${path}'`, e);
    }
  };
  return {
    source,
    isGroup: (path) => entity(path) instanceof h5.Group,
    isDataset: (path) => entity(path) instanceof h5.Dataset,
    members(path) {
      const group = entity(path);
      if (!(group instanceof h5.Group)) return [];
      try {
        return group.keys();
      } catch (e) {
        return fail(`listing '${path}'`, e);
      }
    },
    attribute(path, name) {
      const at = entity(path);
      if (!(at instanceof h5.Group) && !(at instanceof h5.Dataset)) return undefined;
      try {
        const attrs = at.attrs;
        if (!(name in attrs)) return undefined;
        const attr = attrs[name]!;
        const meta = attr.metadata;
        checkLimit(limits, 'maxTensorBytes', (meta.total_size ?? 0) * (meta.size ?? 0), `${source}: the attribute '${name}' of '${path}' declares`);
        return plain(attr.value);
      } catch (e) {
        return fail(`reading the attribute '${name}' of '${path}'`, e);
      }
    },
    read(path) {
      const at = entity(path);
      if (!(at instanceof h5.Dataset)) throw new ValueError(`${source}: '${path}' is not a dataset in the HDF5 file.`);
      let meta: ReturnType<typeof dataMetadata>;
      try {
        meta = dataMetadata(at);
      } catch (e) {
        return fail(`reading the header of '${path}'`, e);
      }
      const dtype = strataDtype(meta, path, source);
      const count = sizeOf(meta.shape);
      checkLimit(limits, 'maxTensorBytes', count * meta.size, `${source}: the dataset '${path}' (shape ${fmtShape(meta.shape)}) declares`);
      let raw: unknown;
      try {
        raw = at.value;
      } catch (e) {
        return fail(`reading the values of '${path}'`, e);
      }
      const values = converted(raw, dtype, count, path, source);
      return { shape: meta.shape, dtype, values };
    },
  };
}

/** A path's parts: '/'-separated, empty parts dropped (so '/' and '' are the root). */
function splitPath(path: string): string[] {
  return path.split('/').filter((p) => p !== '');
}

/** What of a dataset's header the reader needs. */
function dataMetadata(dataset: { metadata: { type: number; size: number; signed?: boolean; littleEndian?: boolean }; shape: number[] | null }): {
  type: number;
  size: number;
  signed: boolean;
  littleEndian: boolean;
  shape: number[];
} {
  const { type, size, signed = false, littleEndian = true } = dataset.metadata;
  return { type, size, signed, littleEndian, shape: dataset.shape ?? [] };
}

/** HDF5's type classes as h5wasm numbers them. */
const H5T_INTEGER = 0;
const H5T_FLOAT = 1;

/** Strata's dtype for a dataset's stored type: float32/float64 as they are, integers as int32 (bool and uint8 as uint8). */
function strataDtype(meta: { type: number; size: number; signed: boolean; littleEndian: boolean }, path: string, source: string): DType {
  if (meta.type === H5T_FLOAT && (meta.size === 4 || meta.size === 8)) return meta.size === 4 ? 'float32' : 'float64';
  if (meta.type === H5T_INTEGER && meta.size === 1 && !meta.signed) return 'uint8';
  if (meta.type === H5T_INTEGER && meta.size <= 8) return 'int32';
  const kind = meta.type === H5T_FLOAT ? `a ${meta.size * 8}-bit float` : meta.type === H5T_INTEGER ? `a ${meta.size * 8}-bit integer` : `HDF5 type class ${meta.type}`;
  throw new NotSupportedError(`${source}: the dataset '${path}' holds ${kind}; Strata reads float32, float64 and integer weights. Convert the model's weights to float32 before saving it.`);
}

/** `raw` (h5wasm's typed array) as a fresh array of `dtype`, checking its length and that integers fit in int32. */
function converted(raw: unknown, dtype: DType, count: number, path: string, source: string): Hdf5Array['values'] {
  const list = ArrayBuffer.isView(raw) ? (raw as unknown as ArrayLike<number | bigint>) : typeof raw === 'number' || typeof raw === 'bigint' ? [raw] : undefined;
  if (!list || list.length !== count) {
    throw new ValueError(`${source}: the dataset '${path}' declares ${count} values but HDF5 returned ${list ? list.length : 'something else'}; the file is corrupt.`);
  }
  if (dtype === 'float32') return Float32Array.from(list as ArrayLike<number>);
  if (dtype === 'float64') return Float64Array.from(list as ArrayLike<number>);
  if (dtype === 'uint8') return Uint8Array.from(list as ArrayLike<number>);
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const v = Number(list[i]);
    if (!(v >= -(2 ** 31) && v < 2 ** 31)) throw new ValueError(`${source}: the dataset '${path}' holds the integer ${String(list[i])} at position ${i}, beyond int32; the file is corrupt or not a model's weights.`);
    out[i] = v;
  }
  return out;
}

/** An attribute's value as plain data: strings (bytes decoded), lists of strings, numbers. */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
  if (Array.isArray(value)) return value.map(plain);
  return value;
}

/** h5wasm's dtype string of Strata's dtype. */
const H5_DTYPE: Record<DType, string> = { float32: '<f', float64: '<d', int32: '<i', uint8: '|u1', bool: '|u1' };

/**
 * The bytes of a new HDF5 file that `build` fills through the writer. `target` names the file in errors.
 *
 * @example
 * const bytes = await writeHdf5('model.weights.h5', (h5) => h5.dataset('layers/dense/vars/0', { shape: [2, 3], dtype: 'float32', values }));
 */
export async function writeHdf5(target: string, build: (file: Hdf5Writer) => void): Promise<Uint8Array> {
  const { h5, diagnostics } = await loadH5wasm();
  const fs = (await h5.ready).FS;
  const path = `/strata-write-${++fileCounter}.h5`;
  diagnostics.length = 0;
  let file: InstanceType<H5Module['File']> | undefined;
  try {
    file = new h5.File(path, 'w');
    const root = file;
    const groupAt = (p: string): H5Group => {
      let at: H5Group = root;
      for (const part of splitPath(p)) at = at.keys().includes(part) ? (at.get(part) as H5Group) : at.create_group(part);
      return at;
    };
    build({
      group: (p) => void groupAt(p),
      dataset(p, { shape, dtype, values }) {
        const parts = splitPath(p);
        const name = parts.pop()!;
        const data = dtype === 'bool' ? new Uint8Array(values.buffer, values.byteOffset, values.byteLength) : values;
        groupAt(parts.join('/')).create_dataset({ name, data: data as Float32Array, shape: [...shape], dtype: H5_DTYPE[dtype] });
      },
      attribute(p, name, value) {
        const at = splitPath(p).length === 0 ? root : root.get(p);
        if (!at || !('create_attribute' in at)) throw new ValueError(`${target}: cannot set attribute '${name}': '${p}' does not exist.`);
        at.create_attribute(name, value);
      },
    });
    file.close();
    file = undefined;
    return fs.readFile(path);
  } catch (e) {
    if (e instanceof StrataError) throw e;
    const said = takeDiagnostic(diagnostics) ?? (e instanceof Error ? e.message : String(e));
    throw new ValueError(`${target}: cannot write the HDF5 file: ${said}.`);
  } finally {
    try {
      file?.close();
    } catch {
      // Already failing; the file is dropped with the unlink below.
    }
    if (fs.analyzePath(path).exists) fs.unlink(path);
  }
}
