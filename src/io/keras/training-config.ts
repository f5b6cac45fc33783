/**
 * Compile settings between Keras and Strata: Keras 3's `compile_config` and Keras 2's
 * `training_config` (also in TF.js files) ↔ Strata's `TrainingConfig`. Optimizers keep their
 * hyperparameters (`learning_rate`, `beta_1`, ...) and learning-rate schedules; losses come by
 * name or as class objects; `'accuracy'` is resolved from the loss as Keras does. What Strata
 * cannot keep (an optimizer it lacks, a metric it lacks) becomes one warning line in `dropped`.
 */
import { NotSupportedError } from '../../core/errors.js';
import { normalizeName } from '../../core/serialization.js';
import type { SerializedObject, TrainingConfig } from '../artifacts.js';
import { isDict, shown, toCamel, toSnake, type Dict } from './keras-json.js';
import type { KerasFlavour } from './objects.js';

/** Options of `trainingConfigFromKeras`. */
export interface KerasTrainingOptions {
  /** The model's number of outputs: a loss or metric list given once applies to each (default 1). */
  outputs?: number;
}

/** Thrown inside the reader for something Strata cannot keep; becomes a line of `dropped`. */
class Unsupported extends Error {}

// ---- optimizers ----

/** Keras optimizer classes Strata has, by normalized name (TF.js writes RMSProp). */
const OPTIMIZERS: Record<string, string> = { sgd: 'SGD', adam: 'Adam', adamw: 'AdamW', rmsprop: 'RMSprop', adagrad: 'Adagrad' };

/** The hyperparameters each Strata optimizer takes, besides those of every optimizer. */
const OPTIMIZER_KEYS: Record<string, string[]> = {
  SGD: ['momentum', 'nesterov'],
  Adam: ['beta1', 'beta2', 'epsilon', 'amsgrad'],
  AdamW: ['beta1', 'beta2', 'epsilon', 'amsgrad'],
  RMSprop: ['rho', 'momentum', 'epsilon', 'centered'],
  Adagrad: ['initialAccumulatorValue', 'epsilon'],
};
const BASE_OPTIMIZER_KEYS = ['name', 'learningRate', 'clipNorm', 'clipValue', 'globalClipNorm', 'weightDecay'];

/** Keras's names of the options every optimizer has, where they are not the camelCase of Strata's. */
const KERAS_OPTIMIZER_KEYS: Record<string, string> = { lr: 'learningRate', clipnorm: 'clipNorm', clipvalue: 'clipValue', global_clipnorm: 'globalClipNorm' };
const STRATA_OPTIMIZER_KEYS: Record<string, string> = { clipNorm: 'clipnorm', clipValue: 'clipvalue', globalClipNorm: 'global_clipnorm' };

/** Keras optimizer options that are fine to leave out at these values (or at any value: 'any'). */
const OPTIMIZER_IGNORED: Record<string, 'any' | unknown[]> = {
  use_ema: [false],
  ema_momentum: 'any',
  ema_overwrite_frequency: 'any',
  loss_scale_factor: [null],
  gradient_accumulation_steps: [null, 1],
  jit_compile: 'any',
  is_legacy_optimizer: 'any',
  decay: [0],
  weight_decay: [null],
  clipnorm: [null],
  clipvalue: [null],
  global_clipnorm: [null],
};

const SCHEDULES = new Set(['ExponentialDecay', 'CosineDecay', 'PiecewiseConstantDecay']);

function scheduleFromKeras(x: Dict): SerializedObject {
  const className = String(x['class_name']);
  if (!SCHEDULES.has(className)) throw new Unsupported(`the learning-rate schedule ${className} is not one Strata has (${[...SCHEDULES].join(', ')})`);
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(isDict(x['config']) ? x['config'] : {})) {
    if (key === 'name' || (key === 'warmup_target' && value === null)) continue;
    config[toCamel(key)] = value;
  }
  return { className, config };
}

function optimizerFromKeras(x: unknown, dropped: string[]): SerializedObject {
  const obj = typeof x === 'string' ? { class_name: x, config: {} } : x;
  if (!isDict(obj) || typeof obj['class_name'] !== 'string') throw new Unsupported(`the optimizer ${shown(x)} is not a {class_name, config} object`);
  // Keras 2.11+ writes its new optimizers as 'Custom>Adam'.
  const kerasName = obj['class_name'].replace(/^Custom>/, '');
  const className = OPTIMIZERS[normalizeName(kerasName)];
  if (className === undefined) throw new Unsupported(`the optimizer ${kerasName} is not one Strata has (${Object.values(OPTIMIZERS).join(', ')})`);
  const allowed = new Set([...BASE_OPTIMIZER_KEYS, ...OPTIMIZER_KEYS[className]!]);
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(isDict(obj['config']) ? obj['config'] : {})) {
    const ignored = OPTIMIZER_IGNORED[key];
    if (ignored !== undefined && (ignored === 'any' || ignored.includes(value))) continue;
    const strataKey = KERAS_OPTIMIZER_KEYS[key] ?? toCamel(key);
    if (!allowed.has(strataKey)) {
      dropped.push(`the optimizer option ${key} = ${shown(value)} of ${kerasName} is not kept (Strata's ${className} has no such option).`);
      continue;
    }
    config[strataKey] = strataKey === 'learningRate' && isDict(value) ? scheduleFromKeras(value) : value;
  }
  return { className, config };
}

function optimizerToKeras(o: SerializedObject, flavour: KerasFlavour): Dict {
  const config: Dict = {};
  for (const [key, value] of Object.entries(o.config)) {
    const kerasKey = STRATA_OPTIMIZER_KEYS[key] ?? toSnake(key);
    config[kerasKey] = key === 'learningRate' && isDict(value) ? scheduleToKeras(value as unknown as SerializedObject, flavour) : value;
  }
  return wrap('keras.optimizers', o.className, config, flavour);
}

function scheduleToKeras(s: SerializedObject, flavour: KerasFlavour): Dict {
  return wrap('keras.optimizers.schedules', s.className, Object.fromEntries(Object.entries(s.config).map(([k, v]) => [toSnake(k), v])), flavour);
}

function wrap(module: string, className: string, config: Dict, flavour: KerasFlavour): Dict {
  return flavour === 'keras3' ? { module, class_name: className, config, registered_name: null } : { class_name: className, config };
}

// ---- losses ----

/** A loss Strata has: its class, its default config, its Keras names and the Keras config keys it keeps. */
interface LossEntry {
  className: string;
  defaults: Record<string, unknown>;
  kerasName: string;
  aliases: string[];
  keys: string[];
}

const LOSSES: LossEntry[] = [
  { className: 'BinaryCrossentropy', defaults: { name: 'binaryCrossentropy', fromLogits: false, labelSmoothing: 0 }, kerasName: 'binary_crossentropy', aliases: [], keys: ['from_logits', 'label_smoothing'] },
  { className: 'CategoricalCrossentropy', defaults: { name: 'categoricalCrossentropy', fromLogits: false, labelSmoothing: 0, axis: -1 }, kerasName: 'categorical_crossentropy', aliases: [], keys: ['from_logits', 'label_smoothing', 'axis'] },
  { className: 'SparseCategoricalCrossentropy', defaults: { name: 'sparseCategoricalCrossentropy', fromLogits: false }, kerasName: 'sparse_categorical_crossentropy', aliases: [], keys: ['from_logits'] },
  { className: 'MeanSquaredError', defaults: { name: 'meanSquaredError' }, kerasName: 'mean_squared_error', aliases: ['mse'], keys: [] },
  { className: 'MeanAbsoluteError', defaults: { name: 'meanAbsoluteError' }, kerasName: 'mean_absolute_error', aliases: ['mae'], keys: [] },
  { className: 'Huber', defaults: { name: 'huber', delta: 1 }, kerasName: 'huber', aliases: ['huber_loss'], keys: ['delta'] },
];

/** Keras loss options that change nothing at these values. */
const LOSS_IGNORED: Record<string, unknown[]> = { reduction: ['auto', 'sum_over_batch_size'], ignore_class: [null], axis: [-1] };

function lossFromKeras(x: unknown): SerializedObject {
  if (typeof x === 'string') {
    const key = normalizeName(x);
    const entry = LOSSES.find((e) => [e.kerasName, e.className, ...e.aliases].some((n) => normalizeName(n) === key));
    if (entry === undefined) throw new Unsupported(`the loss '${x}' is not one Strata has (${LOSSES.map((e) => e.kerasName).join(', ')})`);
    return { className: entry.className, config: { ...entry.defaults } };
  }
  if (!isDict(x) || typeof x['class_name'] !== 'string') throw new Unsupported(`the loss ${shown(x)} is neither a name nor a {class_name, config} object`);
  const entry = LOSSES.find((e) => e.className === x['class_name'] || normalizeName(e.kerasName) === normalizeName(String(x['class_name'])));
  if (entry === undefined) throw new Unsupported(`the loss ${String(x['class_name'])} is not one Strata has`);
  const config: Record<string, unknown> = { ...entry.defaults };
  for (const [key, value] of Object.entries(isDict(x['config']) ? x['config'] : {})) {
    if (key === 'name' || key === 'fn') continue;
    if (entry.keys.includes(key)) config[toCamel(key)] = value;
    else if (!(LOSS_IGNORED[key] ?? []).includes(value)) throw new Unsupported(`the loss option ${key} = ${shown(value)} of ${entry.className} is not one Strata has`);
  }
  return { className: entry.className, config };
}

function lossToKeras(l: SerializedObject, flavour: KerasFlavour): unknown {
  const entry = LOSSES.find((e) => e.className === l.className);
  if (entry === undefined) throw new NotSupportedError(`trainingConfigToKeras: the loss ${l.className} has no Keras counterpart; compile with a built-in loss to save the training config.`);
  if (sameJson(lossFromKeras(entry.kerasName), l)) return entry.kerasName;
  const config: Dict = { name: entry.kerasName };
  for (const [key, value] of Object.entries(l.config)) if (key !== 'name') config[toSnake(key)] = value;
  if (flavour === 'keras3') config['reduction'] = 'sum_over_batch_size';
  return wrap('keras.losses', l.className, config, flavour);
}

// ---- metrics ----

/** Metric names Keras accepts as strings, and the Strata metric each gives (named as written). */
const METRIC_NAMES: [string[], string, Record<string, unknown>][] = [
  [['binary_accuracy'], 'BinaryAccuracy', { threshold: 0.5 }],
  [['categorical_accuracy'], 'CategoricalAccuracy', {}],
  [['sparse_categorical_accuracy'], 'SparseCategoricalAccuracy', {}],
  [['top_k_categorical_accuracy'], 'TopKCategoricalAccuracy', { k: 5 }],
  [['sparse_top_k_categorical_accuracy'], 'SparseTopKCategoricalAccuracy', { k: 5 }],
  [['mse', 'mean_squared_error'], 'MeanSquaredError', {}],
  [['mae', 'mean_absolute_error'], 'MeanAbsoluteError', {}],
  [['binary_crossentropy'], 'BinaryCrossentropy', { fromLogits: false, labelSmoothing: 0 }],
  [['categorical_crossentropy'], 'CategoricalCrossentropy', { fromLogits: false, labelSmoothing: 0, axis: -1 }],
  [['sparse_categorical_crossentropy'], 'SparseCategoricalCrossentropy', { fromLogits: false }],
  [['precision'], 'Precision', { threshold: 0.5 }],
  [['recall'], 'Recall', { threshold: 0.5 }],
];

/** Keras metric options that change nothing at these values, and those Strata names otherwise. */
const METRIC_IGNORED: Record<string, unknown[]> = { dtype: ['float32', null], top_k: [null], class_id: [null], axis: [-1], ignore_class: [null] };
const METRIC_RENAMED: Record<string, string> = { thresholds: 'threshold' };

/** The accuracy Keras means by 'accuracy' for a loss: the one matching the labels that loss takes. */
function accuracyFor(loss: SerializedObject | undefined): [string, Record<string, unknown>] | undefined {
  switch (loss?.className) {
    case 'BinaryCrossentropy':
      return ['BinaryAccuracy', { threshold: 0.5 }];
    case 'CategoricalCrossentropy':
      return ['CategoricalAccuracy', {}];
    case 'SparseCategoricalCrossentropy':
      return ['SparseCategoricalAccuracy', {}];
    default:
      return undefined;
  }
}

function metricFromName(name: string, loss: SerializedObject | undefined): SerializedObject {
  const key = normalizeName(name);
  if (key === 'accuracy' || key === 'acc') {
    const picked = accuracyFor(loss);
    if (picked === undefined) throw new Unsupported(`the metric '${name}' with the loss ${loss?.className ?? '(none)'}: Keras picks that accuracy from the data's shapes; pass metrics to compile() again`);
    return { className: picked[0], config: { name, ...picked[1] } };
  }
  const found = METRIC_NAMES.find(([names, cls]) => names.some((n) => normalizeName(n) === key) || normalizeName(cls) === key);
  if (found === undefined) throw new Unsupported(`the metric '${name}' is not one Strata has`);
  return { className: found[1], config: { name, ...found[2] } };
}

function metricFromKeras(x: unknown, loss: SerializedObject | undefined): SerializedObject {
  if (typeof x === 'string') return metricFromName(x, loss);
  if (!isDict(x) || typeof x['class_name'] !== 'string') throw new Unsupported(`the metric ${shown(x)} is neither a name nor a {class_name, config} object`);
  const config = isDict(x['config']) ? x['config'] : {};
  const name = typeof config['name'] === 'string' ? config['name'] : toSnake(x['class_name']);
  // Keras 2 writes metrics given by name as MeanMetricWrapper {name, fn}.
  if (x['class_name'] === 'MeanMetricWrapper') {
    if (typeof config['fn'] !== 'string') throw new Unsupported(`the metric '${name}' wraps a function Strata cannot read`);
    const made = metricFromName(config['fn'], loss);
    return { className: made.className, config: { ...made.config, name } };
  }
  const found = METRIC_NAMES.find(([, cls]) => cls === x['class_name']);
  if (found === undefined) throw new Unsupported(`the metric ${x['class_name']} is not one Strata has`);
  const out: Record<string, unknown> = { name, ...found[2] };
  for (const [key, value] of Object.entries(config)) {
    if (key === 'name' || (METRIC_IGNORED[key] ?? []).includes(value)) continue;
    const strataKey = METRIC_RENAMED[key] ?? toCamel(key);
    if (!(strataKey in found[2]) || (key === 'thresholds' && typeof value !== 'number' && value !== null)) {
      throw new Unsupported(`the metric option ${key} = ${shown(value)} of ${x['class_name']} is not one Strata has`);
    }
    if (value !== null) out[strataKey] = value;
  }
  return { className: found[1], config: out };
}

function metricToKeras(m: SerializedObject, loss: SerializedObject | undefined, flavour: KerasFlavour): unknown {
  const name = typeof m.config['name'] === 'string' ? m.config['name'] : '';
  try {
    if (sameJson(metricFromName(name, loss), m)) return name;
  } catch (e) {
    if (!(e instanceof Unsupported)) throw e;
  }
  if (!METRIC_NAMES.some(([, cls]) => cls === m.className)) {
    throw new NotSupportedError(`trainingConfigToKeras: the metric ${m.className} ('${name}') has no Keras counterpart; compile with built-in metrics to save the training config.`);
  }
  const config: Dict = { name, dtype: 'float32' };
  for (const [key, value] of Object.entries(m.config)) if (key !== 'name') config[key === 'threshold' ? 'threshold' : toSnake(key)] = value;
  return wrap('keras.metrics', m.className, config, flavour);
}

// ---- the whole config ----

/** A per-output setting: one for all outputs, a list (one per output), or a dict by output name (unsupported). */
function perOutput<T>(x: unknown, outputs: number, what: string, one: (v: unknown, i: number) => T): T[] {
  if (isDict(x) && !('class_name' in x)) throw new Unsupported(`the ${what} are given by output name, which Strata's models do not keep`);
  if (Array.isArray(x)) {
    if (x.length !== outputs) throw new Unsupported(`${x.length} ${what} were given for a model with ${outputs} output(s)`);
    return x.map(one);
  }
  return Array.from({ length: outputs }, (_, i) => one(x, i));
}

/**
 * Strata's compile settings from Keras's: Keras 3's `compile_config` ({optimizer, loss,
 * loss_weights, metrics, ...}) or Keras 2's / TF.js's `training_config` ({optimizer_config, loss,
 * metrics, loss_weights, ...}). When Strata cannot rebuild the optimizer or a loss, there is no
 * `trainingConfig` (the model still loads; compile it again); a metric it lacks is left out. Each
 * thing not kept is one sentence in `dropped`, for a warning.
 *
 * @example
 * const { trainingConfig, dropped } = trainingConfigFromKeras(config.compile_config);
 */
export function trainingConfigFromKeras(x: unknown, options: KerasTrainingOptions = {}): { trainingConfig?: TrainingConfig; dropped: string[] } {
  const dropped: string[] = [];
  if (!isDict(x) || Object.keys(x).length === 0) return { dropped };
  const outputs = options.outputs ?? 1;
  try {
    if ((x['weighted_metrics'] ?? null) !== null && !(Array.isArray(x['weighted_metrics']) && x['weighted_metrics'].length === 0)) {
      dropped.push(`the weighted metrics ${shown(x['weighted_metrics'])} are not kept (Strata's compile has no weighted metrics).`);
    }
    const optimizer = optimizerFromKeras(x['optimizer'] ?? x['optimizer_config'], dropped);
    if (x['loss'] === null || x['loss'] === undefined) throw new Unsupported('the model was compiled without a loss');
    const losses = perOutput(x['loss'], outputs, 'losses', (l) => lossFromKeras(l));
    const weights = x['loss_weights'];
    const lossWeights = weights === null || weights === undefined ? losses.map(() => 1) : perOutput(weights, outputs, 'loss weights', (w) => {
      if (typeof w !== 'number' || !Number.isFinite(w)) throw new Unsupported(`the loss weight ${shown(w)} is not a number`);
      return w;
    });
    const given = x['metrics'] ?? [];
    // A flat list applies to every output; a list of lists gives each output its own.
    const nested = Array.isArray(given) && given.length > 0 && given.every((m) => Array.isArray(m));
    let lists: unknown[][] = [];
    try {
      // A list of lists gives each output its own; anything else applies to every output.
      lists = nested || (isDict(given) && !('class_name' in given))
        ? perOutput(given, outputs, 'metric lists', (l) => l as unknown[])
        : Array.from({ length: outputs }, () => (Array.isArray(given) ? given : [given]));
    } catch (e) {
      if (!(e instanceof Unsupported)) throw e;
      dropped.push(`${e.message}; the metrics are left out.`);
    }
    const metrics = Array.from({ length: outputs }, (_, i) => lists[i] ?? []).map((list, i) => {
      const kept: SerializedObject[] = [];
      for (const m of list) {
        try {
          kept.push(metricFromKeras(m, losses[i]));
        } catch (e) {
          if (!(e instanceof Unsupported)) throw e;
          dropped.push(`${e.message}; the metric is left out.`);
        }
      }
      return kept;
    });
    // Keras 3's default 'auto' lets a backend choose; Strata's default is eager, so only true is kept.
    const jitCompile = x['jit_compile'] === true ? { jitCompile: true } : {};
    return { trainingConfig: { optimizer, losses, lossWeights, metrics, ...jitCompile }, dropped };
  } catch (e) {
    if (!(e instanceof Unsupported)) throw e;
    dropped.push(`${e.message}; the compile settings are not kept (compile the model again before training).`);
    return { dropped };
  }
}

/**
 * Keras's form of Strata's compile settings: `'keras3'` gives a `compile_config` as Keras 3
 * writes it in `config.json`; `'keras2'` a `training_config` as Keras 2 writes it in `.h5` files
 * and TF.js reads it (losses and metrics by name where a name says it all). A loss or metric
 * without a Keras counterpart raises a NotSupportedError.
 *
 * @example
 * const compileConfig = trainingConfigToKeras(artifacts.trainingConfig, 'keras3');
 */
export function trainingConfigToKeras(t: TrainingConfig, flavour: KerasFlavour): Record<string, unknown> {
  const single = t.losses.length === 1;
  const losses = t.losses.map((l) => lossToKeras(l, flavour));
  const metrics = t.metrics.map((ms, i) => ms.map((m) => metricToKeras(m, t.losses[i], flavour)));
  const loss = single ? losses[0] : losses;
  const lossWeights = t.lossWeights.every((w) => w === 1) ? null : t.lossWeights;
  if (flavour === 'keras3') {
    return {
      optimizer: optimizerToKeras(t.optimizer, flavour),
      loss,
      loss_weights: lossWeights,
      metrics: single ? metrics[0] : metrics,
      weighted_metrics: null,
      run_eagerly: false,
      steps_per_execution: 1,
      jit_compile: t.jitCompile ?? false,
    };
  }
  return {
    optimizer_config: optimizerToKeras(t.optimizer, flavour),
    loss,
    // TF.js applies a flat list to its one output; Keras 2 reads both forms.
    metrics: single ? metrics[0] : metrics,
    weighted_metrics: null,
    loss_weights: lossWeights,
    sample_weight_mode: null,
  };
}

function sameJson(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  if (isDict(a) && isDict(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && sameJson(a[k], b[k]));
  }
  return a === b;
}
