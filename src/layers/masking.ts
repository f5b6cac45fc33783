/** Masking: marks the steps of a sequence whose features all equal a padding value, so the layers after it skip them. */
import type { ConfigDict } from '../core/serialization.js';
import type { Tensor } from '../core/tensor.js';
import { checkFinite } from '../core/validate.js';
import { notEqual, where } from '../ops/compare.js';
import { cast } from '../ops/convert.js';
import { max } from '../ops/reduction.js';
import { Layer, layerArgKeys, type Mask, type LayerArgs } from './layer.js';
import { registerLayer } from './registry.js';
import type { SymbolicShape } from './symbolic-tensor.js';

/** Arguments of `Masking`. */
export interface MaskingLayerArgs extends LayerArgs {
  /** The padding value: a step is masked when every feature equals it (default 0). */
  maskValue?: number;
}

/** True at the steps with some feature other than `value`: [batch, steps, features] → [batch, steps] (bool). */
function realSteps(x: Tensor, value: number, keepDims: boolean): Tensor {
  return cast(max(cast(notEqual(x, value), 'float32'), -1, keepDims), 'bool');
}

/**
 * Masks the steps of [batch, steps, features] whose features all equal `maskValue`: the output
 * is the input with those steps set to 0, and its mask (false there) tells the recurrent layers,
 * pooling and merges after it to skip them — the way to feed padded float sequences to an LSTM.
 *
 * @example
 * const x = tensor([[[1, 2], [0, 0], [3, 0]]]);
 * const masking = new Masking();
 * masking.computeMask(x, null).arraySync(); // [[true, false, true]]
 */
export class Masking extends Layer {
  static override readonly className: string = 'Masking';
  static override readonly argKeys = layerArgKeys<MaskingLayerArgs>({ maskValue: true });
  /** The padding value. */
  readonly maskValue: number;

  constructor(args: MaskingLayerArgs = {}) {
    super(args);
    this.supportsMasking = true;
    this.maskValue = checkFinite(this.describe(), 'maskValue', args.maskValue ?? 0);
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = this.singleInput(inputs);
    // NOTE: as Keras, masked steps become 0 whatever the padding value was.
    return where(realSteps(x, this.maskValue, true), x, 0);
  }

  override computeMask(inputs: Tensor | Tensor[], _mask: Mask = null): Tensor {
    return realSteps(this.singleInput(inputs), this.maskValue, false);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return this.singleShape(inputShape);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), maskValue: this.maskValue };
  }
}
registerLayer(Masking);
