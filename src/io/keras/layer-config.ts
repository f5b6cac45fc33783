/**
 * One layer's config between Keras (snake_case, Keras 2 or 3 objects) and Strata (camelCase,
 * `{className, config}`): the keys are renamed by rule, the objects inside (activations,
 * initializers, regularizers, dtypes, wrapped layers) are translated, and the Keras options
 * Strata does not have are accepted only at the values that make no difference.
 */
import { NotSupportedError } from '../../core/errors.js';
import type { ConfigDict, ConfigValue, Serialized } from '../../core/serialization.js';
import { dictAt, isDict, shown, stringAt, toCamel, toSnake, type Dict } from './keras-json.js';
import {
  activationFromKeras, activationToKeras, checkNoConstraint, dataFormatFromKeras, dataFormatToKeras, dtypeFromKeras, dtypeToKeras,
  initializerFromKeras, initializerToKeras, regularizerFromKeras, regularizerToKeras, type KerasFlavour, type ReadContext,
} from './objects.js';

/** A value any Keras option may take (`'any'`), or the values at which ignoring it changes nothing. */
type Accepted = 'any' | readonly unknown[];

/**
 * Keras options that Strata's layers do not have. Each is read only where it makes no difference:
 * `unroll` and `implementation` change how Keras computes, not what; the rest must be off.
 */
const IGNORED: Record<string, Accepted> = {
  unroll: 'any',
  implementation: 'any',
  time_major: [false],
  sparse: [false],
  ragged: [false],
  optional: [false],
  autocast: 'any',
  quantization_config: [null],
  lora_rank: [null],
  lora_alpha: 'any',
  // Keras 2 Embedding: the sequence length, used only to check shapes.
  input_length: 'any',
  renorm: [false],
  renorm_clipping: 'any',
  renorm_momentum: 'any',
  // Keras 3 BatchNormalization: synchronised statistics across devices; one device is the same.
  synchronized: 'any',
  fused: 'any',
  virtual_batch_size: [null],
  adjustment: [null],
  rms_scaling: [false],
  // Keras 3.1x MultiHeadAttention: a gated output and windowed attention, off by default.
  use_gate: [false],
  sliding_window: [null],
  // Input shapes on other layers than the first of a Sequential model (that one is read there).
  batch_input_shape: 'any',
  batch_shape: 'any',
  input_shape: 'any',
  batch_size: 'any',
};

/** Keras keys whose Strata name is not their camelCase, per class. */
const RENAMED: Record<string, Record<string, string>> = {
  // Keras 2 and TF.js call LeakyReLU's slope `alpha`; Keras 3 `negative_slope`.
  LeakyReLU: { alpha: 'negativeSlope' },
};

/** Keras 2 / TF.js defaults that differ from Strata's, applied when a file omits the key. */
const LEGACY_DEFAULTS: Record<string, Dict> = {
  // Keras before 2.3 (and TF.js) made GRUs with reset_after = false and did not always write it.
  GRU: { resetAfter: false },
  GRUCell: { resetAfter: false },
};

/** Keys whose values are layers (wrappers and RNN cells). */
const NESTED = new Set(['layer', 'backward_layer', 'cell']);

/** Translates a nested layer (a wrapped layer, a cell) the same way as a layer in a model. */
export type NestedFromKeras = (value: unknown, field: string) => Serialized;
/** Translates a nested Strata layer to Keras. */
export type NestedToKeras = (value: Serialized) => Dict;

/** Describes a layer in messages: `layer 'dense_1' (Dense)`. */
export const describeLayer = (name: unknown, className: string): string => (typeof name === 'string' ? `layer '${name}' (${className})` : `a ${className} layer`);

/** The value of one Keras config key in Strata's terms; undefined drops the key. */
function valueFromKeras(ctx: ReadContext, className: string, where: string, field: string, key: string, value: unknown, nested: NestedFromKeras): ConfigValue | undefined {
  if (key.endsWith('_constraint')) {
    checkNoConstraint(ctx, where, key, value);
    return undefined;
  }
  if (key === 'activation' || key.endsWith('_activation')) return activationFromKeras(ctx, `${field}.${key}`, value);
  if (key.endsWith('_initializer')) return initializerFromKeras(ctx, `${field}.${key}`, value);
  if (key.endsWith('_regularizer')) return regularizerFromKeras(ctx, `${field}.${key}`, value);
  if (key === 'dtype') return dtypeFromKeras(ctx, `${field}.${key}`, value);
  if (key === 'data_format') return dataFormatFromKeras(value) as ConfigValue;
  if (NESTED.has(key) && value !== null) {
    if (Array.isArray(value)) throw new NotSupportedError(`${ctx.source}: ${where} stacks several cells; Strata's RNN takes one cell (use one recurrent layer per cell).`);
    return nested(value, `${field}.${key}`) as unknown as ConfigValue;
  }
  if (key === 'axis' && className === 'LayerNormalization' && typeof value === 'number') return [value];
  if (key === 'axis' && className === 'BatchNormalization' && Array.isArray(value) && value.length === 1) return value[0] as ConfigValue;
  // Keras writes null strides for pooling that moves by its window, Strata's default.
  if (key === 'strides' && value === null) return undefined;
  return value as ConfigValue;
}

/**
 * A Keras layer's `config` as Strata's config for the class `className`. `field` locates it in
 * the file for messages.
 */
export function layerConfigFromKeras(ctx: ReadContext, className: string, config: Dict, field: string, nested: NestedFromKeras): ConfigDict {
  const where = describeLayer(config['name'], className);
  const out: ConfigDict = {};
  for (const [key, value] of Object.entries(config)) {
    const accepted = IGNORED[key];
    if (accepted !== undefined) {
      if (accepted !== 'any' && !accepted.includes(value)) {
        throw new NotSupportedError(`${ctx.source}: ${where} has ${key} = ${shown(value)}, which Strata does not support (it reads ${key} = ${accepted.map((a) => shown(a)).join(' or ')} only).`);
      }
      continue;
    }
    const v = valueFromKeras(ctx, className, where, field, key, value, nested);
    if (v !== undefined) out[RENAMED[className]?.[key] ?? toCamel(key)] = v;
  }
  if (ctx.legacy) {
    for (const [key, value] of Object.entries(LEGACY_DEFAULTS[className] ?? {})) if (!(key in out)) out[key] = value as ConfigValue;
  }
  return out;
}

/** The Keras key for a Strata key of class `className` (the reverse of `RENAMED`, per flavour). */
function keyToKeras(className: string, key: string, flavour: KerasFlavour): string {
  if (className === 'LeakyReLU' && key === 'negativeSlope') return flavour === 'keras3' ? 'negative_slope' : 'alpha';
  return toSnake(key);
}

/** Strata keys Keras 2 (tf.keras, TF.js) would refuse, per class, with the values at which leaving them out changes nothing. */
const KERAS2_OMITTED: Record<string, Dict> = {
  // tf.keras 2's recurrent layers take no seed (their dropout draws from the global seed).
  LSTM: { seed: null }, GRU: { seed: null }, SimpleRNN: { seed: null }, RNN: { seed: null },
  LSTMCell: { seed: null }, GRUCell: { seed: null }, SimpleRNNCell: { seed: null },
};

/**
 * Strata keys that Keras's layers of a class do not take as arguments (their constructors would
 * refuse them), with the values at which leaving them out changes nothing.
 * NOTE: Keras's SpatialDropout layers take only rate, seed, name and dtype (and data_format).
 */
const KERAS_OMITTED: Record<string, Dict> = {
  SpatialDropout1D: { trainable: true, activityRegularizer: null },
  SpatialDropout2D: { trainable: true, activityRegularizer: null },
};

/** A Strata layer's config in Keras's terms (`where` names the layer for errors). */
export function layerConfigToKeras(className: string, config: ConfigDict, flavour: KerasFlavour, nested: NestedToKeras): Dict {
  const where = describeLayer(config['name'], className);
  const out: Dict = {};
  for (const [key, value] of Object.entries(config)) {
    if (flavour === 'keras2' && key in (KERAS2_OMITTED[className] ?? {}) && KERAS2_OMITTED[className]![key] === value) continue;
    if (key in (KERAS_OMITTED[className] ?? {}) && KERAS_OMITTED[className]![key] === value) continue;
    let v: unknown = value;
    if (key === 'activation' || key === 'recurrentActivation') v = activationToKeras(stringOf(where, key, value), flavour, where);
    else if (key.endsWith('Initializer')) v = initializerToKeras(value, flavour);
    else if (key.endsWith('Regularizer')) v = regularizerToKeras(value, flavour);
    else if (key === 'dtype') v = dtypeToKeras(value, flavour);
    else if (key === 'dataFormat') v = dataFormatToKeras(value);
    else if ((key === 'layer' || key === 'backwardLayer' || key === 'cell') && isDict(value)) v = nested(value as unknown as Serialized);
    else if (key === 'axis' && className === 'LayerNormalization' && Array.isArray(value) && value.length === 1) v = value[0];
    out[keyToKeras(className, key, flavour)] = v;
  }
  return out;
}

function stringOf(where: string, key: string, value: unknown): string {
  if (typeof value !== 'string') throw new NotSupportedError(`${where}: ${key} is ${shown(value)}; only activations saved by name can be written for Keras.`);
  return value;
}

/** The parts of a Keras layer object: its class name and config (either Keras's form). */
export function kerasLayerParts(ctx: ReadContext, value: unknown, field: string): { className: string; config: Dict | unknown[] } {
  const obj = dictAt(ctx.source, field, value);
  const className = stringAt(ctx.source, `${field}.class_name`, obj['class_name']);
  const config = obj['config'];
  if (!Array.isArray(config)) dictAt(ctx.source, `${field}.config`, config);
  return { className, config: config as Dict | unknown[] };
}
