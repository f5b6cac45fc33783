/**
 * The small objects inside Keras layer configs, both ways: activations (by Keras name, with Keras
 * 2's hard_sigmoid told apart from Keras 3's), initializers, regularizers, constraints, dtypes
 * (strings or Keras 3 DTypePolicy objects) and data formats.
 */
import { NotSupportedError } from '../../core/errors.js';
import { normalizeName, type ConfigValue } from '../../core/serialization.js';
import { dictAt, isDict, malformed, shown, stringAt, toCamel, toSnake, type Dict } from './keras-json.js';

/** The Keras dialect to write: what Keras 3 saves in `config.json`, or Keras 2's (legacy `.h5` `model_config`, TF.js `modelTopology`). */
export type KerasFlavour = 'keras3' | 'keras2';

/** Where a value being read sits, for messages, and which Keras's meaning its names have. */
export interface ReadContext {
  /** The file, for messages. */
  source: string;
  /** True for files written by Keras 2 or TF.js (their hard_sigmoid is 0.2·x + 0.5). */
  legacy: boolean;
}

/** The activation a Keras config names, as Strata names it. */
export function activationFromKeras(ctx: ReadContext, field: string, value: unknown): string {
  // Keras 3 may save a function as {class_name: 'function', config: 'relu'}.
  const name = isDict(value) && value['class_name'] === 'function' ? value['config'] : value;
  if (typeof name !== 'string') {
    throw new NotSupportedError(`${ctx.source}: ${field} is ${shown(value)}; Strata reads activations given by name only (such as 'relu'). Use an activation layer instead.`);
  }
  switch (normalizeName(name)) {
    case 'hardsigmoid':
      return ctx.legacy ? 'legacy_hard_sigmoid' : 'hard_sigmoid';
    case 'swish':
      return 'silu';
    default:
      return name;
  }
}

/** The Keras name of a Strata activation; `where` names the layer for the error when the flavour has no such activation. */
export function activationToKeras(name: string, flavour: KerasFlavour, where: string): string {
  const key = normalizeName(name);
  if (key === 'legacyhardsigmoid') {
    if (flavour === 'keras2') return 'hard_sigmoid';
    throw new NotSupportedError(`${where}: the activation 'legacy_hard_sigmoid' (Keras 2's clip(0.2·x + 0.5, 0, 1)) has no Keras 3 name (Keras 3's hard_sigmoid is relu6(x + 3) / 6); save as TF.js or .strata instead.`);
  }
  if (key === 'hardsigmoid' && flavour === 'keras2') {
    throw new NotSupportedError(`${where}: the activation 'hard_sigmoid' (Keras 3's relu6(x + 3) / 6) has no Keras 2 / TF.js name (theirs is clip(0.2·x + 0.5, 0, 1)); save as .keras or .strata instead.`);
  }
  if (key === 'silu' && flavour === 'keras2') return 'swish';
  return name;
}

/** Keras's spelling of a value that Strata writes in camelCase (`fan_avg`, `truncated_normal`, `channels_last`). */
const snakeValue = (v: unknown): unknown => (typeof v === 'string' ? toSnake(v) : v);
/** Strata's spelling of a value that Keras writes in snake_case. */
const camelValue = (v: unknown): unknown => (typeof v === 'string' ? toCamel(v) : v);

/** Translates the keys (and the enumerated values) of an initializer's or regularizer's config. */
function objectConfigFromKeras(className: string, config: Dict): Record<string, ConfigValue> {
  const out: Record<string, ConfigValue> = {};
  for (const [key, value] of Object.entries(config)) {
    // Keras 3.14+ writes the axes of EinsumDense-style kernels; null for every other layer.
    if ((key === 'input_axes' || key === 'output_axes') && value === null) continue;
    let v = value;
    if (className === 'VarianceScaling' && key === 'mode') v = camelValue(value);
    // Keras 2 wrote 'normal' for what is now 'truncated_normal'.
    if (className === 'VarianceScaling' && key === 'distribution') v = value === 'normal' ? 'truncatedNormal' : camelValue(value);
    out[toCamel(key)] = v as ConfigValue;
  }
  return out;
}

function objectConfigToKeras(className: string, config: Dict): Dict {
  const out: Dict = {};
  for (const [key, value] of Object.entries(config)) {
    out[toSnake(key)] = className === 'VarianceScaling' && (key === 'mode' || key === 'distribution') ? snakeValue(value) : value;
  }
  return out;
}

/** `{class_name, config}` (any Keras) → Strata's `{className, config}`; a name stays a name (Strata resolves Keras names). */
function serializedFromKeras(ctx: ReadContext, field: string, value: unknown): ConfigValue {
  if (typeof value === 'string') return value;
  const obj = dictAt(ctx.source, field, value);
  // Keras 3.0–3.4 named the orthogonal initializer's class OrthogonalInitializer (exported as Orthogonal).
  const className = stringAt(ctx.source, `${field}.class_name`, obj['class_name']).replace(/(.)Initializer$/, '$1');
  const config = obj['config'] === undefined ? {} : dictAt(ctx.source, `${field}.config`, obj['config']);
  return { className, config: objectConfigFromKeras(className, config) };
}

function serializedToKeras(value: unknown, flavour: KerasFlavour, module: string): unknown {
  if (!isDict(value) || typeof value['className'] !== 'string') return value;
  const className = value['className'];
  const config = objectConfigToKeras(className, isDict(value['config']) ? value['config'] : {});
  return flavour === 'keras3' ? { module, class_name: className, config, registered_name: null } : { class_name: className, config };
}

/** An initializer from a Keras config (null: the layer's default, returned as undefined). */
export function initializerFromKeras(ctx: ReadContext, field: string, value: unknown): ConfigValue | undefined {
  return value === null ? undefined : serializedFromKeras(ctx, field, value);
}

/** A Strata initializer in Keras's form. */
export function initializerToKeras(value: unknown, flavour: KerasFlavour): unknown {
  return serializedToKeras(value, flavour, 'keras.initializers');
}

/**
 * A regularizer from a Keras config (null for none). Keras 2's `l2(0.01)` was saved as
 * L1L2 {l1: 0, l2: 0.01}; such a pair with one zero is read as the one penalty it is.
 */
export function regularizerFromKeras(ctx: ReadContext, field: string, value: unknown): ConfigValue {
  if (value === null) return null;
  const r = serializedFromKeras(ctx, field, value);
  if (isDict(r) && r['className'] === 'L1L2' && isDict(r['config'])) {
    const { l1, l2 } = r['config'];
    if (l1 === 0 && typeof l2 === 'number' && l2 !== 0) return { className: 'L2', config: { l2 } };
    if (l2 === 0 && typeof l1 === 'number' && l1 !== 0) return { className: 'L1', config: { l1 } };
  }
  return r;
}

/** A Strata regularizer in Keras's form (null for none); Keras 2's form uses L1L2 for L1 and L2 alike, the one class TF.js reads. */
export function regularizerToKeras(value: unknown, flavour: KerasFlavour): unknown {
  if (flavour === 'keras2' && isDict(value) && (value['className'] === 'L1' || value['className'] === 'L2') && isDict(value['config'])) {
    return { class_name: 'L1L2', config: { l1: value['config']['l1'] ?? 0, l2: value['config']['l2'] ?? 0 } };
  }
  return serializedToKeras(value, flavour, 'keras.regularizers');
}

/** Checks that a Keras constraint is absent: Strata has no weight constraints. */
export function checkNoConstraint(ctx: ReadContext, where: string, key: string, value: unknown): void {
  if (value === null || value === undefined) return;
  const name = isDict(value) ? value['class_name'] : value;
  throw new NotSupportedError(
    `${ctx.source}: ${where} has the constraint ${key} = ${shown(name)}; Strata has no weight constraints, so it cannot train this layer as Keras would. ` +
      'Remove the constraint in Keras (its weights are unaffected) and save again.',
  );
}

/** The dtype a Keras config gives: a string, or a Keras 3 DTypePolicy (Keras 2 Policy) object. */
export function dtypeFromKeras(ctx: ReadContext, field: string, value: unknown): string {
  const name = isDict(value) ? dictAt(ctx.source, `${field}.config`, value['config'])['name'] : value;
  if (typeof name !== 'string') throw malformed(ctx.source, field, 'a dtype name or a DTypePolicy object', value);
  if (name.startsWith('mixed_') || (isDict(value) && value['class_name'] !== 'DTypePolicy' && value['class_name'] !== 'Policy' && value['class_name'] !== 'FloatDTypePolicy')) {
    throw new NotSupportedError(`${ctx.source}: ${field} is the policy ${shown(value)}; Strata computes in the weights' dtype and supports plain dtype policies only ('float32', ...).`);
  }
  return name;
}

/** A Strata dtype as the flavour writes it (Keras 3: a DTypePolicy object). */
export function dtypeToKeras(dtype: unknown, flavour: KerasFlavour): unknown {
  return flavour === 'keras3' ? { module: 'keras', class_name: 'DTypePolicy', config: { name: dtype }, registered_name: null } : dtype;
}

/** `channels_last` ↔ `channelsLast`. */
export const dataFormatFromKeras = camelValue;
/** `channelsLast` ↔ `channels_last`. */
export const dataFormatToKeras = snakeValue;
