/** Reading an IDX file (MNIST-style data) from disk, gzip-compressed or not, holding its data once in memory. */
import { gunzipSync } from 'node:zlib';
import { ValueError } from '../../core/errors.js';
import { readFileBytes } from '../../io/node/atomic-file.js';
import { parseIdx, type IdxArray } from '../idx.js';

/**
 * Decompresses gzip data into one buffer of the size its trailer declares. zlib's default gathers the
 * output in chunks and joins them at the end, so a 47 MB file would briefly be held twice; with one
 * chunk of the right size it is written once. (The trailer holds the size modulo 2^32: a wrong guess
 * only costs the chunks again, never correctness.)
 */
function gunzipWhole(bytes: Uint8Array, path: string): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = bytes.length >= 18 ? view.getUint32(bytes.length - 4, true) : 0;
  try {
    // One byte more than the data, so that zlib never starts a second chunk for the end of the stream.
    return gunzipSync(bytes, { chunkSize: Math.max(64, declared + 1) });
  } catch (e) {
    throw new ValueError(`${path}: cannot decompress this gzip file (${(e as Error).message}); it is truncated or corrupt. Delete it and load again.`);
  }
}

/**
 * Reads an IDX file of unsigned bytes (decompressing it if it is gzip data) and decodes it; the
 * values are a view of the decompressed bytes, without a further copy.
 *
 * @example
 * const { shape, data } = datasets.readIdxFile('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz');
 * shape; // [60000, 28, 28]
 * const images = tensor(data, shape, 'uint8');
 */
export function readIdxFile(path: string): IdxArray {
  const bytes = readFileBytes(path);
  return parseIdx(bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipWhole(bytes, path) : bytes, path);
}
