/**
 * Activations with arguments, as layers of their own (Keras's "advanced activations"): LeakyReLU,
 * ReLU with a ceiling, threshold and slope, Softmax over a chosen axis, ELU with its alpha, and
 * PReLU with a learned slope.
 */
import { ShapeError, ValueError, fmtShape } from '../core/errors.js';
import type { ConfigDict } from '../core/serialization.js';
import type { Tensor, Variable } from '../core/tensor.js';
import { checkAtLeast, checkInteger } from '../core/validate.js';
import { elu, leakyRelu, maskedSoftmax, softmax } from '../ops/activations.js';
import { add, minimum, mul, neg, sub } from '../ops/arithmetic.js';
import { greaterEqual, where } from '../ops/compare.js';
import { relu } from '../ops/unary.js';
import { getInitializer, serializeInitializer, type InitializerIdentifier } from '../initializers/get-initializer.js';
import type { Initializer } from '../initializers/initializer.js';
import { getRegularizer, serializeRegularizer, type RegularizerIdentifier } from '../regularizers/get-regularizer.js';
import type { Regularizer } from '../regularizers/regularizer.js';
import { Layer, layerArgKeys, type CallArgs, type LayerArgs } from './layer.js';
import { registerLayer } from './registry.js';
import { fmtSymbolicShape, type SymbolicShape } from './symbolic-tensor.js';

/**
 * The part every activation layer shares: masks pass through, the shape is unchanged, and the
 * arguments kept by `configure` are the layer's fields and follow the base config in `getConfig`.
 */
abstract class ActivationLayer extends Layer {
  private options: ConfigDict = {};

  constructor(args: LayerArgs) {
    super(args);
    this.supportsMasking = true;
  }

  /** Keeps the checked arguments as fields (typed by an interface merged with the class) and as config. */
  protected configure(options: ConfigDict): void {
    this.options = options;
    Object.assign(this, options);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), ...this.options };
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return this.singleShape(inputShape);
  }
}

/** Arguments of `LeakyReLU`. */
export interface LeakyReLULayerArgs extends LayerArgs {
  /** The slope for inputs below zero (default 0.3, Keras's default for the layer; the `'leaky_relu'` activation uses 0.2). */
  negativeSlope?: number;
}

/** The arguments of `LeakyReLU` as its fields. */
export interface LeakyReLU extends Readonly<Required<Omit<LeakyReLULayerArgs, keyof LayerArgs>>> {}

/**
 * `x` where x > 0, `negativeSlope · x` elsewhere. Keras 2 and TF.js call the slope `alpha`;
 * Keras 3 calls it `negative_slope`.
 *
 * @example
 * new LeakyReLU({ negativeSlope: 0.1 }).apply(tensor([[-2, 3]])).arraySync(); // [[-0.2, 3]]
 */
export class LeakyReLU extends ActivationLayer {
  static override readonly className: string = 'LeakyReLU';
  static override readonly argKeys = layerArgKeys<LeakyReLULayerArgs>({ negativeSlope: true });

  constructor(args: LeakyReLULayerArgs = {}) {
    super(args);
    this.configure({ negativeSlope: checkAtLeast(this.describe(), 'negativeSlope', args.negativeSlope ?? 0.3, 0) });
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return leakyRelu(this.singleInput(inputs), this.negativeSlope);
  }
}
registerLayer(LeakyReLU);

/** Arguments of `ReLU`. */
export interface ReLULayerArgs extends LayerArgs {
  /** The largest output (none by default); 6 gives relu6. */
  maxValue?: number | null;
  /** The slope below the threshold (default 0). */
  negativeSlope?: number;
  /** Where the rectifier bends (default 0). */
  threshold?: number;
}

/** The arguments of `ReLU` as its fields. */
export interface ReLU extends Readonly<Required<Omit<ReLULayerArgs, keyof LayerArgs>>> {}

/**
 * Keras's ReLU layer: `maxValue` for x ≥ maxValue, `x` for threshold ≤ x < maxValue, and
 * `negativeSlope · (x - threshold)` below the threshold. With the defaults, plain relu.
 *
 * @example
 * new ReLU({ maxValue: 6 }).apply(tensor([[-1, 3, 9]])).arraySync(); // [[0, 3, 6]]
 */
export class ReLU extends ActivationLayer {
  static override readonly className: string = 'ReLU';
  static override readonly argKeys = layerArgKeys<ReLULayerArgs>({ maxValue: true, negativeSlope: true, threshold: true });

  constructor(args: ReLULayerArgs = {}) {
    super(args);
    const who = this.describe();
    this.configure({
      maxValue: args.maxValue === undefined || args.maxValue === null ? null : checkAtLeast(who, 'maxValue', args.maxValue, 0),
      negativeSlope: checkAtLeast(who, 'negativeSlope', args.negativeSlope ?? 0, 0),
      threshold: checkAtLeast(who, 'threshold', args.threshold ?? 0),
    });
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = this.singleInput(inputs);
    // NOTE: the plain case goes through the relu primitive, whose gradient at 0 is Keras's (0).
    const bent = this.negativeSlope === 0 && this.threshold === 0
      ? relu(x)
      : where(greaterEqual(x, this.threshold), x, mul(sub(x, this.threshold), this.negativeSlope));
    return this.maxValue === null ? bent : minimum(bent, this.maxValue);
  }
}
registerLayer(ReLU);

/** Arguments of `Softmax`. */
export interface SoftmaxLayerArgs extends LayerArgs {
  /** The axis normalized over (default -1, the last). */
  axis?: number;
}

/** The arguments of `Softmax` as its fields. */
export interface Softmax extends Readonly<Required<Omit<SoftmaxLayerArgs, keyof LayerArgs>>> {}

/**
 * Softmax over one axis: the outputs along it are positive and sum to 1. With a `mask` (bool,
 * broadcast to the input from the right, as Keras's), only the positions where it is true share
 * the 1; the others are 0.
 *
 * @example
 * new Softmax().apply(tensor([[0, 0]])).arraySync(); // [[0.5, 0.5]]
 * new Softmax().apply(tensor([[0, 0, 0]]), { mask: tensor([[true, true, false]]) }).arraySync(); // [[0.5, 0.5, 0]]
 */
export class Softmax extends ActivationLayer {
  static override readonly className: string = 'Softmax';
  static override readonly argKeys = layerArgKeys<SoftmaxLayerArgs>({ axis: true });

  constructor(args: SoftmaxLayerArgs = {}) {
    super(args);
    this.configure({ axis: checkInteger(this.describe(), 'axis', args.axis ?? -1) });
  }

  override call(inputs: Tensor | Tensor[], args: CallArgs): Tensor {
    const x = this.singleInput(inputs);
    const mask = args.mask;
    if (mask === null || mask === undefined) return softmax(x, this.axis);
    if (Array.isArray(mask)) throw new ValueError(`${this.describe()} takes one mask, got a list of ${mask.length}.`);
    if (mask.rank > x.rank || mask.shape.some((d, i) => d !== 1 && d !== x.shape[x.rank - mask.rank + i])) {
      throw new ShapeError(`${this.describe()}: the mask ${fmtShape(mask.shape)} does not broadcast to the input ${fmtShape(x.shape)}; each of its axes, aligned from the right, must be 1 or the input's size.`);
    }
    return maskedSoftmax(x, mask, this.axis);
  }
}
registerLayer(Softmax);

/** Arguments of `ELU`. */
export interface ELULayerArgs extends LayerArgs {
  /** The scale of the negative part (default 1). */
  alpha?: number;
}

/** The arguments of `ELU` as its fields. */
export interface ELU extends Readonly<Required<Omit<ELULayerArgs, keyof LayerArgs>>> {}

/**
 * `x` where x > 0, `alpha · (e^x - 1)` elsewhere.
 *
 * @example
 * new ELU({ alpha: 0.5 }).apply(tensor([[-1, 2]])).arraySync(); // [[-0.316, 2]]
 */
export class ELU extends ActivationLayer {
  static override readonly className: string = 'ELU';
  static override readonly argKeys = layerArgKeys<ELULayerArgs>({ alpha: true });

  constructor(args: ELULayerArgs = {}) {
    super(args);
    this.configure({ alpha: checkAtLeast(this.describe(), 'alpha', args.alpha ?? 1) });
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return elu(this.singleInput(inputs), this.alpha);
  }
}
registerLayer(ELU);

/** Arguments of `PReLU`. */
export interface PReLULayerArgs extends LayerArgs {
  /** How the learned slopes start (default `'zeros'`: plain relu at first). */
  alphaInitializer?: InitializerIdentifier;
  /** A penalty on the slopes (none by default). */
  alphaRegularizer?: RegularizerIdentifier | null;
  /**
   * Axes (counted from 1, the batch axis not counted) along which one slope is shared: `[1, 2]`
   * after a Conv2D gives one slope per channel. Null (the default) learns one per input value.
   */
  sharedAxes?: readonly number[] | null;
}

/**
 * A leaky rectifier whose slopes are learned: `x` where x > 0, `alpha · x` elsewhere, with a
 * weight `alpha` of the sample's shape (size 1 along `sharedAxes`), so it has as many parameters
 * as each sample has values, divided by the shared axes' sizes.
 *
 * @example
 * new PReLU({ sharedAxes: [1, 2] }); // on [n, 28, 28, 32]: 32 slopes, one per channel
 */
export class PReLU extends Layer {
  static override readonly className: string = 'PReLU';
  static override readonly argKeys = layerArgKeys<PReLULayerArgs>({ alphaInitializer: true, alphaRegularizer: true, sharedAxes: true });
  /** How alpha starts. */
  readonly alphaInitializer: Initializer;
  /** Alpha's penalty, if any. */
  readonly alphaRegularizer: Regularizer | null;
  /** The axes one slope is shared along (from 1), or null. */
  readonly sharedAxes: readonly number[] | null;
  /** The learned slopes, made on the first call. */
  alpha: Variable | null = null;

  constructor(args: PReLULayerArgs = {}) {
    super(args);
    this.supportsMasking = true;
    this.alphaInitializer = getInitializer(args.alphaInitializer ?? 'zeros');
    this.alphaRegularizer = getRegularizer(args.alphaRegularizer);
    const shared = args.sharedAxes ?? null;
    if (shared !== null && (!Array.isArray(shared) || shared.some((a) => !Number.isInteger(a) || a < 1))) {
      throw new ValueError(`${this.describe()}: sharedAxes must be a list of axes counted from 1 (the batch axis is not counted), got ${JSON.stringify(shared)}.`);
    }
    this.sharedAxes = shared === null ? null : [...shared];
  }

  override build(inputShape: SymbolicShape): void {
    const shape = this.singleShape(inputShape);
    const tooFar = (this.sharedAxes ?? []).find((a) => a >= shape.length);
    if (tooFar !== undefined) throw new ShapeError(`${this.describe()}: sharedAxes has axis ${tooFar}, but inputs of shape ${fmtSymbolicShape(shape)} have axes 1..${shape.length - 1} besides the batch.`);
    const paramShape = shape.slice(1).map((d, i) => (this.sharedAxes?.includes(i + 1) ? 1 : d));
    if (paramShape.some((d) => d === null)) {
      throw new ShapeError(`${this.describe()} needs the size of every axis it does not share to make its slopes, but input shape ${fmtSymbolicShape(shape)} has unknown ones; list them in sharedAxes.`);
    }
    const sizes = paramShape as number[];
    this.alpha = this.addWeight('alpha', sizes, { initializer: this.alphaInitializer, regularizer: this.alphaRegularizer });
    const kept = sizes.flatMap((d, i): [number, number][] => (this.sharedAxes?.includes(i + 1) ? [] : [[i + 1, d]]));
    this.inputSpec = { ndim: shape.length, axes: Object.fromEntries(kept) };
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = this.singleInput(inputs);
    // relu(x) - alpha · relu(-x): Keras's form, whose gradient at 0 is 0 for both x and alpha.
    return add(relu(x), mul(neg(this.alpha!), relu(neg(x))));
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return this.singleShape(inputShape);
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      alphaInitializer: serializeInitializer(this.alphaInitializer),
      alphaRegularizer: serializeRegularizer(this.alphaRegularizer),
      sharedAxes: this.sharedAxes ? [...this.sharedAxes] : null,
    };
  }
}
registerLayer(PReLU);
