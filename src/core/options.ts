/** Checks of the options objects the public API takes: an unknown key (a typo, an option of another library) is an error, as Keras raises on unknown keyword arguments. */
import { UnknownOptionError } from './errors.js';

/**
 * The complete key list of an options interface, checked by the compiler: adding an option to the
 * interface without adding it here (or the reverse) fails to compile.
 *
 * @example
 * ```ts
 * interface FitArgs { epochs?: number; batchSize?: number }
 * const FIT_KEYS = optionKeys<FitArgs>({ epochs: true, batchSize: true });
 * ```
 */
export function optionKeys<T extends object>(keys: { [K in keyof Required<T>]: true }): readonly string[] {
  return Object.keys(keys);
}

/**
 * Throws an `UnknownOptionError` when `options` has a key outside `known`, naming the key, the
 * closest known one and the full list. `where` names the call, e.g. `'model.compile'`. Keys whose
 * value is `undefined` are checked too: `{ epoch: undefined }` is still a typo.
 *
 * @example
 * ```ts
 * checkOptions('model.fit', { epoch: 3 }, optionKeys<{ epochs?: number }>({ epochs: true }));
 * // UnknownOptionError: model.fit: unknown option 'epoch' (did you mean 'epochs'?). Known options: epochs.
 * ```
 */
export function checkOptions(where: string, options: object | null | undefined, known: readonly string[]): void {
  if (options === null || options === undefined || typeof options !== 'object') return;
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const near = closest(key, known);
    const hint = near === undefined ? '' : ` (did you mean '${near}'?)`;
    throw new UnknownOptionError(`${where}: unknown option '${key}'${hint}. Known options: ${known.join(', ')}.`);
  }
}

/** The known key nearest to `key` by edit distance, case ignored, when it is close enough to be a typo. */
function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const candidate of known) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length]!;
}
