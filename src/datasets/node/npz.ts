/** Reading NumPy's .npz archives (a zip of .npy arrays), the format of Keras's mnist.npz; uint8 arrays only. */
import { inflateRawSync } from 'node:zlib';
import { ValueError } from '../../core/errors.js';
import { checkLimit, resolveLimits, type Limits } from '../../core/limits.js';
import { checkOptions, optionKeys } from '../../core/options.js';
import type { IdxArray } from '../idx.js';

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;

/** Deflate writes at most about 1032 bytes for one byte of input: a larger declared size is a lie. */
const MAX_RATIO = 1032;

/**
 * The entries of a zip archive, by name, decompressed. Each entry's declared size is checked
 * against the cap `maxDecompressedBytes` and against its compressed size before it is inflated,
 * and inflating stops at the declared size.
 */
function unzip(bytes: Uint8Array, source: string, limits: Limits): Map<string, Uint8Array> {
  const fail = (why: string): never => {
    throw new ValueError(`${source}: not a valid .npz (zip) file: ${why}.`);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end-of-central-directory record is the last 22 bytes, unless a comment (up to 64 KiB) follows it.
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) fail('no end-of-archive record (the file is truncated or not a zip archive)');
  const count = view.getUint16(eocd + 10, true);
  let at = view.getUint32(eocd + 16, true);
  const entries = new Map<string, Uint8Array>();
  for (let e = 0; e < count; e++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== CENTRAL_SIGNATURE) fail(`directory entry ${e} is damaged`);
    const method = view.getUint16(at + 10, true);
    const compressed = view.getUint32(at + 20, true);
    const size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const local = view.getUint32(at + 42, true);
    const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    if (local + 30 > bytes.length || view.getUint32(local, true) !== LOCAL_SIGNATURE) fail(`the data of '${name}' is missing`);
    // Without a data descriptor (flag bit 3) the local header repeats the sizes: they must agree.
    const described = (view.getUint16(local + 6, true) & 0x8) !== 0;
    if (!described && (view.getUint32(local + 18, true) !== compressed || view.getUint32(local + 22, true) !== size)) {
      fail(`the sizes of '${name}' in its local header (${view.getUint32(local + 18, true)} compressed, ${view.getUint32(local + 22, true)} bytes) disagree with the directory's (${compressed}, ${size})`);
    }
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    if (start + compressed > bytes.length) fail(`'${name}' needs ${compressed} bytes but the file ends first (it is truncated)`);
    if (compressed === 0xffffffff || size === 0xffffffff) fail(`'${name}' is a ZIP64 entry (over 4 GiB), which is not supported`);
    if (entries.has(name)) fail(`'${name}' appears twice in the directory`);
    const raw = bytes.subarray(start, start + compressed);
    let data: Uint8Array = raw;
    if (method === 8) {
      checkLimit(limits, 'maxDecompressedBytes', size, `${source}: '${name}' declares a decompressed size of`);
      if (size > compressed * MAX_RATIO + 1024) fail(`'${name}' declares ${size} bytes once decompressed, more than its ${compressed} compressed bytes can hold`);
      try {
        // Inflate into one buffer of the declared size; data that would run past it is refused.
        data = inflateRawSync(raw, { maxOutputLength: Math.max(1, size), chunkSize: Math.max(64, size + 1) });
      } catch (err) {
        const longer = (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
        fail(longer ? `'${name}' decompresses to more than the ${size} bytes it declares` : `'${name}' cannot be decompressed (${(err as Error).message})`);
      }
    } else if (method !== 0) {
      fail(`'${name}' uses compression method ${method}; only stored (0) and deflate (8) are supported`);
    }
    if (data.length !== size) fail(`'${name}' decompresses to ${data.length} bytes instead of ${size}`);
    entries.set(name, data);
  }
  return entries;
}

/** Decodes one .npy array of unsigned bytes. */
function parseNpy(bytes: Uint8Array, source: string): IdxArray {
  const fail = (why: string): never => {
    throw new ValueError(`${source}: not a valid .npy array: ${why}.`);
  };
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b)) fail('it does not start with the \\x93NUMPY magic string');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  if (major !== 1 && bytes.length < 12) fail('its header is truncated');
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = (major === 1 ? 10 : 12) + headerLength;
  if (dataStart > bytes.length) fail('its header is truncated');
  const header = new TextDecoder().decode(bytes.subarray(major === 1 ? 10 : 12, dataStart));
  const descr = /'descr':\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) fail(`its header is not understood: ${header.trim()}`);
  if (descr !== '|u1' && descr !== '<u1') fail(`its elements are '${descr}'; only unsigned bytes ('|u1') are supported`);
  if (fortran === 'True') fail('it is stored in Fortran (column-major) order; only C order is supported');
  const shape = shapeText!.split(',').map((d) => d.trim()).filter((d) => d !== '').map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  if (bytes.length - dataStart !== count) fail(`its header declares shape [${shape.join(',')}] (${count} bytes of data) but it holds ${bytes.length - dataStart}`);
  return { shape, data: bytes.subarray(dataStart) };
}

/** Options of `readNpz`. */
export interface ReadNpzArgs {
  /** Caps for this call (decompressed size of each entry), over those of `setLimits`. */
  limits?: Partial<Limits>;
}

const READ_NPZ_KEYS = optionKeys<ReadNpzArgs>({ limits: true });

/**
 * The arrays of an .npz archive by name (without `.npy`): `x_train`, `y_train`, ... for mnist.npz.
 * `source` names the file in errors. Declared sizes are checked against the data and the caps
 * before anything is decompressed.
 *
 * @example
 * ```ts
 * const arrays = readNpz(readFileSync('mnist.npz'), 'mnist.npz');
 * arrays.get('x_train')!.shape; // [60000, 28, 28]
 * ```
 */
export function readNpz(bytes: Uint8Array, source: string, options: ReadNpzArgs = {}): Map<string, IdxArray> {
  checkOptions('readNpz', options, READ_NPZ_KEYS);
  const arrays = new Map<string, IdxArray>();
  for (const [name, data] of unzip(bytes, source, resolveLimits(options.limits, 'readNpz'))) {
    if (name.endsWith('.npy')) arrays.set(name.slice(0, -4), parseNpy(data, `${source} (${name})`));
  }
  return arrays;
}
