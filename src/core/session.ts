/**
 * The state Strata keeps between calls outside any tensor, layer or model, in one object instead
 * of variables scattered over modules, and `clearSession()`, which resets what Keras's
 * `clear_session` resets.
 */

/**
 * Everything global a session holds, each field documented with whether `clearSession` resets it.
 * Counters that give out ids which must stay unique while objects holding them live are never
 * reset: they only increase.
 *
 * @example
 * ```ts
 * SESSION.uniqueName('dense'); // 'dense', then 'dense_1', ...
 * ```
 */
export class SessionState {
  /** Reset: how many automatic names each base name has given (`dense`, `dense_1`, ...), for layers and models. */
  readonly nameCounts = new Map<string, number>();
  /** Reset: the number of the next unnamed variable (`variable_0`, `variable_1`, ...). */
  variableCount = 0;
  /** Never reset (monotonic): the id of the next symbolic tensor; graphs key their tensors by it. */
  symbolicTensorCount = 0;
  /** Kept: how deep in nested layer calls the program is (the outermost call starts a fresh set of call losses). */
  layerCallDepth = 0;
  /** Kept: how many tensors are held in layers' call losses, so calls skip walking the layers while there are none. */
  recordedCallLosses = 0;
  /**
   * Kept (scoped: `withWeightSource` sets and restores it): what supplies weights while a saved
   * model is rebuilt. Core keeps it opaque, so it imports nothing above itself; layers/weight-source
   * gives it its type.
   */
  weightSource: object | null = null;

  /** A fresh name based on `base`: `base` the first time, then `base_1`, `base_2`, ... */
  uniqueName(base: string): string {
    const n = this.nameCounts.get(base) ?? 0;
    this.nameCounts.set(base, n + 1);
    return n === 0 ? base : `${base}_${n}`;
  }
}

/**
 * The one session of this program.
 *
 * @example
 * ```ts
 * const id = SESSION.symbolicTensorCount++;
 * ```
 */
export const SESSION = new SessionState();

/**
 * Starts naming afresh, as Keras's `clear_session`: the next Dense is `dense` again and the next
 * unnamed variable `variable_0`. Layers, models and variables already made keep their names;
 * ids that must stay unique (symbolic tensors') keep increasing, and calls or model loads under way
 * are not disturbed. Tensors are not freed: dispose them, or the models holding them.
 *
 * @example
 * ```ts
 * clearSession();
 * new layers.Dense({ units: 1 }).name; // 'dense'
 * ```
 */
export function clearSession(): void {
  SESSION.nameCounts.clear();
  SESSION.variableCount = 0;
}
