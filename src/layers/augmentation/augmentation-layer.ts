/** The base of the augmentation layers: random image changes made only while training, seeded, and the identity at inference. */
import { ValueError } from '../../core/errors.js';
import { RandomGenerator, generatorFor } from '../../core/random.js';
import type { ConfigDict } from '../../core/serialization.js';
import type { Tensor } from '../../core/tensor.js';
import { checkChoice, checkFinite, checkSeed } from '../../core/validate.js';
import { concat } from '../../ops/slicing.js';
import { fill, randomUniform } from '../../ops/creation.js';
import { FILL_MODES, INTERPOLATIONS, imageTransform, type FillMode, type Interpolation } from '../../ops/image.js';
import { fromChannelsLast, toChannelsLast } from '../channels.js';
import { checkWindowInputRank } from '../conv.js';
import { toDataFormat, type DataFormat } from '../flatten.js';
import { Layer, type CallArgs, type LayerArgs } from '../layer.js';
import type { SymbolicShape } from '../symbolic-tensor.js';

/** Arguments every augmentation layer takes. */
export interface AugmentationLayerArgs extends LayerArgs {
  /** Makes the sequence of random changes reproducible (otherwise drawn from the global seed when the layer is made). */
  seed?: number | null;
  /** Where the channels are: `channelsLast` (default) or `channelsFirst`. */
  dataFormat?: DataFormat | 'channels_last' | 'channels_first';
}

/** A factor as given: one number for ±it, or [lower, upper]. */
export type FactorRange = number | readonly [number, number];

/**
 * Reads a factor as Keras's `_set_factor` does: a number f gives [max(-|f|, min), |f|], a pair is
 * sorted; every bound must lie in [min, max].
 */
export function factorRange(who: string, name: string, factor: FactorRange, [min, max]: readonly [number, number]): [number, number] {
  const pair = typeof factor === 'number' ? [factor] : Array.isArray(factor) && factor.length === 2 ? [...factor] : [];
  if (pair.length === 0 || pair.some((v) => !Number.isFinite(v) || v < min || v > max)) {
    throw new ValueError(`${who}: ${name} must be a number or [lower, upper] with values in [${min}, ${max}], got ${JSON.stringify(factor)}.`);
  }
  if (pair.length === 1) return [Math.max(-Math.abs(pair[0]!), min), Math.abs(pair[0]!)];
  return [Math.min(pair[0]!, pair[1]!), Math.max(pair[0]!, pair[1]!)];
}

/**
 * A factor for a config: a number, or a fresh [lower, upper] array.
 *
 * @example
 * copyFactor([-0.1, 0.2]); // [-0.1, 0.2], a copy
 */
export function copyFactor(f: FactorRange | null): number | number[] | null {
  return f === null || typeof f === 'number' ? f : [...f];
}

/**
 * An image layer that changes its input at random while `training` is true and passes it through
 * otherwise, as Keras 3's augmentation layers do. Subclasses give `augment` (channels-last images in,
 * channels-last images out); random draws go through `draw`, which seeds each call from the layer's
 * generator so that results replay from `seed` (inside `jit` too).
 *
 * @example
 * class RandomNegate extends AugmentationLayer {
 *   protected override augment(x: Tensor): Tensor { return mul(x, sub(mul(step(this.draw([x.shape[0]!, 1, 1, 1], 0, 1), 0.5), 2), 1)); }
 * }
 */
export abstract class AugmentationLayer extends Layer {
  /** The seed given, or null. */
  readonly seed: number | null;
  /** Where the channels are. */
  readonly dataFormat: DataFormat;
  /** Gives each training call its own seed: changes differ between calls yet replay from the seed. */
  private readonly generator: RandomGenerator;

  constructor(args: AugmentationLayerArgs) {
    super(args);
    this.seed = checkSeed(this.describe(), 'seed', args.seed);
    this.dataFormat = toDataFormat(this.describe(), args.dataFormat);
    this.generator = new RandomGenerator(this.seed ?? generatorFor(undefined).nextUint32());
  }

  /** The change itself, on channels-last images [batch, height, width, channels]. */
  protected abstract augment(x: Tensor): Tensor;

  /** Uniform random numbers in [low, high) of `shape`, seeded by this layer's generator; `low` itself when the range is one value (a fixed change). */
  protected draw(shape: number[], low: number, high: number): Tensor {
    return low === high ? fill(shape, low) : randomUniform(shape, low, high, { seed: this.generator });
  }

  protected override checkInputShapes(shapes: readonly SymbolicShape[]): void {
    for (const s of shapes) checkWindowInputRank(this.describe(), s, 2, this.dataFormat);
  }

  override call(inputs: Tensor | Tensor[], args: CallArgs): Tensor {
    const x = this.singleInput(inputs);
    if (!args.training) return x;
    return fromChannelsLast(this.augment(toChannelsLast(x, this.dataFormat)), this.dataFormat);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return this.singleShape(inputShape);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), seed: this.seed, dataFormat: this.dataFormat };
  }
}

/** Arguments of the augmentation layers that move pixels (rotation, zoom, translation). */
export interface TransformLayerArgs extends AugmentationLayerArgs {
  /** How points outside the image are filled: `'reflect'` (default), `'wrap'`, `'constant'` or `'nearest'`. */
  fillMode?: FillMode;
  /** `'bilinear'` (default) or `'nearest'`. */
  interpolation?: Interpolation;
  /** The value outside the image with `fillMode: 'constant'` (default 0). */
  fillValue?: number;
}

/**
 * An augmentation layer that resamples each image through a random affine transform (see
 * `imageTransform`); subclasses give the transforms.
 *
 * @example
 * class RandomShift extends TransformLayer {
 *   protected override transforms(batch: number): Tensor { return affineRows(batch, [1, 0, this.draw([batch, 1], -2, 2), 0, 1, 0]); }
 * }
 */
export abstract class TransformLayer extends AugmentationLayer {
  /** How points outside the image are filled. */
  readonly fillMode: FillMode;
  /** How points between pixels are read. */
  readonly interpolation: Interpolation;
  /** The value outside the image in constant mode. */
  readonly fillValue: number;

  constructor(args: TransformLayerArgs) {
    super(args);
    this.fillMode = checkChoice(this.describe(), 'fillMode', args.fillMode ?? 'reflect', FILL_MODES);
    this.interpolation = checkChoice(this.describe(), 'interpolation', args.interpolation ?? 'bilinear', INTERPOLATIONS);
    this.fillValue = checkFinite(this.describe(), 'fillValue', args.fillValue ?? 0);
  }

  /** The transforms [batch, 8] for a batch of images of `height` × `width` (see `imageTransform`). */
  protected abstract transforms(batch: number, height: number, width: number): Tensor;

  protected override augment(x: Tensor): Tensor {
    const [batch, height, width] = x.shape as [number, number, number];
    return imageTransform(x, this.transforms(batch, height, width), { fillMode: this.fillMode, interpolation: this.interpolation, fillValue: this.fillValue });
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), fillMode: this.fillMode, interpolation: this.interpolation, fillValue: this.fillValue };
  }
}

/**
 * The transforms [batch, 8] from six affine entries [a0, a1, a2, b0, b1, b2], each a number or a
 * [batch, 1] tensor (the projective c0, c1 are 0).
 *
 * @example
 * affineRows(2, [1, 0, shift, 0, 1, 0]); // shift: [2, 1]; rows [1, 0, shift_i, 0, 1, 0, 0, 0]
 */
export function affineRows(batch: number, entries: readonly (number | Tensor)[]): Tensor {
  return concat([...entries, 0, 0].map((e) => (typeof e === 'number' ? fill([batch, 1], e) : e)), 1);
}
