/** PNG (fast-png) and JPEG (jpeg-js) files decoded into pixels with the number of channels asked for. */
import { decode as decodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { LimitError, ValueError } from '../../core/errors.js';
import { getLimits, raiseCapHint, type Limits } from '../../core/limits.js';
import { checkPngHeader } from '../../io/png-header.js';

/** An image's pixels, row-major `[height, width, channels]`. */
export interface Pixels {
  data: Float32Array;
  height: number;
  width: number;
  channels: number;
}

/** The channels an image is loaded with, as Keras names them. */
export type ColorMode = 'grayscale' | 'rgb' | 'rgba';

const CHANNELS: Record<ColorMode, number> = { grayscale: 1, rgb: 3, rgba: 4 };

/**
 * The pixels of a PNG or JPEG file's bytes, values in [0, 255], with the channels of `mode`. The
 * size a file declares is checked against `limits.maxImagePixels` (and a PNG's against what its
 * bytes can hold) before decoding; a file the decoder cannot read is a ValueError naming it.
 *
 * @example
 * const { height, width, channels } = decodeImage(readFileSync('cat.png'), 'cat.png', 'rgb');
 */
export function decodeImage(bytes: Uint8Array, name: string, mode: ColorMode, limits: Limits = getLimits()): Pixels {
  const kind = isPng(bytes) ? 'PNG' : isJpeg(bytes) ? 'JPEG' : undefined;
  if (!kind) throw new ValueError(`data.imageFolder: ${name} is neither a PNG nor a JPEG file (by its first bytes).`);
  if (kind === 'PNG') checkPngHeader(bytes, `data.imageFolder: ${name}`, limits);
  let rgba: Rgba;
  try {
    rgba = kind === 'PNG' ? pngToRgba(bytes) : jpegToRgba(bytes, limits);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    // jpeg-js refuses images above the resolution and memory it is given before allocating them.
    if (/maxResolutionInMP|maxMemoryUsageInMB/.test(why)) throw new LimitError(`data.imageFolder: ${name} declares a JPEG image larger than the cap maxImagePixels = ${limits.maxImagePixels} pixels (${why}). ${raiseCapHint('maxImagePixels')}`);
    throw new ValueError(`data.imageFolder: cannot decode ${name} as a ${kind} image (${why}); the file is corrupt or truncated.`);
  }
  return fromRgba(rgba, mode);
}

function isPng(b: Uint8Array): boolean {
  return b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
}

function isJpeg(b: Uint8Array): boolean {
  return b[0] === 0xff && b[1] === 0xd8;
}

/** RGBA values in [0, 255]. */
interface Rgba {
  data: Float32Array;
  height: number;
  width: number;
}

function pngToRgba(bytes: Uint8Array): Rgba {
  const png = decodePng(bytes);
  const n = png.width * png.height;
  const out = new Float32Array(n * 4);
  // 16-bit samples scale to 8 bits as decode_png(dtype=uint8) does: v / 257.
  const scale = png.depth === 16 ? 1 / 257 : 1;
  for (let i = 0; i < n; i++) {
    const px = png.palette ? png.palette[png.data[i]!]! : Array.from({ length: png.channels }, (_, c) => png.data[i * png.channels + c]! * scale);
    // Gray, gray + alpha, RGB, RGBA (palette entries are RGB or RGBA).
    const [r, g, b] = px.length < 3 ? [px[0]!, px[0]!, px[0]!] : [px[0]!, px[1]!, px[2]!];
    const a = px.length === 2 ? px[1]! : px.length === 4 ? px[3]! : 255;
    out.set([r, g, b, a], i * 4);
  }
  return { data: out, height: png.height, width: png.width };
}

function jpegToRgba(bytes: Uint8Array, limits: Limits): Rgba {
  const img = jpeg.decode(bytes, {
    useTArray: true,
    formatAsRGBA: true,
    maxResolutionInMP: limits.maxImagePixels / 1e6,
    // The RGBA pixels and the decoder's own component planes, with room to spare.
    maxMemoryUsageInMB: Math.ceil((limits.maxImagePixels * 8) / 2 ** 20) + 64,
  });
  return { data: Float32Array.from(img.data), height: img.height, width: img.width };
}

function fromRgba(img: Rgba, mode: ColorMode): Pixels {
  const channels = CHANNELS[mode];
  const n = img.height * img.width;
  const out = new Float32Array(n * channels);
  for (let i = 0; i < n; i++) {
    const [r, g, b, a] = [img.data[i * 4]!, img.data[i * 4 + 1]!, img.data[i * 4 + 2]!, img.data[i * 4 + 3]!];
    // NOTE: Keras converts to grayscale with tf.image.rgb_to_grayscale's weights (ITU-R 601).
    if (mode === 'grayscale') out[i] = 0.2989 * r + 0.587 * g + 0.114 * b;
    else out.set(mode === 'rgb' ? [r, g, b] : [r, g, b, a], i * channels);
  }
  return { data: out, height: img.height, width: img.width, channels };
}
