/** Rescaling: multiplies by a scale and adds an offset, e.g. to turn uint8 pixels into [0, 1] inside the model. */
import type { ConfigDict } from '../core/serialization.js';
import type { Tensor } from '../core/tensor.js';
import { checkFinite } from '../core/validate.js';
import { add, cast, mul } from '../ops/index.js';
import { Layer, layerArgKeys, type LayerArgs } from './layer.js';
import { registerLayer } from './registry.js';
import type { SymbolicShape } from './symbolic-tensor.js';

/** Arguments of `Rescaling`. */
export interface RescalingLayerArgs extends LayerArgs {
  /** The factor every value is multiplied by, e.g. `1 / 255`. */
  scale: number;
  /** Added after scaling (default 0), e.g. `-1` with a scale of `1 / 127.5` for [-1, 1]. */
  offset?: number;
}

/**
 * Computes `inputs * scale + offset` in float32. Keeping images as uint8 and rescaling them in the
 * model's first layer stores the data set in a quarter of the memory that float32 would take.
 *
 * @example
 * new Rescaling({ scale: 1 / 255, inputShape: [28, 28] }); // uint8 pixels -> [0, 1]
 */
export class Rescaling extends Layer {
  static override readonly className: string = 'Rescaling';
  static override readonly argKeys = layerArgKeys<RescalingLayerArgs>({ scale: true, offset: true });
  /** The factor every value is multiplied by. */
  readonly scale: number;
  /** What is added after scaling. */
  readonly offset: number;

  constructor(args: RescalingLayerArgs) {
    super(args);
    this.supportsMasking = true;
    this.scale = checkFinite(this.describe(), 'scale', args?.scale);
    this.offset = checkFinite(this.describe(), 'offset', args.offset ?? 0);
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = this.singleInput(inputs);
    const scaled = mul(x.dtype === 'float32' || x.dtype === 'float64' ? x : cast(x, 'float32'), this.scale);
    return this.offset === 0 ? scaled : add(scaled, this.offset);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return this.singleShape(inputShape);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), scale: this.scale, offset: this.offset };
  }
}
registerLayer(Rescaling);
