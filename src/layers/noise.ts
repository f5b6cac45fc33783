/**
 * Noise layers, active only while training (the identity at inference): GaussianNoise adds
 * noise, GaussianDropout multiplies by noise around 1, AlphaDropout drops to SELU's saturation
 * value while keeping the mean and variance — regularizers for self-normalizing networks and
 * against overfitting small data.
 */
import { RandomGenerator, generatorFor } from '../core/random.js';
import type { ConfigDict } from '../core/serialization.js';
import type { Tensor } from '../core/tensor.js';
import { checkInterval, checkSeed } from '../core/validate.js';
import { add, mul } from '../ops/arithmetic.js';
import { greaterEqual, where } from '../ops/compare.js';
import { randomNormal, randomUniform } from '../ops/creation.js';
import { Layer, checkSymbolicShape, layerArgKeys, type CallArgs, type LayerArgs } from './layer.js';
import { registerLayer } from './registry.js';
import type { SymbolicShape } from './symbolic-tensor.js';

/** The argument every noise layer has. */
interface SeededArgs extends LayerArgs {
  /** Makes the sequence of noises reproducible (otherwise drawn from the global seed when the layer is made). */
  seed?: number | null;
}

/** What the noise layers share: a seed, a generator giving each training call its own noise, masks passed on, the shape kept. */
abstract class NoiseLayer extends Layer {
  /** The seed given, or null. */
  readonly seed: number | null;
  /** Gives each training call its own noise: noises differ between calls yet replay from the seed. */
  protected readonly generator: RandomGenerator;

  constructor(args: SeededArgs) {
    super(args);
    this.supportsMasking = true;
    this.seed = checkSeed(this.describe(), 'seed', args.seed);
    this.generator = new RandomGenerator(this.seed ?? generatorFor(undefined).nextUint32());
  }

  /** Whether this call adds noise. */
  protected abstract active(training: boolean): boolean;
  /** The input with noise, for a training call. */
  protected abstract noisy(x: Tensor): Tensor;

  override call(inputs: Tensor | Tensor[], args: CallArgs): Tensor {
    const x = this.singleInput(inputs);
    return this.active(args.training ?? false) ? this.noisy(x) : x;
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return this.singleShape(inputShape);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), seed: this.seed };
  }
}

/** Arguments of `GaussianNoise`. */
export interface GaussianNoiseLayerArgs extends SeededArgs {
  /** The standard deviation of the noise, in [0, 1] (Keras's limits). */
  stddev: number;
}

/**
 * Adds zero-mean normal noise of standard deviation `stddev` to every input while training.
 *
 * @example
 * const layer = new GaussianNoise({ stddev: 0.1, seed: 1 });
 * layer.apply(ones([2, 3]), { training: true }); // ones plus noise
 * layer.apply(ones([2, 3]));                      // ones
 */
export class GaussianNoise extends NoiseLayer {
  static override readonly className: string = 'GaussianNoise';
  static override readonly argKeys = layerArgKeys<GaussianNoiseLayerArgs>({ stddev: true, seed: true });
  /** The noise's standard deviation. */
  readonly stddev: number;

  constructor(args: GaussianNoiseLayerArgs) {
    super(args);
    // NOTE: Keras refuses a standard deviation above 1; so does Strata, so that files agree.
    this.stddev = checkInterval(this.describe(), 'stddev', args.stddev, 0, 1);
  }

  protected override active(training: boolean): boolean {
    return training && this.stddev > 0;
  }

  protected override noisy(x: Tensor): Tensor {
    return add(x, randomNormal(x.shape, 0, this.stddev, { dtype: x.dtype, seed: this.generator }));
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), stddev: this.stddev };
  }
}
registerLayer(GaussianNoise);

/** Arguments of `GaussianDropout`. */
export interface GaussianDropoutLayerArgs extends SeededArgs {
  /** The drop rate of the Bernoulli dropout this stands for, in [0, 1): the noise has standard deviation sqrt(rate / (1 - rate)). */
  rate: number;
}

/**
 * Multiplies every input by normal noise of mean 1 and standard deviation sqrt(rate / (1 - rate))
 * while training: the same mean and variance as dropout of that rate, without zeros.
 *
 * @example
 * const layer = new GaussianDropout({ rate: 0.2, seed: 1 });
 * layer.apply(ones([2, 3]), { training: true }); // values around 1
 */
export class GaussianDropout extends NoiseLayer {
  static override readonly className: string = 'GaussianDropout';
  static override readonly argKeys = layerArgKeys<GaussianDropoutLayerArgs>({ rate: true, seed: true });
  /** The equivalent drop rate. */
  readonly rate: number;

  constructor(args: GaussianDropoutLayerArgs) {
    super(args);
    this.rate = checkInterval(this.describe(), 'rate', args.rate, 0, 1, '[)');
  }

  protected override active(training: boolean): boolean {
    return training && this.rate > 0;
  }

  protected override noisy(x: Tensor): Tensor {
    return mul(x, randomNormal(x.shape, 1, Math.sqrt(this.rate / (1 - this.rate)), { dtype: x.dtype, seed: this.generator }));
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), rate: this.rate };
  }
}
registerLayer(GaussianDropout);

/** Arguments of `AlphaDropout`. */
export interface AlphaDropoutLayerArgs extends SeededArgs {
  /** The fraction of inputs dropped, in [0, 1). */
  rate: number;
  /** The shape of the drop mask, batch axis included; null takes the input's dimension. */
  noiseShape?: SymbolicShape | null;
}

/** SELU's constants: its saturation value for very negative inputs is -SCALE · ALPHA. */
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/**
 * Dropout for self-normalizing (SELU) networks: while training, each input is set with
 * probability `rate` to SELU's saturation value α' = -1.7581, then all are mapped by a·x + b with
 * a = ((1 - rate)(1 + rate·α'²))^-1/2 and b = -a·α'·rate, which keeps inputs of mean 0 and variance 1 so.
 *
 * @example
 * const layer = new AlphaDropout({ rate: 0.1, seed: 1 });
 * layer.apply(randomNormal([4, 8]), { training: true });
 */
export class AlphaDropout extends NoiseLayer {
  static override readonly className: string = 'AlphaDropout';
  static override readonly argKeys = layerArgKeys<AlphaDropoutLayerArgs>({ rate: true, noiseShape: true, seed: true });
  /** The fraction dropped. */
  readonly rate: number;
  /** The mask's shape (null: the input's). */
  readonly noiseShape: SymbolicShape | null;

  constructor(args: AlphaDropoutLayerArgs) {
    super(args);
    this.rate = checkInterval(this.describe(), 'rate', args.rate, 0, 1, '[)');
    if (args.noiseShape) checkSymbolicShape(this.describe(), 'noiseShape', args.noiseShape);
    this.noiseShape = args.noiseShape ?? null;
  }

  protected override active(training: boolean): boolean {
    return training && this.rate > 0;
  }

  protected override noisy(x: Tensor): Tensor {
    const shape = (this.noiseShape ?? x.shape).map((d, i) => d ?? x.shape[i]!);
    const kept = greaterEqual(randomUniform(shape, 0, 1, { dtype: x.dtype, seed: this.generator }), this.rate);
    const alphaP = -SELU_ALPHA * SELU_SCALE;
    const a = ((1 - this.rate) * (1 + this.rate * alphaP ** 2)) ** -0.5;
    const b = -a * alphaP * this.rate;
    return add(mul(where(kept, x, alphaP), a), b);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), rate: this.rate, noiseShape: this.noiseShape ? [...this.noiseShape] : null };
  }
}
registerLayer(AlphaDropout);
