/**
 * Metrics: stateful Keras metrics (`new SparseCategoricalAccuracy()`, `Mean` for the loss), their
 * per-sample functions, and `getMetric`, which resolves names as `compile` does.
 */
export { Metric, Mean, MeanMetricWrapper, type MetricArgs, type MeanArgs, type MetricConfig, type MetricFn } from './metric.js';
export {
  accuracy, binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy, topKCategoricalAccuracy, sparseTopKCategoricalAccuracy,
  Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy,
  type BinaryAccuracyArgs, type TopKArgs,
} from './accuracy.js';
export { MeanSquaredError, MeanAbsoluteError } from './regression.js';
export { BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy } from './crossentropy.js';
export { Precision, Recall, type ConfusionArgs } from './confusion.js';
export { getMetric, registerMetric, serializeMetric, deserializeMetric, type SerializedMetric } from './get-metric.js';
// The per-sample functions of the error and cross-entropy metrics are the losses', as in Keras.
export { meanSquaredError, meanAbsoluteError } from '../losses/regression.js';
export { binaryCrossentropy } from '../losses/binary-crossentropy.js';
export { categoricalCrossentropy, sparseCategoricalCrossentropy } from '../losses/categorical-crossentropy.js';
