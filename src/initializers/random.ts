/** Initializers that draw from a fixed distribution: random normal, random uniform, truncated normal; and the seeding they share. */
import type { DType } from '../core/dtype.js';
import { ValueError } from '../core/errors.js';
import { checkOptions, optionKeys } from '../core/options.js';
import { generatorFor } from '../core/random.js';
import { classNameOf, type ConfigDict } from '../core/serialization.js';
import type { Shape } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { checkPositive, checkSeed } from '../core/validate.js';
import { randomNormal, randomUniform, truncatedNormal } from '../ops/creation.js';
import { Initializer } from './initializer.js';

/** The seed argument every random initializer takes. */
export interface SeedArgs {
  /**
   * Makes the values reproducible on its own. Without a seed the initializer takes one from the
   * global generator when it is made, so `setSeed` before building a model fixes its weights.
   */
  seed?: number | null;
}

/**
 * Base of the random initializers. As in Keras 3, an initializer draws the same values each time
 * it is applied to the same shape; two initializers made without a seed differ.
 */
export abstract class RandomInitializer extends Initializer {
  /** The seed given, or null (kept so that the config reproduces the arguments). */
  readonly seed: number | null;
  /** The seed actually drawn with. */
  protected readonly drawSeed: number;

  constructor(args: SeedArgs = {}) {
    super();
    const seed = checkSeed(`${classNameOf(this)} initializer`, 'seed', args.seed);
    this.seed = seed;
    this.drawSeed = seed ?? generatorFor(undefined).nextUint32();
  }

  override getConfig(): ConfigDict {
    return { seed: this.seed };
  }
}

/** Arguments of `RandomNormal` and `TruncatedNormal`. */
export interface RandomNormalArgs extends SeedArgs {
  /** Mean (default 0). */
  mean?: number;
  /** Standard deviation (default 0.05, as in Keras). */
  stddev?: number;
}

/** Normal draws N(mean, stddev²) made by `draw`: plain for RandomNormal, with the tails redrawn for TruncatedNormal. */
abstract class NormalInitializer extends RandomInitializer {
  /** Mean of the distribution. */
  readonly mean: number;
  /** Standard deviation of the distribution (before truncation, for TruncatedNormal). */
  readonly stddev: number;
  private readonly draw: typeof randomNormal;

  protected constructor(args: RandomNormalArgs, draw: typeof randomNormal) {
    super(args);
    const who = `${classNameOf(this)} initializer`;
    checkOptions(who, args, optionKeys<RandomNormalArgs>({ seed: true, mean: true, stddev: true }));
    this.mean = args.mean ?? 0;
    this.stddev = checkPositive(who, 'stddev', args.stddev ?? 0.05);
    this.draw = draw;
  }

  override apply(shape: Shape, dtype: DType = 'float32'): Tensor {
    return this.draw(shape, this.mean, this.stddev, { dtype, seed: this.drawSeed });
  }

  override getConfig(): ConfigDict {
    return { mean: this.mean, stddev: this.stddev, ...super.getConfig() };
  }
}

/**
 * Draws from a normal distribution N(mean, stddev²).
 *
 * @example
 * new RandomNormal({ stddev: 0.01, seed: 1 }).apply([100, 10]);
 */
export class RandomNormal extends NormalInitializer {
  static override readonly className: string = 'RandomNormal';

  constructor(args: RandomNormalArgs = {}) {
    super(args, randomNormal);
  }
}

/**
 * Draws from N(mean, stddev²), redrawing values more than two standard deviations from the mean.
 * (The standard deviation of the result is about 0.88 stddev.)
 */
export class TruncatedNormal extends NormalInitializer {
  static override readonly className: string = 'TruncatedNormal';

  constructor(args: RandomNormalArgs = {}) {
    super(args, truncatedNormal);
  }
}

/** Arguments of `RandomUniform`. */
export interface RandomUniformArgs extends SeedArgs {
  /** Lower bound (default -0.05, as in Keras). */
  minval?: number;
  /** Upper bound, excluded (default 0.05). */
  maxval?: number;
}

/** Draws uniformly from [minval, maxval). */
export class RandomUniform extends RandomInitializer {
  static override readonly className: string = 'RandomUniform';
  /** Lower bound. */
  readonly minval: number;
  /** Upper bound (excluded). */
  readonly maxval: number;

  constructor(args: RandomUniformArgs = {}) {
    super(args);
    checkOptions('RandomUniform initializer', args, optionKeys<RandomUniformArgs>({ seed: true, minval: true, maxval: true }));
    this.minval = args.minval ?? -0.05;
    this.maxval = args.maxval ?? 0.05;
    if (!(this.maxval > this.minval)) throw new ValueError(`RandomUniform initializer: maxval (${this.maxval}) must be greater than minval (${this.minval}).`);
  }

  override apply(shape: Shape, dtype: DType = 'float32'): Tensor {
    return randomUniform(shape, this.minval, this.maxval, { dtype, seed: this.drawSeed });
  }

  override getConfig(): ConfigDict {
    return { minval: this.minval, maxval: this.maxval, ...super.getConfig() };
  }
}
