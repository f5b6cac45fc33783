/**
 * Strata: tensors with automatic differentiation, behind a swappable backend.
 * This entry point registers the backends and exports the public API.
 */
import { CpuBackend } from './backends/cpu/cpu-backend.js';
import { WasmBackend, wasmBackendAvailable } from './backends/wasm/wasm-backend.js';
import { ENGINE } from './core/engine.js';
import type { Backend } from './core/backend.js';
import { NotFoundError } from './core/errors.js';

ENGINE.registerBackend('cpu', () => new CpuBackend(), 1);
// The WebAssembly backend is the default wherever the runtime can run it; cpu stays as the fallback.
if (wasmBackendAvailable()) ENGINE.registerBackend('wasm', () => new WasmBackend(), 2);

// STRATA_BACKEND (read where a `process` exists, so browsers are unaffected) overrides the default,
// which lets a test suite run on each backend in turn.
const requestedBackend = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.['STRATA_BACKEND'];
if (requestedBackend) ENGINE.setBackend(requestedBackend);

export * from './ops/index.js';
export { Tensor, Variable, type NestedArray } from './core/tensor.js';
export type { DType, TypedArray } from './core/dtype.js';
export type { Shape } from './core/shape.js';
export type { Backend, Kernels, TensorInfo, DataId, UnaryOp, BinaryOp, ArithmeticOp, CompareOp, ReduceOp } from './core/backend.js';
export type { MemoryInfo, TensorContainer } from './core/engine.js';
export * from './core/errors.js';
export type { WasmBackend, WasmBackendArgs } from './backends/wasm/wasm-backend.js';
export { OutOfMemoryError } from './backends/wasm/heap.js';
export { grad, grads, valueAndGrad, valueAndGrads, variableGrads } from './core/gradients.js';
export { setSeed } from './core/random.js';
export { dispose, keep, memory, tidy } from './core/memory.js';
export * as optimizers from './optimizers/index.js';
export * as losses from './losses/index.js';
export * as metrics from './metrics/index.js';
export { Optimizer, SGD, Adagrad, RMSprop, Adam, AdamW } from './optimizers/index.js';
export { Loss } from './losses/index.js';
export { Metric } from './metrics/index.js';
export type { ConfigDict, ConfigValue, Serialized } from './core/serialization.js';
export * as activations from './activations/index.js';
export * as initializers from './initializers/index.js';
export * as regularizers from './regularizers/index.js';
export * as layers from './layers/index.js';
export { Input, SymbolicTensor, type SymbolicShape } from './layers/index.js';
export { Model, Sequential, type ModelArgs, type SequentialArgs, type SummaryArgs } from './models/index.js';

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

/**
 * Sets how many threads run the wasm backend's kernels (the calling thread included) and resolves
 * once they run. The default is `STRATA_THREADS`, else one per core. Only the wasm backend has threads.
 *
 * @example
 * await setThreadsCount(1); // single-threaded, e.g. to share the machine
 */
export async function setThreadsCount(threads: number): Promise<void> {
  const backend = ENGINE.backend;
  if (!(backend instanceof WasmBackend)) {
    throw new NotFoundError(`setThreadsCount: the current backend '${backend.name}' has no threads; only 'wasm' does. Call setBackend('wasm') first.`);
  }
  await backend.setThreads(threads);
}

/** Threads that run the current backend's kernels, the calling one included (1 for backends without threads). */
export function getThreadsCount(): number {
  const backend = ENGINE.backend;
  return backend instanceof WasmBackend ? backend.threads : 1;
}
export * from './callbacks/index.js';
export * as callbacks from './callbacks/index.js';
export { parseIdx, type IdxArray } from './datasets/idx.js';
