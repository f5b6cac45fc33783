/** Reading the IDX format of MNIST and Fashion-MNIST, with every size checked against the data's length. */
import { ValueError } from '../core/errors.js';
import { checkLimit, getLimits, resolveLimits, type Limits } from '../core/limits.js';
import { checkOptions, optionKeys } from '../core/options.js';

const LIMITS_OPTION = optionKeys<{ limits?: Partial<Limits> }>({ limits: true });

/** The element types IDX files declare, by their type byte. */
const IDX_TYPES: Record<number, { name: string; bytes: number }> = {
  0x08: { name: 'uint8', bytes: 1 },
  0x09: { name: 'int8', bytes: 1 },
  0x0b: { name: 'int16', bytes: 2 },
  0x0c: { name: 'int32', bytes: 4 },
  0x0d: { name: 'float32', bytes: 4 },
  0x0e: { name: 'float64', bytes: 8 },
};

/** A decoded IDX file: its dimensions and its values (uint8 data stays a Uint8Array view, without a copy). */
export interface IdxArray {
  shape: number[];
  data: Uint8Array;
}

/** The dimensions an IDX file of unsigned bytes declares, and where its data starts. */
export interface IdxHeader {
  shape: number[];
  /** Bytes of the header (4 + 4 × rank): the data starts here. */
  headerBytes: number;
  /** Bytes of data the shape calls for. */
  dataBytes: number;
}

/**
 * Decodes the header of an IDX file of unsigned bytes from the file's first bytes (at least
 * 4 + 4 × rank of them; 36 always suffice) and checks the size it declares against the cap
 * `limits.maxTensorBytes`, so a caller can refuse a file before decompressing or allocating its data.
 *
 * @example
 * ```ts
 * parseIdxHeader(firstBytes, 'train-images-idx3-ubyte'); // { shape: [60000, 28, 28], headerBytes: 16, dataBytes: 47040000 }
 * ```
 */
export function parseIdxHeader(bytes: Uint8Array, source: string, limits: Limits = getLimits()): IdxHeader {
  const fail = (why: string): never => {
    throw new ValueError(`${source}: not a valid IDX file: ${why}.`);
  };
  if (bytes.length < 4) fail(`it has ${bytes.length} bytes, fewer than the 4-byte header`);
  if (bytes[0] !== 0 || bytes[1] !== 0) fail(`the magic number must start with two zero bytes, found 0x${hex(bytes[0]!)} 0x${hex(bytes[1]!)} (is it still gzip-compressed?)`);
  const type = IDX_TYPES[bytes[2]!];
  if (!type) fail(`unknown element type 0x${hex(bytes[2]!)}`);
  if (type!.name !== 'uint8') fail(`its elements are ${type!.name}; only uint8 data sets are supported`);
  const rank = bytes[3]!;
  if (rank === 0 || rank > 8) fail(`it declares ${rank} dimensions (expected 1 to 8)`);
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) fail(`it is truncated inside the header (${bytes.length} of ${headerBytes} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const dataBytes = shape.reduce((a, b) => a * b, 1) * type!.bytes;
  checkLimit(limits, 'maxTensorBytes', dataBytes, `${source}: its IDX header declares shape [${shape.join(',')}], that is`);
  return { shape, headerBytes, dataBytes };
}

/**
 * Decodes an (already decompressed) IDX file of unsigned bytes, the type MNIST-style data sets
 * use, after checking that the shape its header declares fits the cap `maxTensorBytes` and the
 * data actually present. `source` names the file in errors. The values are a view of `bytes`.
 *
 * @example
 * const { shape, data } = parseIdx(bytes, 'train-images-idx3-ubyte'); // shape [60000, 28, 28]
 */
export function parseIdx(bytes: Uint8Array, source: string, options: { limits?: Partial<Limits> } = {}): IdxArray {
  checkOptions('parseIdx', options, LIMITS_OPTION);
  const { shape, headerBytes, dataBytes } = parseIdxHeader(bytes, source, resolveLimits(options.limits, 'parseIdx'));
  const expected = headerBytes + dataBytes;
  if (bytes.length !== expected) {
    throw new ValueError(
      `${source}: not a valid IDX file: its header declares shape [${shape.join(',')}] (${expected} bytes with the header) but it has ${bytes.length} bytes${bytes.length < expected ? ' — the file is truncated' : ''}.`,
    );
  }
  return { shape, data: bytes.subarray(headerBytes) };
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}
