/**
 * The metric base class and the running weighted mean most metrics are. Metrics keep their
 * totals as JavaScript numbers, so no tensor stays alive between batches.
 */
import { isFloat } from '../core/dtype.js';
import { ENGINE } from '../core/engine.js';
import { ShapeError, ValueError, fmtShape } from '../core/errors.js';
import { checkOptions, optionKeys } from '../core/options.js';
import { Tensor } from '../core/tensor.js';
import { broadcastTo, cast, mean, mul, sum, tensor } from '../ops/index.js';
import { alignRanks } from '../losses/loss.js';

/** A metric's hyperparameters as plain JSON values. */
export interface MetricConfig {
  [key: string]: number | string | boolean;
}

/** A metric as a plain function: labels and predictions to per-sample values. */
export type MetricFn = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** Options every metric accepts. */
export interface MetricArgs {
  /** The name shown in logs and history (`accuracy`, `val_accuracy`). */
  name?: string;
}

/**
 * The base of every stateful metric: `updateState` folds in one batch, `result` reads the value
 * over all batches since the last `resetState`.
 *
 * @example
 * const acc = new SparseCategoricalAccuracy();
 * acc.updateState(labels, probabilities);
 * acc.result(); // a number in [0, 1]
 */
export abstract class Metric {
  /** The name the class is registered and serialized under. */
  abstract readonly className: string;
  /** The name shown in logs and history. */
  readonly name: string;

  protected constructor(name: string) {
    this.name = name;
  }

  /** Folds one batch into the state; `sampleWeight` holds one weight per sample (or is a number). */
  abstract updateState(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor | number): void;

  /**
   * Folds scalar tensors computed from a batch (weighted sums, counts) into the metric's JavaScript
   * state: `fold` gets their values. It runs now and, inside `jit` (`compile({jitCompile: true})`),
   * again after every call of the graph with that call's values: the state stays in numbers, and a
   * compiled step still updates it.
   *
   * @example
   * this.accumulate([sum(hits), count], ([h, n]) => { this.hits += h!; this.seen += n!; });
   */
  protected accumulate(tensors: readonly Tensor[], fold: (values: number[]) => void): void {
    ENGINE.effect(tensors, (ts) => fold(ts.map((t) => t.item())));
  }

  /** The metric over everything seen since the last reset. */
  abstract result(): number;

  /** Forgets every batch seen so far. */
  abstract resetState(): void;

  /** The hyperparameters that rebuild this metric through `deserializeMetric`. */
  getConfig(): MetricConfig {
    return { name: this.name };
  }
}

function fail(owner: string, values: Tensor, weights: Tensor): never {
  throw new ShapeError(`${owner}: sampleWeight has shape ${fmtShape(weights.shape)} but the values have shape ${fmtShape(values.shape)}; give one weight per sample.`);
}

/**
 * The weighted sum of per-sample values and the sum of the weights, as scalar tensors (the count of
 * an unweighted batch is its size, a number fixed by the shape). Values with more axes than the
 * weights are first averaged over the extra axes (Keras's samplewise reduction); a number weighs
 * every sample alike; no weight counts each sample once.
 */
function weightedTotals(owner: string, values: Tensor, sampleWeight?: Tensor | number): { total: Tensor; count: Tensor | number } {
  let v = isFloat(values.dtype) ? values : cast(values, 'float32');
  const tail = (t: Tensor, from: number): number[] => Array.from({ length: t.rank - from }, (_, i) => from + i);
  if (sampleWeight === undefined) {
    const samples = v.rank > 1 ? mean(v, tail(v, 1)) : v;
    return { total: sum(samples), count: v.rank === 0 ? 1 : v.shape[0]! };
  }
  let w: Tensor;
  if (typeof sampleWeight === 'number') w = tensor(sampleWeight, [], v.dtype);
  else if (sampleWeight instanceof Tensor) w = cast(sampleWeight, v.dtype);
  else throw new ValueError(`${owner}: sampleWeight must be a Tensor or a number, got ${typeof sampleWeight}.`);
  if (w.rank === 0) w = broadcastTo(w, v.rank === 0 ? [] : [v.shape[0]!]);
  [v, w] = alignRanks(v, w);
  if (w.rank > v.rank || w.shape.some((d, i) => d !== 1 && d !== v.shape[i])) fail(owner, v, w);
  if (v.rank > w.rank) v = mean(v, tail(v, w.rank));
  w = broadcastTo(w, v.shape);
  v = mul(v, w);
  if (w.rank > 1) w = mean(w, tail(w, 1));
  if (v.rank > 1) v = mean(v, tail(v, 1));
  return { total: sum(v), count: sum(w) };
}

/** Options of `Mean`. */
export type MeanArgs = MetricArgs;

/**
 * The running weighted mean of a value, such as the loss of each batch. Like Keras's `Mean`, its
 * `updateState` takes `(values, sampleWeight?)` rather than labels and predictions.
 *
 * @example
 * const loss = new Mean({ name: 'loss' });
 * loss.updateState(0.5); loss.updateState(0.3);
 * loss.result(); // 0.4
 */
export class Mean extends Metric {
  readonly className: string = 'Mean';
  private total = 0;
  private count = 0;

  constructor(args: MeanArgs = {}) {
    super(args.name ?? 'mean');
    checkOptions('Mean', args, optionKeys<MeanArgs>({ name: true }));
  }

  /** Adds `values` (a number, or a tensor of per-sample values) with optional per-sample weights. */
  override updateState(values: Tensor | number, sampleWeight?: Tensor | number): void {
    if (typeof values === 'number') {
      const w = sampleWeight === undefined ? 1 : typeof sampleWeight === 'number' ? sampleWeight : sampleWeight.item();
      this.add(values * w, w);
      return;
    }
    ENGINE.tidy(() => {
      const { total, count } = weightedTotals(this.name, values, sampleWeight);
      if (typeof count === 'number') this.accumulate([total], ([t]) => this.add(t!, count));
      else this.accumulate([total, count], ([t, c]) => this.add(t!, c!));
    });
  }

  /** Adds an already reduced weighted sum and its total weight. */
  private add(total: number, count: number): void {
    this.total += total;
    this.count += count;
  }

  result(): number {
    return this.count === 0 ? 0 : this.total / this.count;
  }

  resetState(): void {
    this.total = 0;
    this.count = 0;
  }
}

/**
 * A metric made from a function giving per-sample values, averaged over all samples seen (with
 * their weights). Every accuracy and error metric is one of these.
 *
 * @example
 * const m = new MeanMetricWrapper((t, p) => abs(sub(t, p)), { name: 'absError' });
 */
export class MeanMetricWrapper extends Metric {
  readonly className: string = 'MeanMetricWrapper';
  /** The function giving per-sample values. */
  readonly fn: MetricFn;
  private readonly mean: Mean;
  /** The options `fn` was made with (a subclass's hyperparameters). */
  private readonly options: MetricConfig;

  /**
   * `options` are the hyperparameters `fn` closes over, for subclasses: they become the metric's
   * fields (declare them by merging an interface) and follow the name in `getConfig`.
   */
  constructor(fn: MetricFn, args: MetricArgs = {}, options: MetricConfig = {}) {
    super(args.name ?? (fn.name || 'metric'));
    checkOptions('MeanMetricWrapper', args, optionKeys<MetricArgs>({ name: true }));
    this.fn = fn;
    this.mean = new Mean({ name: this.name });
    this.options = options;
    Object.assign(this, options);
  }

  override getConfig(): MetricConfig {
    return { ...super.getConfig(), ...this.options };
  }

  updateState(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor | number): void {
    ENGINE.tidy(() => this.mean.updateState(this.fn(yTrue, yPred), sampleWeight));
  }

  result(): number {
    return this.mean.result();
  }

  resetState(): void {
    this.mean.resetState();
  }
}
