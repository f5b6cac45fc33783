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

  registerBackend(name: string, factory: BackendFactory, priority: number): void {
    this.factories.set(name, { factory, priority });
  }

  get backend(): Backend {
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
  makeTensor(info: TensorInfo, backend: Backend = this.backend): Tensor {
    this.addRef(info.dataId, info, backend);
    const t = new Tensor(this.nextId++, info);
    this.track(t);
    return t;
  }

  /** Writes `values` to the current backend as a new tensor. */
  fromValues(values: TypedArray, shape: readonly number[], dtype: DType): Tensor {
    const backend = this.backend;
    return this.makeTensor({ dataId: backend.write(values, shape, dtype), shape, dtype }, backend);
  }

  /**
   * A scalar holding `value`, shared by every op that is given that number: ops take plain
   * numbers (`mul(x, 0.5)`), and making a fresh tensor for each would cost an allocation per op.
   * Constants are never disposed and not counted by `memory()`. Past a bound, fresh tensors are made.
   */
  constant(value: number, dtype: DType): Tensor {
    const backend = this.backend;
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
    return new Variable(this.nextId++, info, name, trainable);
  }

  private addRef(dataId: DataId, info: TensorInfo, backend: Backend): void {
    const rec = this.records.get(dataId);
    if (rec) rec.refCount++;
    else {
      const bytes = sizeOf(info.shape) * bytesPerElement(info.dtype);
      this.records.set(dataId, { refCount: 1, bytes, backend });
      this.liveBytes += bytes;
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
  }

  /** Whether no other tensor shares `t`'s storage, so that a kernel may overwrite it in place. */
  ownsStorage(t: Tensor): boolean {
    return this.records.get(t.dataId)?.refCount === 1 && !this.constantIds.has(t.id);
  }

  /** A tensor sharing `x`'s storage under another shape (the storage is reference-counted). */
  reshapeView(x: Tensor, shape: readonly number[]): Tensor {
    return this.makeTensor({ dataId: x.dataId, shape, dtype: x.dtype }, this.recordOf(x).backend);
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
    const backend = this.backend;
    const out = this.makeTensor(kernel(backend), backend);
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
