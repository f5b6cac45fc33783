/**
 * The engine: the registry of backends, the reference counts behind every tensor's storage,
 * `tidy` scopes, and the gradient tapes that record ops while `grad` runs (only `record` opens one).
 */
import type { Backend, DataId, TensorInfo } from './backend.js';
import { allocArray, bytesPerElement, type DType, type TypedArray } from './dtype.js';
import { DTypeError, NotFoundError, ShapeError, StrataError, ValueError, fmtShape } from './errors.js';
import { shapesEqual, sizeOf } from './shape.js';
import { Tensor, Variable, setTensorHost } from './tensor.js';

/** What an op records so that its gradient can be computed later. */
export interface GradientSpec {
  /** The input tensors the backward pass needs; the tape keeps exactly these alive. */
  saved?: Tensor[];
  /** Whether the backward pass needs the output too; it is then passed last in `saved`. */
  saveOutput?: boolean;
  /**
   * Given the gradient of the output, returns one gradient per input (null where none flows).
   * `needs[i]` says whether input i's gradient is wanted: skip computing the others.
   */
  backward(dy: Tensor, saved: Tensor[], needs: readonly boolean[]): (Tensor | null)[];
}

/** One recorded op. */
export interface TapeNode {
  readonly name: string;
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  readonly saved: Tensor[];
  readonly backward: GradientSpec['backward'];
}

/** The ops recorded while a gradient function runs, and the tensors they depend on. */
export class Tape {
  readonly nodes: TapeNode[] = [];
  /** Ids of tensors whose gradient is wanted, and of everything computed from them. */
  readonly watched = new Set<number>();
  /** Ids of tensors some node saved: a nested tidy must not dispose them. */
  readonly savedIds = new Set<number>();
}

/** A tensor's contents as JavaScript sees them: what a host computation (see `Engine.runHost`) takes and returns. */
export interface HostTensor {
  values: TypedArray;
  shape: readonly number[];
  dtype: DType;
}

/**
 * What the engine tells a tracer (src/graph/trace.ts) while a `jit` trace runs: every kernel goes through
 * `backend`, which records it; the rest of what a traced function does to tensors arrives here.
 */
export interface TraceHooks {
  /** The backend ops call while tracing: the active one's kernels and writes, recorded. */
  readonly backend: Backend;
  /** A tensor's values are being read into JavaScript. */
  onRead(info: TensorInfo): void;
  /** A variable was made (its storage is the variable's from now on, not a value of the trace). */
  onVariable(v: Variable): void;
  /** A variable was assigned a new value (its storage is now `v.dataId`). */
  onAssign(v: Variable): void;
  /** JavaScript computed `outputs` from `inputs`' values (see `Engine.runHost`). */
  onHost(name: string, inputs: readonly Tensor[], outputs: readonly TensorInfo[], compute: (inputs: HostTensor[]) => HostTensor[], pure: boolean): void;
  /** JavaScript ran on tensors' values (see `Engine.effect`). */
  onEffect(tensors: readonly Tensor[], run: (tensors: Tensor[]) => void): void;
  /** An argument computed by JavaScript at every call (see `Engine.dynamic`). */
  onDynamic(value: object, compute: () => object): void;
}

/** Live storage counts, as reported by `memory()`. */
export interface MemoryInfo {
  /** Tensors (and variables) not yet disposed. */
  numTensors: number;
  /** Distinct storage blocks (tensors from `reshape` share their input's). */
  numDataBuffers: number;
  /** Bytes held by those blocks. */
  numBytes: number;
}

interface DataRecord {
  refCount: number;
  bytes: number;
  backend: Backend;
  /** The variable this storage last became the value of. */
  variable?: Variable;
}

type BackendFactory = () => Backend;

/** How many distinct number constants are kept per backend (a few dozen are typical). */
const MAX_CONSTANTS = 4096;

/** Anything a tidy function may return: tensors, and arrays or plain objects of them. */
export type TensorContainer = void | Tensor | string | number | boolean | null | undefined | TensorContainer[] | { [key: string]: TensorContainer };

class Engine {
  private readonly factories = new Map<string, { factory: BackendFactory; priority: number }>();
  private readonly instances = new Map<string, Backend>();
  private current: Backend | undefined;
  /** The backend asked for from outside the program (an environment variable), tried at first use. */
  private requested: { name: string; source: string } | undefined;
  private readonly records = new Map<DataId, DataRecord>();
  private nextId = 0;
  private liveTensors = 0;
  private liveBytes = 0;
  /**
   * Each open tidy scope's tensors; tensors made outside any scope are the caller's to dispose. A tensor
   * is in one scope at a time (made there, or passed up when its scope kept it), so arrays suffice: no
   * hashing of every new tensor.
   */
  private readonly scopes: Tensor[][] = [];
  private readonly keptIds = new Set<number>();
  /** Tapes of the gradient computations under way, innermost last; `record` alone adds and removes them. */
  private readonly tapes: Tape[] = [];
  /** Scalar constants made from plain numbers, per backend; they live as long as the engine. */
  private readonly constants = new Map<Backend, Map<string, Tensor>>();
  private readonly constantIds = new Set<number>();
  private constantBytes = 0;
  private peak = 0;
  /** The `jit` trace under way, if any; ops then run through its recording backend. */
  private tracer: TraceHooks | undefined;

  registerBackend(name: string, factory: BackendFactory, priority: number): void {
    this.factories.set(name, { factory, priority });
  }

  /** The backend ops call: the active one, or while a `jit` trace runs, the tracer's recording view of it. */
  get backend(): Backend {
    return this.tracer ? this.tracer.backend : this.activeBackend();
  }

  /** The active backend itself, which owns the storage of every new tensor. */
  activeBackend(): Backend {
    if (!this.current && this.requested) {
      const { name, source } = this.requested;
      if (!this.factories.has(name)) {
        throw new NotFoundError(`${source}='${name}' names no backend; known backends: ${[...this.factories.keys()].join(', ')}. Set it to one of them or unset it.`);
      }
      this.setBackend(name);
    }
    if (!this.current) {
      const best = [...this.factories.entries()].sort((a, b) => b[1].priority - a[1].priority)[0];
      if (!best) throw new NotFoundError('No backend is registered. Import Strata from its package entry point, which registers them.');
      this.setBackend(best[0]);
    }
    return this.current!;
  }

  setBackend(name: string): void {
    const entry = this.factories.get(name);
    if (!entry) {
      throw new NotFoundError(`setBackend: no backend named '${name}'; registered: ${[...this.factories.keys()].join(', ') || 'none'}.`);
    }
    let instance = this.instances.get(name);
    if (!instance) {
      instance = entry.factory();
      this.instances.set(name, instance);
    }
    this.current = instance;
  }

  /**
   * Makes `name` the backend of the first op unless `setBackend` chooses one before; `source` (the
   * environment variable it came from) names it in the error when no backend has that name. Deferred
   * so that importing never throws and an explicit choice wins.
   */
  requestBackend(name: string, source: string): void {
    this.requested = { name, source };
  }

  backendNames(): string[] {
    return [...this.factories.keys()];
  }

  // ---- storage and tensor life-cycle ----

  /** Wraps a kernel's output (or freshly written data) in a tensor tracked by the current scope. */
  makeTensor(info: TensorInfo, backend: Backend = this.activeBackend()): Tensor {
    this.addRef(info.dataId, info, backend);
    const t = new Tensor(this.nextId++, info);
    this.track(t);
    return t;
  }

  /** Writes `values` to the current backend as a new tensor. */
  fromValues(values: TypedArray, shape: readonly number[], dtype: DType): Tensor {
    return this.makeTensor({ dataId: this.backend.write(values, shape, dtype), shape, dtype });
  }

  /**
   * A scalar holding `value`, shared by every op that is given that number: ops take plain
   * numbers (`mul(x, 0.5)`), and making a fresh tensor for each would cost an allocation per op.
   * Constants are never disposed and not counted by `memory()`. Past a bound, fresh tensors are made.
   */
  constant(value: number, dtype: DType): Tensor {
    // The active backend, not a tracer's view: a constant outlives any trace, so no trace records its making.
    const backend = this.activeBackend();
    let cache = this.constants.get(backend);
    if (!cache) this.constants.set(backend, (cache = new Map()));
    const key = `${dtype}:${Object.is(value, -0) ? '-0' : value}`;
    const cached = cache.get(key);
    if (cached) return cached;
    const values = allocArray(dtype, 1);
    values[0] = value;
    if (cache.size >= MAX_CONSTANTS) return this.fromValues(values, [], dtype);
    const info = { dataId: backend.write(values, [], dtype), shape: [], dtype };
    this.addRef(info.dataId, info, backend);
    const t = new Tensor(this.nextId++, info);
    this.constantIds.add(t.id);
    this.constantBytes += bytesPerElement(dtype);
    cache.set(key, t);
    return t;
  }

  makeVariable(initial: Tensor, name: string, trainable: boolean): Variable {
    initial.assertAlive(`variable '${name}'`);
    const info = { dataId: initial.dataId, shape: initial.shape, dtype: initial.dtype };
    this.addRef(info.dataId, info, this.recordOf(initial).backend);
    const v = new Variable(this.nextId++, info, name, trainable);
    this.records.get(info.dataId)!.variable = v;
    this.tracer?.onVariable(v);
    return v;
  }

  private addRef(dataId: DataId, info: TensorInfo, backend: Backend): void {
    const rec = this.records.get(dataId);
    if (rec) rec.refCount++;
    else {
      const bytes = sizeOf(info.shape) * bytesPerElement(info.dtype);
      this.records.set(dataId, { refCount: 1, bytes, backend });
      this.liveBytes += bytes;
      if (this.liveBytes > this.peak) this.peak = this.liveBytes;
    }
    this.liveTensors++;
  }

  private releaseRef(dataId: DataId): void {
    const rec = this.records.get(dataId)!;
    if (--rec.refCount === 0) {
      this.records.delete(dataId);
      this.liveBytes -= rec.bytes;
      rec.backend.disposeData(dataId);
    }
  }

  private recordOf(t: Tensor): DataRecord {
    const rec = this.records.get(t.dataId);
    if (!rec) throw new StrataError(`internal: tensor ${t.id} has no storage record`);
    return rec;
  }

  private track(t: Tensor): void {
    this.scopes[this.scopes.length - 1]?.push(t);
  }

  read(t: Tensor): TypedArray {
    this.tracer?.onRead(t);
    return this.recordOf(t).backend.read(t.dataId);
  }

  dispose(t: Tensor): void {
    if (t.disposed || this.constantIds.has(t.id)) return;
    t.disposed = true;
    this.liveTensors--;
    this.releaseRef(t.dataId);
  }

  assign(v: Variable, value: Tensor): void {
    value.assertAlive(`assign to variable '${v.name}'`);
    if (!shapesEqual(v.shape, value.shape)) {
      throw new ShapeError(`assign to variable '${v.name}': the new value has shape ${fmtShape(value.shape)} but the variable has shape ${fmtShape(v.shape)}.`);
    }
    if (v.dtype !== value.dtype) {
      throw new DTypeError(`assign to variable '${v.name}': the new value is ${value.dtype} but the variable is ${v.dtype}; cast it first.`);
    }
    if (value.dataId === v.dataId) return;
    // Tensors are immutable, so the variable can share the value's storage instead of copying it.
    this.records.get(value.dataId)!.refCount++;
    this.releaseRef(v.dataId);
    v.dataId = value.dataId;
    this.records.get(v.dataId)!.variable = v;
    this.tracer?.onAssign(v);
  }

  /** Whether no other tensor shares `t`'s storage, so that a kernel may overwrite it in place. */
  ownsStorage(t: Tensor): boolean {
    return this.records.get(t.dataId)?.refCount === 1 && !this.constantIds.has(t.id);
  }

  /** A tensor sharing `x`'s storage under another shape (the storage is reference-counted). */
  reshapeView(x: Tensor, shape: readonly number[]): Tensor {
    return this.makeTensor({ dataId: x.dataId, shape, dtype: x.dtype }, this.recordOf(x).backend);
  }

  /**
   * Storage not made by a tensor: a graph's replay (src/graph/execute.ts) holds its intermediate values
   * and constants this way, so that `memory()` and `peakBytes()` count them. Released by `releaseStorage`.
   */
  holdStorage(info: TensorInfo, backend: Backend = this.activeBackend()): void {
    this.addRef(info.dataId, info, backend);
    this.liveTensors--;
  }

  /** Gives up storage held by `holdStorage` (or a reference `retainStorage` added). */
  releaseStorage(dataId: DataId): void {
    this.releaseRef(dataId);
  }

  /** Adds a reference to `t`'s storage, so that it outlives `t` (a graph keeps what it captured this way). */
  retainStorage(t: TensorInfo): void {
    this.records.get(t.dataId)!.refCount++;
  }

  /** The variable whose value `dataId` was last made (by `variable()` or an assign), if that storage is still alive. */
  variableOf(dataId: DataId): Variable | undefined {
    const v = this.records.get(dataId)?.variable;
    return v && !v.disposed && v.dataId === dataId ? v : undefined;
  }

  /** The most bytes held at once since the last `resetPeakBytes` (or since the start). */
  peakBytes(): number {
    return this.peak - this.constantBytes;
  }

  /** Starts measuring `peakBytes` from the bytes held now. */
  resetPeakBytes(): void {
    this.peak = this.liveBytes;
  }

  memory(): MemoryInfo {
    const constants = this.constantIds.size;
    return { numTensors: this.liveTensors - constants, numDataBuffers: this.records.size - constants, numBytes: this.liveBytes - this.constantBytes };
  }

  // ---- scopes ----

  keep<T extends Tensor>(t: T): T {
    this.keptIds.add(t.id);
    return t;
  }

  tidy<T extends TensorContainer>(fn: () => T): T {
    this.scopes.push([]);
    let result: T;
    try {
      result = fn();
    } catch (e) {
      this.endScope(undefined);
      throw e;
    }
    if (result instanceof Promise) {
      this.endScope(undefined);
      throw new ValueError('tidy: the function returned a Promise; tidy() only works with synchronous functions.');
    }
    this.endScope(result);
    return result;
  }

  private endScope(result: TensorContainer): void {
    const scope = this.scopes.pop()!;
    // Scopes end thousands of times per epoch, most returning nothing with no tape open: skip the sets then.
    let keepSet: Set<Tensor> | undefined;
    if (result !== undefined && result !== null && typeof result === 'object') collectTensors(result, (keepSet = new Set()));
    const parent = this.scopes[this.scopes.length - 1];
    const taping = this.isRecording;
    for (const t of scope) {
      if (t.disposed) continue;
      if (keepSet?.has(t) || (taping && this.isSavedForBackward(t))) parent?.push(t);
      else if (this.keptIds.has(t.id)) this.keptIds.delete(t.id);
      else this.dispose(t);
    }
  }

  // ---- what a jit trace sees ----

  /** Starts recording into `hooks`; fails when a trace is already under way (traces run one at a time). */
  beginTrace(hooks: TraceHooks): void {
    if (this.tracer) throw new StrataError('internal: a jit trace is already under way');
    this.tracer = hooks;
  }

  /** Stops recording. */
  endTrace(): void {
    this.tracer = undefined;
  }

  /** Whether a `jit` trace is under way. */
  get isTracing(): boolean {
    return this.tracer !== undefined;
  }

  /**
   * Runs JavaScript that computes tensors from the values of `inputs` (random numbers, a `defineOp`
   * kernel): `compute` gets the inputs' values and returns the outputs' values. Inside `jit` it becomes a
   * node of the graph and runs again at every call; `pure` says that equal inputs give equal outputs
   * (a random draw is not pure), so that a graph may drop or merge it.
   */
  runHost(name: string, inputs: readonly Tensor[], compute: (inputs: HostTensor[]) => HostTensor[], pure: boolean): Tensor[] {
    for (const x of inputs) x.assertAlive(name);
    const backend = this.activeBackend();
    const outputs = compute(inputs.map((x) => ({ values: this.recordOf(x).backend.read(x.dataId), shape: x.shape, dtype: x.dtype })));
    const infos = outputs.map((o) => ({ dataId: backend.write(o.values, o.shape, o.dtype), shape: o.shape, dtype: o.dtype }));
    this.tracer?.onHost(name, inputs, infos, compute, pure);
    return infos.map((info) => this.makeTensor(info, backend));
  }

  /**
   * Runs `run` on `tensors` now; inside `jit`, again after every call, on that call's tensors. For JavaScript
   * that reads values a step computes and keeps them outside tensors (a metric's running total), which
   * a replayed graph would otherwise skip.
   */
  effect(tensors: readonly Tensor[], run: (tensors: Tensor[]) => void): void {
    const tracer = this.tracer;
    if (!tracer) return run([...tensors]);
    tracer.onEffect(tensors, run);
    // The effect runs outside the graph at every replay, so what it computes now is not part of the trace.
    this.tracer = undefined;
    try {
      run([...tensors]);
    } finally {
      this.tracer = tracer;
    }
  }

  /**
   * `compute()`, an object a kernel takes as an argument (an optimizer's rule with this step's learning
   * rate); inside `jit`, computed again at every call, so that the graph does not keep the first call's.
   */
  dynamic<T extends object>(compute: () => T): T {
    const value = compute();
    this.tracer?.onDynamic(value, compute);
    return value;
  }

  // ---- ops and the tape ----

  /**
   * Runs `fn` with `tape` recording every op computed from the tensors it watches (as the tapes
   * already open go on recording), then closes it, also when `fn` throws.
   */
  record<T>(tape: Tape, fn: () => T): T {
    this.tapes.push(tape);
    try {
      return fn();
    } finally {
      this.tapes.splice(this.tapes.indexOf(tape), 1);
    }
  }

  /** Whether a tape is open, so that ops would be recorded. */
  get isRecording(): boolean {
    return this.tapes.length > 0;
  }

  /** Whether an open tape saved `t` for its backward pass: disposing it would break that gradient. */
  isSavedForBackward(t: Tensor): boolean {
    return this.tapes.some((tape) => tape.savedIds.has(t.id));
  }

  /**
   * Runs one primitive: validates nothing (ops do), calls the kernel, wraps its output, and
   * records the op on every open tape that watches one of its inputs. An op given no gradient is a
   * constant to every tape: only ops whose derivative is 0 wherever it exists (comparisons, argmax) omit it.
   */
  runOp(name: string, inputs: readonly Tensor[], kernel: (b: Backend) => TensorInfo, gradient?: GradientSpec): Tensor {
    for (const x of inputs) x.assertAlive(name);
    const out = this.makeTensor(kernel(this.backend));
    if (gradient) this.recordOp(name, inputs, out, gradient);
    return out;
  }

  /** Records an op whose output was made without `runOp` (a reshape view, say) on the tapes that watch its inputs. */
  recordOp(name: string, inputs: readonly Tensor[], output: Tensor, gradient: GradientSpec): void {
    for (const tape of this.tapes) {
      if (!inputs.some((x) => tape.watched.has(x.id))) continue;
      tape.watched.add(output.id);
      const saved = gradient.saveOutput ? [...(gradient.saved ?? []), output] : (gradient.saved ?? []);
      for (const s of saved) tape.savedIds.add(s.id);
      tape.nodes.push({ name, inputs, output, saved, backward: gradient.backward });
    }
  }
}

function collectTensors(c: TensorContainer, into: Set<Tensor>): void {
  if (c instanceof Tensor) into.add(c);
  else if (Array.isArray(c)) for (const x of c) collectTensors(x, into);
  else if (c && typeof c === 'object') for (const x of Object.values(c)) collectTensors(x, into);
}

/** The single engine instance. */
export const ENGINE = new Engine();
setTensorHost(ENGINE);
