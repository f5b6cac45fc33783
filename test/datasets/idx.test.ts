import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { ValueError, parseIdx } from '../../src/index.js';
import { FASHION_MNIST_DIR } from '../helpers/fashion-mnist.js';
import { FASHION_MNIST, missing } from '../helpers/system-packages.js';

function header(dims: number[]): number[] {
  return [0, 0, 0x08, dims.length, ...dims.flatMap((d) => [(d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255])];
}

test('parses the real Fashion-MNIST files', { skip: missing(FASHION_MNIST) }, () => {
  const images = parseIdx(gunzipSync(readFileSync(`${FASHION_MNIST_DIR}/t10k-images-idx3-ubyte.gz`)), 't10k-images');
  assert.deepEqual(images.shape, [10000, 28, 28]);
  assert.equal(images.data.length, 10000 * 784);
  const labels = parseIdx(gunzipSync(readFileSync(`${FASHION_MNIST_DIR}/t10k-labels-idx1-ubyte.gz`)), 't10k-labels');
  assert.deepEqual(labels.shape, [10000]);
  assert.deepEqual([...labels.data.subarray(0, 5)], [9, 2, 1, 1, 6]);
  assert.ok(labels.data.every((l) => l < 10));
});

test('parses a small hand-made file', () => {
  const bytes = Uint8Array.from([...header([2, 3]), 1, 2, 3, 4, 5, 6]);
  const { shape, data } = parseIdx(bytes, 'tiny');
  assert.deepEqual(shape, [2, 3]);
  assert.deepEqual([...data], [1, 2, 3, 4, 5, 6]);
});

test('truncated, corrupt and compressed files give clear errors naming the file', () => {
  const good = Uint8Array.from([...header([2, 3]), 1, 2, 3, 4, 5, 6]);
  const check = (bytes: Uint8Array, pattern: RegExp): void => {
    assert.throws(() => parseIdx(bytes, 'f.idx'), (e: unknown) => e instanceof ValueError && pattern.test(e.message));
  };
  check(good.subarray(0, 10), /^f\.idx: not a valid IDX file: it is truncated inside the header \(10 of 12 bytes\)\.$/);
  check(good.subarray(0, 15), /header declares shape \[2,3\] \(18 bytes with the header\) but it has 15 bytes — the file is truncated/);
  check(Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0]), /two zero bytes, found 0x1f 0x8b \(is it still gzip-compressed\?\)/);
  check(Uint8Array.from([0, 0, 0x42, 1, 0, 0, 0, 0]), /unknown element type 0x42/);
  check(Uint8Array.from(header([0xffffffff, 0xffffffff])), /header declares shape \[4294967295,4294967295\]/);
});
