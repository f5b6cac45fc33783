/** Optimizer steps as one kernel: the parameter and its slots updated in a single pass over memory. */
import type { UpdateRule } from '../core/backend.js';
import { isFloat } from '../core/dtype.js';
import { ENGINE } from '../core/engine.js';
import { DTypeError, ShapeError, fmtShape } from '../core/errors.js';
import { shapesEqual } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';

export type { UpdateRule } from '../core/backend.js';

/** How many slots each rule reads and returns, in `UpdateRule`'s order. */
function slotCount(rule: UpdateRule): number {
  if (rule.kind === 'adam') return rule.amsgrad ? 3 : 2;
  if (rule.kind === 'sgd') return rule.momentum > 0 ? 1 : 0;
  return 1 + (rule.momentum > 0 ? 1 : 0) + (rule.centered ? 1 : 0);
}

/**
 * One optimizer step (see `UpdateRule` for the formulas): returns the parameter's new value and then
 * each slot's new value. Optimizers call it; it reads every array once instead of once per operation.
 * Not differentiable.
 *
 * @example
 * const [w2, m2, v2] = applyUpdate({ kind: 'adam', alpha: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false }, w, g, [m, v]);
 */
export function applyUpdate(rule: UpdateRule, value: Tensor, grad: Tensor, slots: readonly Tensor[]): Tensor[] {
  const op = `applyUpdate (${rule.kind})`;
  const all = [value, grad, ...slots];
  for (const x of all) x.assertAlive(op);
  if (slots.length !== slotCount(rule)) throw new ShapeError(`${op}: expected ${slotCount(rule)} slots for these hyperparameters, got ${slots.length}.`);
  for (const x of all) {
    if (!shapesEqual(x.shape, value.shape)) throw new ShapeError(`${op}: every tensor must have the parameter's shape ${fmtShape(value.shape)}, got ${fmtShape(x.shape)}.`);
    if (x.dtype !== value.dtype || !isFloat(x.dtype)) throw new DTypeError(`${op}: every tensor must have the parameter's float dtype, got ${x.dtype} beside ${value.dtype}.`);
  }
  const backend = ENGINE.backend;
  return backend.applyUpdate(rule, value, grad, slots).map((info) => ENGINE.makeTensor(info, backend));
}
