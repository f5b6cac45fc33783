/**
 * The media type of an encoded image or sound from its first bytes. Logs are data: the type a file
 * claims is never trusted, and anything not recognised as a plain raster image or sound (an SVG,
 * HTML) is served as opaque bytes, so a log cannot make the page run a script.
 */

/** Magic bytes (at offset `at`) and the media type they announce. */
const SIGNATURES: { at: number; bytes: number[]; type: string }[] = [
  { at: 0, bytes: [0x89, 0x50, 0x4e, 0x47], type: 'image/png' },
  { at: 0, bytes: [0xff, 0xd8, 0xff], type: 'image/jpeg' },
  { at: 0, bytes: [0x47, 0x49, 0x46, 0x38], type: 'image/gif' },
  { at: 8, bytes: [0x57, 0x45, 0x42, 0x50], type: 'image/webp' },
  { at: 8, bytes: [0x57, 0x41, 0x56, 0x45], type: 'audio/wav' },
  { at: 0, bytes: [0x4f, 0x67, 0x67, 0x53], type: 'audio/ogg' },
  { at: 0, bytes: [0x66, 0x4c, 0x61, 0x43], type: 'audio/flac' },
  { at: 0, bytes: [0x49, 0x44, 0x33], type: 'audio/mpeg' },
];

/** What unrecognised bytes are served as. */
export const OPAQUE_TYPE = 'application/octet-stream';

/**
 * The media type of `bytes` by their signature: PNG, JPEG, GIF, WebP, WAV, Ogg, FLAC or MP3, else
 * `application/octet-stream`.
 *
 * @example
 * ```ts
 * sniffMediaType(pngBytes); // 'image/png'
 * ```
 */
export function sniffMediaType(bytes: Uint8Array): string {
  const match = SIGNATURES.find(({ at, bytes: magic }) => magic.every((b, i) => bytes[at + i] === b));
  return match?.type ?? OPAQUE_TYPE;
}
