/**
 * Strata: tensors with automatic differentiation, behind a swappable backend.
 * This entry point registers the backends and exports the public API.
 */
import { CpuBackend } from './backends/cpu/cpu-backend.js';
import { ENGINE, type MemoryInfo, type TensorContainer } from './core/engine.js';
import type { Backend } from './core/backend.js';
import type { Tensor } from './core/tensor.js';

ENGINE.registerBackend('cpu', () => new CpuBackend(), 1);

export * from './ops/index.js';
export { Tensor, Variable, type NestedArray } from './core/tensor.js';
export type { DType, TypedArray } from './core/dtype.js';
export type { Shape } from './core/shape.js';
export type { Backend, Kernels, TensorInfo, DataId, UnaryOp, BinaryOp, ArithmeticOp, CompareOp, ReduceOp } from './core/backend.js';
export type { MemoryInfo, TensorContainer } from './core/engine.js';
export * from './core/errors.js';
export { grad, grads, valueAndGrad, valueAndGrads, variableGrads } from './core/gradients.js';
export { setSeed } from './core/random.js';
export * as optimizers from './optimizers/index.js';
export * as losses from './losses/index.js';
export * as metrics from './metrics/index.js';
export { Optimizer, SGD, Adagrad, RMSprop, Adam, AdamW } from './optimizers/index.js';
export { Loss } from './losses/index.js';
export { Metric } from './metrics/index.js';

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

/** Disposes a tensor, or every tensor in an array or object. */
export function dispose(container: TensorContainer): void {
  if (container && typeof container === 'object') {
    if ('dispose' in container && typeof container.dispose === 'function') (container as Tensor).dispose();
    else for (const c of Object.values(container)) dispose(c as TensorContainer);
  }
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

/** Makes the named backend (`'cpu'`, or `'wasm'` where available) the one every op runs on. */
export function setBackend(name: string): void {
  ENGINE.setBackend(name);
}

/** The backend ops currently run on. */
export function getBackend(): Backend {
  return ENGINE.backend;
}

/**
 * Registers a backend under `name`; the registered backend with the highest `priority` is the
 * default. This is how a faster backend plugs in without changes to ops or layers.
 */
export function registerBackend(name: string, factory: () => Backend, priority = 0): void {
  ENGINE.registerBackend(name, factory, priority);
}
