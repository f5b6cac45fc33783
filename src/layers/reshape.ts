/** Reshape: gives each sample a new shape with the same number of values. */
import { ShapeError, ValueError } from '../core/errors.js';
import type { ConfigDict } from '../core/serialization.js';
import type { Tensor } from '../core/tensor.js';
import { reshape } from '../ops/shape.js';
import { Layer, layerArgKeys, type LayerArgs } from './layer.js';
import { registerLayer } from './registry.js';
import { fmtSymbolicShape, sizePerSample, type SymbolicShape } from './symbolic-tensor.js';

/** Arguments of `Reshape`. */
export interface ReshapeLayerArgs extends LayerArgs {
  /** The new shape of one sample, without the batch axis; one dimension may be -1 (inferred). */
  targetShape: readonly number[];
}

/**
 * Reshapes each sample to `targetShape`: [batch, ...] → [batch, ...targetShape].
 *
 * @example
 * new Reshape({ targetShape: [28, 28, 1] }); // [batch, 784] → [batch, 28, 28, 1]
 * new Reshape({ targetShape: [-1, 4] });     // [batch, 8] → [batch, 2, 4]
 */
export class Reshape extends Layer {
  static override readonly className: string = 'Reshape';
  static override readonly argKeys = layerArgKeys<ReshapeLayerArgs>({ targetShape: true });
  /** The shape of one output sample (-1 where inferred). */
  readonly targetShape: readonly number[];

  constructor(args: ReshapeLayerArgs) {
    super(args);
    const target = args.targetShape;
    if (!Array.isArray(target) || target.some((d) => d !== -1 && (!Number.isInteger(d) || d < 1)) || target.filter((d) => d === -1).length > 1) {
      throw new ValueError(`${this.describe()}: targetShape must be positive integers with at most one -1, got ${JSON.stringify(target)}.`);
    }
    this.targetShape = [...target];
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = this.singleInput(inputs);
    const out = this.computeOutputShape(x.shape);
    return reshape(x, out as number[]);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const shape = this.singleShape(inputShape);
    const perSample = sizePerSample(shape);
    const known = this.targetShape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const hasUnknown = this.targetShape.includes(-1);
    if (perSample !== null && (hasUnknown ? perSample % known !== 0 : perSample !== known)) {
      throw new ShapeError(
        `${this.describe()} cannot reshape input of shape ${fmtSymbolicShape(shape)} to target shape ${fmtSymbolicShape(this.targetShape)}: ` +
          `each sample has ${perSample} values, ${hasUnknown ? `which is not a multiple of ${known}` : `but the target holds ${known}`}.`,
      );
    }
    const inferred = perSample === null ? null : perSample / known;
    return [shape[0]!, ...this.targetShape.map((d) => (d === -1 ? inferred : d))];
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), targetShape: [...this.targetShape] };
  }
}
registerLayer(Reshape);
