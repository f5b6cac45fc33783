/**
 * TensorBoard's plugins' tensor forms read back, as TensorFlow 2 (and PyTorch for some) writes them:
 * histograms as `[k, 3]` bucket tensors, images and sounds as string tensors, text as strings.
 * Each reader returns undefined for a tensor that is not of its form, so a malformed value is skipped.
 */
import type { AudioMessage } from './tf-protos.js';
import { tensorNumbers, tensorShape, tensorStrings } from './tensor-values.js';
import type { TensorMessage } from './tf-protos.js';

/** The plugin names TensorBoard gives each kind of tensor summary. */
export const PLUGINS = { scalars: 'scalars', histograms: 'histograms', images: 'images', audio: 'audio', text: 'text' } as const;

/** A histogram as the Board keeps it: buckets `[left, right, count]` and their extent and total. */
export interface HistogramData {
  min: number;
  max: number;
  num: number;
  buckets: [number, number, number][];
}

/** Encoded pictures of one step: the size of the first, and each one's bytes (PNG, JPEG or GIF). */
export interface ImageData {
  width: number;
  height: number;
  encoded: Uint8Array[];
}

/** Encoded sounds of one step, their type, sample rate when known, and labels when given. */
export interface AudioData {
  contentType: string;
  sampleRate?: number;
  encoded: Uint8Array[];
  labels?: string[];
}

/**
 * A TensorFlow 2 histogram: a `[k, 3]` tensor of rows (left edge, right edge, count); `[0, 3]` for
 * no values. Extent and total come from the buckets.
 *
 * @example
 * ```ts
 * tensorHistogram(t); // { min: -1, max: 1, num: 10, buckets: [[-1, 0, 4], [0, 1, 6]] }
 * ```
 */
export function tensorHistogram(t: TensorMessage): HistogramData | undefined {
  const numbers = tensorNumbers(t);
  if (!numbers || numbers.shape.length !== 2 || numbers.shape[1] !== 3) return undefined;
  const { values } = numbers;
  const buckets: [number, number, number][] = [];
  for (let i = 0; i + 2 < values.length; i += 3) buckets.push([values[i]!, values[i + 1]!, values[i + 2]!]);
  const num = buckets.reduce((n, b) => n + b[2], 0);
  return { min: buckets[0]?.[0] ?? 0, max: buckets.at(-1)?.[1] ?? 0, num, buckets };
}

/**
 * TensorFlow 2 images: a string tensor `[width, height, image, ...]` (the sizes in decimal, then
 * one encoded image per sample).
 *
 * @example
 * ```ts
 * tensorImages(t); // { width: 28, height: 28, encoded: [png0, png1, png2] }
 * ```
 */
export function tensorImages(t: TensorMessage): ImageData | undefined {
  const strings = tensorStrings(t);
  if (strings.length < 2) return undefined;
  const text = new TextDecoder();
  const width = Number(text.decode(strings[0]));
  const height = Number(text.decode(strings[1]));
  if (!Number.isFinite(width) || !Number.isFinite(height)) return undefined;
  // NOTE: the strings are views into the chunk read from the file; copies keep only the images alive.
  return { width, height, encoded: strings.slice(2).map((s) => s.slice()) };
}

/**
 * TensorFlow 2 sounds: a string tensor `[k, 2]` of (encoded clip, label), or `[k]` of clips alone.
 *
 * @example
 * ```ts
 * tensorAudio(t); // { contentType: 'audio/wav', encoded: [wav], labels: ['a **bird**'] }
 * ```
 */
export function tensorAudio(t: TensorMessage): AudioData | undefined {
  const strings = tensorStrings(t);
  const shape = tensorShape(t);
  if (strings.length === 0) return undefined;
  const paired = shape.length === 2 && shape[1] === 2;
  const encoded = paired ? strings.filter((_, i) => i % 2 === 0) : strings;
  const text = new TextDecoder();
  return { contentType: 'audio/wav', encoded: encoded.map((s) => s.slice()), ...(paired ? { labels: strings.filter((_, i) => i % 2 === 1).map((s) => text.decode(s)) } : {}) };
}

/**
 * A TensorFlow 1 (and PyTorch) sound: one encoded clip with its sample rate and type.
 *
 * @example
 * ```ts
 * summaryAudio(value.audio); // { contentType: 'audio/wav', sampleRate: 44100, encoded: [wav] }
 * ```
 */
export function summaryAudio(a: AudioMessage): AudioData {
  return { contentType: a.contentType || 'audio/wav', sampleRate: a.sampleRate, encoded: [(a.encodedAudioString ?? new Uint8Array(0)).slice()] };
}

/**
 * The strings of a text summary, decoded as UTF-8, with their shape.
 *
 * @example
 * ```ts
 * tensorText(t); // { shape: [], values: ['lr **0.01**'] }
 * ```
 */
export function tensorText(t: TensorMessage): { shape: number[]; values: string[] } | undefined {
  const strings = tensorStrings(t);
  if (strings.length === 0) return undefined;
  const text = new TextDecoder();
  return { shape: tensorShape(t), values: strings.map((s) => text.decode(s)) };
}
