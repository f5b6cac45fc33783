/** Reads slices of Fashion-MNIST straight from the Debian package's gzip IDX files, for training tests. */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parseIdx } from '../../src/index.js';
import { FASHION_MNIST } from './system-packages.js';

/** Where the Debian package `dataset-fashion-mnist` puts the files (FMNIST_DIR points elsewhere); tests reading them skip with `missing(FASHION_MNIST)`. */
export const FASHION_MNIST_DIR = FASHION_MNIST.paths[0]!;

/** Images as float32 pixels scaled to [0, 1] ([n, 28, 28] flattened) and labels as int32, for rows [start, start + count). */
export function loadFashionMnist(split: 'train' | 't10k', start: number, count: number): { images: Float32Array; labels: Int32Array } {
  const read = (kind: string): Uint8Array => {
    const file = `${FASHION_MNIST_DIR}/${split}-${kind}.gz`;
    return parseIdx(gunzipSync(readFileSync(file)), file).data;
  };
  const pixels = read('images-idx3-ubyte').subarray(start * 784, (start + count) * 784);
  const labels = read('labels-idx1-ubyte').subarray(start, start + count);
  return { images: Float32Array.from(pixels, (p) => p / 255), labels: Int32Array.from(labels) };
}
