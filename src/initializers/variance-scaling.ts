/**
 * Variance scaling: random weights whose variance is `scale / fan`, which keeps activations at a
 * steady size from layer to layer. Glorot (Xavier), He and LeCun initializers are its named cases.
 */
import type { DType } from '../core/dtype.js';
import { checkOptions, optionKeys } from '../core/options.js';
import { classNameOf, type ConfigDict } from '../core/serialization.js';
import type { Shape } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { checkPositive, checkSpelledChoice } from '../core/validate.js';
import { randomNormal, randomUniform, truncatedNormal } from '../ops/creation.js';
import { computeFans } from './initializer.js';
import { RandomInitializer, type SeedArgs } from './random.js';

/** Which fan divides the scale: inputs, outputs, or their mean. */
export type FanMode = 'fanIn' | 'fanOut' | 'fanAvg';
/** The distribution drawn from; `truncatedNormal` redraws values beyond two standard deviations. */
export type ScalingDistribution = 'truncatedNormal' | 'untruncatedNormal' | 'uniform';

/** Arguments of `VarianceScaling`. Keras's snake_case values (`fan_avg`, `truncated_normal`) are accepted too. */
export interface VarianceScalingArgs extends SeedArgs {
  /** Multiplies the variance (default 1). */
  scale?: number;
  /** Default `fanIn`. */
  mode?: FanMode | 'fan_in' | 'fan_out' | 'fan_avg';
  /** Default `truncatedNormal`. */
  distribution?: ScalingDistribution | 'truncated_normal' | 'untruncated_normal' | 'normal';
}

/**
 * The standard deviation of a standard normal truncated to [-2, 2]: dividing by it gives a
 * truncated normal the variance asked for.
 */
const TRUNCATED_STDDEV = 0.87962566103423978;

const WHO = 'VarianceScaling initializer';

/**
 * With n the fan chosen by `mode` (see `computeFans`): a normal with stddev sqrt(scale / n)
 * (truncated at two standard deviations, then rescaled), or a uniform on [-limit, limit] with
 * limit = sqrt(3 scale / n).
 *
 * @example
 * new VarianceScaling({ scale: 2, mode: 'fanIn', distribution: 'uniform' }); // = heUniform()
 */
export class VarianceScaling extends RandomInitializer {
  static override readonly className: string = 'VarianceScaling';
  /** Multiplies the variance. */
  readonly scale: number;
  /** Which fan divides the scale. */
  readonly mode: FanMode;
  /** The distribution drawn from. */
  readonly distribution: ScalingDistribution;

  constructor(args: VarianceScalingArgs = {}) {
    super(args);
    checkOptions(WHO, args, optionKeys<VarianceScalingArgs>({ seed: true, scale: true, mode: true, distribution: true }));
    this.scale = checkPositive(WHO, 'scale', args.scale ?? 1);
    this.mode = checkSpelledChoice(WHO, 'mode', args.mode ?? 'fanIn', ['fanIn', 'fanOut', 'fanAvg'] as const);
    const distribution = args.distribution === 'normal' ? 'truncatedNormal' : (args.distribution ?? 'truncatedNormal');
    this.distribution = checkSpelledChoice(WHO, 'distribution', distribution, ['truncatedNormal', 'untruncatedNormal', 'uniform'] as const);
  }

  override apply(shape: Shape, dtype: DType = 'float32'): Tensor {
    const [fanIn, fanOut] = computeFans(shape);
    const fan = this.mode === 'fanIn' ? fanIn : this.mode === 'fanOut' ? fanOut : (fanIn + fanOut) / 2;
    const variance = this.scale / Math.max(1, fan);
    const args = { dtype, seed: this.drawSeed };
    if (this.distribution === 'uniform') {
      const limit = Math.sqrt(3 * variance);
      return randomUniform(shape, -limit, limit, args);
    }
    if (this.distribution === 'untruncatedNormal') return randomNormal(shape, 0, Math.sqrt(variance), args);
    return truncatedNormal(shape, 0, Math.sqrt(variance) / TRUNCATED_STDDEV, args);
  }

  override getConfig(): ConfigDict {
    return { scale: this.scale, mode: this.mode, distribution: this.distribution, ...super.getConfig() };
  }
}

/** A variance-scaling initializer with fixed scale, mode and distribution, configured by its seed alone. */
abstract class NamedScaling extends VarianceScaling {
  constructor(args: SeedArgs, scale: number, mode: FanMode, distribution: ScalingDistribution) {
    super({ seed: args.seed ?? null, scale, mode, distribution });
    checkOptions(`${classNameOf(this)} initializer`, args, optionKeys<SeedArgs>({ seed: true }));
  }

  override getConfig(): ConfigDict {
    return { seed: this.seed };
  }
}

/**
 * Glorot (Xavier) uniform: U[-limit, limit] with limit = sqrt(6 / (fanIn + fanOut)). Keras's
 * default for Dense and convolution kernels.
 *
 * @example
 * new GlorotUniform({ seed: 0 }).apply([784, 100]); // limit = sqrt(6 / 884) ≈ 0.0824
 */
export class GlorotUniform extends NamedScaling {
  static override readonly className: string = 'GlorotUniform';
  constructor(args: SeedArgs = {}) {
    super(args, 1, 'fanAvg', 'uniform');
  }
}

/** Glorot (Xavier) normal: a normal truncated at two standard deviations whose standard deviation, after truncation, is sqrt(2 / (fanIn + fanOut)). */
export class GlorotNormal extends NamedScaling {
  static override readonly className: string = 'GlorotNormal';
  constructor(args: SeedArgs = {}) {
    super(args, 1, 'fanAvg', 'truncatedNormal');
  }
}

/** He normal: a truncated normal whose standard deviation, after truncation, is sqrt(2 / fanIn); suits ReLU layers. */
export class HeNormal extends NamedScaling {
  static override readonly className: string = 'HeNormal';
  constructor(args: SeedArgs = {}) {
    super(args, 2, 'fanIn', 'truncatedNormal');
  }
}

/** He uniform: U[-limit, limit] with limit = sqrt(6 / fanIn). */
export class HeUniform extends NamedScaling {
  static override readonly className: string = 'HeUniform';
  constructor(args: SeedArgs = {}) {
    super(args, 2, 'fanIn', 'uniform');
  }
}

/** LeCun normal: a truncated normal whose standard deviation, after truncation, is sqrt(1 / fanIn); suits SELU layers. */
export class LecunNormal extends NamedScaling {
  static override readonly className: string = 'LecunNormal';
  constructor(args: SeedArgs = {}) {
    super(args, 1, 'fanIn', 'truncatedNormal');
  }
}

/** LeCun uniform: U[-limit, limit] with limit = sqrt(3 / fanIn). */
export class LecunUniform extends NamedScaling {
  static override readonly className: string = 'LecunUniform';
  constructor(args: SeedArgs = {}) {
    super(args, 1, 'fanIn', 'uniform');
  }
}
