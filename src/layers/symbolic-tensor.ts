/**
 * Symbolic tensors (a shape and dtype, no values) and the graph nodes that record which layer
 * made them from which inputs. Calling layers on symbolic tensors builds the graph a functional
 * Model runs.
 */
import type { DType } from '../core/dtype.js';
import { SESSION } from '../core/session.js';
import type { Layer } from './layer.js';

/** The element type of a symbolic tensor: a tensor dtype, or 'string' for text a model takes as input. */
export type SymbolicDType = DType | 'string';

/** A shape whose dimensions may be unknown (null), such as the batch dimension of a model's input. */
export type SymbolicShape = readonly (number | null)[];

/**
 * A placeholder for a tensor in a model being defined: it has a shape, with `null` for the batch
 * dimension, but no values. `Input()` makes one; calling a layer on one gives another.
 *
 * @example
 * const x = Input({ shape: [784] });      // shape [null, 784]
 * const h = new Dense({ units: 100 }).apply(x); // shape [null, 100]
 */
export class SymbolicTensor {
  /** Unique id, increasing in creation order. */
  readonly id = SESSION.symbolicTensorCount++;

  /** @internal Made by layers when they are called on symbolic inputs. */
  constructor(
    /** Dimensions, `null` where unknown (the batch). */
    readonly shape: SymbolicShape,
    /** Element type of the tensor this stands for. */
    readonly dtype: SymbolicDType,
    /** The call of a layer that produced it. */
    readonly node: Node,
    /** Which of that call's outputs it is. */
    readonly tensorIndex: number,
  ) {}

  /** The layer that produced this tensor. */
  get sourceLayer(): Layer {
    return this.node.layer;
  }

  /** A readable name: `dense/0` for the first output of the layer `dense`'s call. */
  get name(): string {
    return `${this.node.layer.name}/${this.tensorIndex}`;
  }

  /** Number of axes. */
  get rank(): number {
    return this.shape.length;
  }

  /** `SymbolicTensor(dense/0, [null,100], float32)`. */
  toString(): string {
    return `SymbolicTensor(${this.name}, ${fmtSymbolicShape(this.shape)}, ${this.dtype})`;
  }
}

/** One call of a layer on symbolic inputs: an edge set of the model graph. */
export class Node {
  /** The symbolic outputs of the call (set right after the node is made). */
  outputs: SymbolicTensor[] = [];

  /** @internal Made by `Layer.apply`. */
  constructor(
    /** The layer called. */
    readonly layer: Layer,
    /** Its symbolic inputs. */
    readonly inputs: readonly SymbolicTensor[],
    /** Whether the inputs were passed as an array (the layer's `call` then gets an array). */
    readonly inputsAsList: boolean,
    /** The layer's own options given with the call (see `CallArgs`), passed again each time the Model runs. */
    readonly options: Readonly<Record<string, unknown>> = {},
  ) {}

  /** The position of this node among its layer's calls (the `0` in Keras's `dense[0][0]`). */
  get index(): number {
    return this.layer.inboundNodes.indexOf(this);
  }
}

/** A symbolic shape as messages print it: `[null,28,28]`. */
export function fmtSymbolicShape(shape: SymbolicShape): string {
  return `[${shape.map((d) => d ?? 'null').join(',')}]`;
}

/** True when `shapes` is a list of shapes rather than one shape. */
export function isShapeList(shapes: SymbolicShape | readonly SymbolicShape[]): shapes is readonly SymbolicShape[] {
  return shapes.length > 0 && Array.isArray(shapes[0]);
}

/** The number of values per sample (all axes but the first), or null if one of them is unknown. */
export function sizePerSample(shape: SymbolicShape): number | null {
  let n = 1;
  for (const d of shape.slice(1)) {
    if (d === null) return null;
    n *= d;
  }
  return n;
}
