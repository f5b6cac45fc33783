/** Decompressing gzip data with the output bounded before any of it is produced, so a small file cannot expand to gigabytes. */
import { constants, gunzipSync } from 'node:zlib';
import { LimitError, ValueError } from '../../core/errors.js';
import { checkLimit, getLimits, raiseCapHint, type Limits } from '../../core/limits.js';

/**
 * Deflate writes at most about 1032 bytes of output for one byte of input; a size claimed beyond
 * this (plus room for the gzip header) cannot be true of the data, whatever the file declares.
 */
const MAX_RATIO = 1032;
const possibleOutput = (compressed: number): number => compressed * MAX_RATIO + 1024;

/** True when `bytes` starts with the gzip magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function corrupt(source: string, e: unknown): ValueError {
  return new ValueError(`${source}: cannot decompress this gzip file (${(e as Error).message}); it is truncated or corrupt. Delete it and load again.`);
}

/**
 * The first `count` bytes of the decompressed data (fewer if it is shorter), decompressing only a
 * prefix of the input that grows until they are out: a format's header can be read and checked
 * before the rest is decompressed.
 */
export function gunzipPrefix(bytes: Uint8Array, count: number, source: string): Uint8Array {
  for (let take = 256; ; take *= 4) {
    let out: Uint8Array;
    try {
      // Z_SYNC_FLUSH returns what the given input decodes to, without complaining that the stream stops early.
      out = gunzipSync(bytes.subarray(0, take), { finishFlush: constants.Z_SYNC_FLUSH });
    } catch (e) {
      throw corrupt(source, e);
    }
    if (out.length >= count || take >= bytes.length) return out.subarray(0, count);
  }
}

/**
 * Decompresses gzip data into one buffer, never more than the cap `limits.maxDecompressedBytes`
 * and, when the caller knows the size from the format's own header, never more than `expected`
 * (then anything longer or shorter is refused). zlib checks the trailer's CRC and length. Throws a
 * `LimitError` naming the cap, or a `ValueError` naming `source` and the corruption.
 *
 * @example
 * ```ts
 * const raw = gunzipBounded(fileBytes, "'train-images-idx3-ubyte.gz'", getLimits(), 47_040_016);
 * ```
 */
export function gunzipBounded(bytes: Uint8Array, source: string, limits: Limits = getLimits(), expected?: number): Uint8Array {
  if (bytes.length < 18) throw new ValueError(`${source}: cannot decompress this gzip file: it has ${bytes.length} bytes, fewer than a gzip header and trailer (it is truncated).`);
  if (expected !== undefined) {
    checkLimit(limits, 'maxDecompressedBytes', expected, `${source}: its header declares a decompressed size of`);
    if (expected > possibleOutput(bytes.length)) {
      throw new ValueError(`${source}: cannot decompress this gzip file: its header declares ${expected} bytes, more than ${bytes.length} bytes of gzip data can hold (the file is corrupt).`);
    }
  }
  const maxOutputLength = expected ?? Math.min(limits.maxDecompressedBytes, possibleOutput(bytes.length));
  let out: Uint8Array;
  try {
    // With a known size, one chunk of that size plus one byte, so the output is written once instead of
    // gathered in pieces and joined (which would briefly hold it twice). The trailer's size is not used:
    // it is modulo 2^32, only the last member's, and a hostile file can set it to anything.
    out = gunzipSync(bytes, expected === undefined ? { maxOutputLength } : { maxOutputLength, chunkSize: Math.max(64, expected + 1) });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_BUFFER_TOO_LARGE') throw corrupt(source, e);
    if (expected !== undefined) throw new ValueError(`${source}: cannot decompress this gzip file: it decompresses to more than the ${expected} bytes its header declares (the file is corrupt).`);
    throw new LimitError(
      `${source}: the gzip data decompresses to more than ${maxOutputLength.toLocaleString('en-US')} bytes (the cap maxDecompressedBytes = ${limits.maxDecompressedBytes.toLocaleString('en-US')}, ` +
        `or what ${bytes.length} compressed bytes can hold). ${raiseCapHint('maxDecompressedBytes')}`,
    );
  }
  if (expected !== undefined && out.length !== expected) {
    throw new ValueError(`${source}: cannot decompress this gzip file: it decompresses to ${out.length} bytes but its header declares ${expected} (the file is truncated or corrupt).`);
  }
  return out;
}
