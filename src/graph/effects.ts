/**
 * The public faces of the engine hooks that keep JavaScript state right under `jit`: a custom metric or
 * optimizer uses them where it would read tensor values or compute per-step numbers in JavaScript.
 */
import { ENGINE } from '../core/engine.js';
import type { Tensor } from '../core/tensor.js';

/**
 * Runs `run` on `tensors` now, and inside a `jit` graph again after every call, on that call's tensors:
 * for JavaScript that keeps what a step computed outside tensors (a metric's running total). Tensors
 * `run` makes are freed when it returns.
 *
 * @example
 * let total = 0;
 * const step = jit((x: Tensor) => {
 *   const s = sum(x);
 *   effect([s], ([v]) => { total += v!.item(); });
 *   return s;
 * });
 * step(tensor([1, 2])); step(tensor([3, 4])); // total === 10
 */
export function effect(tensors: readonly Tensor[], run: (tensors: Tensor[]) => void): void {
  ENGINE.effect(tensors, run);
}

/**
 * `compute()`, an object a kernel takes as an argument, computed again at every call of a `jit` graph
 * (an optimizer's update rule holding this step's learning rate), where a plain object would keep the
 * values it had when traced.
 *
 * @example
 * const rule = dynamic(() => ({ kind: 'sgd', learningRate: schedule(step), momentum: 0, nesterov: false }));
 * updateVariables(rule, [{ variable: w, grad: g, slots: [] }]);
 */
export function dynamic<T extends object>(compute: () => T): T {
  return ENGINE.dynamic(compute);
}
