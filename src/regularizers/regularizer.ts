/** The Regularizer base class: a penalty on a weight (or a layer's output) added to the training loss. */
import { classNameOf, type ConfigDict, type Serialized } from '../core/serialization.js';
import type { Tensor } from '../core/tensor.js';

/**
 * Computes a scalar penalty from a tensor. Layers apply kernel and bias regularizers to their
 * weights and an activity regularizer to their output; the penalties are summed into the loss.
 *
 * @example
 * new L2({ l2: 0.5 }).apply(tensor([1, 2])).item(); // 0.5 * (1 + 4) = 2.5
 */
export abstract class Regularizer {
  /** The name the class is serialized and looked up under. */
  static readonly className: string = 'Regularizer';

  /** The penalty for `x`: a scalar tensor, differentiable with respect to `x`. */
  abstract apply(x: Tensor): Tensor;

  /** The constructor arguments, as plain JSON. */
  getConfig(): ConfigDict {
    return {};
  }

  /** `{className, config}`: what `getRegularizer` turns back into an equal regularizer. */
  serialize(): Serialized {
    return { className: classNameOf(this), config: this.getConfig() };
  }
}
