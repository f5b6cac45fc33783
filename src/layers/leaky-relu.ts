/** LeakyReLU: the leaky rectifier as a layer of its own, with its slope below zero as an argument (Keras's `LeakyReLU`). */
import { ValueError } from '../core/errors.js';
import type { ConfigDict } from '../core/serialization.js';
import type { Tensor } from '../core/tensor.js';
import { leakyRelu } from '../ops/activations.js';
import { Layer, layerArgKeys, type LayerArgs } from './layer.js';
import { registerLayer } from './registry.js';
import type { SymbolicShape } from './symbolic-tensor.js';

/** Arguments of `LeakyReLU`. */
export interface LeakyReLULayerArgs extends LayerArgs {
  /** The slope for inputs below zero (default 0.3, Keras's default for the layer; the `'leaky_relu'` activation uses 0.2). */
  negativeSlope?: number;
}

/**
 * `x` where x > 0, `negativeSlope · x` elsewhere; the shape is unchanged. Keras 2 and TF.js call
 * the slope `alpha`; Keras 3 calls it `negative_slope`.
 *
 * @example
 * new LeakyReLU({ negativeSlope: 0.1 }).apply(tensor([[-2, 3]])).arraySync(); // [[-0.2, 3]]
 */
export class LeakyReLU extends Layer {
  static override readonly className: string = 'LeakyReLU';
  static override readonly argKeys = layerArgKeys<LeakyReLULayerArgs>({ negativeSlope: true });
  /** The slope for inputs below zero. */
  readonly negativeSlope: number;

  constructor(args: LeakyReLULayerArgs = {}) {
    super(args);
    this.supportsMasking = true;
    this.negativeSlope = args.negativeSlope ?? 0.3;
    if (typeof this.negativeSlope !== 'number' || !Number.isFinite(this.negativeSlope) || this.negativeSlope < 0) {
      throw new ValueError(`${this.describe()}: negativeSlope must be a finite number >= 0, got ${JSON.stringify(args.negativeSlope)}.`);
    }
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return leakyRelu(this.singleInput(inputs), this.negativeSlope);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return this.singleShape(inputShape);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), negativeSlope: this.negativeSlope };
  }
}
registerLayer(LeakyReLU);
