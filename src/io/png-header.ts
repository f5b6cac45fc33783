/**
 * What a PNG file's header declares, checked before a decoder allocates anything: readers of images
 * (the CLI's `predict`, `data.imageFolder`) call it so that a hostile or corrupt file fails fast.
 */
import { hasPngSignature } from 'fast-png';
import { ValueError } from '../core/errors.js';
import { checkLimit, type Limits } from '../core/limits.js';

/** Channels of each PNG colour type (gray, RGB, palette index, gray + alpha, RGBA). */
const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** Deflate writes at most about 1032 bytes for one byte of input: an image needing more cannot be in the file. */
const MAX_RATIO = 1032;

/**
 * Checks what a PNG's header (IHDR) declares before anything is decoded: the signature, a known
 * colour type and bit depth, the pixel count against `limits.maxImagePixels`, and that the
 * compressed data in the file could hold that many pixels at all. `source` names the file in errors.
 *
 * @example
 * checkPngHeader(bytes, "'cat.png'", getLimits()); // throws a LimitError for a 100,000 × 100,000 image
 */
export function checkPngHeader(bytes: Uint8Array, source: string, limits: Limits): void {
  const fail = (why: string): never => {
    throw new ValueError(`cannot decode ${source} as a PNG image: ${why}.`);
  };
  if (!hasPngSignature(bytes)) throw new ValueError(`${source} is not a PNG image (it does not start with the PNG signature); convert it to PNG first.`);
  if (bytes.length < 33) fail(`it has ${bytes.length} bytes, fewer than a PNG signature and header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(8) !== 13 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') fail('its first chunk is not a 13-byte IHDR header (the file is corrupt)');
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const depth = bytes[24]!;
  const channels = PNG_CHANNELS[bytes[25]!];
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) fail(`it declares ${width}×${height} pixels (each side must be 1 to 2^31 - 1)`);
  if (channels === undefined || ![1, 2, 4, 8, 16].includes(depth)) fail(`it declares colour type ${bytes[25]} with ${depth}-bit samples, which PNG does not define`);
  checkLimit(limits, 'maxImagePixels', width * height, `${source} declares ${width}×${height} pixels, that is`);
  // Each row is a filter byte and its packed samples.
  const raw = height * (1 + Math.ceil((width * channels! * depth) / 8));
  if (raw > bytes.length * MAX_RATIO + 1024) fail(`it declares ${width}×${height} pixels (${raw} bytes uncompressed), more than its ${bytes.length} bytes can hold (the file is truncated or corrupt)`);
  checkLimit(limits, 'maxDecompressedBytes', raw, `${source} declares ${width}×${height} pixels, whose uncompressed data is`);
}
