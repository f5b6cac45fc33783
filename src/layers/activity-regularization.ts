/** ActivityRegularization: the identity, adding an L1/L2 penalty on its input to the model's loss. */
import type { ConfigDict } from '../core/serialization.js';
import type { Tensor } from '../core/tensor.js';
import { checkNonNegative } from '../core/validate.js';
import { L1L2 } from '../regularizers/l1-l2.js';
import { Layer, layerArgKeys, type LayerArgs } from './layer.js';
import { registerLayer } from './registry.js';
import type { SymbolicShape } from './symbolic-tensor.js';

/** Arguments of `ActivityRegularization`. */
export interface ActivityRegularizationLayerArgs extends Omit<LayerArgs, 'activityRegularizer'> {
  /** The factor of the sum of absolute values (default 0). */
  l1?: number;
  /** The factor of the sum of squares (default 0). */
  l2?: number;
}

/**
 * Passes its input through and adds `l1 · Σ|x| + l2 · Σx²` to the losses of the call — the
 * penalty of a layer's `activityRegularizer`, placed anywhere in a model.
 * NOTE: Keras 3.15 divides every activity penalty by the batch size; Strata's layers (this one
 * included) follow the earlier Keras 3 rule and do not.
 *
 * @example
 * const reg = new ActivityRegularization({ l1: 0.01 });
 * reg.apply(tensor([[1, -2]]));
 * reg.losses[0]!.item(); // 0.03
 */
export class ActivityRegularization extends Layer {
  static override readonly className: string = 'ActivityRegularization';
  static override readonly argKeys = layerArgKeys<ActivityRegularizationLayerArgs>({ l1: true, l2: true }).filter((k) => k !== 'activityRegularizer');
  /** The L1 factor. */
  readonly l1: number;
  /** The L2 factor. */
  readonly l2: number;

  constructor(args: ActivityRegularizationLayerArgs = {}) {
    super(args);
    this.supportsMasking = true;
    this.l1 = checkNonNegative(this.describe(), 'l1', args.l1 ?? 0);
    this.l2 = checkNonNegative(this.describe(), 'l2', args.l2 ?? 0);
    this.activityRegularizer = new L1L2({ l1: this.l1, l2: this.l2 });
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return this.singleInput(inputs);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return this.singleShape(inputShape);
  }

  /** The factors; the regularizer they make is not written (Keras writes none either). */
  override getConfig(): ConfigDict {
    const { activityRegularizer: _made, ...base } = super.getConfig();
    return { ...base, l1: this.l1, l2: this.l2 };
  }
}
registerLayer(ActivityRegularization);
