/**
 * Activations with arguments, as layers of their own (Keras's "advanced activations"): LeakyReLU,
 * ReLU with a ceiling, threshold and slope, Softmax over a chosen axis, and ELU with its alpha.
 */
import type { ConfigDict } from '../core/serialization.js';
import type { Tensor } from '../core/tensor.js';
import { checkAtLeast, checkInteger } from '../core/validate.js';
import { elu, leakyRelu, softmax } from '../ops/activations.js';
import { minimum, mul, sub } from '../ops/arithmetic.js';
import { greaterEqual, where } from '../ops/compare.js';
import { relu } from '../ops/unary.js';
import { Layer, layerArgKeys, type LayerArgs } from './layer.js';
import { registerLayer } from './registry.js';
import type { SymbolicShape } from './symbolic-tensor.js';

/** The part every activation layer shares: masks pass through and the shape is unchanged. */
abstract class ActivationLayer extends Layer {
  constructor(args: LayerArgs) {
    super(args);
    this.supportsMasking = true;
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
  /** The slope for inputs below zero. */
  readonly negativeSlope: number;

  constructor(args: LeakyReLULayerArgs = {}) {
    super(args);
    this.negativeSlope = checkAtLeast(this.describe(), 'negativeSlope', args.negativeSlope ?? 0.3, 0);
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return leakyRelu(this.singleInput(inputs), this.negativeSlope);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), negativeSlope: this.negativeSlope };
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
  /** The ceiling, or null for none. */
  readonly maxValue: number | null;
  /** The slope below the threshold. */
  readonly negativeSlope: number;
  /** Where the rectifier bends. */
  readonly threshold: number;

  constructor(args: ReLULayerArgs = {}) {
    super(args);
    this.maxValue = args.maxValue === undefined || args.maxValue === null ? null : checkAtLeast(this.describe(), 'maxValue', args.maxValue, 0);
    this.negativeSlope = checkAtLeast(this.describe(), 'negativeSlope', args.negativeSlope ?? 0, 0);
    this.threshold = checkAtLeast(this.describe(), 'threshold', args.threshold ?? 0);
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = this.singleInput(inputs);
    // NOTE: the plain case goes through the relu primitive, whose gradient at 0 is Keras's (0).
    const bent = this.negativeSlope === 0 && this.threshold === 0
      ? relu(x)
      : where(greaterEqual(x, this.threshold), x, mul(sub(x, this.threshold), this.negativeSlope));
    return this.maxValue === null ? bent : minimum(bent, this.maxValue);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), maxValue: this.maxValue, negativeSlope: this.negativeSlope, threshold: this.threshold };
  }
}
registerLayer(ReLU);

/** Arguments of `Softmax`. */
export interface SoftmaxLayerArgs extends LayerArgs {
  /** The axis normalized over (default -1, the last). */
  axis?: number;
}

/**
 * Softmax over one axis: the outputs along it are positive and sum to 1.
 *
 * @example
 * new Softmax().apply(tensor([[0, 0]])).arraySync(); // [[0.5, 0.5]]
 */
export class Softmax extends ActivationLayer {
  static override readonly className: string = 'Softmax';
  static override readonly argKeys = layerArgKeys<SoftmaxLayerArgs>({ axis: true });
  /** The axis normalized over. */
  readonly axis: number;

  constructor(args: SoftmaxLayerArgs = {}) {
    super(args);
    this.axis = checkInteger(this.describe(), 'axis', args.axis ?? -1);
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return softmax(this.singleInput(inputs), this.axis);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), axis: this.axis };
  }
}
registerLayer(Softmax);

/** Arguments of `ELU`. */
export interface ELULayerArgs extends LayerArgs {
  /** The scale of the negative part (default 1). */
  alpha?: number;
}

/**
 * `x` where x > 0, `alpha · (e^x - 1)` elsewhere.
 *
 * @example
 * new ELU({ alpha: 0.5 }).apply(tensor([[-1, 2]])).arraySync(); // [[-0.316, 2]]
 */
export class ELU extends ActivationLayer {
  static override readonly className: string = 'ELU';
  static override readonly argKeys = layerArgKeys<ELULayerArgs>({ alpha: true });
  /** The scale of the negative part. */
  readonly alpha: number;

  constructor(args: ELULayerArgs = {}) {
    super(args);
    this.alpha = checkAtLeast(this.describe(), 'alpha', args.alpha ?? 1);
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return elu(this.singleInput(inputs), this.alpha);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), alpha: this.alpha };
  }
}
registerLayer(ELU);
