/**
 * Discretization: puts numbers into bins between boundaries, given or learned by `adapt` as
 * approximate quantiles (Keras's summary-merging algorithm, so the boundaries match Keras's).
 */
import { NotSupportedError, ValueError, fmtShape } from '../../core/errors.js';
import type { ConfigDict } from '../../core/serialization.js';
import type { StringTensor } from '../../core/string-tensor.js';
import type { Tensor } from '../../core/tensor.js';
import { checkChoice, checkNonNegativeInt, checkPositive } from '../../core/validate.js';
import { layerArgKeys, type Layer, type LayerArgs, type LayerInput } from '../layer.js';
import { registerLayer } from '../registry.js';
import type { SymbolicShape } from '../symbolic-tensor.js';
import { CATEGORICAL_OUTPUT_MODES, encodeCategorical, encodedShape, type CategoricalOutputMode } from './categorical-encoding.js';
import { PreprocessingLayer } from './preprocessing-layer.js';

/** Arguments of `Discretization` (Keras's names and defaults): give `binBoundaries`, or `numBins` and call `adapt`. */
export interface DiscretizationLayerArgs extends LayerArgs {
  /** Increasing boundaries: bin i holds values in [boundaries[i-1], boundaries[i]); values below the first go to bin 0. */
  binBoundaries?: readonly number[] | null;
  /** How many bins `adapt` makes (from quantiles of the data). */
  numBins?: number | null;
  /** How precise `adapt`'s quantiles are: the summary keeps about 1 / epsilon points (default 0.01). */
  epsilon?: number;
  /** 'int' (default: the bin index) or an encoding of it over numBins: 'one_hot', 'multi_hot', 'count'. */
  outputMode?: CategoricalOutputMode;
  /** Keras's sparse outputs: only false (dense) is supported. */
  sparse?: boolean;
}

/** A weighted summary of sorted values (Keras's): the values and how many data points each stands for. */
interface Summary {
  values: number[];
  weights: number[];
}

/**
 * Maps each number to the index of its bin (`np.digitize`): with boundaries [0, 1, 2], -1 → 0,
 * 0.5 → 1, 1 → 2, 5 → 3 — `binBoundaries.length + 1` bins. `adapt` finds `numBins - 1`
 * boundaries at the data's quantiles (all values pooled). 'int' outputs int32 indices of the
 * input's shape; the other modes encode them as CategoryEncoding does. No weights; no gradient
 * flows through a bin index.
 *
 * @example
 * const disc = new Discretization({ binBoundaries: [0, 1, 2] });
 * disc.apply(tensor([[-1, 0.5], [1, 5]])).arraySync(); // [[0, 1], [2, 3]]
 */
export class Discretization extends PreprocessingLayer {
  static override readonly className: string = 'Discretization';
  static override readonly argKeys = layerArgKeys<DiscretizationLayerArgs>({ binBoundaries: true, numBins: true, epsilon: true, outputMode: true, sparse: true });
  /** The number of bins `adapt` makes (null when the boundaries were given). */
  readonly numBins: number | null;
  /** The precision of `adapt`'s quantile summary. */
  readonly epsilon: number;
  /** How bin indices are output. */
  readonly outputMode: CategoricalOutputMode;
  /** The boundaries, given or adapted (null before `adapt`). */
  binBoundaries: number[] | null;
  private summary: Summary = { values: [], weights: [] };

  constructor(args: DiscretizationLayerArgs) {
    super(args);
    const who = this.describe();
    this.numBins = args?.numBins == null ? null : checkNonNegativeInt(who, 'numBins', args.numBins);
    const given = args.binBoundaries ?? null;
    if ((this.numBins === null) === (given === null)) {
      throw new ValueError(`${who}: give either binBoundaries or numBins (then call adapt), ${given === null ? 'got neither' : 'not both'}.`);
    }
    if (given !== null && given.some((b, i) => typeof b !== 'number' || Number.isNaN(b) || (i > 0 && b < given[i - 1]!))) {
      throw new ValueError(`${who}: binBoundaries must be increasing numbers, got ${JSON.stringify(given)}.`);
    }
    this.binBoundaries = given === null ? null : [...given];
    this.adapted = given !== null;
    this.epsilon = checkPositive(who, 'epsilon', args.epsilon ?? 0.01);
    this.outputMode = checkChoice(who, 'outputMode', args.outputMode ?? 'int', CATEGORICAL_OUTPUT_MODES);
    if (args.sparse) throw new NotSupportedError(`${who}: sparse outputs are not supported; leave sparse false (dense outputs).`);
  }

  override resetState(): void {
    this.summary = { values: [], weights: [] };
  }

  /** Summarizes one batch (all its values, as float32) and merges the summary into the running one. */
  override updateState(batch: Tensor | StringTensor): void {
    if (batch.dtype === 'string') throw new ValueError(`${this.describe()}.adapt expects numbers, got a StringTensor of shape ${fmtShape(batch.shape)}.`);
    if (this.numBins === null) throw new ValueError(`${this.describe()}: cannot adapt a layer given binBoundaries; make it with numBins instead.`);
    this.summary = compress(merge(summarize(Float32Array.from(batch.dataSync(), Number), this.epsilon), this.summary), this.epsilon);
  }

  override finalizeState(): void {
    if (this.numBins === null) return;
    this.binBoundaries = compress(this.summary, 1 / this.numBins).values.slice(0, -1);
  }

  override call(inputs: LayerInput | LayerInput[]): Tensor {
    const x = this.singleInput(inputs);
    if (x.dtype === 'string') throw new ValueError(`${this.describe()} expects numbers, got a StringTensor of shape ${fmtShape(x.shape)}.`);
    this.assertAdapted();
    const bounds = this.binBoundaries!;
    return encodeCategorical(Int32Array.from(x.dataSync(), (v) => digitize(Number(v), bounds)), x.shape, this.outputMode, bounds.length + 1);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return encodedShape(this.singleShape(inputShape), this.outputMode, this.binBoundaries ? this.binBoundaries.length + 1 : this.numBins!);
  }

  override getConfig(): ConfigDict {
    // Keras's Discretization takes only these keys (no trainable, no activity regularizer).
    return { name: this.name, dtype: this.dtype, binBoundaries: this.binBoundaries, numBins: this.numBins, epsilon: this.epsilon, outputMode: this.outputMode, sparse: false };
  }

  /** A config with both boundaries and numBins (an adapted layer's) restores the boundaries, as Keras's `from_config`. */
  static override fromConfig<T extends Layer>(this: new (args: never) => T, config: ConfigDict): T {
    const { binBoundaries, ...rest } = config as DiscretizationLayerArgs & ConfigDict;
    if (binBoundaries == null || rest.numBins == null) return new (this as unknown as new (a: ConfigDict) => T)(config);
    const layer = new (this as unknown as new (a: ConfigDict) => Discretization)(rest);
    layer.binBoundaries = [...binBoundaries];
    layer.adapted = true;
    return layer as unknown as T;
  }
}
registerLayer(Discretization);

/** The bin of `v`: how many boundaries are at or below it (`np.digitize` with right=false). */
function digitize(v: number, bounds: readonly number[]): number {
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (bounds[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Keras's `summarize`: every step-th sorted value (about 1 / epsilon of them), each weighing `step` values. */
function summarize(values: Float32Array, epsilon: number): Summary {
  const sorted = values.slice().sort();
  const step = Math.max(sorted.length / (1 / epsilon), 1);
  const out: Summary = { values: [], weights: [] };
  for (let i = Math.trunc(step - 1); i < sorted.length; i += Math.trunc(step)) {
    out.values.push(sorted[i]!);
    out.weights.push(Math.fround(step));
  }
  return out;
}

/** Keras's `merge_summaries` before compression: both summaries' points, sorted by value. */
function merge(a: Summary, b: Summary): Summary {
  const order = [...a.values.keys()].map((i) => [a.values[i]!, a.weights[i]!] as const).concat(b.values.map((v, i) => [v, b.weights[i]!] as const));
  order.sort((p, q) => p[0] - q[0]);
  return { values: order.map((p) => p[0]), weights: order.map((p) => p[1]) };
}

/**
 * Keras's `compress_summary`: re-samples a summary at cumulative-weight fractions epsilon, 2·epsilon,
 * ..., 1 by linear interpolation (`np.interp`), in float32 as Keras stores it. Summaries with fewer
 * than 1 / epsilon points are kept as they are.
 */
function compress(summary: Summary, epsilon: number): Summary {
  const n = summary.values.length;
  if (n * epsilon < 1) return summary;
  // NOTE: numpy accumulates a float32 cumsum and divides in float32: rounding each step keeps the boundaries identical to Keras's.
  const cum: number[] = [];
  summary.weights.reduce((s, w, i) => (cum[i] = Math.fround(s + w)), 0);
  const total = cum[n - 1]!;
  const fractions = cum.map((c) => Math.fround(c / total));
  const count = Math.ceil(1 / epsilon);
  const values: number[] = [];
  const weights: number[] = [];
  let previous = 0;
  for (let i = 0; i < count; i++) {
    const p = epsilon + i * epsilon;
    values.push(Math.fround(interp(p, fractions, summary.values)));
    const c = interp(p, fractions, cum);
    weights.push(Math.fround(c - previous));
    previous = c;
  }
  return { values, weights };
}

/** `np.interp(x, xp, fp)`: linear interpolation in increasing `xp`, clamped to the ends. */
function interp(x: number, xp: readonly number[], fp: readonly number[]): number {
  const last = xp.length - 1;
  if (x < xp[0]!) return fp[0]!;
  if (x >= xp[last]!) return fp[last]!;
  const j = digitize(x, xp) - 1;
  if (xp[j] === x) return fp[j]!;
  return ((fp[j + 1]! - fp[j]!) / (xp[j + 1]! - xp[j]!)) * (x - xp[j]!) + fp[j]!;
}
