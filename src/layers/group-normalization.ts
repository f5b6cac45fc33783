/** GroupNormalization: normalizes each sample over groups of channels, independent of the batch. */
import { ShapeError, ValueError } from '../core/errors.js';
import type { ConfigDict } from '../core/serialization.js';
import { normalizeAxis } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { checkInteger, checkPositiveInt } from '../core/validate.js';
import { sub } from '../ops/arithmetic.js';
import { mean } from '../ops/reduction.js';
import { reshape } from '../ops/shape.js';
import { square } from '../ops/unary.js';
import { layerArgKeys } from './layer.js';
import { Normalization, type NormalizationArgs } from './normalization.js';
import { registerLayer } from './registry.js';
import { fmtSymbolicShape, type SymbolicShape } from './symbolic-tensor.js';

/** Arguments of `GroupNormalization`. */
export interface GroupNormalizationLayerArgs extends NormalizationArgs {
  /** The number of groups the channels are split into (default 32); it must divide the channels. 1 is layer normalization over all axes, the channel count instance normalization. */
  groups?: number;
  /** The channels axis (default -1: channels last). */
  axis?: number;
}

/**
 * Group normalization (Wu & He, 2018): the channels are split into `groups` groups and, within
 * each sample, every group is normalized to mean 0 and variance 1 over its channels and all the
 * other axes; then each channel is scaled by `gamma` and shifted by `beta`. The statistics do not
 * depend on the batch, so it behaves the same in training and inference and works with batches
 * of one. Parameters: 2 · channels (gamma, beta).
 *
 * @example
 * new GroupNormalization({ groups: 4 }); // on [n, 16, 16, 32]: groups of 8 channels; 64 parameters
 */
export class GroupNormalization extends Normalization {
  static override readonly className: string = 'GroupNormalization';
  static override readonly argKeys = layerArgKeys<GroupNormalizationLayerArgs>({
    groups: true, axis: true, epsilon: true, center: true, scale: true, betaInitializer: true, gammaInitializer: true, betaRegularizer: true, gammaRegularizer: true,
  });
  /** The number of groups. */
  readonly groups: number;
  /** The channels axis (as given). */
  readonly axis: number;

  constructor(args: GroupNormalizationLayerArgs = {}) {
    super(args);
    this.groups = checkPositiveInt(this.describe(), 'groups', args.groups ?? 32);
    this.axis = checkInteger(this.describe(), 'axis', args.axis ?? -1);
  }

  /** The channels axis for inputs of `rank`. */
  private channelAxis(rank: number): number {
    const axis = normalizeAxis(this.describe(), this.axis, rank);
    if (axis === 0) throw new ValueError(`${this.describe()}: axis ${this.axis} is the batch axis; GroupNormalization normalizes within each sample.`);
    return axis;
  }

  override build(inputShape: SymbolicShape): void {
    const shape = this.singleShape(inputShape);
    const axis = this.channelAxis(shape.length);
    const channels = shape[axis];
    if (channels === null || channels === undefined) throw new ShapeError(`${this.describe()} needs the number of channels (axis ${this.axis}) to make its weights, but it is unknown in shape ${fmtSymbolicShape(shape)}.`);
    if (channels % this.groups !== 0) {
      throw new ValueError(`${this.describe()}: the ${channels} channels of input shape ${fmtSymbolicShape(shape)} cannot be split into ${this.groups} groups; groups must divide the channels (try ${divisors(channels).join(', ')}).`);
    }
    this.buildScaleAndOffset([channels]);
    this.inputSpec = { ndim: shape.length, axes: { [axis]: channels } };
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = this.singleInput(inputs);
    const axis = this.channelAxis(x.rank);
    const channels = x.shape[axis]!;
    // The channels axis split in two, [..., groups, channels / groups, ...]; the statistics are over all but the batch and group axes.
    const grouped = [...x.shape.slice(0, axis), this.groups, channels / this.groups, ...x.shape.slice(axis + 1)];
    const xg = reshape(x, grouped);
    const axes = grouped.map((_, i) => i).filter((i) => i !== 0 && i !== axis);
    const m = mean(xg, axes, true);
    const v = mean(square(sub(xg, m)), axes, true);
    const paramShape = grouped.map((d, i) => (i === axis || i === axis + 1 ? d : 1));
    return reshape(this.normalize(xg, m, v, paramShape), x.shape);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), groups: this.groups, axis: this.axis };
  }
}
registerLayer(GroupNormalization);

/** The divisors of n, for the hint when groups does not divide the channels. */
function divisors(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);
}
