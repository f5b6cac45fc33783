/**
 * Normalization: shifts and scales inputs to mean 0 and variance 1 per feature, with the mean and
 * variance given or learned by `adapt` (or undoes that with `invert`).
 */
import type { DType } from '../../core/dtype.js';
import { ShapeError, ValueError, fmtShape } from '../../core/errors.js';
import type { ConfigDict } from '../../core/serialization.js';
import { sizeOf } from '../../core/shape.js';
import type { StringTensor } from '../../core/string-tensor.js';
import type { Tensor, Variable } from '../../core/tensor.js';
import { checkBoolean } from '../../core/validate.js';
import { add, div, maximum, mul, sub } from '../../ops/arithmetic.js';
import { cast } from '../../ops/convert.js';
import { scalar, tensor } from '../../ops/creation.js';
import { reshape } from '../../ops/shape.js';
import { sqrt } from '../../ops/unary.js';
import { layerArgKeys, type LayerArgs, type LayerInput } from '../layer.js';
import { paramFormula, term, type ParamFormula } from '../param-formula.js';
import { registerLayer } from '../registry.js';
import { fmtSymbolicShape, type SymbolicShape } from '../symbolic-tensor.js';
import { PreprocessingLayer } from './preprocessing-layer.js';

/** Nested arrays of numbers, or one number: a given mean or variance. */
type Statistic = number | readonly Statistic[];

/** Arguments of `Normalization` (Keras's names and defaults). */
export interface NormalizationLayerArgs extends LayerArgs {
  /**
   * The axis (or axes) that keep a mean and variance of their own, the others being averaged over
   * (default -1: one per feature of the last axis); null for one mean and variance over everything.
   */
  axis?: number | readonly number[] | null;
  /** The mean to subtract (a number, or one per kept position); with `variance`, instead of `adapt`. */
  mean?: Statistic | null;
  /** The variance to divide by the square root of; given with `mean`. */
  variance?: Statistic | null;
  /** Undo the normalization: output `mean + x · sqrt(variance)` (default false). */
  invert?: boolean;
}

/** The smallest standard deviation divided by (Keras's `backend.epsilon()`), so constant features do not divide by zero. */
const MIN_STD = 1e-7;

/**
 * Computes `(x - mean) / sqrt(variance)` per kept position (per feature by default), in float32.
 * The statistics are given (`mean`, `variance`) or learned by `adapt` — then they are
 * non-trainable weights `mean` and `variance` (and Keras's `count`), so saved models keep them.
 * An unadapted layer without statistics passes its input through (mean 0, variance 1), as Keras's.
 * Parameters: 2 · (kept positions) + 1, none trainable.
 *
 * @example
 * const norm = new Normalization();
 * norm.adapt(tensor([[1, 10], [3, 30]]));   // mean [2, 20], variance [1, 100]
 * norm.apply(tensor([[2, 40]])).arraySync(); // [[0, 2]]
 */
export class Normalization extends PreprocessingLayer {
  static override readonly className: string = 'Normalization';
  static override readonly argKeys = layerArgKeys<NormalizationLayerArgs>({ axis: true, mean: true, variance: true, invert: true });
  /** The kept axes, as given (negative counts from the end). */
  readonly axis: readonly number[];
  /** Whether the layer undoes the normalization. */
  readonly invert: boolean;
  /** The statistics given to the constructor, if any. */
  private readonly inputMean: Statistic | null;
  private readonly inputVariance: Statistic | null;
  /** The adapted statistics (when none were given), made by `build`. */
  private meanWeight: Variable | null = null;
  private varianceWeight: Variable | null = null;
  private countWeight: Variable | null = null;
  /** The kept axes (non-negative, sorted) and the shape the statistics broadcast as, once built. */
  private keepAxes: number[] = [];
  private broadcastShape: number[] = [];
  /** Running sums of `adapt`: the values seen, their mean and sum of squared deviations (Chan et al.'s parallel update). */
  private seen = 0;
  private runningMean: Float64Array | null = null;
  private runningM2: Float64Array | null = null;

  constructor(args: NormalizationLayerArgs = {}) {
    super(args);
    const who = this.describe();
    this.supportsMasking = true;
    const axis = args.axis === undefined ? [-1] : args.axis === null ? [] : typeof args.axis === 'number' ? [args.axis] : [...args.axis];
    if (!axis.every((a) => Number.isInteger(a))) throw new ValueError(`${who}: axis must be an integer, a list of integers or null, got ${JSON.stringify(args.axis)}.`);
    this.axis = axis;
    this.invert = checkBoolean(who, 'invert', args.invert ?? false);
    this.inputMean = args.mean ?? null;
    this.inputVariance = args.variance ?? null;
    if ((this.inputMean === null) !== (this.inputVariance === null)) {
      throw new ValueError(`${who}: give both mean and variance, or neither (and call adapt); got only ${this.inputMean === null ? 'variance' : 'mean'}.`);
    }
    if (this.inputMean !== null) {
      const [ms, vs] = [statisticShape(this.inputMean), statisticShape(this.inputVariance!)];
      if (fmtShape(ms) !== fmtShape(vs)) throw new ShapeError(`${who}: mean and variance must have one shape; got ${fmtShape(ms)} and ${fmtShape(vs)}.`);
      if (ms.length > axis.length) throw new ShapeError(`${who}: a mean of rank ${ms.length} needs as many kept axes; axis is ${JSON.stringify(args.axis ?? -1)}.`);
      this.adapted = true;
    }
  }

  override build(inputShape: SymbolicShape): void {
    const shape = this.singleShape(inputShape);
    const who = this.describe();
    const rank = shape.length;
    for (const a of this.axis) if (a < -rank || a >= rank) throw new ValueError(`${who}: axis ${a} is out of range for inputs of rank ${rank} (shape ${fmtSymbolicShape(shape)}).`);
    this.keepAxes = [...new Set(this.axis.map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
    const kept = this.keepAxes.map((d) => {
      const size = shape[d];
      if (size === null || size === undefined) throw new ShapeError(`${who}: the kept axis ${d} of inputs ${fmtSymbolicShape(shape)} must have a known size.`);
      return size;
    });
    this.broadcastShape = shape.map((s, d) => (this.keepAxes.includes(d) ? s! : 1));
    if (this.inputMean !== null) return;
    // Keras's weights, in its order: the adapted mean, variance, and a count of the values seen.
    this.meanWeight = this.addStateWeight('mean', kept, 'zeros');
    this.varianceWeight = this.addStateWeight('variance', kept, 'ones');
    this.countWeight = this.addStateWeight('count', [], 'zeros', 'int32');
  }

  override resetState(): void {
    this.seen = 0;
    this.runningMean = null;
    this.runningM2 = null;
  }

  /**
   * Takes one batch into the running mean and variance: the batch's own (two passes over it, in
   * float64) merged with the running ones by Chan et al.'s update, which stays accurate over many batches.
   */
  override updateState(batch: Tensor | StringTensor): void {
    if (batch.dtype === 'string') throw new ValueError(`${this.describe()}.adapt expects numbers, got a StringTensor of shape ${fmtShape(batch.shape)}.`);
    if (this.inputMean !== null) throw new ValueError(`${this.describe()}: cannot adapt a layer given its mean and variance.`);
    this.ensureBuilt(batch.shape);
    for (const d of this.keepAxes) {
      if (batch.shape[d] !== this.broadcastShape[d]) {
        throw new ShapeError(`${this.describe()}.adapt: the layer keeps axes ${JSON.stringify(this.keepAxes)} of size ${JSON.stringify(this.keepAxes.map((k) => this.broadcastShape[k]))}, but a batch has shape ${fmtShape(batch.shape)}.`);
      }
    }
    const values = batch.dataSync();
    const positions = sizeOf(this.broadcastShape);
    const n = values.length / Math.max(1, positions);
    const mean = new Float64Array(positions);
    const m2 = new Float64Array(positions);
    const position = positionOf(batch.shape, this.keepAxes);
    for (let i = 0; i < values.length; i++) mean[position(i)]! += Number(values[i]);
    for (let p = 0; p < positions; p++) mean[p]! /= n;
    for (let i = 0; i < values.length; i++) {
      const d = Number(values[i]) - mean[position(i)]!;
      m2[position(i)]! += d * d;
    }
    if (this.runningMean === null || this.runningM2 === null) {
      [this.runningMean, this.runningM2, this.seen] = [mean, m2, n];
      return;
    }
    const total = this.seen + n;
    for (let p = 0; p < positions; p++) {
      const delta = mean[p]! - this.runningMean[p]!;
      this.runningMean[p]! += (delta * n) / total;
      this.runningM2[p]! += m2[p]! + (delta * delta * this.seen * n) / total;
    }
    this.seen = total;
  }

  override finalizeState(): void {
    if (this.runningMean === null || this.runningM2 === null) return;
    const [m, m2, n] = [this.runningMean, this.runningM2, this.seen];
    const kept = this.meanWeight!.shape;
    this.meanWeight!.assign(tensor(Float32Array.from(m), kept));
    this.varianceWeight!.assign(tensor(Float32Array.from(m2, (s) => s / n), kept));
    // NOTE: Keras 3 leaves `count` at 0 (it only reads mean and variance); Strata stores the number
    // of values each statistic was computed from, which Keras ignores when it loads the file.
    this.countWeight!.assign(scalar(n, 'int32'));
    this.resetState();
  }

  override call(inputs: LayerInput | LayerInput[]): Tensor {
    const x = this.singleInput(inputs);
    if (x.dtype === 'string') throw new ValueError(`${this.describe()} expects numbers, got a StringTensor of shape ${fmtShape(x.shape)}.`);
    const input = x.dtype === 'float32' || x.dtype === 'float64' ? x : cast(x, 'float32');
    const [mean, variance] = this.statistics(input.dtype);
    const std = maximum(sqrt(variance), MIN_STD);
    return this.invert ? add(mean, mul(input, std)) : div(sub(input, mean), std);
  }

  /** The mean and variance, shaped to broadcast over the input. */
  private statistics(dtype: DType): [Tensor, Tensor] {
    if (this.meanWeight && this.varianceWeight) return [cast(reshape(this.meanWeight, this.broadcastShape), dtype), cast(reshape(this.varianceWeight, this.broadcastShape), dtype)];
    const given = (s: Statistic): Tensor => {
      const flat = flatten(s);
      const shape = statisticShape(s);
      // A scalar applies everywhere; otherwise the statistic's axes are the last kept axes, as in Keras.
      const full = this.broadcastShape.map((size, d) => (shape.length === 0 ? 1 : this.keepAxes.slice(-shape.length).includes(d) ? size : 1));
      if (sizeOf(full) !== flat.length) throw new ShapeError(`${this.describe()}: a given statistic of shape ${fmtShape(shape)} does not fit the kept axes of size ${JSON.stringify(this.keepAxes.map((k) => this.broadcastShape[k]))}.`);
      return tensor(flat, full, dtype);
    };
    return [given(this.inputMean!), given(this.inputVariance!)];
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return this.singleShape(inputShape);
  }

  /** `2 × c + 1`: the mean and variance of each feature and the count of samples adapted on, none trained. */
  override explainParams(): ParamFormula | undefined {
    return this.meanWeight ? { ...paramFormula`2 × ${term('c', this.meanWeight.size)} + 1`, note: 'adapted, not trained' } : super.explainParams();
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), axis: [...this.axis], invert: this.invert, mean: this.inputMean as ConfigDict[string], variance: this.inputVariance as ConfigDict[string] };
  }
}
registerLayer(Normalization);

/** The shape of nested arrays (of a given statistic). */
function statisticShape(s: Statistic): number[] {
  const shape: number[] = [];
  for (let v: Statistic = s; Array.isArray(v); v = (v as readonly Statistic[])[0]!) shape.push((v as readonly Statistic[]).length);
  return shape;
}

/** The numbers of nested arrays, in row-major order. */
function flatten(s: Statistic): number[] {
  return typeof s === 'number' ? [s] : s.flatMap(flatten);
}

/** For a row-major tensor of `shape`, the function from a flat index to its position among the kept axes. */
function positionOf(shape: readonly number[], keepAxes: readonly number[]): (i: number) => number {
  if (keepAxes.length === 0) return () => 0;
  const strides = shape.map((_, d) => sizeOf(shape.slice(d + 1)));
  const keptStrides = keepAxes.map((_, j) => sizeOf(keepAxes.slice(j + 1).map((k) => shape[k]!)));
  return (i) => keepAxes.reduce((p, d, j) => p + (Math.floor(i / strides[d]!) % shape[d]!) * keptStrides[j]!, 0);
}
