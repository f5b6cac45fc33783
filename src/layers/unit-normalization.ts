/** UnitNormalization: scales each sample's vectors to unit L2 norm. */
import { ValueError } from '../core/errors.js';
import type { ConfigDict } from '../core/serialization.js';
import { normalizeAxis } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { div, maximum } from '../ops/arithmetic.js';
import { sum } from '../ops/sum-broadcast.js';
import { sqrt, square } from '../ops/unary.js';
import { Layer, layerArgKeys, type LayerArgs } from './layer.js';
import { registerLayer } from './registry.js';
import type { SymbolicShape } from './symbolic-tensor.js';

/** Arguments of `UnitNormalization`. */
export interface UnitNormalizationLayerArgs extends LayerArgs {
  /** The axis or axes whose values form one vector (default -1, the features). */
  axis?: number | readonly number[];
}

/** Keras's floor on the norm: a zero vector stays zero instead of dividing by zero. */
const EPSILON = 1e-12;

/**
 * Divides every vector along `axis` by its L2 norm, so it has length 1: `x / max(‖x‖, 1e-12)`.
 * No weights.
 *
 * @example
 * new UnitNormalization().apply(tensor([[3, 4]])).arraySync(); // [[0.6, 0.8]]
 */
export class UnitNormalization extends Layer {
  static override readonly className: string = 'UnitNormalization';
  static override readonly argKeys = layerArgKeys<UnitNormalizationLayerArgs>({ axis: true });
  /** The normalized axis or axes (as given). */
  readonly axis: number | readonly number[];

  constructor(args: UnitNormalizationLayerArgs = {}) {
    super(args);
    this.supportsMasking = true;
    const axis = args.axis ?? -1;
    const list = typeof axis === 'number' ? [axis] : axis;
    if (!Array.isArray(list) || list.length === 0 || list.some((a) => !Number.isInteger(a))) {
      throw new ValueError(`${this.describe()}: axis must be an integer or a non-empty list of them, got ${JSON.stringify(axis)}.`);
    }
    this.axis = typeof axis === 'number' ? axis : [...axis];
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = this.singleInput(inputs);
    const axes = (typeof this.axis === 'number' ? [this.axis] : this.axis).map((a) => normalizeAxis(this.describe(), a, x.rank));
    // sqrt(max(Σx², ε²)) = max(‖x‖, ε), written so that a zero vector has a finite gradient.
    return div(x, sqrt(maximum(sum(square(x), axes, true), EPSILON * EPSILON)));
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const shape = this.singleShape(inputShape);
    for (const a of typeof this.axis === 'number' ? [this.axis] : this.axis) normalizeAxis(this.describe(), a, shape.length);
    return shape;
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), axis: typeof this.axis === 'number' ? this.axis : [...this.axis] };
  }
}
registerLayer(UnitNormalization);
