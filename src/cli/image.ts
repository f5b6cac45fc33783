/** Turning a PNG file into a 28×28 grayscale image like those of MNIST and Fashion-MNIST. */
import { convertIndexedToRgb, decode, hasPngSignature, type DecodedPng } from 'fast-png';
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

/**
 * Averages `src` (w × h, one value per pixel) down or up to SIDE × SIDE: each output pixel is
 * the mean of the source area it covers (partly covered source pixels count by their share).
 */
function resizeArea(src: Float32Array, w: number, h: number): Float32Array {
  // Weights of source index i in output index o along one axis of length n.
  const weights = (n: number): { from: number; to: number; w: Float64Array }[] =>
    Array.from({ length: SIDE }, (_, o) => {
      const start = (o * n) / SIDE;
      const end = ((o + 1) * n) / SIDE;
      const from = Math.floor(start);
      const to = Math.min(n, Math.ceil(end));
      const w = new Float64Array(to - from);
      for (let i = from; i < to; i++) w[i - from] = (Math.min(end, i + 1) - Math.max(start, i)) / (end - start);
      return { from, to, w };
    });
  const wx = weights(w);
  const wy = weights(h);
  const out = new Float32Array(SIDE * SIDE);
  for (let oy = 0; oy < SIDE; oy++) {
    const ry = wy[oy]!;
    for (let ox = 0; ox < SIDE; ox++) {
      const rx = wx[ox]!;
      let acc = 0;
      for (let y = ry.from; y < ry.to; y++) {
        let row = 0;
        for (let x = rx.from; x < rx.to; x++) row += src[y * w + x]! * rx.w[x - rx.from]!;
        acc += row * ry.w[y - ry.from]!;
      }
      out[oy * SIDE + ox] = acc;
    }
  }
  return out;
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
 * Reads a PNG as the models expect their input: colour becomes gray by luminance (0.299 R +
 * 0.587 G + 0.114 B, as ITU-R BT.601 and most image libraries weigh it), transparent areas
 * become background (black, as in the data sets), and the image is resized to 28×28 by area
 * averaging (stretched if it is not square). With `invert`, dark-on-light drawings become
 * light-on-dark first, as in MNIST and Fashion-MNIST.
 */
export function readPng(path: string, invert: boolean): GrayImage {
  const bytes = readFileBytes(path);
  if (!hasPngSignature(bytes)) throw new ValueError(`'${path}' is not a PNG image (it does not start with the PNG signature); convert it to PNG first.`);
  let png: DecodedPng;
  try {
    png = decode(bytes);
  } catch (e) {
    throw new ValueError(`cannot decode '${path}' as a PNG image: ${(e as Error).message}.`);
  }
  const { width, height } = png;
  const { data, channels, max } = samples(png);
  const color = channels >= 3;
  const hasAlpha = channels === 2 || channels === 4;
  const gray = new Float32Array(width * height);
  let border = 0;
  let borderCount = 0;
  for (let i = 0; i < width * height; i++) {
    const at = i * channels;
    const value = color ? 0.299 * data[at]! + 0.587 * data[at + 1]! + 0.114 * data[at + 2]! : data[at]!;
    const luminance = (255 * value) / max;
    const alpha = hasAlpha ? data[at + channels - 1]! / max : 1;
    const x = i % width;
    const y = Math.floor(i / width);
    if (x === 0 || y === 0 || x === width - 1 || y === height - 1) {
      border += luminance * alpha;
      borderCount++;
    }
    gray[i] = alpha * (invert ? 255 - luminance : luminance);
  }
  const pixels = width === SIDE && height === SIDE ? gray : resizeArea(gray, width, height);
  return { pixels, width, height, lightBorder: border / borderCount > 127 };
}
