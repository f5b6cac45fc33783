/** Layers that merge several inputs into one: elementwise (Add, Subtract, Multiply, Average, Maximum, Minimum) and Concatenate. */
import { ShapeError, ValueError } from '../core/errors.js';
import type { ConfigDict } from '../core/serialization.js';
import type { Tensor } from '../core/tensor.js';
import { checkInteger } from '../core/validate.js';
import { add, div, maximum, minimum, mul, sub } from '../ops/arithmetic.js';
import { logicalAnd } from '../ops/compare.js';
import { ones } from '../ops/creation.js';
import { concat } from '../ops/slicing.js';
import { Layer, layerArgKeys, type LayerArgs, type Mask } from './layer.js';
import { registerLayer } from './registry.js';
import { fmtSymbolicShape, isShapeList, type SymbolicShape } from './symbolic-tensor.js';

/** The masks given for a merge's inputs, one per input (null where none). */
function maskList(mask: Mask, count: number): (Tensor | null)[] {
  if (Array.isArray(mask)) return mask;
  return new Array<Tensor | null>(count).fill(mask ?? null);
}

/** The base of the merging layers: checks that it gets a list of inputs, and combines their masks (a step is real where it is real in every input). */
abstract class Merge extends Layer {
  static override readonly argKeys = layerArgKeys<LayerArgs>({});
  constructor(args: LayerArgs = {}) {
    super(args);
    this.supportsMasking = true;
  }

  /** How many inputs the layer takes: at least two, and at most this many. */
  protected readonly maxInputs: number = Infinity;

  private checkCount(count: number): void {
    if (count < 2) throw new ValueError(`${this.describe()} merges a list of at least 2 inputs: call it on [a, b, ...], got ${count}.`);
    if (count > this.maxInputs) throw new ValueError(`${this.describe()} takes exactly ${this.maxInputs} inputs [a, b], got ${count}.`);
  }

  protected shapesOf(inputShape: SymbolicShape | readonly SymbolicShape[]): readonly SymbolicShape[] {
    const shapes = isShapeList(inputShape) ? inputShape : [inputShape as SymbolicShape];
    this.checkCount(shapes.length);
    return shapes;
  }

  protected override checkInputShapes(shapes: readonly SymbolicShape[]): void {
    this.computeOutputShape(shapes);
  }

  protected inputList(inputs: Tensor | Tensor[]): Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    this.checkCount(list.length);
    return list;
  }

  override computeMask(inputs: Tensor | Tensor[], mask: Mask): Mask {
    const present = maskList(mask, this.inputList(inputs).length).filter((m): m is Tensor => m !== null);
    return present.length === 0 ? null : present.reduce((a, b) => logicalAnd(a, b));
  }
}

/** What an elementwise merge computes. */
type ElementwiseOp = 'add' | 'subtract' | 'multiply' | 'average' | 'maximum' | 'minimum';

const folds: Record<Exclude<ElementwiseOp, 'average' | 'subtract'>, (a: Tensor, b: Tensor) => Tensor> = {
  add: (a, b) => add(a, b),
  multiply: (a, b) => mul(a, b),
  maximum: (a, b) => maximum(a, b),
  minimum: (a, b) => minimum(a, b),
};

/** Inputs of one shape (broadcasting allowed) combined elementwise; the subclasses fix the operation. */
abstract class ElementwiseMerge extends Merge {
  protected abstract readonly op: ElementwiseOp;

  override call(inputs: Tensor | Tensor[]): Tensor {
    const xs = this.inputList(inputs);
    switch (this.op) {
      case 'subtract': return sub(xs[0]!, xs[1]!);
      case 'average': return div(xs.reduce((a, b) => add(a, b)), xs.length);
      default: return xs.reduce(folds[this.op]);
    }
  }

  override computeOutputShape(inputShape: SymbolicShape | readonly SymbolicShape[]): SymbolicShape {
    const shapes = this.shapesOf(inputShape);
    const rank = Math.max(...shapes.map((s) => s.length));
    const out: (number | null)[] = [];
    for (let i = 0; i < rank; i++) {
      const dims: (number | null)[] = shapes.map((s) => (s.length - rank + i < 0 ? 1 : s[s.length - rank + i]!));
      const known = [...new Set(dims.filter((d): d is number => d !== null && d !== 1))];
      if (known.length > 1) {
        throw new ShapeError(`${this.describe()}: the input shapes ${shapes.map(fmtSymbolicShape).join(', ')} do not match (or broadcast); each dimension must be equal or 1.`);
      }
      out.push(known[0] ?? (dims.includes(null) ? null : 1));
    }
    return out;
  }
}

/**
 * The sum of its inputs, elementwise: `new Add().apply([a, b])`.
 *
 * @example
 * const residual = new Add().apply([x, new Dense({ units: 64 }).apply(x)]);
 */
export class Add extends ElementwiseMerge {
  static override readonly className: string = 'Add';
  protected override readonly op = 'add';
}
registerLayer(Add);

/**
 * The difference of its two inputs, `a - b`, elementwise.
 *
 * @example
 * new Subtract().apply([a, b]);
 */
export class Subtract extends ElementwiseMerge {
  static override readonly className: string = 'Subtract';
  protected override readonly op = 'subtract';
  protected override readonly maxInputs: number = 2;
}
registerLayer(Subtract);

/**
 * The product of its inputs, elementwise (gating, attention weights).
 *
 * @example
 * new Multiply().apply([features, gate]);
 */
export class Multiply extends ElementwiseMerge {
  static override readonly className: string = 'Multiply';
  protected override readonly op = 'multiply';
}
registerLayer(Multiply);

/**
 * The mean of its inputs, elementwise.
 *
 * @example
 * new Average().apply([a, b, c]);
 */
export class Average extends ElementwiseMerge {
  static override readonly className: string = 'Average';
  protected override readonly op = 'average';
}
registerLayer(Average);

/**
 * The largest of its inputs, elementwise.
 *
 * @example
 * new Maximum().apply([a, b]);
 */
export class Maximum extends ElementwiseMerge {
  static override readonly className: string = 'Maximum';
  protected override readonly op = 'maximum';
}
registerLayer(Maximum);

/**
 * The smallest of its inputs, elementwise.
 *
 * @example
 * new Minimum().apply([a, b]);
 */
export class Minimum extends ElementwiseMerge {
  static override readonly className: string = 'Minimum';
  protected override readonly op = 'minimum';
}
registerLayer(Minimum);

/** Arguments of `Concatenate`. */
export interface ConcatenateLayerArgs extends LayerArgs {
  /** The axis to join along (default -1: the features). */
  axis?: number;
}

/**
 * Joins its inputs along `axis` (the features by default); the other dimensions must agree.
 *
 * @example
 * const joined = new Concatenate().apply([imageFeatures, textFeatures]); // [n, 64] and [n, 32] -> [n, 96]
 */
export class Concatenate extends Merge {
  static override readonly className: string = 'Concatenate';
  static override readonly argKeys = layerArgKeys<ConcatenateLayerArgs>({ axis: true });
  /** The axis joined along (as given; negative counts from the end). */
  readonly axis: number;

  constructor(args: ConcatenateLayerArgs = {}) {
    super(args);
    this.axis = checkInteger(this.describe(), 'axis', args.axis ?? -1);
  }

  private axisFor(rank: number): number {
    const a = this.axis < 0 ? this.axis + rank : this.axis;
    if (a < 1 || a >= rank) throw new ValueError(`${this.describe()}: axis ${this.axis} is not a non-batch axis of inputs of rank ${rank}.`);
    return a;
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    const xs = this.inputList(inputs);
    return concat(xs, this.axisFor(xs[0]!.rank));
  }

  override computeOutputShape(inputShape: SymbolicShape | readonly SymbolicShape[]): SymbolicShape {
    const shapes = this.shapesOf(inputShape);
    const rank = shapes[0]!.length;
    const a = this.axisFor(rank);
    const fits = shapes.every((s) => s.length === rank && s.every((d, i) => i === a || d === null || shapes[0]![i] === null || d === shapes[0]![i]));
    if (!fits) {
      throw new ShapeError(`${this.describe()}: inputs of shapes ${shapes.map(fmtSymbolicShape).join(', ')} cannot be joined along axis ${this.axis}; all other dimensions must be equal.`);
    }
    const sizes: (number | null)[] = shapes.map((s) => s[a] ?? null);
    const joined = sizes.includes(null) ? null : (sizes as number[]).reduce((p, q) => p + q, 0);
    return shapes[0]!.map((d, i) => (i === a ? joined : (d ?? shapes.find((s) => s[i] !== null)?.[i] ?? null)));
  }

  /**
   * Joined along the features, a step is real where it is real in every input; joined along the
   * steps, the masks are joined too (an input without a mask counts as all real).
   */
  override computeMask(inputs: Tensor | Tensor[], mask: Mask): Mask {
    const xs = this.inputList(inputs);
    const masks = maskList(mask, xs.length);
    if (masks.every((m) => m === null)) return null;
    const a = this.axisFor(xs[0]!.rank);
    const maskRank = masks.find((m) => m !== null)!.rank;
    if (a >= maskRank) return super.computeMask(inputs, mask);
    return concat(masks.map((m, i) => m ?? ones(xs[i]!.shape.slice(0, maskRank), 'bool')), a);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), axis: this.axis };
  }
}
registerLayer(Concatenate);
