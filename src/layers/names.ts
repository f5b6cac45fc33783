/** Automatic layer and model names as Keras makes them: the class name in snake_case, numbered from the second on (`dense`, `dense_1`). */

const counts = new Map<string, number>();

/** A fresh name based on `base`: `base` the first time, then `base_1`, `base_2`, ... */
export function uniqueName(base: string): string {
  const n = counts.get(base) ?? 0;
  counts.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}

/**
 * Restarts automatic naming, so the next Dense is `dense` again (Keras's `clear_session`).
 * Layers already made keep their names.
 *
 * @example
 * clearSession();
 * new Dense({ units: 1 }).name; // 'dense'
 */
export function clearSession(): void {
  counts.clear();
}
