/** The Initializer base class (what layers call to fill a new weight) and the fan-in/fan-out rule of variance scaling. */
import type { DType } from '../core/dtype.js';
import { classNameOf, type ConfigDict, type Serialized } from '../core/serialization.js';
import type { Shape } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';

/**
 * Makes the first value of a weight. Subclasses implement `apply`; `getConfig` returns the
 * arguments that recreate the initializer, so layers can be saved as JSON.
 *
 * @example
 * const w = new GlorotUniform({ seed: 1 }).apply([784, 100]);
 */
export abstract class Initializer {
  /** The name the class is serialized and looked up under. */
  static readonly className: string = 'Initializer';

  /** A new tensor of `shape` and `dtype` (float32 by default) holding initial values. */
  abstract apply(shape: Shape, dtype?: DType): Tensor;

  /** The constructor arguments, as plain JSON. */
  getConfig(): ConfigDict {
    return {};
  }

  /** `{className, config}`: what `getInitializer` turns back into an equal initializer. */
  serialize(): Serialized {
    return { className: classNameOf(this), config: this.getConfig() };
  }
}

/**
 * The number of inputs and outputs each unit of a weight connects (Keras's rule): a matrix
 * [in, out] gives (in, out); a convolution kernel [...receptive field, in, out] multiplies both by
 * the receptive field's size; a vector of n gives (n, n) and a scalar (1, 1).
 *
 * @example
 * computeFans([3, 3, 16, 32]); // [144, 288]
 */
export function computeFans(shape: Shape): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0]!, shape[0]!];
  const receptiveField = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return [shape[shape.length - 2]! * receptiveField, shape[shape.length - 1]! * receptiveField];
}
