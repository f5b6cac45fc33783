/** readIdxFile: gzipped and plain IDX files, the data decompressed into one buffer, and concatenated gzip members. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import * as s from '../../../src/node/index.js';
import { idxBytes, pixelOf, syntheticSplit } from '../../helpers/dataset-files.js';
import { FASHION_MNIST, missing } from '../../helpers/system-packages.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'strata-idx-'));
const DEBIAN = FASHION_MNIST.paths[0]!;

test('a gzipped and a plain IDX file give the same shape and bytes', () => {
  const dir = tmp();
  const { images } = syntheticSplit(5);
  const bytes = idxBytes([5, 28, 28], images);
  writeFileSync(join(dir, 'plain'), bytes);
  writeFileSync(join(dir, 'packed.gz'), gzipSync(bytes));
  for (const name of ['plain', 'packed.gz']) {
    const { shape, data } = s.datasets.readIdxFile(join(dir, name));
    assert.deepEqual(shape, [5, 28, 28]);
    assert.equal(data.length, 5 * 784);
    assert.deepEqual([data[0], data[784 + 3], data[4 * 784 + 783]], [pixelOf(0, 0), pixelOf(1, 3), pixelOf(4, 783)]);
  }
});

test('the decompressed Fashion-MNIST test images are held in one buffer of their size', { skip: missing(FASHION_MNIST) }, () => {
  const { shape, data } = s.datasets.readIdxFile(`${DEBIAN}/t10k-images-idx3-ubyte.gz`);
  assert.deepEqual(shape, [10000, 28, 28]);
  // 16 header bytes, the pixels and the one spare byte: no chunk list joined into a second copy.
  assert.equal(data.buffer.byteLength, 16 + 10000 * 784 + 1);
});

test('concatenated gzip members (whose trailer gives the last member size only) decode whole', () => {
  const dir = tmp();
  const bytes = idxBytes([3], Uint8Array.from([7, 8, 9]));
  const path = join(dir, 'two-members.gz');
  writeFileSync(path, Buffer.concat([gzipSync(bytes.subarray(0, 6)), gzipSync(bytes.subarray(6))]));
  const { shape, data } = s.datasets.readIdxFile(path);
  assert.deepEqual(shape, [3]);
  assert.deepEqual([...data], [7, 8, 9]);
});

test('a missing or damaged file names itself in the error', () => {
  const dir = tmp();
  assert.throws(() => s.datasets.readIdxFile(join(dir, 'none.gz')), (e: unknown) => e instanceof s.ValueError && /none\.gz': no such file/.test(e.message));
  const cut = join(dir, 'cut.gz');
  writeFileSync(cut, gzipSync(idxBytes([3], Uint8Array.from([1, 2, 3]))).subarray(0, 15));
  assert.throws(() => s.datasets.readIdxFile(cut), (e: unknown) => e instanceof s.ValueError && e.message.startsWith(`${cut}: cannot decompress this gzip file`));
});
