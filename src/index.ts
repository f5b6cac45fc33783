/**
 * Strata: tensors with automatic differentiation, behind a swappable backend.
 * This entry point registers the backends and exports the public API.
 */
import { CpuBackend } from './backends/cpu/cpu-backend.js';
import { ENGINE } from './core/engine.js';
import type { Backend } from './core/backend.js';

ENGINE.registerBackend('cpu', () => new CpuBackend(), 1);

export * from './ops/index.js';
export { Tensor, Variable, type NestedArray } from './core/tensor.js';
export type { DType, TypedArray } from './core/dtype.js';
export type { Shape } from './core/shape.js';
export type { Backend, Kernels, TensorInfo, DataId, UnaryOp, BinaryOp, ArithmeticOp, CompareOp, ReduceOp, PoolOp, Pair, Pads } from './core/backend.js';
export type { MemoryInfo, TensorContainer } from './core/engine.js';
export * from './core/errors.js';
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
export * from './callbacks/index.js';
export * as callbacks from './callbacks/index.js';
export { parseIdx, type IdxArray } from './datasets/idx.js';
export { decodeModel, loadModel } from './models/loading.js';
export { encodeModel, encodeWeights } from './models/saving.js';
export type { Batch, BatchSource, CompileArgs, EvaluateArgs, FitArgs, LossSpec, MetricSpec } from './models/training.js';
export { setArtifactStore, type ArtifactStore } from './io/store.js';
