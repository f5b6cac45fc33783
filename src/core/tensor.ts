/** The Tensor and Variable classes: immutable n-dimensional arrays whose bytes a backend owns. */
import type { DataId, TensorInfo } from './backend.js';
import type { DType, TypedArray } from './dtype.js';
import { DisposedError, ValueError, fmtShape } from './errors.js';
import { sizeOf, type Shape } from './shape.js';

/** Nested JavaScript arrays of numbers, as `array()` returns and `tensor()` accepts. */
export type NestedArray = number | boolean | NestedArray[];

/** What a tensor needs from the engine; set once by the engine so that this file does not import it. */
export interface TensorHost {
  read(t: Tensor): TypedArray;
  dispose(t: Tensor): void;
  assign(v: Variable, value: Tensor): void;
}

let host: TensorHost | undefined;

/** @internal Called once by the engine. */
export function setTensorHost(h: TensorHost): void {
  host = h;
}

function theHost(): TensorHost {
  if (!host) throw new Error('Strata engine not initialised');
  return host;
}

/**
 * An immutable n-dimensional array of one dtype. Ops return new tensors; the storage lives in the
 * active backend and is released by `dispose()` or when the enclosing `tidy` scope ends.
 *
 * @example
 * const t = tensor([[1, 2], [3, 4]]);
 * t.shape;        // [2, 2]
 * t.arraySync();  // [[1, 2], [3, 4]]
 */
export class Tensor implements TensorInfo {
  /** Unique id, increasing in creation order. */
  readonly id: number;
  /** Dimensions, outermost first; `[]` for a scalar. */
  readonly shape: Shape;
  /** Element type. */
  readonly dtype: DType;
  /** @internal The backend's storage handle. */
  dataId: DataId;
  /** @internal Set by `dispose()`. */
  disposed = false;

  /** @internal Tensors are made by ops and creation functions, never with `new`. */
  constructor(id: number, info: TensorInfo) {
    this.id = id;
    this.shape = info.shape;
    this.dtype = info.dtype;
    this.dataId = info.dataId;
  }

  /** Number of axes. */
  get rank(): number {
    return this.shape.length;
  }

  /** Number of elements. */
  get size(): number {
    return sizeOf(this.shape);
  }

  /** True once the storage has been released. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /** @internal Throws a DisposedError if this tensor can no longer be used by `op`. */
  assertAlive(op: string): void {
    if (this.disposed) {
      throw new DisposedError(
        `${op}: tensor ${this.id} (${this.dtype} ${fmtShape(this.shape)}) was disposed. ` +
          'It was released by dispose() or by the tidy() scope that created it; return it from tidy() or call keep() to use it later.',
      );
    }
  }

  /** A copy of the values, in row-major order, as a typed array. */
  dataSync(): TypedArray {
    this.assertAlive('dataSync');
    return theHost().read(this);
  }

  /** A copy of the values as a typed array (async, for backends whose data live on a device). */
  async data(): Promise<TypedArray> {
    return this.dataSync();
  }

  /** The values as nested JavaScript arrays (a number for a scalar; booleans for `bool`). */
  arraySync(): NestedArray {
    this.assertAlive('arraySync');
    const values = theHost().read(this);
    const asJs = (i: number): number | boolean => (this.dtype === 'bool' ? values[i] !== 0 : values[i]!);
    if (this.shape.length === 0) return asJs(0);
    const build = (axis: number, offset: number, stride: number): NestedArray[] => {
      const n = this.shape[axis]!;
      const inner = stride / Math.max(n, 1);
      const out: NestedArray[] = [];
      for (let i = 0; i < n; i++) {
        out.push(axis === this.shape.length - 1 ? asJs(offset + i) : build(axis + 1, offset + i * inner, inner));
      }
      return out;
    };
    return build(0, 0, this.size);
  }

  /** The values as nested JavaScript arrays (async form of `arraySync`). */
  async array(): Promise<NestedArray> {
    return this.arraySync();
  }

  /** The single value of a one-element tensor. */
  item(): number {
    this.assertAlive('item');
    if (this.size !== 1) {
      throw new ValueError(`item: the tensor must hold exactly one element, but its shape is ${fmtShape(this.shape)} (${this.size} elements).`);
    }
    return theHost().read(this)[0]!;
  }

  /** Releases the storage now. Using the tensor afterwards throws a DisposedError. Safe to call twice. */
  dispose(): void {
    if (!this.disposed) theHost().dispose(this);
  }

  /** A short description with the values (at most 6 per axis shown). */
  toString(): string {
    if (this.disposed) return `Tensor(disposed, ${this.dtype} ${fmtShape(this.shape)})`;
    const fmt = (v: NestedArray): string => {
      if (!Array.isArray(v)) return typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(4) : String(v);
      const items = v.length > 6 ? [...v.slice(0, 3).map(fmt), '...', ...v.slice(-3).map(fmt)] : v.map(fmt);
      return `[${items.join(', ')}]`;
    };
    return `Tensor(${this.dtype} ${fmtShape(this.shape)}) ${fmt(this.arraySync())}`;
  }
}

/**
 * A mutable tensor: the value of a trainable parameter. `assign` replaces the value in place
 * (same shape and dtype); `tidy` never disposes a variable.
 *
 * @example
 * const w = variable(zeros([2, 2]), { name: 'w' });
 * w.assign(ones([2, 2]));
 */
export class Variable extends Tensor {
  /** The name it is saved under and shown with in errors and summaries. */
  readonly name: string;
  /** Whether optimizers update it (and gradient helpers include it by default). */
  trainable: boolean;

  /** @internal Made by `variable()`. */
  constructor(id: number, info: TensorInfo, name: string, trainable: boolean) {
    super(id, info);
    this.name = name;
    this.trainable = trainable;
  }

  /** Replaces the value by a copy of `value`, which must have this variable's shape and dtype. */
  assign(value: Tensor): void {
    this.assertAlive(`assign to variable '${this.name}'`);
    theHost().assign(this, value);
  }
}
