/**
 * Worker threads that run the WebAssembly kernels on the backend's shared memory. Each worker owns
 * a 256-byte control slot in that memory; a job names a kernel and its arguments there, and is posted
 * and collected with Atomics.notify/wait. This file is runtime-neutral: starting a worker is the job
 * of a `WorkerSpawner` (see node/ and browser/).
 */
import { NotFoundError } from '../../core/errors.js';
import { BINARY_CODES, KERNEL_ARITY, type KernelExports, type KernelName } from './abi.js';
import type { Heap } from './heap.js';

// Int32 fields of a control slot.
const JOB = 0; // sequence number of the last job posted (written by the main thread)
const DONE = 1; // sequence number of the last job finished, -1 until the worker is ready (written by the worker)
const FAILED = 2; // 1 when the last job threw
const KIND = 3; // what to do: the index of a kernel in KERNEL_ARITY, or EXIT
const COUNT = 4; // how many arguments the kernel takes
const POLL_US = 5; // how long the worker polls for its next job after this one, in µs (written by the main thread)
/** Where the kernel's arguments start, in bytes: float64 values (pointers, sizes, op codes, hyperparameters). */
const ARGS_AT = 32;
const SLOT_BYTES = 256;
const MAX_ARGS = (SLOT_BYTES - ARGS_AT) / 8;
const EXIT = -1;

/** The kernels by the number a job names them with: their order in KERNEL_ARITY. */
const KERNELS = Object.keys(KERNEL_ARITY) as KernelName[];
const KERNEL_INDEX = Object.fromEntries(KERNELS.map((name, i) => [name, i])) as Record<KernelName, number>;
/** The kernels that walk the images of a batch one after another (their geometry starts with the batch size). */
export type WindowKernel = Extract<KernelName, 'im2colF32' | 'col2imF32' | 'poolF32' | 'maxPoolGradF32' | 'avgPoolGradF32' | 'winogradConvF32' | 'winogradFilterGradF32' | 'conv1ChannelF32' | 'biasActivationF32'>;
/** The optimizers' update kernels: pointers to float32 arrays, the element count, then hyperparameters. */
export type UpdateKernel = Extract<KernelName, 'adamF32' | 'sgdF32' | 'rmspropF32'>;

/** Rows of C are split in multiples of the kernel's tile height. */
const ROW_GRAIN = 4;
/** A product at least this many times deeper (k) than tall (m) is split by ranges of k. */
const DEEP = 4;
/** Elementwise ops are split in runs of 64 elements, so each thread's part starts on its own cache line. */
const ELEMENT_GRAIN = 64;
/**
 * Smallest m·n·k worth splitting: about 80 µs of one thread's work, so that the products of a small
 * MLP (32×784×100 forward, 784×32×100 for its weights' gradient: 2.5·10⁶) use both cores. Half of it
 * saves some 40 µs, against a hand-off of 1–2 µs to a polling worker, 15–20 µs to a sleeping one,
 * plus packing B in both threads where rows are split.
 */
export const MIN_PARALLEL_WORK = 2e6;
/**
 * Smallest elementwise work worth splitting, in elements of a simple float32 op (about 0.15 ns
 * each): some 40 µs, as memory-bound ops gain from the second core's cache and bandwidth sooner.
 */
export const MIN_PARALLEL_ELEMENTS = 1 << 18;
/**
 * How long a worker polls its slot for the next job after finishing one before it sleeps, in µs. Large
 * calls often follow each other within tens of microseconds (a convolution's im2col, product and
 * col2im), and a polling worker takes the next one in about a microsecond instead of the 10–20 µs of
 * a wake-up from Atomics.wait.
 */
const WORKER_POLL_US = 50;
/**
 * A worker that ends its share more than LATE_MS after the calling thread ended its own (which is at
 * least as large; waking a sleeping worker costs 10–20 µs) has lost its core to another process: the
 * machine has more runnable threads than cores. A polling thread is then descheduled as one that never
 * sleeps, and the next job waits behind the other processes for it, where a sleeping one is woken at
 * once; so that worker stops polling for its next QUIET_CALLS calls. Measured on a 2-core VM with
 * some 10 runnable threads, a back-to-back hand-off took 19–28 µs (median) with sleeping workers,
 * 100–250 µs with workers that always polled, 28 µs with this rule.
 */
const LATE_MS = 0.05;
const QUIET_CALLS = 64;
/**
 * How long the calling thread polls for a worker's share to end before it sleeps, in ms: shares are
 * even, so a worker that started with the caller ends within microseconds of it.
 */
const CALLER_POLL_MS = 0.05;
/**
 * A pause this long between two reads of the clock while polling (64 polls, well under a
 * microsecond) means the thread lost its core: the machine has more runnable threads than cores, and
 * a thread that polls on is descheduled again while the one it waits for queues behind it, so it
 * sleeps at once instead.
 */
const PREEMPTED_MS = 0.02;

/**
 * Polls until field `field` of `ctl` is `value` (`equal`) or is not (`!equal`), for at most `ms`
 * milliseconds and never past a sign of losing the core (see PREEMPTED_MS); returns whether it came.
 */
function pollFor(ctl: Int32Array, field: number, value: number, equal: boolean, ms: number): boolean {
  let last = performance.now();
  const until = last + ms;
  for (let spin = 1; ; spin++) {
    if ((Atomics.load(ctl, field) === value) === equal) return true;
    // Reading the clock costs more than a poll, so it is read once per 64 polls.
    if (spin % 64 === 0) {
      const now = performance.now();
      if (now > until || now - last > PREEMPTED_MS) return false;
      last = now;
    }
  }
}

/**
 * Whether this thread may block in Atomics.wait: a browser's main thread may not (it throws before it
 * compares the value, so a mismatched value probes it without waiting).
 */
const canBlock = ((): boolean => {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
})();

/** What a new worker needs: the compiled kernels, the shared memory, and its control slot. */
export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** Byte offset of the worker's control slot. */
  slot: number;
}

/** A started worker, as far as the pool is concerned. */
export interface WorkerHandle {
  terminate(): void;
}

/**
 * Starts a worker that calls `serveJobs` with what `init` holds, and calls `failed` with the reason
 * if it cannot start (in a browser, a worker file that is not served: the page would otherwise wait
 * for it forever).
 */
export type WorkerSpawner = (init: WorkerInit, failed: (reason: string) => void) => WorkerHandle;

/**
 * A worker's loop: sleeps until a job is posted to its slot, runs it, reports it done; returns on EXIT.
 * Runs inside the worker thread.
 */
export function serveJobs(kernels: KernelExports, memory: WebAssembly.Memory, slot: number): void {
  const ctl = new Int32Array(memory.buffer, slot, ARGS_AT / 4);
  const args = new Float64Array(memory.buffer, slot + ARGS_AT, MAX_ARGS);
  let seen = Atomics.load(ctl, JOB);
  Atomics.store(ctl, DONE, seen);
  Atomics.notify(ctl, DONE);
  for (;;) {
    const job = nextJob(ctl, seen);
    seen = job;
    const kind = ctl[KIND]!;
    if (kind === EXIT) {
      // Acknowledged, so that the pool frees the slot only once nothing here reads it any more.
      Atomics.store(ctl, DONE, job);
      Atomics.notify(ctl, DONE);
      return;
    }
    try {
      const kernel = kernels[KERNELS[kind]!] as (...args: number[]) => void;
      kernel(...args.subarray(0, ctl[COUNT]!));
      ctl[FAILED] = 0;
    } catch {
      ctl[FAILED] = 1;
    }
    Atomics.store(ctl, DONE, job);
    Atomics.notify(ctl, DONE);
  }
}

/** Polls for a job newer than `seen` (for the slot's POLL_US), then sleeps until one is posted; returns its number. */
function nextJob(ctl: Int32Array, seen: number): number {
  if (pollFor(ctl, JOB, seen, false, Atomics.load(ctl, POLL_US) / 1000)) return Atomics.load(ctl, JOB);
  for (;;) {
    Atomics.wait(ctl, JOB, seen);
    const job = Atomics.load(ctl, JOB);
    if (job !== seen) return job;
  }
}

interface PooledWorker {
  handle: WorkerHandle;
  slot: number;
  scratch: number;
  ctl: Int32Array;
  args: Float64Array;
  job: number;
  /** Calls left before the worker polls again after it was late (see LATE_MS). */
  quiet: number;
  /** Why the worker could not start, once its runtime said so. */
  failure?: string;
}

/** The main thread's side: the workers, and `gemm` split across them and the calling thread. */
export class ThreadPool {
  private readonly workers: PooledWorker[] = [];
  /** The workers given a share of the current call (one list kept, so that a call allocates none). */
  private readonly used: PooledWorker[] = [];

  constructor(
    private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory,
    private readonly heap: Heap,
    private readonly kernels: KernelExports,
    /** Scratch memory of the calling thread's share. */
    private readonly mainScratch: () => number,
  ) {}

  /** Threads that run kernels, the calling thread included. */
  get size(): number {
    return this.workers.length + 1;
  }

  /** Starts or stops workers so that `threads` threads (the caller included) share the work; starting needs `spawn`. */
  resize(threads: number, spawn?: WorkerSpawner): void {
    while (this.workers.length > Math.max(0, threads - 1)) this.stop(this.workers.pop()!);
    while (spawn && this.workers.length < threads - 1) {
      const slot = this.heap.alloc(SLOT_BYTES);
      const scratch = this.heap.alloc(this.kernels.gemmScratchBytes());
      const ctl = new Int32Array(this.memory.buffer, slot, ARGS_AT / 4).fill(0);
      ctl[DONE] = -1;
      ctl[POLL_US] = WORKER_POLL_US;
      const args = new Float64Array(this.memory.buffer, slot + ARGS_AT, MAX_ARGS);
      // A runtime reports a failed start later, from its event loop, when `worker` exists.
      const worker: PooledWorker = { handle: spawn({ module: this.module, memory: this.memory, slot }, (reason) => { worker.failure = reason; }), slot, scratch, ctl, args, job: 0, quiet: 0 };
      this.workers.push(worker);
    }
  }

  /**
   * Resolves once every worker has started and can take jobs; rejects if one could not start, having
   * let it go (kernels run on the threads that did start).
   */
  async ready(): Promise<void> {
    for (const w of this.workers) {
      while (Atomics.load(w.ctl, DONE) === -1 && w.failure === undefined) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const failed = this.workers.filter((w) => w.failure !== undefined);
    if (failed.length === 0) return;
    for (const w of failed) {
      // NOTE: not `stop`, which waits for the worker to acknowledge; as in `stop`, its slot is not reused.
      w.handle.terminate();
      this.workers.splice(this.workers.indexOf(w), 1);
    }
    throw new NotFoundError(
      `wasm backend: ${failed.length} worker thread${failed.length === 1 ? '' : 's'} could not start (${failed[0]!.failure}); ` +
      `kernels run on the ${this.size} that did. In a page, serve worker.js beside strata.js (all of dist/browser/).`,
    );
  }

  /**
   * C = A·B (m × n, over depth k; see the gemm kernel for the arguments), split across the idle,
   * started workers when the product is large enough to gain: by rows of C, or, for a product much
   * deeper than it is tall (a filter gradient: colᵀ · dy), by ranges of k, each worker summing into
   * a block of its own that is then added to C. Splitting k keeps each thread on its own rows of
   * A and B and packs each row of B once, where splitting rows would have every thread pack all of B.
   */
  gemm(a: number, aRow: number, aCol: number, b: number, bRow: number, bCol: number, c: number, m: number, n: number, k: number): void {
    const big = m * n * k >= MIN_PARALLEL_WORK;
    if (big && k >= DEEP * m) {
      const partials: number[] = [];
      this.split(k, ROW_GRAIN, big, (begin, end, w) => {
        const into = w ? this.heap.alloc(m * n * 4) : c;
        if (w) partials.push(into);
        this.call('gemm', [a + 4 * begin * aCol, aRow, aCol, b + 4 * begin * bRow, bRow, bCol, into, n, end - begin, 0, m, w ? w.scratch : this.mainScratch()], w);
      });
      for (const partial of partials) {
        this.kernels.binaryF32(BINARY_CODES.add, c, partial, c, 1, 1, 1, m * n, 0, 0, 0, 1, 0, 0, 0, 1);
        this.heap.free(partial, m * n * 4);
      }
      return;
    }
    this.split(m, ROW_GRAIN, big, (begin, end, w) => {
      this.call('gemm', [a, aRow, aCol, b, bRow, bCol, c, n, k, begin, end, w ? w.scratch : this.mainScratch()], w);
    });
  }

  /** `out[i] = op(x[i])` for n float32 values; `work` is n weighted by the op's cost (see MIN_PARALLEL_ELEMENTS). */
  unary(op: number, x: number, out: number, n: number, work: number): void {
    this.split(n, ELEMENT_GRAIN, work >= MIN_PARALLEL_ELEMENTS, (begin, end, w) => {
      this.call('unaryF32', [op, x + 4 * begin, out + 4 * begin, end - begin], w);
    });
  }

  /**
   * `out = op(a, b)` over the output [d0, d1, d2, d3] (contiguous), a and b read with element strides
   * `sa`, `sb` (0 on broadcast axes); the output has `outWidth`-byte elements (4, or 1 for comparisons).
   * Split along the first axis longer than 1.
   */
  binary(op: number, a: number, b: number, out: number, d: readonly number[], sa: readonly number[], sb: readonly number[], outWidth: number): void {
    const axis = d.findIndex((extent, i) => i === 3 || extent > 1);
    const inner = d.slice(axis + 1).reduce((product, extent) => product * extent, 1);
    const total = inner * d[axis]!;
    this.split(d[axis]!, axis === 3 ? ELEMENT_GRAIN : 1, total >= MIN_PARALLEL_ELEMENTS, (begin, end, w) => {
      const dims = d.map((extent, i) => (i === axis ? end - begin : extent));
      this.call('binaryF32', [op, a + 4 * begin * sa[axis]!, b + 4 * begin * sb[axis]!, out + outWidth * begin * inner, ...dims, ...sa, ...sb], w);
    });
  }

  /**
   * Runs the fused elementwise program at `table` over n elements, split by runs of `block` elements (a
   * multiple of 4, so each thread's part starts where a block would), each thread with its own
   * `scratchBytes` of registers; `work` is n weighted by the program's steps.
   */
  fused(table: number, scratchBytes: number, n: number, block: number, work: number): void {
    // Scratch for every thread that may take a part, allocated before any starts (at least one byte).
    const bytes = Math.max(1, scratchBytes * this.size);
    const scratch = this.heap.alloc(bytes);
    let part = 0;
    this.split(n, block, work >= MIN_PARALLEL_ELEMENTS, (begin, end, w) => {
      this.call('fusedElementwiseF32', [table, scratch + scratchBytes * part++, begin, end, block], w);
    });
    this.heap.free(scratch, bytes);
  }

  /**
   * Runs a window kernel split by images of the batch: `lead` are its first arguments (op codes),
   * `pointers` its tensors as [byte offset, bytes per image], `geometry` the rest, batch size first.
   * `work` counts the float32 values the whole call reads and writes.
   */
  byImage(kernel: WindowKernel, lead: readonly number[], pointers: readonly (readonly [number, number])[], geometry: readonly number[], work: number): void {
    this.split(geometry[0]!, 1, work >= MIN_PARALLEL_ELEMENTS, (begin, end, w) => {
      this.call(kernel, [...lead, ...pointers.map(([at, perImage]) => at + begin * perImage), end - begin, ...geometry.slice(1)], w);
    });
  }

  /**
   * Runs an optimizer's update kernel split by elements: `pointers` are its arrays (0 for an absent
   * slot), `n` their length, `hyper` the rest of its arguments.
   */
  update(kernel: UpdateKernel, pointers: readonly number[], n: number, hyper: readonly number[]): void {
    this.split(n, ELEMENT_GRAIN, n >= MIN_PARALLEL_ELEMENTS, (begin, end, w) => {
      this.call(kernel, [...pointers.map((at) => (at === 0 ? 0 : at + 4 * begin)), end - begin, ...hyper], w);
    });
  }

  /** Runs `kernel(...args)` on worker `w`, or here when `w` is undefined. */
  private call(kernel: KernelName, args: readonly number[], w?: PooledWorker): void {
    if (!w) return (this.kernels[kernel] as (...args: readonly number[]) => void)(...args);
    w.ctl[COUNT] = args.length;
    w.args.set(args);
    this.post(w, KERNEL_INDEX[kernel]);
  }

  /**
   * Splits [0, total) into one range (whole multiples of `grain`) per thread: the idle, started
   * workers when `big`, and the calling thread, which runs the first range itself and then waits
   * for the others. `run` posts a range to worker `w`, or runs it here when `w` is undefined.
   */
  private split(total: number, grain: number, big: boolean, run: (begin: number, end: number, w?: PooledWorker) => void): void {
    let idle = 0;
    if (big) for (const w of this.workers) if (Atomics.load(w.ctl, DONE) === w.job) idle++;
    const each = Math.ceil(total / (idle + 1) / grain) * grain;
    const used = this.used;
    used.length = 0;
    for (const w of this.workers) {
      const begin = (used.length + 1) * each;
      if (used.length === idle || begin >= total) break;
      if (Atomics.load(w.ctl, DONE) !== w.job) continue;
      used.push(w);
      run(begin, Math.min(total, begin + each), w);
    }
    run(0, Math.min(total, each));
    const mine = performance.now();
    for (const w of used) {
      this.await(w);
      // How long the worker polls after its next jobs (see LATE_MS); it may be polling after this one already.
      const late = performance.now() - mine > LATE_MS;
      w.quiet = late ? QUIET_CALLS : Math.max(0, w.quiet - 1);
      Atomics.store(w.ctl, POLL_US, w.quiet > 0 ? 0 : WORKER_POLL_US);
    }
  }

  private post(w: PooledWorker, kind: number): void {
    w.ctl[KIND] = kind;
    w.job++;
    Atomics.store(w.ctl, JOB, w.job);
    Atomics.notify(w.ctl, JOB);
  }

  private await(w: PooledWorker): void {
    while (!pollFor(w.ctl, DONE, w.job, true, CALLER_POLL_MS)) {
      // A browser's main thread may not sleep: it polls on until the job ends (the job is finite).
      if (canBlock) Atomics.wait(w.ctl, DONE, Atomics.load(w.ctl, DONE), 100);
    }
    if (w.ctl[FAILED]) throw new Error('wasm backend: a worker thread failed while running a kernel.');
  }

  private stop(w: PooledWorker): void {
    if (Atomics.load(w.ctl, DONE) === -1) {
      // NOTE: a worker still starting may yet write its slot, so its slot and scratch are not reused.
      w.handle.terminate();
      return;
    }
    this.post(w, EXIT);
    this.await(w);
    this.heap.free(w.scratch, this.kernels.gemmScratchBytes());
    this.heap.free(w.slot, SLOT_BYTES);
  }
}
