/** RandomContrast: scales each image's deviations from its mean by a random factor while training. */
import { ValueError } from '../../core/errors.js';
import type { ConfigDict } from '../../core/serialization.js';
import type { Tensor } from '../../core/tensor.js';
import { add, clip, mul, sub } from '../../ops/arithmetic.js';
import { mean } from '../../ops/reduction.js';
import { layerArgKeys } from '../layer.js';
import { registerLayer } from '../registry.js';
import { AugmentationLayer, factorRange, type AugmentationLayerArgs, type FactorRange } from './augmentation-layer.js';

/** Arguments of `RandomContrast`. */
export interface RandomContrastLayerArgs extends AugmentationLayerArgs {
  /** f for a contrast factor drawn from [1, 1 + f] (see the note on the class), or [lower, upper] for [1 - lower, 1 + upper], within [0, 1]. */
  factor: FactorRange;
  /** [min, max] of the pixel values; outputs are clipped to it (default [0, 255]). */
  valueRange?: readonly [number, number];
}

/**
 * While training, maps each channel of each image to (x - mean)·c + mean, with mean over the image's
 * pixels and c drawn per image, then clips to `valueRange`; at inference, the identity.
 *
 * NOTE: Keras 3 reads a single factor f as the pair [0, f] (its bounds are [0, 1]) and draws c from
 * [1 - 0, 1 + f]: RandomContrast(0.5) only raises contrast, by up to 50%. Strata does the same; give
 * [f, f] for the symmetric [1 - f, 1 + f].
 *
 * @example
 * const contrast = new RandomContrast({ factor: [0.2, 0.2], valueRange: [0, 1], seed: 1 });
 * contrast.apply(images, { training: true }); // contrast changed by up to ±20%
 */
export class RandomContrast extends AugmentationLayer {
  static override readonly className: string = 'RandomContrast';
  static override readonly argKeys = layerArgKeys<RandomContrastLayerArgs>({ factor: true, valueRange: true, seed: true, dataFormat: true });
  /** [lower, upper] as Keras keeps it: c is drawn from [1 - lower, 1 + upper]. */
  readonly factor: [number, number];
  /** The clipping range. */
  readonly valueRange: [number, number];

  constructor(args: RandomContrastLayerArgs) {
    super(args);
    this.factor = factorRange(this.describe(), 'factor', args.factor, [0, 1]);
    const range = args.valueRange ?? [0, 255];
    if (!Array.isArray(range) || range.length !== 2 || !range.every(Number.isFinite) || range[0] >= range[1]) {
      throw new ValueError(`${this.describe()}: valueRange must be [min, max] with min < max, got ${JSON.stringify(args.valueRange)}.`);
    }
    this.valueRange = [range[0], range[1]];
  }

  protected override augment(x: Tensor): Tensor {
    const c = this.draw([x.shape[0]!, 1, 1, 1], 1 - this.factor[0], 1 + this.factor[1]);
    const m = mean(x, [1, 2], true);
    return clip(add(mul(sub(x, m), c), m), this.valueRange[0], this.valueRange[1]);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), factor: [...this.factor], valueRange: [...this.valueRange] };
  }
}
registerLayer(RandomContrast);
