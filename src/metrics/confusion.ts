/** Precision and recall: counts of true and false positives and negatives, accumulated over batches. */
import { ENGINE } from '../core/engine.js';
import { ShapeError, ValueError, fmtShape } from '../core/errors.js';
import { checkOptions, optionKeys } from '../core/options.js';
import { Tensor } from '../core/tensor.js';
import { checkFinite } from '../core/validate.js';
import { cast, greater, mul, notEqual, reshape, squeeze, sub, sum } from '../ops/index.js';
import { prepare } from '../losses/loss.js';
import { Metric, type MetricArgs, type MetricConfig } from './metric.js';

/** Options of `Precision` and `Recall`. */
export interface ConfusionArgs extends MetricArgs {
  /** Predictions above it count as positive (default 0.5; use 0 for logits). */
  threshold?: number;
}

/** Per-sample weights shaped to multiply predictions [batch, ...]: trailing axes of 1 are added (or dropped). */
function perSampleWeights(owner: string, yPred: Tensor, sampleWeight: Tensor | number): Tensor | number {
  if (typeof sampleWeight === 'number') return sampleWeight;
  if (!(sampleWeight instanceof Tensor)) throw new ValueError(`${owner}: sampleWeight must be a Tensor or a number, got ${typeof sampleWeight}.`);
  let w = cast(sampleWeight, yPred.dtype);
  while (w.rank > yPred.rank && w.shape[w.rank - 1] === 1) w = squeeze(w, -1);
  if (w.rank > yPred.rank || w.shape.some((d, i) => d !== 1 && d !== yPred.shape[i])) {
    throw new ShapeError(`${owner}: sampleWeight has shape ${fmtShape(sampleWeight.shape)} but the predictions have shape ${fmtShape(yPred.shape)}; give one weight per sample.`);
  }
  return reshape(w, [...w.shape, ...new Array<number>(yPred.rank - w.rank).fill(1)]);
}

/** Counts (weighted) true positives, false positives and false negatives; subclasses turn them into a ratio. */
abstract class ConfusionMetric extends Metric {
  /** Predictions above it count as positive. */
  readonly threshold: number;
  protected truePositives = 0;
  protected falsePositives = 0;
  protected falseNegatives = 0;

  protected constructor(name: string, threshold: number | undefined) {
    super(name);
    this.threshold = checkFinite(this.constructor.name, 'threshold', threshold ?? 0.5);
  }

  updateState(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor | number): void {
    ENGINE.tidy(() => {
      const [t, p] = prepare(this.name, yTrue, yPred, 'equal');
      const predicted = cast(greater(p, this.threshold), p.dtype);
      const actual = cast(notEqual(t, 0), p.dtype);
      const w = sampleWeight === undefined ? 1 : perSampleWeights(this.name, p, sampleWeight);
      const weightedSum = (x: Tensor): Tensor => sum(mul(x, w));
      const counts = [weightedSum(mul(predicted, actual)), weightedSum(mul(predicted, sub(1, actual))), weightedSum(mul(sub(1, predicted), actual))];
      this.accumulate(counts, ([tp, fp, fn]) => {
        this.truePositives += tp!;
        this.falsePositives += fp!;
        this.falseNegatives += fn!;
      });
    });
  }

  resetState(): void {
    this.truePositives = 0;
    this.falsePositives = 0;
    this.falseNegatives = 0;
  }

  override getConfig(): MetricConfig {
    return { ...super.getConfig(), threshold: this.threshold };
  }
}

const ratio = (a: number, b: number): number => (a + b === 0 ? 0 : a / (a + b));

/**
 * Of the predictions above the threshold, the fraction whose label is positive: TP / (TP + FP)
 * (0 before any positive prediction).
 *
 * @example
 * const p = new Precision();
 * p.updateState(tensor([0, 1, 1, 1]), tensor([1, 0, 1, 1])); // TP 2, FP 1
 * p.result(); // 0.667
 */
export class Precision extends ConfusionMetric {
  readonly className: string = 'Precision';

  constructor(args: ConfusionArgs = {}) {
    super(args.name ?? 'precision', args.threshold);
    checkOptions('Precision', args, optionKeys<ConfusionArgs>({ name: true, threshold: true }));
  }

  result(): number {
    return ratio(this.truePositives, this.falsePositives);
  }
}

/**
 * Of the positive labels, the fraction predicted above the threshold: TP / (TP + FN)
 * (0 before any positive label).
 */
export class Recall extends ConfusionMetric {
  readonly className: string = 'Recall';

  constructor(args: ConfusionArgs = {}) {
    super(args.name ?? 'recall', args.threshold);
    checkOptions('Recall', args, optionKeys<ConfusionArgs>({ name: true, threshold: true }));
  }

  result(): number {
    return ratio(this.truePositives, this.falseNegatives);
  }
}
