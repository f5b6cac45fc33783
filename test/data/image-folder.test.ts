/** data.imageFolder: one class per subfolder in name order, PNG (RGB, gray, palette-free) and JPEG decoded, resized bilinearly, color modes, seeded shuffle, file caches. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import * as s from '../../src/node/index.js';

const { data } = s;

/** A folder with cats (two 2×2 RGB PNGs) and dogs (a 2×2 gray PNG with alpha, and a flat 8×8 JPEG). */
function makeFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'strata-images-'));
  mkdirSync(join(dir, 'cat'));
  mkdirSync(join(dir, 'dog'));
  mkdirSync(join(dir, 'empty'));
  const rgb = new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255, 100, 100, 100]);
  writeFileSync(join(dir, 'cat', 'a.png'), encodePng({ width: 2, height: 2, data: rgb, channels: 3 }));
  writeFileSync(join(dir, 'cat', 'b.PNG'), encodePng({ width: 2, height: 2, data: rgb.map((v) => 255 - v), channels: 3 }));
  writeFileSync(join(dir, 'cat', 'notes.txt'), 'not an image');
  writeFileSync(join(dir, 'dog', 'c.png'), encodePng({ width: 2, height: 2, data: new Uint8Array([0, 255, 40, 255, 80, 255, 120, 0]), channels: 2 }));
  const flat = new Uint8Array(8 * 8 * 4).map((_, i) => (i % 4 === 3 ? 255 : 200));
  writeFileSync(join(dir, 'dog', 'd.jpg'), jpeg.encode({ width: 8, height: 8, data: flat }, 95).data);
  return dir;
}

test('classes are the subfolders by name; images decode to [height, width, channels] in [0, 255]', async () => {
  const dir = makeFolder();
  try {
    const ds = await data.imageFolder(dir, { imageSize: [2, 2], shuffle: false, classNames: ['cat', 'dog'] });
    assert.deepEqual(ds.classNames, ['cat', 'dog']);
    assert.deepEqual(ds.files.map((f) => f.slice(dir.length + 1)), ['cat/a.png', 'cat/b.PNG', 'dog/c.png', 'dog/d.jpg']);
    const before = s.memory().numTensors;
    const elements = [];
    for await (const [image, label] of ds) {
      elements.push([image.arraySync(), label]);
      image.dispose();
    }
    assert.equal(s.memory().numTensors, before);
    assert.deepEqual(elements[0], [[[[255, 0, 0], [0, 255, 0]], [[0, 0, 255], [100, 100, 100]]], 0]);
    assert.deepEqual(elements[2], [[[[0, 0, 0], [40, 40, 40]], [[80, 80, 80], [120, 120, 120]]], 1]);
    // JPEG is lossy: the flat gray comes back within a few levels.
    const jpegPixels = (elements[3]![0] as number[][][]).flat(2);
    assert.ok(jpegPixels.every((v) => Math.abs(v - 200) <= 3), `${jpegPixels}`);
    // Without classNames every subfolder is a class, the empty one too (as Keras).
    assert.deepEqual((await data.imageFolder(dir, { imageSize: [2, 2] })).classNames, ['cat', 'dog', 'empty']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('resizing is bilinear with half-pixel centres; grayscale uses ITU-R 601 weights; rgba keeps alpha; the shuffle is seeded', async () => {
  const dir = makeFolder();
  try {
    const ds = await data.imageFolder(dir, { imageSize: [1, 1], colorMode: 'grayscale', shuffle: false, classNames: ['cat'] });
    const [[first]] = (await ds.take(1).toArray()) as [[s.Tensor, number]];
    // 2×2 → 1×1 averages the four pixels: gray of red, green, blue and (100, 100, 100).
    const expected = (0.2989 * 255 + 0.587 * 255 + 0.114 * 255 + 0.2989 * 100 + 0.587 * 100 + 0.114 * 100) / 4;
    assert.ok(Math.abs(first.item() - expected) < 1e-3, `${first.item()} vs ${expected}`);
    first.dispose();
    const rgba = await data.imageFolder(dir, { imageSize: [2, 2], colorMode: 'rgba', shuffle: false, classNames: ['dog'] });
    const [[gray]] = (await rgba.take(1).toArray()) as [[s.Tensor, number]];
    assert.deepEqual(gray.arraySync(), [[[0, 0, 0, 255], [40, 40, 40, 255]], [[80, 80, 80, 255], [120, 120, 120, 0]]]);
    gray.dispose();
    const a = await data.imageFolder(dir, { imageSize: [2, 2], seed: 4 });
    const b = await data.imageFolder(dir, { imageSize: [2, 2], seed: 4 });
    assert.deepEqual(a.files, b.files);
    assert.deepEqual([...a.files].sort(), [...(await data.imageFolder(dir, { shuffle: false })).files].sort());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cache(path) writes the first complete pass to a file and reads it afterwards, in this process or the next', async () => {
  const dir = makeFolder();
  try {
    const path = join(dir, 'decoded.cache');
    const build = async () => (await data.imageFolder(dir, { imageSize: [2, 2], shuffle: false, classNames: ['cat'] })).map(([x, y]) => [s.div(x, 255), `label ${y}`]).cache(path);
    const first = await build();
    const read = async (ds: s.Dataset<unknown>) => (await ds.toArray()).map((e) => {
      const [x, y] = e as [s.Tensor, string];
      const v = [x.dtype, x.arraySync(), y];
      x.dispose();
      return v;
    });
    const fresh = await read(first);
    assert.ok(existsSync(path));
    assert.deepEqual(await read(first), fresh);
    // Another dataset cached at the same path (another process, say) reads the file, not its source.
    const unreadable = data.generator((): Iterator<never> => {
      throw new Error('the source was read');
    }).cache(path);
    assert.deepEqual(await read(unreadable), fresh);
    assert.deepEqual(fresh.map(([dtype, x, y]) => [dtype, (x as number[][][]).flat(2).map((v) => Math.round(v * 255)), y]), [
      ['float32', [255, 0, 0, 0, 255, 0, 0, 0, 255, 100, 100, 100], 'label 0'],
      ['float32', [0, 255, 255, 255, 0, 255, 255, 255, 0, 155, 155, 155], 'label 0'],
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('errors: a missing folder, a folder without subfolders, a bad image size', async () => {
  await assert.rejects(data.imageFolder('/nonexistent/folder'), /cannot read the folder \/nonexistent\/folder/);
  const dir = mkdtempSync(join(tmpdir(), 'strata-images-'));
  try {
    await assert.rejects(data.imageFolder(dir), /has no subfolders/);
    await assert.rejects(data.imageFolder(dir, { imageSize: [0, 2] }), /imageSize must be two positive integers/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the browser entry point has the pipeline without the file system; the Node one adds image folders and file paths', async () => {
  const browser = await import('../../src/index.js');
  assert.equal(typeof browser.data.csv, 'function');
  assert.equal('imageFolder' in browser.data, false);
  assert.equal(typeof data.imageFolder, 'function');
  assert.ok(data.array([1]) instanceof browser.Dataset);
});

test('hostile and corrupt images fail fast with typed errors naming the file: a PNG declaring 10⁵ × 10⁵ pixels, a truncated PNG, a huge JPEG, JPEG garbage', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-images-'));
  const firstError = async (bytes: Uint8Array, file: string): Promise<Error> => {
    rmSync(join(dir, 'a'), { recursive: true, force: true });
    mkdirSync(join(dir, 'a'));
    writeFileSync(join(dir, 'a', file), bytes);
    const images = await data.imageFolder(dir, { imageSize: [4, 4] });
    try {
      await images.toArray();
    } catch (e) {
      return e as Error;
    }
    throw new Error(`${file} was read without an error`);
  };
  try {
    const png = encodePng({ width: 3, height: 2, data: new Uint8Array(3 * 2 * 3).fill(7), channels: 3 });
    const huge = Uint8Array.from(png);
    new DataView(huge.buffer).setUint32(16, 100_000);
    new DataView(huge.buffer).setUint32(20, 100_000);
    const e1 = await firstError(huge, 'huge.png');
    assert.ok(e1 instanceof s.LimitError && /huge\.png declares 100000×100000 pixels/.test(e1.message) && /maxImagePixels/.test(e1.message), e1.message);
    const e2 = await firstError(png.subarray(0, png.length - 20), 'cut.png');
    assert.ok(e2 instanceof s.ValueError && /cut\.png/.test(e2.message), e2.message);
    // A JPEG whose frame header declares 60,000 × 60,000 pixels (3.6 · 10⁹, above the default cap of 10⁸).
    const small = jpeg.encode({ width: 8, height: 8, data: Buffer.alloc(8 * 8 * 4, 128) }, 90).data;
    const sof = small.findIndex((b, i) => b === 0xff && small[i + 1] === 0xc0);
    const bigJpeg = Uint8Array.from(small);
    new DataView(bigJpeg.buffer).setUint16(sof + 5, 60_000);
    new DataView(bigJpeg.buffer).setUint16(sof + 7, 60_000);
    const e3 = await firstError(bigJpeg, 'big.jpg');
    assert.ok(e3 instanceof s.LimitError && /big\.jpg/.test(e3.message), e3.message);
    const e4 = await firstError(Uint8Array.from([0xff, 0xd8, 0xff, 0x00, 1, 2, 3]), 'garbage.jpg');
    assert.ok(e4 instanceof s.ValueError && /cannot decode .*garbage\.jpg as a JPEG image/.test(e4.message), e4.message);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
