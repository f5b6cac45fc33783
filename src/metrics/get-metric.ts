/** Resolving what `compile({metrics})` accepts (names, instances, functions) into metrics, with Keras's choice of accuracy. */
import { ValueError } from '../core/errors.js';
import type { Loss } from '../losses/loss.js';
import { BinaryCrossentropy as BinaryCrossentropyLoss } from '../losses/binary-crossentropy.js';
import { canonicalLossName } from '../losses/get-loss.js';
import {
  Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, SparseTopKCategoricalAccuracy, TopKCategoricalAccuracy, accuracyByShape,
} from './accuracy.js';
import { Precision, Recall } from './confusion.js';
import { BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy } from './crossentropy.js';
import { Mean, MeanMetricWrapper, Metric, type MetricConfig, type MetricFn } from './metric.js';
import { MeanAbsoluteError, MeanSquaredError } from './regression.js';

/** A metric as stored in a saved model: its registered class name and `getConfig()`. */
export interface SerializedMetric {
  /** The registered class name ('BinaryAccuracy'). */
  className: string;
  /** `getConfig()`'s output. */
  config: MetricConfig;
}

type MetricClass = new (args: never) => Metric;

interface Entry {
  className: string;
  /** Names `getMetric` accepts for it (compared without case and underscores); empty for classes only rebuilt from configs. */
  names: string[];
  cls: MetricClass;
}

const entries: Entry[] = [];

const normalize = (name: string): string => name.toLowerCase().replace(/_/g, '');
const snakeCase = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Makes a metric class resolvable by `getMetric` (under `names`) and by `deserializeMetric` (under `className`). */
export function registerMetric(className: string, cls: new (args: never) => Metric, names: string[] = []): void {
  entries.push({ className, names, cls });
}

registerMetric('BinaryAccuracy', BinaryAccuracy, ['binaryAccuracy']);
registerMetric('CategoricalAccuracy', CategoricalAccuracy, ['categoricalAccuracy']);
registerMetric('SparseCategoricalAccuracy', SparseCategoricalAccuracy, ['sparseCategoricalAccuracy']);
registerMetric('TopKCategoricalAccuracy', TopKCategoricalAccuracy, ['topKCategoricalAccuracy']);
registerMetric('SparseTopKCategoricalAccuracy', SparseTopKCategoricalAccuracy, ['sparseTopKCategoricalAccuracy']);
registerMetric('MeanSquaredError', MeanSquaredError, ['meanSquaredError', 'mse']);
registerMetric('MeanAbsoluteError', MeanAbsoluteError, ['meanAbsoluteError', 'mae']);
registerMetric('BinaryCrossentropy', BinaryCrossentropy, ['binaryCrossentropy']);
registerMetric('CategoricalCrossentropy', CategoricalCrossentropy, ['categoricalCrossentropy']);
registerMetric('SparseCategoricalCrossentropy', SparseCategoricalCrossentropy, ['sparseCategoricalCrossentropy']);
registerMetric('Precision', Precision, ['precision']);
registerMetric('Recall', Recall, ['recall']);
registerMetric('Accuracy', Accuracy);
registerMetric('Mean', Mean);

function unknownName(name: string): ValueError {
  const valid = ["'accuracy' / 'acc'", ...entries.filter((e) => e.names.length > 0).map((e) => {
    const [main, ...aliases] = e.names;
    return [main!, snakeCase(main!), ...aliases].filter((n, i, all) => all.indexOf(n) === i).map((n) => `'${n}'`).join(' / ');
  })];
  return new ValueError(`getMetric: unknown metric '${name}'; valid names are ${valid.join(', ')}. A Metric instance or a function (yTrue, yPred) => Tensor also works.`);
}

/**
 * The accuracy Keras picks for 'accuracy' from the loss: class ids for sparse categorical
 * cross-entropy, argmax for categorical, a 0.5 threshold for binary (0 when the loss takes logits,
 * since sigmoid(x) > 0.5 exactly when x > 0). Otherwise it is chosen from the shapes of each batch.
 */
function resolveAccuracy(name: string, loss: string | Loss | undefined): Metric {
  switch (loss === undefined ? undefined : canonicalLossName(loss)) {
    case 'sparseCategoricalCrossentropy':
      return new SparseCategoricalAccuracy({ name });
    case 'categoricalCrossentropy':
      return new CategoricalAccuracy({ name });
    case 'binaryCrossentropy':
      return new BinaryAccuracy({ name, threshold: loss instanceof BinaryCrossentropyLoss && loss.fromLogits ? 0 : 0.5 });
    default:
      return new MeanMetricWrapper(accuracyByShape, { name });
  }
}

/** The JSON form of a metric. Metrics made from plain functions cannot be rebuilt from it. */
export function serializeMetric(metric: Metric): SerializedMetric {
  return { className: metric.className, config: metric.getConfig() };
}

/** Rebuilds a metric from `serializeMetric`'s output. */
export function deserializeMetric(serialized: SerializedMetric): Metric {
  const entry = entries.find((e) => e.className === serialized.className);
  if (!entry) {
    throw new ValueError(
      `deserializeMetric: cannot rebuild a '${serialized.className}' metric; known classes are ${entries.map((e) => e.className).join(', ')}. ` +
        'Metrics made from functions must be passed again.',
    );
  }
  return new entry.cls(serialized.config as never);
}

/**
 * Resolves one entry of `compile({metrics})`: a name in camelCase or snake_case ('accuracy',
 * 'sparse_categorical_accuracy', 'mse', ...), a `Metric` (returned as is), a function
 * `(yTrue, yPred) => per-sample values`, or a serialized metric. 'accuracy' and 'acc' are
 * resolved from `loss` as Keras does. The metric is named exactly as given, so history keys
 * read `accuracy` and `val_accuracy`.
 *
 * @example
 * getMetric('accuracy', 'sparse_categorical_crossentropy'); // a SparseCategoricalAccuracy named 'accuracy'
 */
export function getMetric(identifier: string | Metric | MetricFn | SerializedMetric, loss?: string | Loss): Metric {
  if (identifier instanceof Metric) return identifier;
  if (typeof identifier === 'function') return new MeanMetricWrapper(identifier);
  if (typeof identifier === 'string') {
    const key = normalize(identifier);
    if (key === 'accuracy' || key === 'acc') return resolveAccuracy(identifier, loss);
    const entry = entries.find((e) => e.names.some((n) => normalize(n) === key));
    if (!entry) throw unknownName(identifier);
    return new entry.cls({ name: identifier } as never);
  }
  if (identifier && typeof identifier === 'object' && typeof identifier.className === 'string') return deserializeMetric(identifier);
  throw new ValueError(`getMetric: expected a metric name, a Metric, a function or a {className, config} object, got ${identifier === null ? 'null' : typeof identifier}.`);
}
