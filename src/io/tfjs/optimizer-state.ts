/**
 * An optimizer's state in a TF.js model (saved with `includeOptimizer`): the manifest's weights of
 * group `'optimizer'`, named `iter` and `<variable>/<slot>`, as TF.js's Adam lists them — the
 * iteration count, then every first moment `m` in the model's variable order, then every second
 * moment `v`. Strata names the same state `<optimizer>/iterations` and `<optimizer>/<variable>/<slot>`.
 * Only Adam's state converts: TF.js's other optimizers keep slots that mean something else
 * (its momentum is not scaled by the learning rate, its RMSprop keeps `rms`/`mg`), so theirs is
 * reported as not kept rather than restored with a different meaning.
 */
import type { SerializedObject } from '../artifacts.js';
import type { NamedValues } from '../format.js';
import type { ManifestValues } from './weights-manifest.js';

const ADAM_SLOTS = ['m', 'v'];

/**
 * Strata's state for `optimizer` from TF.js's optimizer weights (`rename` turns a TF.js variable
 * name into Strata's), or the sentence saying why it is not kept.
 */
export function optimizerStateFromTfjs(state: readonly NamedValues[], optimizer: SerializedObject | undefined, rename: (variable: string) => string): { weights: NamedValues[] } | { dropped: string } {
  const what = `the optimizer's state (${state.length} weights in TF.js's naming)`;
  if (optimizer?.className !== 'Adam') return { dropped: `${what} is not kept: Strata converts only Adam's (this file's optimizer is ${optimizer?.className ?? 'not saved'}); training continues with fresh optimizer state.` };
  const prefix = typeof optimizer.config.name === 'string' ? optimizer.config.name : 'adam';
  const weights: NamedValues[] = [];
  for (const w of state) {
    const slot = w.name.slice(w.name.lastIndexOf('/') + 1);
    if (w.name === 'iter') weights.push({ ...w, name: `${prefix}/iterations` });
    else if (w.name.includes('/') && ADAM_SLOTS.includes(slot)) weights.push({ ...w, name: `${prefix}/${rename(w.name.slice(0, w.name.lastIndexOf('/')))}/${slot}` });
    else return { dropped: `${what} is not kept: '${w.name}' is not one of TF.js Adam's weights (iter, <variable>/m, <variable>/v); training continues with fresh optimizer state.` };
  }
  return { weights };
}

/**
 * TF.js's optimizer weights (group `'optimizer'`) for Strata's Adam state, in the order TF.js's
 * Adam restores them (by position: `iter`, all `m`, all `v`); none for other optimizers or state
 * TF.js's Adam lacks (amsgrad's `vhat`), which TF.js would restore into the wrong slots.
 */
export function optimizerStateToTfjs(state: readonly NamedValues[], optimizer: SerializedObject | undefined): ManifestValues[] {
  if (optimizer?.className !== 'Adam' || state.length === 0) return [];
  const parts = state.map((w) => {
    const cut = w.name.indexOf('/');
    const rest = w.name.slice(cut + 1);
    return { w, rest, slot: rest === 'iterations' ? 'iterations' : rest.slice(rest.lastIndexOf('/') + 1) };
  });
  if (parts.some((p) => p.slot !== 'iterations' && !ADAM_SLOTS.includes(p.slot))) return [];
  const iterations = parts.find((p) => p.slot === 'iterations');
  if (!iterations) return [];
  const slots = ADAM_SLOTS.flatMap((slot) => parts.filter((p) => p.slot === slot));
  return [{ ...iterations.w, name: 'iter', dtype: 'int32', values: Int32Array.from(iterations.w.values as unknown as ArrayLike<number>), group: 'optimizer' }, ...slots.map((p) => ({ ...p.w, name: p.rest, group: 'optimizer' }))];
}
