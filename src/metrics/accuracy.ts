/** Accuracy metrics: exact match, thresholded binary, categorical (argmax) and top-k, as per-sample functions and as stateful metrics. */
import { checkOptions, optionKeys } from '../core/options.js';
import type { Tensor } from '../core/tensor.js';
import { checkPositiveInt } from '../core/validate.js';
import { argmax, cast, equal, expandDims, greater, less, mul, oneHot, sum } from '../ops/index.js';
import { perSample, prepare } from '../losses/loss.js';
import { sparseLabels } from '../losses/categorical-crossentropy.js';
import { MeanMetricWrapper, type MetricArgs } from './metric.js';

const asFloat = (condition: Tensor): Tensor => cast(condition, 'float32');

/**
 * 1 where the prediction equals the label exactly, else 0; averaged over the last axis per sample.
 *
 * @example
 * accuracy(tensor([1, 2, 3]), tensor([1, 2, 4])).arraySync(); // [1, 1, 0]
 */
export function accuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  const [t, p] = prepare('accuracy', yTrue, yPred, 'equal');
  return perSample(asFloat(equal(t, p)));
}

/** Options of `binaryAccuracy`. */
export interface BinaryAccuracyArgs {
  /** Predictions above it count as 1 (default 0.5; use 0 for logits). */
  threshold?: number;
}

const BINARY_ACCURACY_KEYS = optionKeys<BinaryAccuracyArgs>({ threshold: true });

/**
 * 1 where `yPred > threshold` matches the 0/1 label, else 0; averaged over the last axis per sample.
 *
 * @example
 * binaryAccuracy(tensor([[1], [0]]), tensor([[0.7], [0.6]])).arraySync(); // [1, 0]
 */
export function binaryAccuracy(yTrue: Tensor, yPred: Tensor, args: BinaryAccuracyArgs = {}): Tensor {
  checkOptions('binaryAccuracy', args, BINARY_ACCURACY_KEYS);
  const [t, p] = prepare('binaryAccuracy', yTrue, yPred, 'equal');
  return perSample(asFloat(equal(t, cast(greater(p, args.threshold ?? 0.5), t.dtype))));
}

/**
 * 1 where the predicted class (argmax) is the one-hot label's class, else 0: one value per sample.
 *
 * @example
 * categoricalAccuracy(tensor([[0, 0, 1], [0, 1, 0]]), tensor([[0.1, 0.2, 0.7], [0.6, 0.3, 0.1]])).arraySync(); // [1, 0]
 */
export function categoricalAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  const [t, p] = prepare('categoricalAccuracy', yTrue, yPred, 'equal', 'Labels must be one-hot; for class ids use sparseCategoricalAccuracy.');
  return asFloat(equal(argmax(t, -1), argmax(p, -1)));
}

/**
 * 1 where the predicted class (argmax) equals the class-id label, else 0: one value per sample.
 *
 * @example
 * sparseCategoricalAccuracy(tensor([2, 1]), tensor([[0.1, 0.2, 0.7], [0.6, 0.3, 0.1]])).arraySync(); // [1, 0]
 */
export function sparseCategoricalAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  const labels = sparseLabels('sparseCategoricalAccuracy', yTrue, yPred);
  return asFloat(equal(cast(labels, 'float32'), cast(argmax(yPred, -1), 'float32')));
}

/** Options of the top-k accuracies. */
export interface TopKArgs {
  /** How many of the highest-scored classes count as a hit (default 5). */
  k?: number;
}

const TOP_K_KEYS = optionKeys<TopKArgs>({ k: true });

function inTopK(labels: Tensor, yPred: Tensor, k: number): Tensor {
  const numClasses = yPred.shape[yPred.rank - 1]!;
  const targetScore = sum(mul(yPred, oneHot(cast(labels, 'int32'), numClasses)), -1);
  // A class is in the top k when fewer than k classes score strictly higher (so ties at the boundary count as hits, as in TensorFlow).
  const higher = sum(greater(yPred, expandDims(targetScore, -1)), -1);
  return asFloat(less(higher, k));
}

/**
 * 1 where the class-id label is among the k highest-scored classes, else 0: one value per sample.
 *
 * @example
 * sparseTopKCategoricalAccuracy(tensor([0, 1]), tensor([[0.5, 0.3, 0.2], [0.5, 0.2, 0.3]]), { k: 2 }).arraySync(); // [1, 0]
 */
export function sparseTopKCategoricalAccuracy(yTrue: Tensor, yPred: Tensor, args: TopKArgs = {}): Tensor {
  checkOptions('sparseTopKCategoricalAccuracy', args, TOP_K_KEYS);
  const k = checkPositiveInt('sparseTopKCategoricalAccuracy', 'k', args.k ?? 5);
  return inTopK(sparseLabels('sparseTopKCategoricalAccuracy', yTrue, yPred), yPred, k);
}

/** 1 where the one-hot label's class is among the k highest-scored classes, else 0: one value per sample. */
export function topKCategoricalAccuracy(yTrue: Tensor, yPred: Tensor, args: TopKArgs = {}): Tensor {
  checkOptions('topKCategoricalAccuracy', args, TOP_K_KEYS);
  const k = checkPositiveInt('topKCategoricalAccuracy', 'k', args.k ?? 5);
  const [t, p] = prepare('topKCategoricalAccuracy', yTrue, yPred, 'equal', 'Labels must be one-hot; for class ids use sparseTopKCategoricalAccuracy.');
  return inTopK(argmax(t, -1), p, k);
}

/** The fraction of predictions exactly equal to their labels. */
export class Accuracy extends MeanMetricWrapper {
  override readonly className: string = 'Accuracy';

  constructor(args: MetricArgs = {}) {
    super(accuracy, { name: args.name ?? 'accuracy' });
    checkOptions('Accuracy', args, optionKeys<MetricArgs>({ name: true }));
  }
}

/** The options of `BinaryAccuracy` as its fields. */
export interface BinaryAccuracy extends Readonly<Required<BinaryAccuracyArgs>> {}

/**
 * The fraction of 0/1 labels matched by `yPred > threshold`.
 *
 * @example
 * new BinaryAccuracy({ threshold: 0 }); // for logits
 */
export class BinaryAccuracy extends MeanMetricWrapper {
  override readonly className: string = 'BinaryAccuracy';

  constructor(args: BinaryAccuracyArgs & MetricArgs = {}) {
    checkOptions('BinaryAccuracy', args, optionKeys<BinaryAccuracyArgs & MetricArgs>({ name: true, threshold: true }));
    const threshold = args.threshold ?? 0.5;
    super((t, p) => binaryAccuracy(t, p, { threshold }), { name: args.name ?? 'binaryAccuracy' }, { threshold });
  }
}

/** The fraction of samples whose argmax matches the one-hot label's class. */
export class CategoricalAccuracy extends MeanMetricWrapper {
  override readonly className: string = 'CategoricalAccuracy';

  constructor(args: MetricArgs = {}) {
    super(categoricalAccuracy, { name: args.name ?? 'categoricalAccuracy' });
    checkOptions('CategoricalAccuracy', args, optionKeys<MetricArgs>({ name: true }));
  }
}

/** The fraction of samples whose argmax equals the class-id label. */
export class SparseCategoricalAccuracy extends MeanMetricWrapper {
  override readonly className: string = 'SparseCategoricalAccuracy';

  constructor(args: MetricArgs = {}) {
    super(sparseCategoricalAccuracy, { name: args.name ?? 'sparseCategoricalAccuracy' });
    checkOptions('SparseCategoricalAccuracy', args, optionKeys<MetricArgs>({ name: true }));
  }
}

/** The options of `TopKCategoricalAccuracy` as its fields. */
export interface TopKCategoricalAccuracy extends Readonly<Required<TopKArgs>> {}

/** The fraction of samples whose one-hot label's class is among the k top-scored (default k = 5). */
export class TopKCategoricalAccuracy extends MeanMetricWrapper {
  override readonly className: string = 'TopKCategoricalAccuracy';

  constructor(args: TopKArgs & MetricArgs = {}) {
    checkOptions('TopKCategoricalAccuracy', args, optionKeys<TopKArgs & MetricArgs>({ name: true, k: true }));
    const k = checkPositiveInt('TopKCategoricalAccuracy', 'k', args.k ?? 5);
    super((t, p) => topKCategoricalAccuracy(t, p, { k }), { name: args.name ?? 'topKCategoricalAccuracy' }, { k });
  }
}

/** The options of `SparseTopKCategoricalAccuracy` as its fields. */
export interface SparseTopKCategoricalAccuracy extends Readonly<Required<TopKArgs>> {}

/** The fraction of samples whose class-id label is among the k top-scored (default k = 5). */
export class SparseTopKCategoricalAccuracy extends MeanMetricWrapper {
  override readonly className: string = 'SparseTopKCategoricalAccuracy';

  constructor(args: TopKArgs & MetricArgs = {}) {
    checkOptions('SparseTopKCategoricalAccuracy', args, optionKeys<TopKArgs & MetricArgs>({ name: true, k: true }));
    const k = checkPositiveInt('SparseTopKCategoricalAccuracy', 'k', args.k ?? 5);
    super((t, p) => sparseTopKCategoricalAccuracy(t, p, { k }), { name: args.name ?? 'sparseTopKCategoricalAccuracy' }, { k });
  }
}

/**
 * Keras 3's choice of accuracy when nothing else tells: a single output unit means binary, labels
 * with one axis fewer (or a last axis of 1) mean class ids, anything else one-hot. A rank-1
 * prediction is one probability per sample.
 */
export function accuracyByShape(yTrue: Tensor, yPred: Tensor): Tensor {
  const last = (t: Tensor): number => t.shape[t.rank - 1] ?? 1;
  if (yPred.rank <= 1 || last(yPred) === 1) return binaryAccuracy(yTrue, yPred);
  if (yTrue.rank < yPred.rank || last(yTrue) === 1) return sparseCategoricalAccuracy(yTrue, yPred);
  return categoricalAccuracy(yTrue, yPred);
}
