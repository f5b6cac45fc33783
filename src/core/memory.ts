/** The public memory API: `tidy` scopes, `keep`, `dispose` and the `memory()` report. */
import { ENGINE, type MemoryInfo, type TensorContainer } from './engine.js';
import { Tensor } from './tensor.js';

/**
 * Runs `fn` and then disposes every tensor it created, except those it returns (and variables).
 *
 * @example
 * const loss = tidy(() => mean(square(sub(predict(x), y)))); // intermediates are freed
 */
export function tidy<T extends TensorContainer>(fn: () => T): T {
  return ENGINE.tidy(fn);
}

/** Exempts `t` from disposal by the enclosing `tidy` scopes. */
export function keep<T extends Tensor>(t: T): T {
  return ENGINE.keep(t);
}

/**
 * Disposes a tensor, or every tensor in an array or plain object (nested).
 *
 * @example
 * dispose([a, b, { c }]);
 */
export function dispose(container: TensorContainer): void {
  if (container instanceof Tensor) container.dispose();
  else if (container && typeof container === 'object') for (const c of Object.values(container)) dispose(c);
}

/**
 * Live tensors and the bytes they hold.
 *
 * @example
 * const before = memory().numTensors;
 */
export function memory(): MemoryInfo {
  return ENGINE.memory();
}
