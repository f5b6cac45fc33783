/**
 * The slice of Fashion-MNIST the playground trains on, as one binary file the page fetches: the
 * training images, their labels, the test images and their labels, one byte per pixel or label, in
 * that order, described by a small JSON document. Browser-safe: the server writes it, the page reads it.
 */
import { ValueError } from '../core/errors.js';

/**
 * Pixels per image (28 × 28).
 *
 * @example
 * const firstImage = slice.trainImages.subarray(0, FASHION_PIXELS);
 */
export const FASHION_PIXELS = 28 * 28;

/** The JSON document beside the binary file. */
export interface FashionSliceInfo {
  trainSize: number;
  testSize: number;
  /** The name of each class, by id. */
  classNames: string[];
}

/** The slice as arrays: pixels 0–255, labels 0–9. */
export interface FashionSlice {
  trainImages: Uint8Array;
  trainLabels: Uint8Array;
  testImages: Uint8Array;
  testLabels: Uint8Array;
}

/**
 * The bytes of the binary file for a slice.
 *
 * @example
 * writeFileSync('fashion-mnist.bin', encodeFashionSlice(slice));
 */
export function encodeFashionSlice(slice: FashionSlice): Uint8Array {
  const parts = [slice.trainImages, slice.trainLabels, slice.testImages, slice.testLabels];
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return bytes;
}

/**
 * Reads the binary file back, checking its length against `info`.
 *
 * @example
 * const slice = decodeFashionSlice(info, new Uint8Array(await (await fetch('data/fashion-mnist.bin')).arrayBuffer()));
 */
export function decodeFashionSlice(info: FashionSliceInfo, bytes: Uint8Array): FashionSlice {
  const sizes = [info.trainSize * FASHION_PIXELS, info.trainSize, info.testSize * FASHION_PIXELS, info.testSize];
  const expected = sizes.reduce((n, s) => n + s, 0);
  if (bytes.length !== expected) {
    throw new ValueError(`decodeFashionSlice: ${info.trainSize} training and ${info.testSize} test images take ${expected} bytes, but the file has ${bytes.length}; rebuild the playground's data.`);
  }
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const s of sizes) {
    parts.push(bytes.subarray(at, at + s));
    at += s;
  }
  const [trainImages, trainLabels, testImages, testLabels] = parts as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  return { trainImages, trainLabels, testImages, testLabels };
}
