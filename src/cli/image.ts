/** Turning a PNG file into a 28×28 grayscale image like those of MNIST and Fashion-MNIST. */
import { convertIndexedToRgb, decode, type DecodedPng } from 'fast-png';
import { getLimits, type Limits } from '../core/limits.js';
import { checkPngHeader } from '../io/png-header.js';
import { readFileBytes } from '../io/node/atomic-file.js';
import { ValueError } from '../node/index.js';

/** The side of MNIST-style images. */
export const SIDE = 28;

/** A decoded image: `SIDE × SIDE` pixels in [0, 255], row by row, and what was done to get them. */
export interface GrayImage {
  pixels: Float32Array;
  /** The original size. */
  width: number;
  height: number;
  /** Whether the border of the image (before inverting) is mostly light, which MNIST-style images never are. */
  lightBorder: boolean;
}

/** For each output index along an axis of `n` source pixels: the source range it covers and each source pixel's share. */
interface AxisWeights {
  from: number;
  to: number;
  w: Float64Array;
}

/**
 * Area weights for resizing an axis of length `n` to SIDE: each output pixel is the mean of the
 * source area it covers (partly covered source pixels count by their share).
 */
function axisWeights(n: number): AxisWeights[] {
  return Array.from({ length: SIDE }, (_, o) => {
    const start = (o * n) / SIDE;
    const end = ((o + 1) * n) / SIDE;
    const from = Math.floor(start);
    const to = Math.min(n, Math.ceil(end));
    const w = new Float64Array(to - from);
    for (let i = from; i < to; i++) w[i - from] = (Math.min(end, i + 1) - Math.max(start, i)) / (end - start);
    return { from, to, w };
  });
}

/** The pixels as samples in [0, max], `channels` per pixel (1 gray, 2 gray + alpha, 3 RGB, 4 RGBA). */
function samples(png: DecodedPng): { data: ArrayLike<number>; channels: number; max: number } {
  if (png.palette) {
    const rgb = convertIndexedToRgb(png);
    return { data: rgb, channels: rgb.length / (png.width * png.height), max: 255 };
  }
  if (png.depth >= 8) return { data: png.data, channels: png.channels, max: png.depth === 16 ? 65535 : 255 };
  // 1, 2 or 4 bits per gray sample, packed from the high bit, each row starting on a new byte.
  const rowBytes = Math.ceil((png.width * png.channels * png.depth) / 8);
  const perRow = png.width * png.channels;
  const max = (1 << png.depth) - 1;
  const out = new Uint8Array(perRow * png.height);
  for (let r = 0; r < png.height; r++) {
    for (let k = 0; k < perRow; k++) {
      const bit = k * png.depth;
      out[r * perRow + k] = (png.data[r * rowBytes + (bit >> 3)]! >> (8 - png.depth - (bit & 7))) & max;
    }
  }
  return { data: out, channels: png.channels, max };
}

/**
 * Decodes the bytes of a PNG image as the models expect their input (see `readPng`); `source`
 * names the image in errors. What the header declares is checked against `limits` before decoding,
 * and the image is reduced row by row, so memory beyond the decoder's own is one row, not a copy
 * of the image.
 *
 * @example
 * ```ts
 * const { pixels } = decodeGrayImage(readFileSync('digit.png'), "'digit.png'", false); // 784 values in [0, 255]
 * ```
 */
export function decodeGrayImage(bytes: Uint8Array, source: string, invert: boolean, limits: Limits = getLimits()): GrayImage {
  checkPngHeader(bytes, source, limits);
  let png: DecodedPng;
  try {
    png = decode(bytes);
  } catch (e) {
    throw new ValueError(`cannot decode ${source} as a PNG image: ${(e as Error).message}.`);
  }
  const { width, height } = png;
  const { data, channels, max } = samples(png);
  if (data.length < width * height * channels) throw new ValueError(`cannot decode ${source} as a PNG image: its data holds ${data.length} samples, fewer than its ${width}×${height} pixels need.`);
  const color = channels >= 3;
  const hasAlpha = channels === 2 || channels === 4;
  const wx = axisWeights(width);
  const wy = axisWeights(height);
  const sums = new Float64Array(SIDE * SIDE);
  const row = new Float32Array(width);
  let border = 0;
  let borderCount = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * channels;
      const value = color ? 0.299 * data[at]! + 0.587 * data[at + 1]! + 0.114 * data[at + 2]! : data[at]!;
      const luminance = (255 * value) / max;
      const alpha = hasAlpha ? data[at + channels - 1]! / max : 1;
      if (x === 0 || y === 0 || x === width - 1 || y === height - 1) {
        border += luminance * alpha;
        borderCount++;
      }
      row[x] = alpha * (invert ? 255 - luminance : luminance);
    }
    // Add this row's share to every output row whose area covers it.
    for (let oy = 0; oy < SIDE; oy++) {
      const ry = wy[oy]!;
      if (y < ry.from || y >= ry.to) continue;
      const share = ry.w[y - ry.from]!;
      for (let ox = 0; ox < SIDE; ox++) {
        const rx = wx[ox]!;
        let sum = 0;
        for (let x = rx.from; x < rx.to; x++) sum += row[x]! * rx.w[x - rx.from]!;
        sums[oy * SIDE + ox]! += sum * share;
      }
    }
  }
  return { pixels: Float32Array.from(sums), width, height, lightBorder: border / borderCount > 127 };
}

/**
 * Reads a PNG as the models expect their input: colour becomes gray by luminance (0.299 R +
 * 0.587 G + 0.114 B, as ITU-R BT.601 and most image libraries weigh it), transparent areas
 * become background (black, as in the data sets), and the image is resized to 28×28 by area
 * averaging (stretched if it is not square). With `invert`, dark-on-light drawings become
 * light-on-dark first, as in MNIST and Fashion-MNIST. The file and the size its header declares
 * are checked against `limits` (the caps of `setLimits` by default) before it is decoded.
 */
export function readPng(path: string, invert: boolean, limits: Limits = getLimits()): GrayImage {
  return decodeGrayImage(readFileBytes(path, limits), `'${path}'`, invert, limits);
}
