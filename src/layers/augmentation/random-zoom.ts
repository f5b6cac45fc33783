/** RandomZoom: zooms images in or out about their centre by a random amount while training. */
import type { ConfigDict } from '../../core/serialization.js';
import type { Tensor } from '../../core/tensor.js';
import { mul, sub } from '../../ops/arithmetic.js';
import { layerArgKeys } from '../layer.js';
import { registerLayer } from '../registry.js';
import { TransformLayer, affineRows, copyFactor, factorRange, type FactorRange, type TransformLayerArgs } from './augmentation-layer.js';

/** Arguments of `RandomZoom`. */
export interface RandomZoomLayerArgs extends TransformLayerArgs {
  /**
   * The vertical zoom: f for [-f, f], or [lower, upper], within (-1, 1]. The image is read over
   * (1 + u) of its height: positive u zooms out (the image shrinks), negative zooms in.
   */
  heightFactor: FactorRange;
  /** The horizontal zoom, as `heightFactor`; null (default) zooms both ways by the same draw, keeping the aspect ratio. */
  widthFactor?: FactorRange | null;
}

/**
 * While training, scales each image about its centre: output pixel (x, y) reads
 * (cx + zx·(x - cx), cy + zy·(y - cy)) with zy = 1 + u, u drawn from `heightFactor` (zx likewise, or
 * zx = zy); at inference, the identity.
 *
 * @example
 * const zoom = new RandomZoom({ heightFactor: [-0.2, 0.2], seed: 1 });
 * zoom.apply(images, { training: true }); // each image zoomed in or out by up to 20%
 */
export class RandomZoom extends TransformLayer {
  static override readonly className: string = 'RandomZoom';
  static override readonly argKeys = layerArgKeys<RandomZoomLayerArgs>({
    heightFactor: true, widthFactor: true, fillMode: true, interpolation: true, seed: true, fillValue: true, dataFormat: true,
  });
  /** The factors as given. */
  readonly heightFactor: FactorRange;
  readonly widthFactor: FactorRange | null;
  private readonly heightRange: [number, number];
  private readonly widthRange: [number, number] | null;

  constructor(args: RandomZoomLayerArgs) {
    super(args);
    this.heightFactor = args.heightFactor;
    this.widthFactor = args.widthFactor ?? null;
    this.heightRange = factorRange(this.describe(), 'heightFactor', args.heightFactor, [-1, 1]);
    this.widthRange = this.widthFactor === null ? null : factorRange(this.describe(), 'widthFactor', this.widthFactor, [-1, 1]);
  }

  protected override transforms(batch: number, height: number, width: number): Tensor {
    const zy = this.draw([batch, 1], 1 + this.heightRange[0], 1 + this.heightRange[1]);
    const zx = this.widthRange ? this.draw([batch, 1], 1 + this.widthRange[0], 1 + this.widthRange[1]) : zy;
    return affineRows(batch, [zx, 0, mul(sub(1, zx), (width - 1) / 2), 0, zy, mul(sub(1, zy), (height - 1) / 2)]);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), heightFactor: copyFactor(this.heightFactor), widthFactor: copyFactor(this.widthFactor) };
  }
}
registerLayer(RandomZoom);
