/** Loading MNIST-style data sets: the Debian package, a named directory, the cache and their order, .npz archives, and the errors for missing or damaged files. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';
import * as s from '../../../src/node/index.js';
import { pixelOf, syntheticNpz, writeIdxSet } from '../../helpers/dataset-files.js';
import { FASHION_MNIST, missing } from '../../helpers/system-packages.js';

const { fashionMnist, mnist, ImageDataset } = s.datasets;
const tmp = (): string => mkdtempSync(join(tmpdir(), 'strata-data-'));
const DEBIAN = '/usr/share/datasets/fashion-mnist';
/** Options that keep a test away from the user's cache, the system directory and the network. */
const isolated = (): s.datasets.LoadDataArgs => ({ cacheDir: tmp(), systemDir: tmp(), download: false });

test('Fashion-MNIST loads from the Debian package: uint8 images [n, 28, 28] and labels, with class names', { skip: missing(FASHION_MNIST) }, async () => {
  const [[xTrain, yTrain], [xTest, yTest]] = await fashionMnist.loadData({ cacheDir: tmp(), download: false });
  assert.deepEqual([xTrain.shape, yTrain.shape, xTest.shape, yTest.shape], [[60000, 28, 28], [60000], [10000, 28, 28], [10000]]);
  assert.deepEqual([xTrain.dtype, yTrain.dtype, xTest.dtype, yTest.dtype], ['uint8', 'uint8', 'uint8', 'uint8']);
  // The first training image is an ankle boot, the first test images an ankle boot and a pullover.
  assert.deepEqual([...yTrain.dataSync().subarray(0, 3)], [9, 0, 0]);
  assert.deepEqual([...yTest.dataSync().subarray(0, 2)], [9, 2]);
  assert.equal(fashionMnist.classNames[9], 'Ankle boot');
  assert.equal(fashionMnist.classNames.length, 10);
  const counts = new Array<number>(10).fill(0);
  for (const v of yTrain.dataSync()) counts[v]!++;
  assert.deepEqual(counts, new Array(10).fill(6000));
  assert.equal(await fashionMnist.locate({ cacheDir: tmp(), download: false }), DEBIAN);
  s.dispose([xTrain, yTrain, xTest, yTest]);
});

test('a named directory (option, environment variable, or its fashion-mnist subdirectory) is read first, gzipped or not', async () => {
  const dir = tmp();
  writeIdxSet(dir, 12, 5);
  const [[x, y], [xt, yt]] = await fashionMnist.loadData({ ...isolated(), dataDir: dir });
  assert.deepEqual([x.shape, y.shape, xt.shape, yt.shape], [[12, 28, 28], [12], [5, 28, 28], [5]]);
  assert.equal(x.dtype, 'uint8');
  assert.equal(x.dataSync()[784 * 3 + 10], pixelOf(3, 10));
  assert.deepEqual([...y.dataSync()], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);

  const parent = tmp();
  writeIdxSet(join(parent, 'fashion-mnist'), 4, 2, { gzip: false });
  process.env['STRATA_DATA_DIR'] = parent;
  try {
    const [[x2]] = await fashionMnist.loadData({ cacheDir: tmp(), systemDir: tmp(), download: false });
    assert.deepEqual(x2.shape, [4, 28, 28]);
    assert.equal(await fashionMnist.locate(), join(parent, 'fashion-mnist'));
  } finally {
    delete process.env['STRATA_DATA_DIR'];
  }
  const empty = tmp();
  await assert.rejects(fashionMnist.loadData({ ...isolated(), dataDir: empty }), (e: unknown) =>
    e instanceof s.NotFoundError && e.message.includes(`Fashion-MNIST is not in ${empty}`) && e.message.includes('train-images-idx3-ubyte.gz'));
});

test('the cache comes before the system package, and the system package before a download', async () => {
  const cacheDir = tmp();
  const systemDir = tmp();
  writeIdxSet(join(systemDir, 'fashion-mnist'), 6, 2);
  assert.equal(await fashionMnist.locate({ cacheDir, systemDir, download: false }), join(systemDir, 'fashion-mnist'));
  writeIdxSet(join(cacheDir, 'datasets', 'fashion-mnist'), 8, 2);
  assert.equal(await fashionMnist.locate({ cacheDir, systemDir, download: false }), join(cacheDir, 'datasets', 'fashion-mnist'));
  const [[x]] = await fashionMnist.loadData({ cacheDir, systemDir, download: false });
  assert.deepEqual(x.shape, [8, 28, 28]);
  process.env['STRATA_CACHE_DIR'] = cacheDir;
  try {
    assert.equal(fashionMnist.cacheDir(), join(cacheDir, 'datasets', 'fashion-mnist'));
  } finally {
    delete process.env['STRATA_CACHE_DIR'];
  }
});

test('nothing found and no download: the error lists where it looked and every fix', async () => {
  const args = isolated();
  await assert.rejects(fashionMnist.loadData(args), (e: unknown) => {
    assert.ok(e instanceof s.NotFoundError);
    assert.match(e.message, /^Fashion-MNIST was not found \(looked in .*datasets\/fashion-mnist and .*fashion-mnist\) and downloading is off\./);
    assert.match(e.message, /apt-get install dataset-fashion-mnist/);
    assert.match(e.message, /--data-dir DIR \(dataDir in code\) or STRATA_DATA_DIR/);
    assert.match(e.message, /one-time download from https:\/\/storage\.googleapis\.com\/tensorflow\/tf-keras-datasets\//);
    return true;
  });
  await assert.rejects(mnist.loadData(args), (e: unknown) => e instanceof s.NotFoundError && /mnist\.npz/.test(e.message) && !/apt-get/.test(e.message));
});

test('MNIST reads mnist.npz (deflated or stored) or the four IDX files', async () => {
  for (const deflate of [true, false]) {
    const dir = tmp();
    writeFileSync(join(dir, 'mnist.npz'), syntheticNpz(7, 3, deflate));
    const [[x, y], [xt, yt]] = await mnist.loadData({ ...isolated(), dataDir: dir });
    assert.deepEqual([x.shape, y.shape, xt.shape, yt.shape], [[7, 28, 28], [7], [3, 28, 28], [3]]);
    assert.equal(x.dtype, 'uint8');
    assert.equal(xt.dataSync()[784 * 2 + 5], pixelOf(2, 5, 1));
    assert.deepEqual([...y.dataSync()], [0, 1, 2, 3, 4, 5, 6]);
  }
  const idx = tmp();
  writeIdxSet(join(idx, 'mnist'), 3, 1);
  const [[x]] = await mnist.loadData({ ...isolated(), dataDir: idx });
  assert.deepEqual(x.shape, [3, 28, 28]);
});

test('truncated or damaged files give errors that name the file', async () => {
  const dir = tmp();
  writeIdxSet(dir, 4, 2, { gzip: false });
  const images = join(dir, 'train-images-idx3-ubyte');
  writeFileSync(images, readFileSync(images).subarray(0, 1000));
  await assert.rejects(fashionMnist.loadData({ ...isolated(), dataDir: dir }), (e: unknown) =>
    e instanceof s.ValueError && e.message.startsWith(`${images}: not a valid IDX file`) && /the file is truncated/.test(e.message));

  const gz = tmp();
  writeIdxSet(gz, 4, 2);
  const labels = join(gz, 't10k-labels-idx1-ubyte.gz');
  writeFileSync(labels, readFileSync(labels).subarray(0, 20));
  await assert.rejects(fashionMnist.loadData({ ...isolated(), dataDir: gz }), (e: unknown) =>
    e instanceof s.ValueError && e.message.startsWith(`${labels}: cannot decompress this gzip file`));

  const wrongShape = tmp();
  writeIdxSet(wrongShape, 4, 2);
  writeFileSync(join(wrongShape, 'train-labels-idx1-ubyte.gz'), gzipSync(Buffer.from([0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3])));
  await assert.rejects(fashionMnist.loadData({ ...isolated(), dataDir: wrongShape }), /the training files: 4 images but 3 labels/);

  const npz = tmp();
  writeFileSync(join(npz, 'mnist.npz'), syntheticNpz(2, 2).subarray(0, 300));
  await assert.rejects(mnist.loadData({ ...isolated(), dataDir: npz }), new RegExp(`${join(npz, 'mnist.npz')}: not a valid \\.npz \\(zip\\) file`));
});

test('a custom ImageDataset names its own files and classes', async () => {
  const dir = tmp();
  mkdirSync(join(dir, 'digits'));
  writeIdxSet(join(dir, 'digits'), 2, 2);
  const digits = new ImageDataset({ name: 'digits', title: 'Digits', classNames: ['zero', 'one'], remote: {} });
  const [[x]] = await digits.loadData({ ...isolated(), dataDir: dir });
  assert.deepEqual(x.shape, [2, 28, 28]);
  assert.deepEqual(digits.classNames, ['zero', 'one']);
});
