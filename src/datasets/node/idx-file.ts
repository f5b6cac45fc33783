/** Reading an IDX file (MNIST-style data) from disk, gzip-compressed or not, holding its data once in memory. */
import type { Limits } from '../../core/limits.js';
import { resolveLimits } from '../../core/limits.js';
import { checkOptions, optionKeys } from '../../core/options.js';
import { readFileBytes } from '../../io/node/atomic-file.js';
import { parseIdx, parseIdxHeader, type IdxArray } from '../idx.js';
import { gunzipBounded, gunzipPrefix, isGzip } from './gunzip.js';

/** Options of `readIdxFile`. */
export interface ReadIdxFileArgs {
  /** Caps for this call (file size, decompressed size, tensor size), over those of `setLimits`. */
  limits?: Partial<Limits>;
}

const READ_IDX_KEYS = optionKeys<ReadIdxFileArgs>({ limits: true });

/**
 * Decodes the bytes of an IDX file, decompressing them first if they are gzip data: the IDX header
 * is decompressed and checked alone, then the data is decompressed into one buffer of exactly the
 * size the header declares (refused if the data turns out longer or shorter). `source` names the
 * file in errors.
 *
 * @example
 * ```ts
 * const { shape } = decodeIdxFile(readFileSync('t10k-labels-idx1-ubyte.gz'), 't10k-labels-idx1-ubyte.gz', getLimits()); // [10000]
 * ```
 */
export function decodeIdxFile(bytes: Uint8Array, source: string, limits: Limits): IdxArray {
  if (!isGzip(bytes)) return parseIdx(bytes, source, { limits });
  // 36 bytes hold the header of any rank (4 + 4 × 8); data shorter than that is small enough to decompress whole.
  const prefix = gunzipPrefix(bytes, 36, source);
  if (prefix.length < 36) return parseIdx(gunzipBounded(bytes, source, limits), source, { limits });
  const { headerBytes, dataBytes } = parseIdxHeader(prefix, source, limits);
  return parseIdx(gunzipBounded(bytes, source, limits, headerBytes + dataBytes), source, { limits });
}

/**
 * Reads an IDX file of unsigned bytes (decompressing it if it is gzip data) and decodes it; the
 * values are a view of the decompressed bytes, without a further copy. Sizes are checked before
 * anything is allocated: the file against `limits.maxFileBytes`, the shape its header declares
 * against `maxTensorBytes` and `maxDecompressedBytes`.
 *
 * @example
 * const { shape, data } = datasets.readIdxFile('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz');
 * shape; // [60000, 28, 28]
 * const images = tensor(data, shape, 'uint8');
 */
export function readIdxFile(path: string, options: ReadIdxFileArgs = {}): IdxArray {
  checkOptions('readIdxFile', options, READ_IDX_KEYS);
  const limits = resolveLimits(options.limits, 'readIdxFile');
  return decodeIdxFile(readFileBytes(path, limits), path, limits);
}
