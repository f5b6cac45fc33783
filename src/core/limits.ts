/**
 * Caps on what a file may make Strata allocate. Every reader and decoder checks the sizes a file
 * declares against these before allocating, so a corrupt or hostile file fails fast with a
 * `LimitError` instead of exhausting memory. The defaults fit any real model or data set; raise a
 * cap for one call (the readers take `limits` in their options) or for the process (`setLimits`).
 */
import { LimitError } from './errors.js';
import { checkOptions, optionKeys } from './options.js';

/** The caps, in bytes or pixels. */
export interface Limits {
  /** Largest file read whole (model files, data files, images): default 4 GiB. */
  maxFileBytes: number;
  /** Largest output of one decompression (gzip, zip entries): default 4 GiB. */
  maxDecompressedBytes: number;
  /** Largest tensor a file may declare: default 2 GiB. */
  maxTensorBytes: number;
  /** Most pixels an image may declare (width × height): default 100 million. */
  maxImagePixels: number;
}

const GiB = 1024 ** 3;
const DEFAULT_LIMITS: Limits = { maxFileBytes: 4 * GiB, maxDecompressedBytes: 4 * GiB, maxTensorBytes: 2 * GiB, maxImagePixels: 100_000_000 };
const LIMIT_KEYS = optionKeys<Limits>({ maxFileBytes: true, maxDecompressedBytes: true, maxTensorBytes: true, maxImagePixels: true });
let current: Limits = { ...DEFAULT_LIMITS };

/** The caps in force for the process (a copy). */
export function getLimits(): Limits {
  return { ...current };
}

/**
 * Changes caps for the whole process; keys left out keep their value. Returns the previous caps,
 * so a caller can restore them.
 *
 * @example
 * ```ts
 * setLimits({ maxFileBytes: 16 * 1024 ** 3 }); // read model files up to 16 GiB
 * ```
 */
export function setLimits(limits: Partial<Limits>): Limits {
  const previous = current;
  current = resolveLimits(limits, 'setLimits');
  return { ...previous };
}

/** Restores the default caps. */
export function resetLimits(): void {
  current = { ...DEFAULT_LIMITS };
}

/** The caps in force, with `overrides` (a call's `limits` option) applied; each override is checked. */
export function resolveLimits(overrides: Partial<Limits> | undefined, where: string): Limits {
  if (overrides === undefined) return current;
  checkOptions(`${where}: limits`, overrides, LIMIT_KEYS);
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined && (typeof value !== 'number' || !(value > 0))) {
      throw new LimitError(`${where}: limits.${key} must be a positive number of ${key === 'maxImagePixels' ? 'pixels' : 'bytes'}, not ${String(value)}.`);
    }
  }
  return { ...current, ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) };
}

/**
 * Throws a `LimitError` when `declared` exceeds the cap `key` of `limits`. The message names what
 * declared the size, the cap, and how to raise it.
 *
 * @example
 * ```ts
 * checkLimit(getLimits(), 'maxImagePixels', width * height, `'photo.png' declares ${width}×${height} pixels`);
 * ```
 */
export function checkLimit(limits: Limits, key: keyof Limits, declared: number, what: string): void {
  if (declared <= limits[key]) return;
  const unit = key === 'maxImagePixels' ? 'pixels' : 'bytes';
  throw new LimitError(`${what}: ${formatCount(declared)} ${unit}, more than the cap ${key} = ${formatCount(limits[key])} ${unit}. ${raiseCapHint(key)}`);
}

/**
 * The sentence every `LimitError` ends with: how to raise the cap `key`, for one call or for the process.
 *
 * @example
 * ```ts
 * raiseCapHint('maxFileBytes'); // 'If the file is genuine, raise the cap with the option { limits: { maxFileBytes: ... } } ...'
 * ```
 */
export function raiseCapHint(key: keyof Limits): string {
  return `If the file is genuine, raise the cap with the option { limits: { ${key}: ... } } or setLimits({ ${key}: ... }).`;
}

function formatCount(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : String(n);
}
