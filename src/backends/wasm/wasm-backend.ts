/**
 * The WebAssembly backend: tensors live in one WebAssembly.Memory (shared with worker threads where
 * the runtime allows) and the float32 kernels that training spends its time in run as SIMD code
 * there. Every other case (float64, int32, rare layouts) runs the reference kernels on the same
 * memory, in place where it is shared (on unshared memory they read and write copies).
 */
import type { Backend, BinaryOp, DataId, Pair, Pads, PoolOp, ReduceOp, TensorInfo, UnaryOp, UpdateRule } from '../../core/backend.js';
import { bytesPerElement, type DType, type DTypeArrays, type TypedArray } from '../../core/dtype.js';
import { NotFoundError, ValueError } from '../../core/errors.js';
import { broadcastStrides, sizeOf, stridesOf, type Shape } from '../../core/shape.js';
import { CpuBackend } from '../cpu/cpu-backend.js';
import { Heap } from './heap.js';
import { createMemory, instantiateKernels, kernelsModule, type KernelExports, type PoolGeometry, type WindowGeometry } from './kernels-module.js';
import { broadcastLoops, reductionView, transposeView } from './layout.js';
import { MIN_PARALLEL_ELEMENTS, MIN_PARALLEL_WORK, ThreadPool, type UpdateKernel, type WindowKernel, type WorkerSpawner } from './thread-pool.js';
import { BINARY_CODES, CAST_CODES, REDUCE_CODES, UNARY_CODES, UNARY_COST } from './op-codes.js';

/** Where a tensor's elements live in the memory. */
interface WasmData {
  /** Byte offset of the first element. */
  offset: number;
  /** Number of elements. */
  size: number;
  dtype: DType;
}

const viewCtors = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  uint8: Uint8Array,
  bool: Uint8Array,
} as const;

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
 */
export function setWorkerSupport(support: WorkerSupport | undefined): void {
  workerSupport = support;
}

/** The reference kernels, reading and writing the wasm backend's memory in place. */
class HostedCpuKernels extends CpuBackend {
  constructor(private readonly host: WasmBackend) {
    super();
  }

  // On ordinary (unshared) memory, growing the memory detaches every view of it: there, kernels read
  // copies of their inputs and write ordinary arrays, copied into the memory once complete.
  protected override values(x: TensorInfo): TypedArray {
    const view = this.host.view(x.dataId as WasmData);
    return this.host.sharedMemory ? view : view.slice();
  }

  protected override alloc<D extends DType>(dtype: D, size: number): DTypeArrays[D] {
    if (!this.host.sharedMemory) return super.alloc(dtype, size);
    const view = this.host.view(this.host.allocData(dtype, size)) as DTypeArrays[D];
    // The reference kernels expect zeros, as a fresh typed array has; a reused block holds old values.
    view.fill(0);
    return view;
  }

  protected override output(values: TypedArray, shape: Shape, dtype: DType): TensorInfo {
    if (!this.host.sharedMemory) return { dataId: this.host.write(values, shape, dtype), shape, dtype };
    return { dataId: { offset: values.byteOffset, size: values.length, dtype } satisfies WasmData, shape, dtype };
  }
}

/** Bytes of one input image of a window kernel: inH · inW · channels float32 values. */
function imageBytes(g: PoolGeometry | WindowGeometry): number {
  return g[1] * g[2] * g[3] * 4;
}

/** Bytes of one output image of a pooling kernel: outH · outW · channels float32 values. */
function outputBytes(g: PoolGeometry | WindowGeometry): number {
  return g[4] * g[5] * g[3] * 4;
}

/** Bytes of one image's im2col rows: outH · outW rows of kh · kw · channels float32 values. */
function colBytes(g: WindowGeometry): number {
  return g[4] * g[5] * g[6] * g[7] * g[3] * 4;
}

/**
 * The `wasm` backend. Float32 unary and binary ops (with same-shape, scalar and row/column broadcasting),
 * where, reductions over adjacent axes, 2-D and batched transposes and matMul (any transposition) run
 * as WebAssembly SIMD, large matMuls on several threads; float32 convolutions (groups 1) run as
 * im2col plus the same matrix product, pooling and its gradients as SIMD over channels; softmax
 * cross-entropy and its gradient, and argmax/argmin over the last axis, run in WebAssembly; slices,
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
  private readonly kernels: KernelExports;
  private readonly heap: Heap;
  private readonly js = new HostedCpuKernels(this);
  private scratch = -1;
  private readonly pool: ThreadPool;
  /** Threads asked for; undefined means the runtime's default, once a product is big enough to need them. */
  private threadsWanted: number | undefined;
  private poolStarted = false;
  private poolReady: Promise<void> = Promise.resolve();

  constructor(args: WasmBackendArgs = {}) {
    this.sharedMemory = (args.sharedMemory ?? true) && kernelsModule(true) !== undefined;
    const module = kernelsModule(this.sharedMemory);
    if (!module) throw new NotFoundError('wasm backend: this runtime lacks WebAssembly SIMD; use the cpu backend.');
    this.memory = createMemory(16, this.sharedMemory);
    this.kernels = instantiateKernels(module, this.memory);
    this.heap = new Heap(this.memory, this.kernels.heapBase());
    this.pool = new ThreadPool(module, this.memory, this.heap, this.kernels, () => this.gemmScratch());
    // The default is read now, so that a bad STRATA_THREADS is reported when the backend is made,
    // not in the middle of the first kernel big enough to share.
    this.threadsWanted = args.threads ?? workerSupport?.defaultThreadCount();
  }

  /** Threads that run kernels, the calling one included (workers start with the first product big enough to share). */
  get threads(): number {
    return this.poolStarted ? this.pool.size : this.threadsPossible();
  }

  /**
   * Sets how many threads run kernels (the calling one included) and starts them; resolves when
   * they run. Until then, kernels run on fewer threads. Without shared memory or a way to start
   * workers (see `setWorkerSupport`), kernels stay on the calling thread.
   */
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

  private gemm(a: number, aRow: number, aCol: number, b: number, bRow: number, bCol: number, c: number, m: number, n: number, k: number): void {
    this.shareIf(m * n * k >= MIN_PARALLEL_WORK);
    this.pool.gemm(a, aRow, aCol, b, bRow, bCol, c, m, n, k);
  }

  // ---- storage ----

  /** @internal Allocates storage for `size` elements of `dtype`. */
  allocData(dtype: DType, size: number): WasmData {
    return { offset: this.heap.alloc(size * bytesPerElement(dtype)), size, dtype };
  }

  /** @internal A typed array over the elements of `data` (valid until the memory grows). */
  view(data: WasmData): TypedArray {
    return new viewCtors[data.dtype](this.memory.buffer, data.offset, data.size);
  }

  write(values: TypedArray, shape: Shape, dtype: DType): DataId {
    const data = this.allocData(dtype, sizeOf(shape));
    this.view(data).set(values);
    return data;
  }

  read(dataId: DataId): TypedArray {
    // slice() copies into an ordinary (unshared) array the caller may keep.
    return this.view(dataId as WasmData).slice();
  }

  disposeData(dataId: DataId): void {
    const data = dataId as WasmData;
    this.heap.free(data.offset, data.size * bytesPerElement(data.dtype));
    data.size = 0;
  }

  /** Bytes the backend's heap has claimed from the memory, and bytes in live blocks. */
  heapStats(): { reservedBytes: number; usedBytes: number } {
    return { reservedBytes: this.heap.reservedBytes, usedBytes: this.heap.usedBytes };
  }

  private out(shape: Shape, dtype: DType): TensorInfo & { dataId: WasmData } {
    return { dataId: this.allocData(dtype, sizeOf(shape)), shape, dtype };
  }

  private at(x: TensorInfo): number {
    return (x.dataId as WasmData).offset;
  }

  // ---- kernels ----

  unary(x: TensorInfo, op: UnaryOp): TensorInfo {
    const code = UNARY_CODES[op];
    if (x.dtype !== 'float32' || code === undefined) return this.js.unary(x, op);
    const out = this.out(x.shape, 'float32');
    const n = out.dataId.size;
    this.shareIf(n * UNARY_COST[op] >= MIN_PARALLEL_ELEMENTS);
    this.pool.unary(code, this.at(x), out.dataId.offset, n, n * UNARY_COST[op]);
    return out;
  }

  binary(a: TensorInfo, b: TensorInfo, op: BinaryOp, outShape: Shape, outDtype: DType): TensorInfo {
    if (a.dtype !== 'float32') return this.js.binary(a, b, op, outShape, outDtype);
    const loops = broadcastLoops(outShape, [a.shape, b.shape]);
    if (!loops) return this.js.binary(a, b, op, outShape, outDtype);
    const out = this.out(outShape, outDtype);
    if (out.dataId.size === 0) return out;
    const [d, [sa, sb]] = [loops.shape, loops.strides] as [number[], number[][]];
    this.shareIf(out.dataId.size >= MIN_PARALLEL_ELEMENTS);
    this.pool.binary(BINARY_CODES[op], this.at(a), this.at(b), out.dataId.offset, d, sa!, sb!, bytesPerElement(outDtype));
    return out;
  }

  where(cond: TensorInfo, a: TensorInfo, b: TensorInfo, outShape: Shape): TensorInfo {
    if (bytesPerElement(a.dtype) !== 4 || cond.dtype !== 'bool') return this.js.where(cond, a, b, outShape);
    const loops = broadcastLoops(outShape, [cond.shape, a.shape, b.shape]);
    if (!loops) return this.js.where(cond, a, b, outShape);
    const out = this.out(outShape, a.dtype);
    if (out.dataId.size === 0) return out;
    const [d, [sc, sa, sb]] = [loops.shape, loops.strides] as [number[], number[][]];
    this.kernels.where32(
      this.at(cond), this.at(a), this.at(b), out.dataId.offset, d[0]!, d[1]!, d[2]!, d[3]!,
      sc![0]!, sc![1]!, sc![2]!, sc![3]!, sa![0]!, sa![1]!, sa![2]!, sa![3]!, sb![0]!, sb![1]!, sb![2]!, sb![3]!,
    );
    return out;
  }

  reduce(x: TensorInfo, axes: readonly number[], op: ReduceOp): TensorInfo {
    const plan = x.dtype === 'float32' ? reductionView(x.shape, axes) : undefined;
    if (!plan) return this.js.reduce(x, axes, op);
    const out = this.out(x.shape.filter((_, i) => !axes.includes(i)), 'float32');
    if (out.dataId.size === 0) return out;
    this.kernels.reduceF32(REDUCE_CODES[op], this.at(x), out.dataId.offset, plan.outer, plan.r, plan.inner);
    return out;
  }

  argReduce(x: TensorInfo, axis: number, op: 'argmax' | 'argmin'): TensorInfo {
    const cols = x.shape[axis]!;
    if (x.dtype !== 'float32' || axis !== x.shape.length - 1 || cols === 0) return this.js.argReduce(x, axis, op);
    const out = this.out(x.shape.slice(0, -1), 'int32');
    if (out.dataId.size > 0) this.kernels.argExtremeRowsF32(this.at(x), out.dataId.offset, out.dataId.size, cols, op === 'argmax');
    return out;
  }

  matMul(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean, batchShape: Shape): TensorInfo {
    if (a.dtype !== 'float32') return this.js.matMul(a, b, transposeA, transposeB, batchShape);
    const ra = a.shape.length;
    const rb = b.shape.length;
    const m = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
    const k = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
    const n = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
    const out = this.out([...batchShape, m, n], 'float32');
    if (out.dataId.size === 0) return out;
    const aStrides = broadcastStrides(a.shape.slice(0, -2), batchShape);
    const bStrides = broadcastStrides(b.shape.slice(0, -2), batchShape);
    const batches = sizeOf(batchShape);
    // Element (i, p) of A and (p, j) of B, whichever way each is stored.
    const [aRow, aCol] = transposeA ? [1, m] : [k, 1];
    const [bRow, bCol] = transposeB ? [1, k] : [n, 1];
    const c = out.dataId.offset;
    if (!transposeA && bStrides.every((s) => s === 0) && aStrides.every((s, i) => s !== 0 || batchShape[i] === 1)) {
      // A shared B under a stack of untransposed A's is one product with batches × m rows.
      this.gemm(this.at(a), aRow, aCol, this.at(b), bRow, bCol, c, batches * m, n, k);
      return out;
    }
    const batchStrides = stridesOf(batchShape);
    for (let batch = 0; batch < batches; batch++) {
      let aIndex = 0;
      let bIndex = 0;
      for (let axis = 0, rest = batch; axis < batchShape.length; axis++) {
        const i = Math.floor(rest / batchStrides[axis]!);
        rest -= i * batchStrides[axis]!;
        aIndex += i * aStrides[axis]!;
        bIndex += i * bStrides[axis]!;
      }
      const aAt = this.at(a) + aIndex * m * k * 4;
      const bAt = this.at(b) + bIndex * k * n * 4;
      this.gemm(aAt, aRow, aCol, bAt, bRow, bCol, c + batch * m * n * 4, m, n, k);
    }
    return out;
  }

  /**
   * Runs a window kernel on the images of a batch, split across threads when it moves enough data:
   * `pointers` are its tensors as [byte offset, bytes per image].
   */
  private byImage(kernel: WindowKernel, lead: number[], pointers: [number, number][], geometry: PoolGeometry | WindowGeometry): void {
    let work = pointers.reduce((sum, [, perImage]) => sum + perImage / 4, 0) * geometry[0];
    // im2col and col2im copy one run per window row: for shallow inputs (a first layer on grey images,
    // 3 floats a run) the runs, not the values, set the time (~10 ns each, as 64 values of a simple op).
    if (kernel === 'im2colF32' || kernel === 'col2imF32') work += 64 * geometry[0] * geometry[4] * geometry[5] * geometry[6];
    this.shareIf(work >= MIN_PARALLEL_ELEMENTS);
    this.pool.byImage(kernel, lead, pointers, geometry, work);
  }

  /**
   * Runs an optimizer's update kernel on `n` parameters, split across threads when there are enough
   * (a dense layer of 80,000 parameters takes ~55 µs: splitting it gains less than a hand-off costs).
   */
  private update(kernel: UpdateKernel, pointers: number[], n: number, hyper: number[]): void {
    this.shareIf(n >= MIN_PARALLEL_ELEMENTS);
    this.pool.update(kernel, pointers, n, hyper);
  }

  private gemmScratch(): number {
    if (this.scratch < 0) this.scratch = this.heap.alloc(this.kernels.gemmScratchBytes());
    return this.scratch;
  }

  transpose(x: TensorInfo, perm: readonly number[]): TensorInfo {
    const plan = bytesPerElement(x.dtype) === 4 ? transposeView(x.shape, perm) : undefined;
    if (!plan) return this.js.transpose(x, perm);
    const out = this.out(perm.map((p) => x.shape[p]!), x.dtype);
    if (out.dataId.size === 0) return out;
    this.kernels.transpose32(this.at(x), out.dataId.offset, plan.batch, plan.rows, plan.cols, plan.inner);
    return out;
  }

  slice(x: TensorInfo, begin: readonly number[], size: readonly number[]): TensorInfo {
    // Trailing axes taken whole, with the innermost partial axis before them, form contiguous runs.
    let axis = x.shape.length - 1;
    let run = 1;
    while (axis >= 0 && begin[axis] === 0 && size[axis] === x.shape[axis]) run *= x.shape[axis--]!;
    if (axis >= 0) run *= size[axis]!;
    const runs = sizeOf(size) / run;
    // Short runs copy faster element by element than one copyWithin call each.
    if (!(run >= 16 || runs === 1)) return this.js.slice(x, begin, size);
    const out = this.out(size, x.dtype);
    if (out.dataId.size === 0) return out;
    const width = bytesPerElement(x.dtype);
    const strides = stridesOf(x.shape);
    const outer = size.slice(0, Math.max(axis, 0));
    const outerStrides = stridesOf(outer);
    const bytes = new Uint8Array(this.memory.buffer);
    const base = this.at(x) + width * begin.reduce((acc, b, i) => acc + b * strides[i]!, 0);
    for (let r = 0; r < runs; r++) {
      let from = base;
      for (let i = 0, rest = r; i < outer.length; i++) {
        const index = Math.floor(rest / outerStrides[i]!);
        rest -= index * outerStrides[i]!;
        from += index * strides[i]! * width;
      }
      bytes.copyWithin(out.dataId.offset + r * run * width, from, from + run * width);
    }
    return out;
  }

  concat(xs: readonly TensorInfo[], axis: number): TensorInfo {
    return this.js.concat(xs, axis);
  }

  pad(x: TensorInfo, paddings: readonly (readonly [number, number])[], value: number): TensorInfo {
    return this.js.pad(x, paddings, value);
  }

  gather(x: TensorInfo, indices: TensorInfo, axis: number): TensorInfo {
    const out = this.out([...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)], x.dtype);
    if (out.dataId.size === 0) return out;
    // Each index picks a run of the elements after `axis` (a row of a batch, an embedding), copied whole.
    const run = sizeOf(x.shape.slice(axis + 1)) * bytesPerElement(x.dtype);
    this.kernels.gatherRuns(this.at(x), this.at(indices), out.dataId.offset, sizeOf(x.shape.slice(0, axis)), x.shape[axis]!, sizeOf(indices.shape), run);
    return out;
  }

  scatterAdd(updates: TensorInfo, indices: TensorInfo, axis: number, shape: Shape): TensorInfo {
    return this.js.scatterAdd(updates, indices, axis, shape);
  }

  tile(x: TensorInfo, reps: readonly number[]): TensorInfo {
    const rank = x.shape.length;
    const last = rank - 1;
    // Whole rows and blocks are copied: worth it when the rows are not tiny.
    if (rank === 0 || x.shape[last]! * reps[last]! < 16) return this.js.tile(x, reps);
    const out = this.out(x.shape.map((d, i) => d * reps[i]!), x.dtype);
    if (out.dataId.size === 0) return out;
    const width = bytesPerElement(x.dtype);
    const inStrides = stridesOf(x.shape).map((s) => s * width);
    const outStrides = stridesOf(out.shape).map((s) => s * width);
    const bytes = new Uint8Array(this.memory.buffer);
    // Fills the output block of `axis` at `to` from the input block at `from`: its sub-blocks first,
    // then copies of the filled block for the repetitions along `axis`.
    const fill = (axis: number, from: number, to: number): void => {
      const d = x.shape[axis]!;
      if (axis === last) {
        bytes.copyWithin(to, from, from + d * width);
      } else {
        for (let i = 0; i < d; i++) fill(axis + 1, from + i * inStrides[axis]!, to + i * outStrides[axis]!);
      }
      // Doubling the filled part takes log2(reps) copies.
      const block = d * outStrides[axis]!;
      for (let filled = 1; filled < reps[axis]!; ) {
        const more = Math.min(filled, reps[axis]! - filled);
        bytes.copyWithin(to + filled * block, to, to + more * block);
        filled += more;
      }
    };
    fill(0, this.at(x), out.dataId.offset);
    return out;
  }

  cast(x: TensorInfo, dtype: DType): TensorInfo {
    const code = CAST_CODES[`${x.dtype}>${dtype}`];
    if (code === undefined) return this.js.cast(x, dtype);
    const out = this.out(x.shape, dtype);
    this.kernels.cast(code, this.at(x), out.dataId.offset, out.dataId.size);
    return out;
  }

  oneHot(indices: TensorInfo, depth: number, onValue: number, offValue: number): TensorInfo {
    return this.js.oneHot(indices, depth, onValue, offValue);
  }
  softmax(x: TensorInfo): TensorInfo {
    if (x.dtype !== 'float32') return this.js.softmax(x);
    const out = this.out(x.shape, 'float32');
    const cols = x.shape[x.shape.length - 1]!;
    if (out.dataId.size > 0) this.kernels.softmaxF32(this.at(x), out.dataId.offset, out.dataId.size / cols, cols);
    return out;
  }

  softmaxCrossEntropy(logits: TensorInfo, labels: TensorInfo): TensorInfo {
    const sparse = this.crossEntropyLabels(logits, labels);
    if (sparse === undefined) return this.js.softmaxCrossEntropy(logits, labels);
    const cols = logits.shape[logits.shape.length - 1]!;
    const out = this.out(logits.shape.slice(0, -1), 'float32');
    if (out.dataId.size > 0) this.kernels.softmaxCrossEntropyF32(this.at(logits), this.at(labels), out.dataId.offset, out.dataId.size, cols, sparse);
    return out;
  }

  softmaxCrossEntropyGrad(logits: TensorInfo, labels: TensorInfo, dy: TensorInfo): TensorInfo {
    const sparse = this.crossEntropyLabels(logits, labels);
    if (sparse === undefined || dy.dtype !== 'float32') return this.js.softmaxCrossEntropyGrad(logits, labels, dy);
    const cols = logits.shape[logits.shape.length - 1]!;
    const out = this.out(logits.shape, 'float32');
    if (out.dataId.size > 0) this.kernels.softmaxCrossEntropyGradF32(this.at(logits), this.at(labels), this.at(dy), out.dataId.offset, out.dataId.size / cols, cols, sparse);
    return out;
  }

  /** Whether cross-entropy labels are class ids (true) or probabilities (false) the kernels take; undefined for other dtypes. */
  private crossEntropyLabels(logits: TensorInfo, labels: TensorInfo): boolean | undefined {
    if (logits.dtype !== 'float32' || logits.shape[logits.shape.length - 1] === 0) return undefined;
    return labels.dtype === 'int32' ? true : labels.dtype === 'float32' ? false : undefined;
  }

  applyUpdate(rule: UpdateRule, value: TensorInfo, grad: TensorInfo, slots: readonly TensorInfo[]): TensorInfo[] {
    if (value.dtype !== 'float32') return this.js.applyUpdate(rule, value, grad, slots);
    const outs = [value, ...slots].map((x) => this.out(x.shape, 'float32'));
    const n = outs[0]!.dataId.size;
    // Absent slots are passed as address 0, which the kernels read as "none".
    const slot = (i: number): number => (i < slots.length ? this.at(slots[i]!) : 0);
    const outSlot = (i: number): number => outs[i + 1]?.dataId.offset ?? 0;
    const [w, g, outW] = [this.at(value), this.at(grad), outs[0]!.dataId.offset];
    if (rule.kind === 'adam') {
      const vHat = rule.amsgrad ? 2 : slots.length;
      const pointers = [w, g, slot(0), slot(1), slot(vHat), outW, outSlot(0), outSlot(1), outSlot(vHat)];
      this.update('adamF32', pointers, n, [rule.alpha, 1 - rule.beta1, 1 - rule.beta2, rule.epsilon]);
    } else if (rule.kind === 'sgd') {
      this.update('sgdF32', [w, g, slot(0), outW, outSlot(0)], n, [rule.learningRate, rule.momentum, rule.nesterov ? 1 : 0]);
    } else {
      const mom = rule.momentum > 0 ? 1 : slots.length;
      const avg = rule.centered ? (rule.momentum > 0 ? 2 : 1) : slots.length;
      const pointers = [w, g, slot(0), slot(mom), slot(avg), outW, outSlot(0), outSlot(mom), outSlot(avg)];
      this.update('rmspropF32', pointers, n, [rule.learningRate, rule.rho, 1 - rule.rho, rule.momentum, rule.epsilon]);
    }
    return outs;
  }

  /**
   * Convolutions run as matrix products over an im2col copy of the input (one row per output pixel,
   * kh·kw·cin columns): the forward pass is col · filter, the filter gradient colᵀ · dy, the input
   * gradient col2im(dy · filterᵀ). Grouped and float64 convolutions run the reference kernels.
   */
  private convGeometry(xShape: Shape, filterShape: Shape, strides: Pair, pads: Pads, dilations: Pair): { geometry: WindowGeometry; rows: number; depth: number; outShape: Shape } {
    const [batch, inH, inW, cin] = xShape as [number, number, number, number];
    const [kh, kw, , cout] = filterShape as [number, number, number, number];
    const outH = Math.floor((inH + pads[0] + pads[1] - (kh - 1) * dilations[0] - 1) / strides[0]) + 1;
    const outW = Math.floor((inW + pads[2] + pads[3] - (kw - 1) * dilations[1] - 1) / strides[1]) + 1;
    return {
      geometry: [batch, inH, inW, cin, outH, outW, kh, kw, strides[0], strides[1], pads[0], pads[2], dilations[0], dilations[1]],
      rows: batch * outH * outW,
      depth: kh * kw * cin,
      outShape: [batch, outH, outW, cout],
    };
  }

  /** The im2col copy of `x` in a fresh block (free it with `freeCol`), or x itself where a 1×1 unit-stride convolution needs none. */
  private im2col(x: TensorInfo, g: { geometry: WindowGeometry; rows: number; depth: number }): number {
    const [, , , , , , kh, kw, sy, sx, pt, pl] = g.geometry;
    if (kh === 1 && kw === 1 && sy === 1 && sx === 1 && pt === 0 && pl === 0 && g.rows * g.depth === sizeOf(x.shape)) return this.at(x);
    const col = this.heap.alloc(g.rows * g.depth * 4);
    this.byImage('im2colF32', [], [[this.at(x), imageBytes(g.geometry)], [col, colBytes(g.geometry)]], g.geometry);
    return col;
  }

  private freeCol(col: number, x: TensorInfo, g: { rows: number; depth: number }): void {
    if (col !== this.at(x)) this.heap.free(col, g.rows * g.depth * 4);
  }

  conv2d(x: TensorInfo, filter: TensorInfo, strides: Pair, pads: Pads, dilations: Pair, groups: number): TensorInfo {
    if (x.dtype !== 'float32' || groups !== 1) return this.js.conv2d(x, filter, strides, pads, dilations, groups);
    const g = this.convGeometry(x.shape, filter.shape, strides, pads, dilations);
    const cout = filter.shape[3]!;
    const out = this.out(g.outShape, 'float32');
    if (out.dataId.size === 0) return out;
    const col = this.im2col(x, g);
    this.gemm(col, g.depth, 1, this.at(filter), cout, 1, out.dataId.offset, g.rows, cout, g.depth);
    this.freeCol(col, x, g);
    return out;
  }

  conv2dBackpropInput(dy: TensorInfo, filter: TensorInfo, xShape: Shape, strides: Pair, pads: Pads, dilations: Pair, groups: number): TensorInfo {
    if (dy.dtype !== 'float32' || groups !== 1) return this.js.conv2dBackpropInput(dy, filter, xShape, strides, pads, dilations, groups);
    const g = this.convGeometry(xShape, filter.shape, strides, pads, dilations);
    const cout = filter.shape[3]!;
    const out = this.out(xShape, 'float32');
    if (out.dataId.size === 0) return out;
    const dcol = this.heap.alloc(g.rows * g.depth * 4);
    // dcol (rows × depth) = dy (rows × cout) · filterᵀ (cout × depth).
    this.gemm(this.at(dy), cout, 1, this.at(filter), 1, cout, dcol, g.rows, g.depth, cout);
    this.byImage('col2imF32', [], [[dcol, colBytes(g.geometry)], [out.dataId.offset, imageBytes(g.geometry)]], g.geometry);
    this.heap.free(dcol, g.rows * g.depth * 4);
    return out;
  }

  conv2dBackpropFilter(x: TensorInfo, dy: TensorInfo, filterShape: Shape, strides: Pair, pads: Pads, dilations: Pair, groups: number): TensorInfo {
    if (x.dtype !== 'float32' || groups !== 1) return this.js.conv2dBackpropFilter(x, dy, filterShape, strides, pads, dilations, groups);
    const g = this.convGeometry(x.shape, filterShape, strides, pads, dilations);
    const cout = filterShape[3]!;
    const out = this.out(filterShape, 'float32');
    if (out.dataId.size === 0) return out;
    const col = this.im2col(x, g);
    // dfilter (depth × cout) = colᵀ (depth × rows) · dy (rows × cout).
    this.gemm(col, 1, g.depth, this.at(dy), cout, 1, out.dataId.offset, g.depth, cout, g.rows);
    this.freeCol(col, x, g);
    return out;
  }

  private poolGeometry(xShape: Shape, poolSize: Pair, strides: Pair, pads: Pads): { geometry: PoolGeometry; outShape: Shape } {
    const g = this.convGeometry(xShape, [poolSize[0], poolSize[1], xShape[3]!, xShape[3]!], strides, pads, [1, 1]);
    return { geometry: g.geometry.slice(0, 12) as PoolGeometry, outShape: g.outShape };
  }

  pool2d(x: TensorInfo, op: PoolOp, poolSize: Pair, strides: Pair, pads: Pads): TensorInfo {
    if (x.dtype !== 'float32') return this.js.pool2d(x, op, poolSize, strides, pads);
    const g = this.poolGeometry(x.shape, poolSize, strides, pads);
    const out = this.out(g.outShape, 'float32');
    if (out.dataId.size === 0) return out;
    this.byImage('poolF32', [op === 'max' ? 0 : 1], [[this.at(x), imageBytes(g.geometry)], [out.dataId.offset, outputBytes(g.geometry)]], g.geometry);
    return out;
  }

  maxPool2dGrad(dy: TensorInfo, x: TensorInfo, poolSize: Pair, strides: Pair, pads: Pads): TensorInfo {
    if (x.dtype !== 'float32') return this.js.maxPool2dGrad(dy, x, poolSize, strides, pads);
    const g = this.poolGeometry(x.shape, poolSize, strides, pads);
    const out = this.out(x.shape, 'float32');
    if (out.dataId.size === 0) return out;
    const inBytes = imageBytes(g.geometry);
    this.byImage('maxPoolGradF32', [], [[this.at(dy), outputBytes(g.geometry)], [this.at(x), inBytes], [out.dataId.offset, inBytes]], g.geometry);
    return out;
  }

  avgPool2dGrad(dy: TensorInfo, xShape: Shape, poolSize: Pair, strides: Pair, pads: Pads): TensorInfo {
    if (dy.dtype !== 'float32') return this.js.avgPool2dGrad(dy, xShape, poolSize, strides, pads);
    const g = this.poolGeometry(xShape, poolSize, strides, pads);
    const out = this.out(xShape, 'float32');
    if (out.dataId.size === 0) return out;
    this.byImage('avgPoolGradF32', [], [[this.at(dy), outputBytes(g.geometry)], [out.dataId.offset, imageBytes(g.geometry)]], g.geometry);
    return out;
  }
}
