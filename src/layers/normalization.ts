/** Normalization layers: BatchNormalization (batch statistics while training, moving averages at inference) and LayerNormalization. */
import { ShapeError, ValueError } from '../core/errors.js';
import type { ConfigDict } from '../core/serialization.js';
import { normalizeAxis } from '../core/shape.js';
import type { Tensor, Variable } from '../core/tensor.js';
import { checkInteger, checkInterval, checkNonNegative } from '../core/validate.js';
import { getInitializer, serializeInitializer, type InitializerIdentifier } from '../initializers/get-initializer.js';
import type { Initializer } from '../initializers/initializer.js';
import { add, div, mul, sub } from '../ops/arithmetic.js';
import { cast } from '../ops/convert.js';
import { mean } from '../ops/reduction.js';
import { reshape, stopGradient } from '../ops/shape.js';
import { broadcastTo, sum } from '../ops/sum-broadcast.js';
import { sqrt, square } from '../ops/unary.js';
import { getRegularizer, serializeRegularizer, type RegularizerIdentifier } from '../regularizers/get-regularizer.js';
import type { Regularizer } from '../regularizers/regularizer.js';
import { Layer, layerArgKeys, type CallArgs, type LayerArgs } from './layer.js';
import { paramFormula, term, type ParamFormula } from './param-formula.js';
import { registerLayer } from './registry.js';
import { fmtSymbolicShape, type SymbolicShape } from './symbolic-tensor.js';

/** Arguments the normalization layers with a learned scale and offset accept. */
export interface NormalizationArgs extends LayerArgs {
  /** A small number added to the variance so that constant inputs do not divide by zero (default 1e-3, as Keras). */
  epsilon?: number;
  /** Whether to add the learned offset `beta` (default true). */
  center?: boolean;
  /** Whether to multiply by the learned scale `gamma` (default true). */
  scale?: boolean;
  /** How beta starts (default `'zeros'`). */
  betaInitializer?: InitializerIdentifier;
  /** How gamma starts (default `'ones'`). */
  gammaInitializer?: InitializerIdentifier;
  /** A penalty on beta (none by default). */
  betaRegularizer?: RegularizerIdentifier | null;
  /** A penalty on gamma (none by default). */
  gammaRegularizer?: RegularizerIdentifier | null;
}

/** What the normalization layers share (BatchNormalization, LayerNormalization, GroupNormalization): epsilon, the learned scale and offset, and applying them. */
export abstract class Normalization extends Layer {
  /** Added to the variance. */
  readonly epsilon: number;
  /** Whether beta is added. */
  readonly center: boolean;
  /** Whether gamma multiplies. */
  readonly scale: boolean;
  /** How beta starts. */
  readonly betaInitializer: Initializer;
  /** How gamma starts. */
  readonly gammaInitializer: Initializer;
  /** Beta's penalty, if any. */
  readonly betaRegularizer: Regularizer | null;
  /** Gamma's penalty, if any. */
  readonly gammaRegularizer: Regularizer | null;
  /** The learned scale (null without `scale`), made on the first call. */
  gamma: Variable | null = null;
  /** The learned offset (null without `center`), made on the first call. */
  beta: Variable | null = null;

  constructor(args: NormalizationArgs) {
    super(args);
    this.supportsMasking = true;
    this.epsilon = checkNonNegative(this.describe(), 'epsilon', args.epsilon ?? 1e-3);
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.betaInitializer = getInitializer(args.betaInitializer ?? 'zeros');
    this.gammaInitializer = getInitializer(args.gammaInitializer ?? 'ones');
    this.betaRegularizer = getRegularizer(args.betaRegularizer);
    this.gammaRegularizer = getRegularizer(args.gammaRegularizer);
  }

  /** Makes gamma and beta of `shape` (Keras's order: gamma first). */
  protected buildScaleAndOffset(shape: number[]): void {
    if (this.scale) this.gamma = this.addWeight('gamma', shape, { initializer: this.gammaInitializer, regularizer: this.gammaRegularizer });
    if (this.center) this.beta = this.addWeight('beta', shape, { initializer: this.betaInitializer, regularizer: this.betaRegularizer });
  }

  /** `2 × c`: a scale (gamma) and an offset (beta) per feature, either left out without `scale` or `center`. */
  override explainParams(): ParamFormula | undefined {
    return this.perFeature(0) ?? super.explainParams();
  }

  /** `n × c`: the learned gamma and beta and `statistics` more numbers per feature; undefined before the layer is built, or without weights. */
  protected perFeature(statistics: number): ParamFormula | undefined {
    const c = (this.gamma ?? this.beta)?.size;
    const n = (this.gamma ? 1 : 0) + (this.beta ? 1 : 0) + statistics;
    if (c === undefined || n === 0) return undefined;
    return n === 1 ? paramFormula`${term('c', c)}` : paramFormula`${n} × ${term('c', c)}`;
  }

  /** (x - mean) / sqrt(variance + epsilon) · gamma + beta, with the statistics and weights reshaped to broadcast over x. */
  protected normalize(x: Tensor, m: Tensor, v: Tensor, paramShape: number[]): Tensor {
    let y = div(sub(x, m), sqrt(add(v, this.epsilon)));
    if (this.gamma) y = mul(y, reshape(this.gamma, paramShape));
    if (this.beta) y = add(y, reshape(this.beta, paramShape));
    return y;
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return this.singleShape(inputShape);
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      betaInitializer: serializeInitializer(this.betaInitializer),
      gammaInitializer: serializeInitializer(this.gammaInitializer),
      betaRegularizer: serializeRegularizer(this.betaRegularizer),
      gammaRegularizer: serializeRegularizer(this.gammaRegularizer),
    };
  }
}

/** Arguments of `BatchNormalization`. */
export interface BatchNormalizationLayerArgs extends NormalizationArgs {
  /** The features axis, normalized per feature (default -1: channels last). */
  axis?: number;
  /** How slowly the moving statistics follow the batches': moving = moving · momentum + batch · (1 - momentum) (default 0.99). */
  momentum?: number;
  /** How the moving mean starts (default `'zeros'`). */
  movingMeanInitializer?: InitializerIdentifier;
  /** How the moving variance starts (default `'ones'`). */
  movingVarianceInitializer?: InitializerIdentifier;
}

/**
 * Batch normalization: each feature is normalized to mean 0 and variance 1, then scaled by gamma
 * and shifted by beta. While training (`training: true`, and the layer trainable) it uses the
 * batch's mean and (biased) variance and moves the non-trainable `moving_mean` and
 * `moving_variance` towards them; at inference it uses those moving statistics. It has 4
 * weights per feature, half of them non-trainable. With a mask, padding steps are left out of
 * the batch statistics.
 *
 * @example
 * new BatchNormalization(); // after Conv2D(32): 4 · 32 = 128 parameters, 64 of them non-trainable
 */
export class BatchNormalization extends Normalization {
  static override readonly className: string = 'BatchNormalization';
  static override readonly argKeys = layerArgKeys<BatchNormalizationLayerArgs>({
    epsilon: true, center: true, scale: true, betaInitializer: true, gammaInitializer: true, betaRegularizer: true, gammaRegularizer: true, axis: true, momentum: true, movingMeanInitializer: true, movingVarianceInitializer: true,
  });
  /** The features axis (as given; negative counts from the end). */
  readonly axis: number;
  /** The weight of the old value in each moving-statistics update. */
  readonly momentum: number;
  /** How the moving mean starts. */
  readonly movingMeanInitializer: Initializer;
  /** How the moving variance starts. */
  readonly movingVarianceInitializer: Initializer;
  /** The moving mean of each feature (non-trainable), made on the first call. */
  movingMean: Variable | null = null;
  /** The moving variance of each feature (non-trainable), made on the first call. */
  movingVariance: Variable | null = null;

  constructor(args: BatchNormalizationLayerArgs = {}) {
    super(args);
    this.axis = checkInteger(this.describe(), 'axis', args.axis ?? -1);
    this.momentum = checkInterval(this.describe(), 'momentum', args.momentum ?? 0.99, 0, 1);
    this.movingMeanInitializer = getInitializer(args.movingMeanInitializer ?? 'zeros');
    this.movingVarianceInitializer = getInitializer(args.movingVarianceInitializer ?? 'ones');
  }

  override build(inputShape: SymbolicShape): void {
    const shape = this.singleShape(inputShape);
    const axis = normalizeAxis(this.describe(), this.axis, shape.length);
    const features = shape[axis];
    if (features === null || features === undefined) {
      throw new ShapeError(`${this.describe()} needs the size of axis ${this.axis} (the features) to make its weights, but it is unknown in shape ${fmtSymbolicShape(shape)}.`);
    }
    this.buildScaleAndOffset([features]);
    this.movingMean = this.addWeight('moving_mean', [features], { initializer: this.movingMeanInitializer, trainable: false });
    this.movingVariance = this.addWeight('moving_variance', [features], { initializer: this.movingVarianceInitializer, trainable: false });
    this.inputSpec = { ndim: shape.length, axes: { [axis]: features } };
  }

  /** `4 × c`: gamma, beta, and the moving mean and variance per feature, of which only gamma and beta are trained. */
  override explainParams(): ParamFormula | undefined {
    if (!this.movingMean) return undefined;
    const learned = this.perFeature(0);
    const all = this.perFeature(2) ?? paramFormula`2 × ${term('c', this.movingMean.size)}`;
    return { ...all, note: learned ? `${learned.symbols} trainable` : 'none trainable' };
  }

  override call(inputs: Tensor | Tensor[], args: CallArgs): Tensor {
    const x = this.singleInput(inputs);
    const axis = normalizeAxis(this.describe(), this.axis, x.rank);
    const paramShape = x.shape.map((d, i) => (i === axis ? d : 1));
    // As in Keras, a frozen layer (trainable false) runs in inference mode even while the model trains.
    if (!args.training || !this.trainable) {
      return this.normalize(x, reshape(this.movingMean!, paramShape), reshape(this.movingVariance!, paramShape), paramShape);
    }
    const axes = x.shape.map((_, i) => i).filter((i) => i !== axis);
    const { m, v } = this.moments(x, axes, args.mask);
    for (const [moving, batch] of [[this.movingMean!, m], [this.movingVariance!, v]] as const) {
      const value = stopGradient(reshape(batch, moving.shape));
      moving.assign(add(mul(moving, this.momentum), mul(value, 1 - this.momentum)));
    }
    return this.normalize(x, m, v, paramShape);
  }

  /** The batch mean and biased variance over `axes` (kept as size 1), over the real steps only when a mask is given. */
  private moments(x: Tensor, axes: number[], mask: CallArgs['mask']): { m: Tensor; v: Tensor } {
    if (!mask || Array.isArray(mask) || mask.rank >= x.rank) {
      const m = mean(x, axes, true);
      return { m, v: mean(square(sub(x, m)), axes, true) };
    }
    const w = reshape(cast(mask, x.dtype), [...mask.shape, ...new Array<number>(x.rank - mask.rank).fill(1)]);
    const count = sum(broadcastTo(w, x.shape), axes, true);
    const m = div(sum(mul(x, w), axes, true), count);
    return { m, v: div(sum(mul(square(sub(x, m)), w), axes, true), count) };
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      axis: this.axis,
      momentum: this.momentum,
      movingMeanInitializer: serializeInitializer(this.movingMeanInitializer),
      movingVarianceInitializer: serializeInitializer(this.movingVarianceInitializer),
    };
  }
}
registerLayer(BatchNormalization);

/** Arguments of `LayerNormalization`. */
export interface LayerNormalizationLayerArgs extends NormalizationArgs {
  /** The axis or axes normalized over, within each sample (default -1: the features). */
  axis?: number | readonly number[];
}

/**
 * Layer normalization: each sample is normalized over `axis` (its features, by default) to mean
 * 0 and variance 1, then scaled by gamma and shifted by beta. It behaves the same in training
 * and inference; 2 weights per feature.
 *
 * @example
 * new LayerNormalization(); // on [batch, steps, 64]: 128 parameters
 */
export class LayerNormalization extends Normalization {
  static override readonly className: string = 'LayerNormalization';
  static override readonly argKeys = layerArgKeys<LayerNormalizationLayerArgs>({ epsilon: true, center: true, scale: true, betaInitializer: true, gammaInitializer: true, betaRegularizer: true, gammaRegularizer: true, axis: true });
  /** The normalized axes (as given). */
  readonly axis: number[];

  constructor(args: LayerNormalizationLayerArgs = {}) {
    super(args);
    const axis = args.axis ?? -1;
    this.axis = typeof axis === 'number' ? [axis] : [...axis];
    if (this.axis.length === 0 || this.axis.some((a) => !Number.isInteger(a))) throw new ValueError(`${this.describe()}: axis must be an integer or a non-empty list of them, got ${JSON.stringify(args.axis)}.`);
  }

  private axesFor(rank: number): number[] {
    const axes = this.axis.map((a) => normalizeAxis(this.describe(), a, rank));
    if (axes.includes(0)) throw new ValueError(`${this.describe()}: axis ${JSON.stringify(this.axis)} includes the batch axis; LayerNormalization normalizes within each sample.`);
    return axes.sort((a, b) => a - b);
  }

  override build(inputShape: SymbolicShape): void {
    const shape = this.singleShape(inputShape);
    const axes = this.axesFor(shape.length);
    const sizes = axes.map((a) => shape[a]);
    if (sizes.some((d) => d === null || d === undefined)) {
      throw new ShapeError(`${this.describe()} needs the sizes of axes ${JSON.stringify(this.axis)} to make its weights, but they are unknown in shape ${fmtSymbolicShape(shape)}.`);
    }
    this.buildScaleAndOffset(sizes as number[]);
    this.inputSpec = { ndim: shape.length, axes: Object.fromEntries(axes.map((a, i) => [a, sizes[i]!])) };
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = this.singleInput(inputs);
    const axes = this.axesFor(x.rank);
    const m = mean(x, axes, true);
    const v = mean(square(sub(x, m)), axes, true);
    return this.normalize(x, m, v, x.shape.map((d, i) => (axes.includes(i) ? d : 1)));
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), axis: [...this.axis] };
  }
}
registerLayer(LayerNormalization);
