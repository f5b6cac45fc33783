/** Categorical cross-entropy, for one-hot (or probability) labels and for integer class ids (the sparse form). */
import { ShapeError, ValueError, fmtShape } from '../core/errors.js';
import { normalizeAxis } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { add, cast, clip, div, log, logSoftmax, mul, neg, oneHot, softmaxCrossEntropy, softmaxLogits, squeeze, sum } from '../ops/index.js';
import { isFloat } from '../core/dtype.js';
import { checkOptions, optionKeys } from '../core/options.js';
import { checkInterval } from '../core/validate.js';
import { EPSILON, FunctionLoss, checkTensors, prepare, type LossArgs } from './loss.js';

/** Options of `categoricalCrossentropy`. */
export interface CategoricalCrossentropyArgs {
  /** Whether yPred holds logits rather than probabilities (default false). */
  fromLogits?: boolean;
  /** In [0, 1]: labels become `y (1 - s) + s / numClasses` (default 0). */
  labelSmoothing?: number;
  /** The class axis (default -1). */
  axis?: number;
}

const CATEGORICAL_CROSSENTROPY_KEYS = optionKeys<CategoricalCrossentropyArgs>({ fromLogits: true, labelSmoothing: true, axis: true });

/** Options of `sparseCategoricalCrossentropy`. */
export interface SparseCategoricalCrossentropyArgs {
  /** Whether yPred holds logits rather than probabilities (default false). */
  fromLogits?: boolean;
}

const SPARSE_CATEGORICAL_CROSSENTROPY_KEYS = optionKeys<SparseCategoricalCrossentropyArgs>({ fromLogits: true });

/** Log-probabilities along `axis`: logSoftmax of logits, or the log of renormalised probabilities clipped to [1e-7, 1 - 1e-7]. */
function logProbabilities(yPred: Tensor, fromLogits: boolean, axis: number): Tensor {
  if (fromLogits) return logSoftmax(yPred, axis);
  return log(clip(div(yPred, sum(yPred, axis, true)), EPSILON, 1 - EPSILON));
}

/**
 * The logits behind `yPred` along the last axis: yPred itself when it holds logits, the input of the
 * softmax that produced it (as Keras finds `_keras_logits`), or undefined when neither is known.
 */
function logitsOf(yPred: Tensor, fromLogits: boolean): Tensor | undefined {
  return fromLogits ? yPred : softmaxLogits(yPred);
}

function categoricalHint(yTrue: Tensor, yPred: Tensor): string {
  const classes = yPred.shape[yPred.rank - 1];
  const idsShape = yPred.shape.slice(0, -1);
  const looksLikeIds = (yTrue.rank === yPred.rank - 1 || (yTrue.rank === yPred.rank && yTrue.shape[yTrue.rank - 1] === 1)) &&
    idsShape.every((d, i) => d === yTrue.shape[i]);
  if (looksLikeIds) {
    return `yTrue looks like integer class ids: use sparseCategoricalCrossentropy for class ids, or one-hot encode them with oneHot(labels, ${classes}).`;
  }
  return `Labels must be one-hot (or probability) vectors with one entry per class: shape ${fmtShape(yPred.shape)}.`;
}

/**
 * Categorical cross-entropy per sample: `-sum(y log p)` over the class axis.
 *
 * @example
 * categoricalCrossentropy(tensor([[0, 1, 0], [0, 0, 1]]), tensor([[0.05, 0.95, 0], [0.1, 0.8, 0.1]])).arraySync(); // [0.0513, 2.303]
 */
export function categoricalCrossentropy(yTrue: Tensor, yPred: Tensor, args: CategoricalCrossentropyArgs = {}): Tensor {
  checkOptions('categoricalCrossentropy', args, CATEGORICAL_CROSSENTROPY_KEYS);
  const smoothing = checkInterval('categoricalCrossentropy', 'labelSmoothing', args.labelSmoothing ?? 0, 0, 1);
  checkTensors('categoricalCrossentropy', yTrue, yPred);
  let [t, p] = prepare('categoricalCrossentropy', yTrue, yPred, 'equal', yPred.rank > 0 ? categoricalHint(yTrue, yPred) : '');
  if (p.rank === 0) throw new ShapeError('categoricalCrossentropy: yPred must have a class axis, got a scalar.');
  const axis = normalizeAxis('categoricalCrossentropy', args.axis ?? -1, p.rank);
  if (smoothing > 0) t = add(mul(t, 1 - smoothing), smoothing / p.shape[axis]!);
  const logits = axis === p.rank - 1 ? logitsOf(p, args.fromLogits ?? false) : undefined;
  if (logits) return softmaxCrossEntropy(t, logits);
  return neg(sum(mul(t, logProbabilities(p, args.fromLogits ?? false, axis)), axis));
}

function sparseShapeError(op: string, labels: Tensor, yPred: Tensor): ShapeError {
  const got = `labels have shape ${fmtShape(labels.shape)} but predictions have shape ${fmtShape(yPred.shape)}`;
  const expectedLabels = fmtShape(yPred.shape.slice(0, -1));
  const classes = yPred.shape[yPred.rank - 1];
  if (yPred.rank > labels.rank + 1 && labels.shape.every((d, i) => d === yPred.shape[i])) {
    const extra = yPred.shape.slice(labels.rank, -1);
    return new ShapeError(
      `${op}: ${got}. Predictions should be the labels' shape plus a class axis, ${fmtShape([...labels.shape, classes!])}, ` +
        `but the model output has an extra axis (${fmtShape(extra)}): Dense layers act on the last axis only, so they keep the other axes of their input. ` +
        'Did you forget a Flatten layer before the Dense layers?',
    );
  }
  if (labels.rank === yPred.rank && labels.shape[labels.rank - 1] === classes) {
    return new ShapeError(`${op}: ${got}. The labels look one-hot; use categoricalCrossentropy for one-hot labels, or pass class ids of shape ${expectedLabels}.`);
  }
  return new ShapeError(`${op}: ${got}; expected labels of shape ${expectedLabels} (one class id per sample: the predictions' shape without the class axis).`);
}

/**
 * Class-id labels checked against predictions [..., numClasses]: they must have the predictions'
 * shape without the class axis (a trailing axis of 1 is dropped). Returns them without that axis.
 */
export function sparseLabels(op: string, yTrue: Tensor, yPred: Tensor): Tensor {
  checkTensors(op, yTrue, yPred);
  if (yPred.rank === 0) throw new ShapeError(`${op}: predictions must have a class axis, got a scalar.`);
  const labels = yTrue.rank === yPred.rank && yTrue.shape[yTrue.rank - 1] === 1 ? squeeze(yTrue, -1) : yTrue;
  if (labels.rank !== yPred.rank - 1 || labels.shape.some((d, i) => d !== yPred.shape[i])) throw sparseShapeError(op, labels, yPred);
  return labels;
}

/**
 * Label tensors known to hold integers in [0, bound), by their bound: a training loop checks its label
 * array once (`classIdBound`) and marks each batch it takes from it (`markClassIds`), so the loss need
 * not read every batch back to check it again.
 */
const knownClassIds = new WeakMap<Tensor, number>();

/**
 * @internal One plus the largest label when every value of `labels` is a non-negative integer (0 for
 * no labels); undefined otherwise (the loss then checks each batch and names the offending label).
 */
export function classIdBound(labels: Tensor): number | undefined {
  const values = labels.dataSync();
  let bound = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(Number.isInteger(v) && v >= 0)) return undefined;
    if (v >= bound) bound = v + 1;
  }
  return bound;
}

/** @internal Records that every value of `labels` is an integer in [0, bound) (see `classIdBound`). */
export function markClassIds(labels: Tensor, bound: number): void {
  knownClassIds.set(labels, bound);
}

/** The labels as int32 class ids after checking each one is an integer in [0, numClasses). */
function classIds(labels: Tensor, numClasses: number, knownBound: number | undefined): Tensor {
  if (knownBound !== undefined && knownBound <= numClasses) return cast(labels, 'int32');
  const op = 'sparseCategoricalCrossentropy';
  const values = labels.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v)) {
      throw new ValueError(
        `${op}: label ${v} (at flat position ${i}) is not an integer; labels must be class ids in [0, ${numClasses - 1}] for ${numClasses} classes. For one-hot or probability labels use categoricalCrossentropy.`,
      );
    }
    if (v < 0 || v >= numClasses) {
      const hint = v === numClasses ? ' If the labels count from 1, subtract 1.' : numClasses === 1 ? ' The model has a single output unit: a k-class classifier needs Dense(k).' : '';
      throw new ValueError(`${op}: label ${v} (at flat position ${i}) is out of range for ${numClasses} classes; labels must be integers in [0, ${numClasses - 1}].${hint}`);
    }
  }
  return cast(labels, 'int32');
}

/**
 * Cross-entropy per sample for integer class ids: `-log p[label]`. Labels have the predictions'
 * shape without the class axis ([batch] for [batch, numClasses]), or with a last axis of 1; they
 * may be int32 or floats holding integers.
 *
 * @example
 * sparseCategoricalCrossentropy(tensor([1, 2]), tensor([[0.05, 0.95, 0], [0.1, 0.8, 0.1]])).arraySync(); // [0.0513, 2.303]
 */
export function sparseCategoricalCrossentropy(yTrue: Tensor, yPred: Tensor, args: SparseCategoricalCrossentropyArgs = {}): Tensor {
  checkOptions('sparseCategoricalCrossentropy', args, SPARSE_CATEGORICAL_CROSSENTROPY_KEYS);
  const labels = sparseLabels('sparseCategoricalCrossentropy', yTrue, yPred);
  const p = isFloat(yPred.dtype) ? yPred : cast(yPred, 'float32');
  const numClasses = p.shape[p.rank - 1]!;
  const ids = classIds(labels, numClasses, knownClassIds.get(yTrue));
  const logits = logitsOf(p, args.fromLogits ?? false);
  if (logits) return softmaxCrossEntropy(ids, logits);
  const targets = oneHot(ids, numClasses);
  return neg(sum(mul(targets, logProbabilities(p, args.fromLogits ?? false, -1)), -1));
}

/** The options of `CategoricalCrossentropy` as its fields. */
export interface CategoricalCrossentropy extends Readonly<Required<CategoricalCrossentropyArgs>> {}

/**
 * Categorical cross-entropy as a `Loss`, for one-hot labels.
 *
 * @example
 * model.compile({ loss: new CategoricalCrossentropy({ labelSmoothing: 0.1 }), optimizer: 'adam' });
 */
export class CategoricalCrossentropy extends FunctionLoss<CategoricalCrossentropyArgs> {
  readonly className = 'CategoricalCrossentropy';

  constructor(args: CategoricalCrossentropyArgs & LossArgs = {}) {
    checkOptions('CategoricalCrossentropy', args, optionKeys<CategoricalCrossentropyArgs & LossArgs>({ name: true, fromLogits: true, labelSmoothing: true, axis: true }));
    super(categoricalCrossentropy, args.name ?? 'categoricalCrossentropy', {
      fromLogits: args.fromLogits ?? false,
      labelSmoothing: checkInterval('CategoricalCrossentropy', 'labelSmoothing', args.labelSmoothing ?? 0, 0, 1),
      axis: args.axis ?? -1,
    });
  }
}

/** The options of `SparseCategoricalCrossentropy` as its fields. */
export interface SparseCategoricalCrossentropy extends Readonly<Required<SparseCategoricalCrossentropyArgs>> {}

/**
 * Sparse categorical cross-entropy as a `Loss`, for integer class ids.
 *
 * @example
 * model.compile({ loss: new SparseCategoricalCrossentropy({ fromLogits: true }), optimizer: 'adam' });
 */
export class SparseCategoricalCrossentropy extends FunctionLoss<SparseCategoricalCrossentropyArgs> {
  readonly className = 'SparseCategoricalCrossentropy';

  constructor(args: SparseCategoricalCrossentropyArgs & LossArgs = {}) {
    checkOptions('SparseCategoricalCrossentropy', args, optionKeys<SparseCategoricalCrossentropyArgs & LossArgs>({ name: true, fromLogits: true }));
    super(sparseCategoricalCrossentropy, args.name ?? 'sparseCategoricalCrossentropy', { fromLogits: args.fromLogits ?? false });
  }
}
