/** RandomRotation: turns images by a random angle about their centre while training. */
import type { ConfigDict } from '../../core/serialization.js';
import type { Tensor } from '../../core/tensor.js';
import { add, mul, neg, sub } from '../../ops/arithmetic.js';
import { cos, sin } from '../../ops/unary.js';
import { layerArgKeys } from '../layer.js';
import { registerLayer } from '../registry.js';
import { TransformLayer, affineRows, factorRange, type FactorRange, type TransformLayerArgs } from './augmentation-layer.js';

/** Arguments of `RandomRotation`. */
export interface RandomRotationLayerArgs extends TransformLayerArgs {
  /** The angle as a fraction of a full turn: f for [-f, f] · 360°, or [lower, upper], within [-1, 1]. */
  factor: FactorRange;
}

/**
 * While training, rotates each image about its centre ((width - 1) / 2, (height - 1) / 2) by an angle
 * drawn uniformly from `factor` · 360°, filling the corners as `fillMode` says (default `'reflect'`);
 * at inference, the identity.
 *
 * @example
 * const turn = new RandomRotation({ factor: 0.05, seed: 1 });
 * turn.apply(images, { training: true }); // each image turned by up to ±18°
 */
export class RandomRotation extends TransformLayer {
  static override readonly className: string = 'RandomRotation';
  static override readonly argKeys = layerArgKeys<RandomRotationLayerArgs>({
    factor: true, fillMode: true, interpolation: true, seed: true, fillValue: true, dataFormat: true,
  });
  /** [lower, upper] fractions of a turn (Keras keeps the pair in its config). */
  readonly factor: [number, number];

  constructor(args: RandomRotationLayerArgs) {
    super(args);
    this.factor = factorRange(this.describe(), 'factor', args.factor, [-1, 1]);
  }

  protected override transforms(batch: number, height: number, width: number): Tensor {
    const angle = this.draw([batch, 1], this.factor[0] * 2 * Math.PI, this.factor[1] * 2 * Math.PI);
    const c = cos(angle);
    const s = sin(angle);
    const cx = (width - 1) / 2;
    const cy = (height - 1) / 2;
    // Output pixel p reads centre + R(angle)·(p - centre): Keras's _compute_affine_matrix with scale 1, no shear.
    const a2 = add(sub(cx, mul(c, cx)), mul(s, cy));
    const b2 = sub(sub(cy, mul(s, cx)), mul(c, cy));
    return affineRows(batch, [c, neg(s), a2, s, c, b2]);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), factor: [...this.factor] };
  }
}
registerLayer(RandomRotation);
