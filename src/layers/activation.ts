/** Activation: applies an activation function as a layer of its own. */
import { getActivation, serializeActivation, type ActivationFn, type ActivationIdentifier } from '../activations/get-activation.js';
import type { ConfigDict } from '../core/serialization.js';
import type { Tensor } from '../core/tensor.js';
import { Layer, layerArgKeys, type LayerArgs } from './layer.js';
import { registerLayer } from './registry.js';
import type { SymbolicShape } from './symbolic-tensor.js';

/** Arguments of `Activation`. */
export interface ActivationLayerArgs extends LayerArgs {
  /** A name such as `'relu'`, or a registered function. */
  activation: ActivationIdentifier;
}

/**
 * Applies `activation` to its input; the shape is unchanged.
 *
 * @example
 * new Activation({ activation: 'relu' }).apply(tensor([[-1, 2]])).arraySync(); // [[0, 2]]
 */
export class Activation extends Layer {
  static override readonly className: string = 'Activation';
  static override readonly argKeys = layerArgKeys<ActivationLayerArgs>({ activation: true });
  /** The function applied. */
  readonly activation: ActivationFn;

  constructor(args: ActivationLayerArgs) {
    super(args);
    this.supportsMasking = true;
    this.activation = getActivation(args.activation);
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return this.activation(this.singleInput(inputs));
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return this.singleShape(inputShape);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), activation: serializeActivation(this.activation) };
  }
}
registerLayer(Activation);
