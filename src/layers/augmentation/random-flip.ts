/** RandomFlip: mirrors images left–right and/or top–bottom at random while training. */
import type { ConfigDict } from '../../core/serialization.js';
import type { Tensor } from '../../core/tensor.js';
import { checkChoice } from '../../core/validate.js';
import { mul, sub } from '../../ops/arithmetic.js';
import { lessEqual } from '../../ops/compare.js';
import { cast } from '../../ops/convert.js';
import { imageTransform } from '../../ops/image.js';
import { layerArgKeys } from '../layer.js';
import { registerLayer } from '../registry.js';
import { AugmentationLayer, affineRows, type AugmentationLayerArgs } from './augmentation-layer.js';

/** Which flips `RandomFlip` makes. */
export type FlipMode = 'horizontal' | 'vertical' | 'horizontal_and_vertical';

/** Arguments of `RandomFlip`. */
export interface RandomFlipLayerArgs extends AugmentationLayerArgs {
  /** `'horizontal'` (left–right), `'vertical'` (top–bottom) or `'horizontal_and_vertical'` (default). */
  mode?: FlipMode;
}

/**
 * While training, flips each image with probability 1/2; at inference, the identity. In
 * `'horizontal_and_vertical'` mode one draw decides both flips, so an image is either unchanged or
 * turned by 180°.
 *
 * @example
 * const flip = new RandomFlip({ mode: 'horizontal', seed: 1 });
 * flip.apply(images, { training: true }); // about half the images mirrored left–right
 */
export class RandomFlip extends AugmentationLayer {
  static override readonly className: string = 'RandomFlip';
  static override readonly argKeys = layerArgKeys<RandomFlipLayerArgs>({ mode: true, seed: true, dataFormat: true });
  /** Which flips are made. */
  readonly mode: FlipMode;

  constructor(args: RandomFlipLayerArgs = {}) {
    super(args);
    this.mode = checkChoice(this.describe(), 'mode', args.mode ?? 'horizontal_and_vertical', ['horizontal', 'vertical', 'horizontal_and_vertical'] as const);
  }

  protected override augment(x: Tensor): Tensor {
    const [batch, height, width] = x.shape as [number, number, number];
    // NOTE: Keras 3 draws one flip per image and uses it for both axes in 'horizontal_and_vertical'.
    const flip = cast(lessEqual(this.draw([batch, 1], 0, 1), 0.5), 'float32');
    const sign = sub(1, mul(flip, 2));
    const h = this.mode !== 'vertical';
    const v = this.mode !== 'horizontal';
    // A flip maps x to (width - 1) - x: a0 = -1, a2 = width - 1 (rows likewise), exact at whole pixels.
    const rows = affineRows(batch, [h ? sign : 1, 0, h ? mul(flip, width - 1) : 0, 0, v ? sign : 1, v ? mul(flip, height - 1) : 0]);
    return imageTransform(x, rows, { interpolation: 'nearest' });
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), mode: this.mode };
  }
}
registerLayer(RandomFlip);
