/**
 * The ClassifierEvaluation callback: at the end of each epoch, a classifier's predictions on held-out
 * data logged for TensorBoard as a confusion matrix (an image, and a table with the class names)
 * and one precision–recall curve per class (TensorBoard's `pr_curves` plugin).
 */
import { Callback } from '../callbacks/callback.js';
import { ShapeError, ValueError } from '../core/errors.js';
import { tidy } from '../core/memory.js';
import { checkOptions, optionKeys } from '../core/options.js';
import type { Tensor } from '../core/tensor.js';
import { Model } from '../models/model.js';
import { confusionImage, confusionMatrix } from './confusion-matrix.js';
import { eventSinkFactory, type EventSinkFactory } from './event-sink.js';
import { DEFAULT_THRESHOLDS, prCurve, prCurveValue } from './pr-curve.js';
import { imageValue } from './summary-values.js';
import { SummaryWriter } from './summary-writer.js';
import { DataType, type SummaryValueMessage } from './tf-protos.js';

/** Options of the ClassifierEvaluation callback. */
export interface ClassifierEvaluationArgs {
  /** The inputs to classify each epoch, `[samples, ...]` (validation data). */
  x: Tensor;
  /** Their classes: indices `[samples]`, or one-hot rows `[samples, classes]`. */
  y: Tensor;
  /** The run's directory: events go to `logDir/validation`, beside the TensorBoard callback's (default `logs`). */
  logDir?: string;
  /** A name per class, for the tags and the table (default `0`, `1`, ...). */
  classNames?: string[];
  /** Thresholds of each PR curve (default 201, TensorBoard's). */
  numThresholds?: number;
  /** Where event files go (default: the installed one; files under Node). */
  sinkFactory?: EventSinkFactory;
}

const KEYS = optionKeys<ClassifierEvaluationArgs>({ x: true, y: true, logDir: true, classNames: true, numThresholds: true, sinkFactory: true });

/** The tag of the confusion matrix's picture (its table is `confusion_matrix/table`). */
export const CONFUSION_MATRIX_TAG = 'confusion_matrix';

/**
 * Logs, per epoch (step = epoch), the model's confusion matrix on `x` as the image
 * `confusion_matrix` (rows the true class, columns the predicted, shaded by the row's share) and the
 * text table `confusion_matrix/table` (class names as headers), and for each class c the PR curve
 * `pr_curves/<name of c>` of "is it c?" scored by the predicted probability of c.
 *
 * @example
 * await model.fit(xTrain, yTrain, {
 *   epochs: 5,
 *   callbacks: [new TensorBoard({ logDir: 'logs/mlp' }), new ClassifierEvaluation({ logDir: 'logs/mlp', x: xTest, y: yTest, classNames })],
 * });
 */
export class ClassifierEvaluation extends Callback {
  private readonly args: ClassifierEvaluationArgs;
  private readonly labels: Int32Array;
  private writer: SummaryWriter | undefined;

  constructor(args: ClassifierEvaluationArgs) {
    super();
    checkOptions('ClassifierEvaluation', args, KEYS);
    const thresholds = args.numThresholds ?? DEFAULT_THRESHOLDS;
    if (!Number.isInteger(thresholds) || thresholds < 2) throw new ValueError(`ClassifierEvaluation: numThresholds must be an integer of at least 2, got ${args.numThresholds}.`);
    this.args = args;
    this.labels = classIndices(args.y);
    if (this.labels.length !== args.x.shape[0]) throw new ShapeError(`ClassifierEvaluation: x has ${args.x.shape[0]} samples but y has ${this.labels.length}; pass one label per sample.`);
  }

  override onEpochEnd(epoch: number): void {
    const model = this.trainedModel;
    if (!(model instanceof Model)) throw new ValueError('ClassifierEvaluation: the model must be a Strata Model (it is asked for predictions).');
    let probs: ArrayLike<number> = [];
    tidy(() => {
      const out = model.predict(this.args.x);
      probs = (Array.isArray(out) ? out[0]! : out).dataSync() as ArrayLike<number>;
    });
    const n = this.labels.length;
    const k = probs.length / n;
    const names = this.args.classNames ?? Array.from({ length: k }, (_, c) => String(c));
    if (names.length !== k) throw new ValueError(`ClassifierEvaluation: ${names.length} class names for ${k} predicted classes; give one name per output unit.`);
    const predicted = new Int32Array(n);
    for (let i = 0; i < n; i++) for (let c = 1; c < k; c++) if (probs[i * k + c]! > probs[i * k + predicted[i]!]!) predicted[i] = c;
    const matrix = confusionMatrix(this.labels, predicted, k);
    const values: SummaryValueMessage[] = [imageValue(CONFUSION_MATRIX_TAG, confusionImage(matrix)), tableValue(`${CONFUSION_MATRIX_TAG}/table`, names, matrix)];
    for (let c = 0; c < k; c++) {
      const scores = Float32Array.from({ length: n }, (_, i) => probs[i * k + c]!);
      const isClass = Array.from(this.labels, (l) => l === c);
      values.push(prCurveValue(`pr_curves/${names[c]}`, prCurve(isClass, scores, this.args.numThresholds ?? DEFAULT_THRESHOLDS)));
    }
    this.writer ??= new SummaryWriter((this.args.sinkFactory ?? eventSinkFactory())(`${(this.args.logDir ?? 'logs').replace(/[/\\]+$/, '') || '.'}/validation`));
    this.writer.writeValues(epoch, values);
  }

  override onTrainEnd(): void {
    this.writer?.close();
    this.writer = undefined;
  }
}

/** Class indices from index labels `[n]` or one-hot rows `[n, k]`. */
function classIndices(y: Tensor): Int32Array {
  const data = y.dataSync() as ArrayLike<number>;
  if (y.rank === 1) return Int32Array.from(data);
  if (y.rank !== 2) throw new ShapeError(`ClassifierEvaluation: y must be class indices [samples] or one-hot rows [samples, classes], got shape [${y.shape.join(', ')}].`);
  const [n, k] = y.shape as [number, number];
  return Int32Array.from({ length: n }, (_, i) => {
    let best = 0;
    for (let c = 1; c < k; c++) if (data[i * k + c]! > data[i * k + best]!) best = c;
    return best;
  });
}

/** The matrix as a text-plugin table `[k+1, k+1]`: a header row and column of class names (the Board and TensorBoard show it as a table). */
function tableValue(tag: string, names: string[], matrix: number[][]): SummaryValueMessage {
  const rows = [['true \\ predicted', ...names], ...matrix.map((row, t) => [names[t]!, ...row.map(String)])];
  const encoder = new TextEncoder();
  return {
    tag,
    metadata: { pluginData: { pluginName: 'text' }, dataClass: 2 },
    tensor: { dtype: DataType.DT_STRING, tensorShape: { dim: [{ size: rows.length }, { size: rows.length }] }, stringVal: rows.flat().map((s) => encoder.encode(s)) },
  };
}
