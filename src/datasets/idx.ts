/** Reading the IDX format of MNIST and Fashion-MNIST, with every size checked against the data's length. */
import { ValueError } from '../core/errors.js';

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

/**
 * Decodes an (already decompressed) IDX file of unsigned bytes, the type MNIST-style data sets
 * use. `source` names the file in errors.
 *
 * @example
 * const { shape, data } = parseIdx(bytes, 'train-images-idx3-ubyte'); // shape [60000, 28, 28]
 */
export function parseIdx(bytes: Uint8Array, source: string): IdxArray {
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
  const shape: number[] = [];
  let count = 1;
  for (let i = 0; i < rank; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    shape.push(d);
    count *= d;
  }
  const expected = headerBytes + count * type!.bytes;
  if (bytes.length !== expected) {
    fail(`its header declares shape [${shape.join(',')}] (${expected} bytes with the header) but it has ${bytes.length} bytes${bytes.length < expected ? ' — the file is truncated' : ''}`);
  }
  return { shape, data: bytes.subarray(headerBytes) };
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}
