/** readPng: every PNG colour type to 28×28 gray in [0, 255] — luminance, alpha as background, bit depths, palettes, inversion and area resizing. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { encode, type ImageData } from 'fast-png';
import { readPng } from '../../src/cli/image.js';

const dir = mkdtempSync(join(tmpdir(), 'strata-png-'));
let count = 0;
function png(image: ImageData): string {
  const path = join(dir, `${count++}.png`);
  writeFileSync(path, encode(image));
  return path;
}
/** A 28×28 image whose every pixel is `pixel` (a list of channel values). */
function uniform(pixel: number[], args: Partial<ImageData> = {}): string {
  const data = new Uint8Array(28 * 28 * pixel.length);
  for (let i = 0; i < 28 * 28; i++) data.set(pixel, i * pixel.length);
  return png({ width: 28, height: 28, data, channels: pixel.length, depth: 8, ...args });
}
const first = (path: string, invert = false): number => readPng(path, invert).pixels[0]!;
const close = (a: number, b: number): void => assert.ok(Math.abs(a - b) < 1e-3, `${a} vs ${b}`);

test('colour becomes gray by luminance 0.299 R + 0.587 G + 0.114 B; alpha fades to the black background', () => {
  close(first(uniform([200])), 200);
  close(first(uniform([255, 0, 0])), 0.299 * 255);
  close(first(uniform([0, 255, 0])), 0.587 * 255);
  close(first(uniform([10, 20, 30])), 0.299 * 10 + 0.587 * 20 + 0.114 * 30);
  close(first(uniform([0, 0, 255, 51])), 0.114 * 255 * 0.2);
  close(first(uniform([200, 0])), 0);
  close(first(uniform([200, 255])), 200);
  // Inverting turns a white page into background, and a transparent pixel stays background.
  close(first(uniform([255, 255, 255]), true), 0);
  close(first(uniform([40]), true), 215);
  close(first(uniform([40, 0]), true), 0);
});

test('16-bit, 1-bit and palette images are scaled to [0, 255]', () => {
  const wide = new Uint16Array(28 * 28).fill(65535);
  wide[0] = 257 * 100;
  close(first(png({ width: 28, height: 28, data: wide, channels: 1, depth: 16 })), 100);
  // 1 bit per pixel, 28 pixels a row in 4 bytes: the row starts with 1, 0, 1.
  const bits = new Uint8Array(28 * 4).fill(0);
  bits[0] = 0b10100000;
  const oneBit = readPng(png({ width: 28, height: 28, data: bits, channels: 1, depth: 1 }), false).pixels;
  assert.deepEqual([...oneBit.subarray(0, 4)], [255, 0, 255, 0]);
  assert.equal(oneBit[28], 0, 'the second row starts on its own byte');
  const indices = new Uint8Array(28 * 28).fill(1);
  indices[0] = 0;
  const palette = readPng(png({ width: 28, height: 28, data: indices, channels: 1, depth: 8, palette: [[255, 0, 0], [0, 0, 255]] }), false).pixels;
  close(palette[0]!, 0.299 * 255);
  close(palette[1]!, 0.114 * 255);
});

test('other sizes are resized to 28×28 by area averaging', () => {
  // 56×56 of 2×2 blocks [0, 100; 200, 100] averages to 100 in every output pixel.
  const data = new Uint8Array(56 * 56);
  for (let y = 0; y < 56; y++) for (let x = 0; x < 56; x++) data[y * 56 + x] = y % 2 === 0 ? (x % 2 === 0 ? 0 : 100) : x % 2 === 0 ? 200 : 100;
  const half = readPng(png({ width: 56, height: 56, data, channels: 1, depth: 8 }), false);
  assert.deepEqual([half.width, half.height, half.pixels.length], [56, 56, 784]);
  half.pixels.forEach((p) => close(p, 100));
  // 10×5, stretched: each output pixel covers fractions of source pixels; a ramp across x keeps
  // its mean (the first output column covers 10/28 of source column 0, which holds 0).
  const ramp = new Uint8Array(50);
  for (let y = 0; y < 5; y++) for (let x = 0; x < 10; x++) ramp[y * 10 + x] = 20 * x;
  const stretched = readPng(png({ width: 10, height: 5, data: ramp, channels: 1, depth: 8 }), false).pixels;
  close(stretched[0]!, 0);
  close(stretched[27]!, 180);
  const rowMean = stretched.subarray(0, 28).reduce((a, b) => a + b, 0) / 28;
  close(rowMean, 90);
});

test('a light border is noticed, since the data sets are light on black', () => {
  assert.equal(readPng(uniform([250]), false).lightBorder, true);
  assert.equal(readPng(uniform([250]), true).lightBorder, true, 'reported before inverting');
  assert.equal(readPng(uniform([5]), false).lightBorder, false);
});
