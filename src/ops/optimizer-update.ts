/** Optimizer steps as one kernel: the parameter and its slots updated in a single pass over memory, many parameters in one call. */
import type { UpdateRule, UpdateTarget } from '../core/backend.js';
import { isFloat } from '../core/dtype.js';
import { ENGINE } from '../core/engine.js';
import { DTypeError, ShapeError, fmtShape } from '../core/errors.js';
import { shapesEqual } from '../core/shape.js';
import type { Tensor, Variable } from '../core/tensor.js';

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
  checkUpdate('applyUpdate', rule, value, grad, slots);
  const backend = ENGINE.backend;
  return backend.applyUpdate(rule, value, grad, slots).map((info) => ENGINE.makeTensor(info));
}

/** One variable of `updateVariables`: its gradient and its slot variables, and the value to start from when not its own. */
export interface VariableUpdate {
  /** The variable, set to its new value. */
  variable: Variable;
  /** Its gradient, of its shape and dtype. */
  grad: Tensor;
  /** The optimizer's slot variables of it, in the rule's order (see `UpdateRule`), each set to its new value. */
  slots: readonly Variable[];
  /** The value the step starts from (a weight-decayed copy of the variable); the variable's own by default. */
  from?: Tensor;
}

/**
 * One optimizer step for many variables (see `UpdateRule` for the formulas), with the results
 * `applyUpdate` and `assign` give: the variables whose storage (and whose slots' storage) no other
 * tensor shares are overwritten in place, all in one kernel call; the others are given new storage.
 * Not differentiable.
 *
 * @example
 * const rule = { kind: 'sgd', learningRate: 0.1, momentum: 0, nesterov: false } as const;
 * updateVariables(rule, [{ variable: w, grad: gw, slots: [] }, { variable: b, grad: gb, slots: [] }]);
 */
export function updateVariables(rule: UpdateRule, updates: readonly VariableUpdate[]): void {
  const inPlace: UpdateTarget[] = [];
  for (const { variable, grad, slots, from = variable } of updates) {
    checkUpdate('updateVariables', rule, from, grad, slots);
    if (ENGINE.ownsStorage(variable) && slots.every((s) => ENGINE.ownsStorage(s))) {
      inPlace.push({ param: variable, value: from, grad, slots });
      continue;
    }
    const [value, ...newSlots] = ENGINE.tidy(() => applyUpdate(rule, from, grad, slots));
    variable.assign(value!);
    slots.forEach((s, i) => s.assign(newSlots[i]!));
    ENGINE.dispose(value!);
    for (const t of newSlots) ENGINE.dispose(t);
  }
  if (inPlace.length > 0) ENGINE.backend.applyUpdates(rule, inPlace);
}

/** Checks that `value`, `grad` and `slots` suit one step of `rule`: alive, of one shape and one float dtype, as many slots as it keeps. */
function checkUpdate(fn: 'applyUpdate' | 'updateVariables', rule: UpdateRule, value: Tensor, grad: Tensor, slots: readonly Tensor[]): void {
  // Named only for an error: the checks run for every variable of every training step.
  const op = (): string => `${fn} (${rule.kind})`;
  const all = [value, grad, ...slots];
  for (const x of all) if (x.disposed) x.assertAlive(op());
  if (slots.length !== slotCount(rule)) throw new ShapeError(`${op()}: expected ${slotCount(rule)} slots for these hyperparameters, got ${slots.length}.`);
  for (const x of all) {
    if (!shapesEqual(x.shape, value.shape)) throw new ShapeError(`${op()}: every tensor must have the parameter's shape ${fmtShape(value.shape)}, got ${fmtShape(x.shape)}.`);
    if (x.dtype !== value.dtype || !isFloat(x.dtype)) throw new DTypeError(`${op()}: every tensor must have the parameter's float dtype, got ${x.dtype} beside ${value.dtype}.`);
  }
}
