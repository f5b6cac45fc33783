/** RandomTranslation: shifts images by a random fraction of their size while training. */
import type { ConfigDict } from '../../core/serialization.js';
import type { Tensor } from '../../core/tensor.js';
import { mul } from '../../ops/arithmetic.js';
import { layerArgKeys } from '../layer.js';
import { registerLayer } from '../registry.js';
import { TransformLayer, affineRows, copyFactor, factorRange, type FactorRange, type TransformLayerArgs } from './augmentation-layer.js';

/** Arguments of `RandomTranslation`. */
export interface RandomTranslationLayerArgs extends TransformLayerArgs {
  /** The vertical shift as a fraction of the height: f for [-f, f], or [lower, upper] (negative moves up), within [-1, 1]. */
  heightFactor: FactorRange;
  /** The horizontal shift as a fraction of the width: f for [-f, f], or [lower, upper] (negative moves left), within [-1, 1]. */
  widthFactor: FactorRange;
}

/**
 * While training, shifts each image by dy = u·height and dx = v·width pixels, u and v drawn
 * uniformly from the factors' ranges (not rounded: bilinear reads between pixels), filling what comes
 * in as `fillMode` says (default `'reflect'`); at inference, the identity.
 *
 * @example
 * const shift = new RandomTranslation({ heightFactor: 0.1, widthFactor: 0.1, seed: 1 });
 * shift.apply(images, { training: true }); // each image moved by up to 10% each way
 */
export class RandomTranslation extends TransformLayer {
  static override readonly className: string = 'RandomTranslation';
  static override readonly argKeys = layerArgKeys<RandomTranslationLayerArgs>({
    heightFactor: true, widthFactor: true, fillMode: true, interpolation: true, seed: true, fillValue: true, dataFormat: true,
  });
  /** The factors as given. */
  readonly heightFactor: FactorRange;
  readonly widthFactor: FactorRange;
  private readonly heightRange: [number, number];
  private readonly widthRange: [number, number];

  constructor(args: RandomTranslationLayerArgs) {
    super(args);
    this.heightFactor = args.heightFactor;
    this.widthFactor = args.widthFactor;
    this.heightRange = factorRange(this.describe(), 'heightFactor', args.heightFactor, [-1, 1]);
    this.widthRange = factorRange(this.describe(), 'widthFactor', args.widthFactor, [-1, 1]);
  }

  protected override transforms(batch: number, height: number, width: number): Tensor {
    const dy = mul(this.draw([batch, 1], ...this.heightRange), -height);
    const dx = mul(this.draw([batch, 1], ...this.widthRange), -width);
    return affineRows(batch, [1, 0, dx, 0, 1, dy]);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), heightFactor: copyFactor(this.heightFactor), widthFactor: copyFactor(this.widthFactor) };
  }
}
registerLayer(RandomTranslation);

