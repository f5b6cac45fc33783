/**
 * What every part of the wasm backend stands on: the one WebAssembly.Memory tensors live in, its heap,
 * the instantiated kernels, and the worker threads that share large calls. The fast kernels
 * (fast-*.ts) and the hosted reference kernels reach storage only through it.
 */
import type { Kernels, TensorInfo } from '../../core/backend.js';
import { bytesPerElement, viewArray, type DType, type TypedArray } from '../../core/dtype.js';
import { NotFoundError, ValueError } from '../../core/errors.js';
import { sizeOf, type Shape } from '../../core/shape.js';
import type { KernelExports } from './abi.js';
import { Heap } from './heap.js';
import { createMemory, instantiateKernels, kernelsModule } from './kernels-module.js';
import { MIN_PARALLEL_ELEMENTS, MIN_PARALLEL_WORK, ThreadPool, type UpdateKernel, type WindowKernel, type WorkerSpawner } from './thread-pool.js';

/** Where a tensor's elements live in the memory. */
export interface WasmData {
  /** Byte offset of the first element. */
  offset: number;
  /** Number of elements. */
  size: number;
  dtype: DType;
}

/** A kernel's output on the wasm heap: its storage is known to be a WasmData. */
export type WasmTensor = TensorInfo & { dataId: WasmData };

/**
 * The WebAssembly fast paths, by kernel: each returns its result, or undefined where the WebAssembly
 * kernels cannot take these arguments (a dtype, layout or size they do not handle) and the reference
 * kernels should run instead.
 */
export type FastKernels = { [K in keyof Kernels]?: (...args: Parameters<Kernels[K]>) => ReturnType<Kernels[K]> | undefined };

/** How a runtime starts the backend's worker threads, and how many it runs by default. */
export interface WorkerSupport {
  /** Starts one worker thread that serves kernel jobs. */
  spawnWorker: WorkerSpawner;
  /** Threads to run when none were asked for. */
  defaultThreadCount(): number;
}

let workerSupport: WorkerSupport | undefined;

/**
 * Lets the wasm backend start worker threads (Strata's Node entry point installs Node's). Without
 * it, kernels run on the calling thread only.
 *
 * @example
 * import { nodeWorkerSupport } from './node/spawn-worker.js';
 * setWorkerSupport(nodeWorkerSupport);
 */
export function setWorkerSupport(support: WorkerSupport | undefined): void {
  workerSupport = support;
}

/** The memory, heap, kernels and threads of one wasm backend. */
export class WasmRuntime {
  /** The memory every tensor lives in; shared where worker threads can run kernels on it. */
  readonly memory: WebAssembly.Memory;
  /** Whether `memory` is shared (worker threads need it); without it, kernels run on the calling thread. */
  readonly sharedMemory: boolean;
  readonly kernels: KernelExports;
  readonly heap: Heap;
  private readonly pool: ThreadPool;
  private scratch = -1;
  /** Threads asked for; undefined means the runtime's default, once a call is big enough to need them. */
  private threadsWanted: number | undefined;
  private poolStarted = false;
  private poolReady: Promise<void> = Promise.resolve();

  constructor(sharedMemory: boolean, threads: number | undefined) {
    this.sharedMemory = sharedMemory && kernelsModule(true) !== undefined;
    const module = kernelsModule(this.sharedMemory);
    if (!module) throw new NotFoundError('wasm backend: this runtime lacks WebAssembly SIMD; use the cpu backend.');
    this.memory = createMemory(16, this.sharedMemory);
    this.kernels = instantiateKernels(module, this.memory);
    this.heap = new Heap(this.memory, this.kernels.heapBase());
    this.pool = new ThreadPool(module, this.memory, this.heap, this.kernels, () => this.gemmScratch());
    // The default is read now, so that a bad STRATA_THREADS is reported when the backend is made,
    // not in the middle of the first kernel big enough to share.
    this.threadsWanted = threads ?? workerSupport?.defaultThreadCount();
  }

  // ---- storage ----

  /** Allocates storage for `size` elements of `dtype`. */
  allocData(dtype: DType, size: number): WasmData {
    return { offset: this.heap.alloc(size * bytesPerElement(dtype)), size, dtype };
  }

  /** A typed array over the elements of `data` (valid until the memory grows). */
  view(data: WasmData): TypedArray {
    return viewArray(data.dtype, this.memory.buffer, data.offset, data.size);
  }

  /** Stores a copy of `values` as `dtype`. */
  write(values: TypedArray, shape: Shape, dtype: DType): WasmData {
    const data = this.allocData(dtype, sizeOf(shape));
    this.view(data).set(values);
    return data;
  }

  /** Frees the block behind `data`. */
  free(data: WasmData): void {
    this.heap.free(data.offset, data.size * bytesPerElement(data.dtype));
    data.size = 0;
  }

  /** A fresh output tensor of `shape` and `dtype`. */
  out(shape: Shape, dtype: DType): WasmTensor {
    return { dataId: this.allocData(dtype, sizeOf(shape)), shape, dtype };
  }

  /** The byte offset of `x`'s first element: the pointer a kernel takes. */
  at(x: TensorInfo): number {
    return (x.dataId as WasmData).offset;
  }

  // ---- threads ----

  /** Threads that run kernels, the calling one included (workers start with the first call big enough to share). */
  get threads(): number {
    return this.poolStarted ? this.pool.size : this.threadsPossible();
  }

  /** Sets how many threads run kernels and starts them; see `WasmBackend.setThreads`. */
  setThreads(threads: number): Promise<void> {
    if (!Number.isInteger(threads) || threads < 1) throw new ValueError(`setThreads: expected a positive integer, got ${threads}.`);
    this.threadsWanted = threads;
    this.startThreads();
    return this.poolReady;
  }

  /** Resolves when the worker threads started so far are running. */
  ready(): Promise<void> {
    return this.poolReady;
  }

  private startThreads(): void {
    this.poolStarted = true;
    this.pool.resize(this.threadsPossible(), workerSupport?.spawnWorker);
    this.poolReady = this.pool.ready();
  }

  /** The threads asked for (or the runtime's default), where workers can run on this memory; else 1. */
  private threadsPossible(): number {
    return workerSupport && this.sharedMemory ? (this.threadsWanted ?? workerSupport.defaultThreadCount()) : 1;
  }

  /** Starts the workers with the first call big enough to share, so programs without one never pay for them. */
  private shareIf(big: boolean): void {
    if (big && !this.poolStarted) this.startThreads();
  }

  // ---- kernels that threads share ----

  /** C = A·B (m × n, over depth k; see the gemm kernel), split across threads when large enough. */
  gemm(a: number, aRow: number, aCol: number, b: number, bRow: number, bCol: number, c: number, m: number, n: number, k: number): void {
    this.shareIf(m * n * k >= MIN_PARALLEL_WORK);
    this.pool.gemm(a, aRow, aCol, b, bRow, bCol, c, m, n, k);
  }

  /** `out[i] = op(x[i])` for n float32 values, `cost` times a simple op's work per element. */
  unary(code: number, x: number, out: number, n: number, cost: number): void {
    this.shareIf(n * cost >= MIN_PARALLEL_ELEMENTS);
    this.pool.unary(code, x, out, n, n * cost);
  }

  /** `out = op(a, b)` over the collapsed loops `d` with element strides `sa`, `sb`; see ThreadPool.binary. */
  binary(code: number, a: number, b: number, out: WasmTensor, d: readonly number[], sa: readonly number[], sb: readonly number[]): void {
    this.shareIf(out.dataId.size >= MIN_PARALLEL_ELEMENTS);
    this.pool.binary(code, a, b, out.dataId.offset, d, sa, sb, bytesPerElement(out.dtype));
  }

  /** Runs a fused elementwise program over n elements (see ThreadPool.fused), split across threads when large enough. */
  fused(table: number, scratchBytes: number, n: number, block: number, work: number): void {
    this.shareIf(work >= MIN_PARALLEL_ELEMENTS);
    this.pool.fused(table, scratchBytes, n, block, work);
  }

  /**
   * Runs a window kernel on the images of a batch, split across threads when it moves enough data:
   * `lead` are its first arguments (op codes), `pointers` its tensors as [byte offset, bytes per image],
   * `geometry` the rest, batch size first.
   */
  byImage(kernel: WindowKernel, lead: readonly number[], pointers: readonly (readonly [number, number])[], geometry: readonly number[]): void {
    let work = pointers.reduce((sum, [, perImage]) => sum + perImage / 4, 0) * geometry[0]!;
    // im2col and col2im copy one run per window row: for shallow inputs (a first layer on grey images,
    // 3 floats a run) the runs, not the values, set the time (~10 ns each, as 64 values of a simple op).
    if (kernel === 'im2colF32' || kernel === 'col2imF32') work += 64 * geometry[0]! * geometry[4]! * geometry[5]! * geometry[6]!;
    this.shareIf(work >= MIN_PARALLEL_ELEMENTS);
    this.pool.byImage(kernel, lead, pointers, geometry, work);
  }

  /**
   * Runs an optimizer's update kernel on `n` parameters, split across threads when there are enough
   * (a dense layer of 80,000 parameters takes ~55 µs: splitting it gains less than a hand-off costs).
   */
  update(kernel: UpdateKernel, pointers: readonly number[], n: number, hyper: readonly number[]): void {
    this.shareIf(n >= MIN_PARALLEL_ELEMENTS);
    this.pool.update(kernel, pointers, n, hyper);
  }

  private gemmScratch(): number {
    if (this.scratch < 0) this.scratch = this.heap.alloc(this.kernels.gemmScratchBytes());
    return this.scratch;
  }
}
