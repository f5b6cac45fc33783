/**
 * The WebAssembly backend: tensors live in one WebAssembly.Memory (shared with worker threads where
 * the runtime allows) and the float32 kernels that training spends its time in run as SIMD code
 * there. Each kernel has a fast path (fast-*.ts) that either takes the call or declines it; a
 * declined call (float64, int32, rare layouts) runs the reference kernels on the same memory.
 */
import { KERNEL_NAMES, type Backend, type DataId, type Kernels, type TensorInfo } from '../../core/backend.js';
import type { DType, TypedArray } from '../../core/dtype.js';
import type { Shape } from '../../core/shape.js';
import { registerGraphCompiler } from '../../graph/compilers.js';
import { copyKernels } from './fast-copies.js';
import { elementwiseKernels } from './fast-elementwise.js';
import { fusedRunner, type FusedProgram } from './fast-fusion.js';
import { fusedKernels } from './fast-fused.js';
import { matMulKernels } from './fast-matmul.js';
import { windowKernels } from './fast-windows.js';
import { fuseElementwise } from './graph-compiler.js';
import { HostedReference } from './hosted-reference.js';
import { kernelsModule } from './kernels-module.js';
import { WasmRuntime, type FastKernels, type WasmData } from './runtime.js';

export { setWorkerSupport, type WorkerSupport } from './runtime.js';

// jit's graphs for this backend have their elementwise chains fused.
registerGraphCompiler('wasm', fuseElementwise);

/** True where this runtime can run the WebAssembly kernels (SIMD; threads also need SharedArrayBuffer). */
export function wasmBackendAvailable(): boolean {
  return (kernelsModule(true) ?? kernelsModule(false)) !== undefined;
}

/** Options of the wasm backend. */
export interface WasmBackendArgs {
  /**
   * Threads that run kernels, the calling one included (default: `STRATA_THREADS`, else one per
   * core, where the runtime can start workers (see `setWorkerSupport`); 1 elsewhere).
   */
  threads?: number;
  /**
   * Whether tensors live in shared memory, which worker threads need (default: true where the runtime
   * has SharedArrayBuffer; browsers give it only to cross-origin isolated pages). Without it, the same
   * kernels run on the calling thread only.
   */
  sharedMemory?: boolean;
}

/**
 * The kernel table: each kernel's fast path where it has one, falling back to the reference kernel
 * wherever the fast path declines (returns undefined); the reference kernel alone where there is none.
 */
function withFallback(fast: FastKernels, reference: Kernels): Kernels {
  const table: Partial<Record<keyof Kernels, unknown>> = {};
  for (const name of KERNEL_NAMES) {
    const slow = (reference[name] as (...args: unknown[]) => unknown).bind(reference);
    const quick = fast[name] as ((...args: unknown[]) => unknown) | undefined;
    table[name] = quick ? (...args: unknown[]) => quick(...args) ?? slow(...args) : slow;
  }
  return table as Kernels;
}

// The kernels are installed by the constructor (see `withFallback`); this declares them on the class.
export interface WasmBackend extends Kernels {}

/**
 * The `wasm` backend. Float32 unary and binary ops (with same-shape, scalar and row/column broadcasting),
 * where, reductions over adjacent axes, 2-D and batched transposes and matMul (any transposition) run
 * as WebAssembly SIMD, large matMuls on several threads; float32 convolutions (groups 1) and their
 * gradients run as Winograd F(2×2, 3×3) (3×3 windows at stride 1, 8 channels or more) or else as
 * im2col plus the same matrix product, pooling and its gradients as SIMD over channels; softmax
 * cross-entropy and its gradient, argmax/argmin over the last axis, and the fused ops' bias and activation
 * (in place on the product's output) and their gradient, run in WebAssembly; slices,
 * gathers and tiles copy whole runs; everything else runs the reference kernels on the same memory.
 * It is the default backend wherever it can run.
 *
 * @example
 * setBackend('wasm');
 * await setThreadsCount(2); // the calling thread and one worker
 */
export class WasmBackend implements Backend {
  readonly name = 'wasm';
  /** The memory every tensor lives in; shared where worker threads can run kernels on it. */
  readonly memory: WebAssembly.Memory;
  /** Whether `memory` is shared (worker threads need it); without it, kernels run on the calling thread. */
  readonly sharedMemory: boolean;
  /** Runs a fused elementwise program, the call the graph compiler (graph-compiler.ts) puts in a graph. */
  readonly runFused: (program: FusedProgram, inputs: readonly TensorInfo[]) => TensorInfo[];
  private readonly rt: WasmRuntime;

  constructor(args: WasmBackendArgs = {}) {
    this.rt = new WasmRuntime(args.sharedMemory ?? true, args.threads);
    this.memory = this.rt.memory;
    this.sharedMemory = this.rt.sharedMemory;
    const fast: FastKernels = { ...elementwiseKernels(this.rt), ...copyKernels(this.rt), ...matMulKernels(this.rt), ...windowKernels(this.rt) };
    const reference = new HostedReference(this.rt);
    // The fused kernels run the products through the table itself, so that a product they decline falls back too.
    const products = withFallback(fast, reference);
    Object.assign(this, withFallback({ ...fast, ...fusedKernels(this.rt, products) }, reference));
    this.runFused = fusedRunner(this.rt);
  }

  /** Threads that run kernels, the calling one included (workers start with the first product big enough to share). */
  get threads(): number {
    return this.rt.threads;
  }

  /**
   * Sets how many threads run kernels (the calling one included) and starts them; resolves when
   * they run. Until then, kernels run on fewer threads. Without shared memory or a way to start
   * workers (see `setWorkerSupport`), kernels stay on the calling thread.
   */
  setThreads(threads: number): Promise<void> {
    return this.rt.setThreads(threads);
  }

  /** Resolves when the worker threads started so far are running. */
  ready(): Promise<void> {
    return this.rt.ready();
  }

  write(values: TypedArray, shape: Shape, dtype: DType): DataId {
    return this.rt.write(values, shape, dtype);
  }

  read(dataId: DataId): TypedArray {
    // slice() copies into an ordinary (unshared) array the caller may keep.
    return this.rt.view(dataId as WasmData).slice();
  }

  disposeData(dataId: DataId): void {
    this.rt.free(dataId as WasmData);
  }

  /** Bytes the backend's heap has claimed from the memory, and bytes in live blocks. */
  heapStats(): { reservedBytes: number; usedBytes: number } {
    return { reservedBytes: this.rt.heap.reservedBytes, usedBytes: this.rt.heap.usedBytes };
  }
}
