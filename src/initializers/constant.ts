/** Initializers that fill a weight with one value: zeros, ones, constant. */
import type { DType } from '../core/dtype.js';
import { checkOptions, optionKeys } from '../core/options.js';
import type { ConfigDict } from '../core/serialization.js';
import type { Shape } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { checkFinite } from '../core/validate.js';
import { fill } from '../ops/creation.js';
import { Initializer } from './initializer.js';

/** Arguments of `Constant`. */
export interface ConstantArgs {
  /** The value every element gets (default 0, as in Keras). */
  value?: number;
}

/**
 * Fills the weight with `value`.
 *
 * @example
 * new Constant({ value: 0.1 }).apply([3]).arraySync(); // [0.1, 0.1, 0.1] (in float32)
 */
export class Constant extends Initializer {
  static override readonly className: string = 'Constant';
  /** The fill value. */
  readonly value: number;

  constructor(args: ConstantArgs = {}) {
    super();
    checkOptions('Constant initializer', args, optionKeys<ConstantArgs>({ value: true }));
    this.value = checkFinite('Constant initializer', 'value', args.value ?? 0);
  }

  override apply(shape: Shape, dtype: DType = 'float32'): Tensor {
    return fill(shape, this.value, dtype);
  }

  override getConfig(): ConfigDict {
    return { value: this.value };
  }
}

/** Fills the weight with 0 (Keras's default for biases). */
export class Zeros extends Initializer {
  static override readonly className: string = 'Zeros';

  override apply(shape: Shape, dtype: DType = 'float32'): Tensor {
    return fill(shape, 0, dtype);
  }
}

/** Fills the weight with 1 (the default scale of normalization layers). */
export class Ones extends Initializer {
  static override readonly className: string = 'Ones';

  override apply(shape: Shape, dtype: DType = 'float32'): Tensor {
    return fill(shape, 1, dtype);
  }
}
