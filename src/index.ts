/**
 * Strata: tensors with automatic differentiation, behind a swappable backend, and a Keras-style
 * API. This entry point is browser-safe: it registers the backends and exports the public API
 * (Node adds files and the terminal in node/index.ts).
 */
import { CpuBackend } from './backends/cpu/cpu-backend.js';
import { browserWorkerSupport, browserWorkersAvailable } from './backends/wasm/browser/spawn-worker.js';
import { setWorkerSupport, WasmBackend, wasmBackendAvailable } from './backends/wasm/wasm-backend.js';
import { registerBackend } from './core/backend-registry.js';
import { ENGINE } from './core/engine.js';

registerBackend('cpu', () => new CpuBackend(), 1);
// The WebAssembly backend is the default wherever the runtime can run it; cpu stays as the fallback.
if (wasmBackendAvailable()) registerBackend('wasm', () => new WasmBackend(), 2);
// In a cross-origin isolated page its threads are Web Workers (Node's entry point installs Node's workers).
if (browserWorkersAvailable()) setWorkerSupport(browserWorkerSupport);

// STRATA_BACKEND (read where a `process` exists, so browsers are unaffected) overrides the default,
// which lets a test suite run on each backend in turn. It is checked at the first op, not here:
// importing never throws, and setBackend (the CLI's --backend) wins over it.
const requestedBackend = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.['STRATA_BACKEND'];
if (requestedBackend) ENGINE.requestBackend(requestedBackend, 'STRATA_BACKEND');

// The engine: tensors, ops, gradients, memory, backends.
export * from './ops/index.js';
export { Tensor, Variable, type NestedArray } from './core/tensor.js';
export { StringTensor, strings, type NestedStrings } from './core/string-tensor.js';
export type { DType, TypedArray } from './core/dtype.js';
export type { Shape } from './core/shape.js';
export type { Backend, Kernels, TensorInfo, DataId, UnaryOp, BinaryOp, ArithmeticOp, CompareOp, ReduceOp, PoolOp, Pair, Pads } from './core/backend.js';
export type { MemoryInfo, TensorContainer } from './core/engine.js';
export * from './core/errors.js';
export type { WasmBackend, WasmBackendArgs } from './backends/wasm/wasm-backend.js';
export { OutOfMemoryError } from './backends/wasm/heap.js';
export { grad, grads, valueAndGrad, valueAndGrads, variableGrads } from './core/gradients.js';
export { customGrad, type CustomGradientFunc, type CustomGradientResult, type GradSaveFunc } from './core/custom-gradient.js';
export { setSeed } from './core/random.js';
export * from './graph/index.js';
export { clearSession } from './core/session.js';
export { checkOptions, optionKeys } from './core/options.js';
export { getLimits, setLimits, resetLimits, type Limits } from './core/limits.js';
export { dispose, keep, memory, tidy } from './core/memory.js';
export { getBackend, registerBackend, setBackend } from './core/backend-registry.js';
export type { ConfigDict, ConfigValue, Serialized } from './core/serialization.js';

// What layers and compile take.
export * as activations from './activations/index.js';
export * as initializers from './initializers/index.js';
export * as regularizers from './regularizers/index.js';
export * as optimizers from './optimizers/index.js';
export * as losses from './losses/index.js';
export * as metrics from './metrics/index.js';
export { Optimizer, SGD, Adagrad, RMSprop, Adam, AdamW } from './optimizers/index.js';
export { Loss } from './losses/index.js';
export { Metric } from './metrics/index.js';

// Layers, models, training, callbacks, saving.
export * as layers from './layers/index.js';
export { Input, SymbolicTensor, type SymbolicShape } from './layers/index.js';
export { Model, Sequential, model, sequential, type ModelArgs, type SequentialArgs, type SummaryArgs } from './models/index.js';
export type { CompileArgs, LossSpec, MetricSpec } from './models/compile.js';
export type { Batch, BatchSource, PredictBatch, PredictSource, StepBatch } from './models/epoch-iterator.js';
export type { EvaluateArgs, FitArgs, PredictArgs } from './models/loops.js';
export type { StepLogs, StepTensors } from './models/trainer.js';
// String inputs through models.
export type { Inputs, Tensors } from './models/data.js';
export { getThreadsCount, setThreadsCount } from './backends/wasm/threads.js';
export * from './callbacks/index.js';
export * as callbacks from './callbacks/index.js';
export { decodeModel, loadModel, modelFromArtifacts, readModelArtifacts, type LoadModelArgs, type ReadArtifacts } from './models/loading.js';
export { encodeModel, encodeWeights, modelToArtifacts, weightsToArtifacts, type LoadWeightsArgs } from './models/saving.js';
export type { ArtifactWeight, ModelArtifacts, ModelFormat, ModelInput, OutputFile, SerializedObject, TrainingConfig } from './io/artifacts.js';
export { detectModelFormat, modelFormatForPath, modelFormatNamed, modelFormats } from './io/formats.js';
export { ONNX_OPSET, artifactsToOnnx } from './io/onnx/export.js';
export {
  modelConfigFromKeras, modelConfigToKeras, trainingConfigFromKeras, trainingConfigToKeras,
  type KerasFlavour, type KerasReadOptions, type KerasTrainingOptions,
} from './io/keras/config.js';
export { readModelInput, type ModelSource } from './io/sources.js';
export { setArtifactStore, type ArtifactStore } from './io/store.js';

// Watching training.
export * as board from './board/index.js';
export { TensorBoard, SummaryWriter, createFileWriter, setEventSinkFactory, type TensorBoardArgs } from './board/index.js';
export { ClassifierEvaluation, type ClassifierEvaluationArgs } from './board/index.js';

// Data.
export { parseIdx, type IdxArray } from './datasets/idx.js';
export * as datasets from './datasets/index.js';

// The data pipeline (tf.data's): Dataset and its sources.
export * as data from './data/index.js';
export { Dataset, type Element, type Batched } from './data/index.js';
