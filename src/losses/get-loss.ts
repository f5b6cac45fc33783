/** Looking losses up by name (camelCase, snake_case or class name), and rebuilding them from saved configs. */
import { ValueError } from '../core/errors.js';
import { BinaryCrossentropy } from './binary-crossentropy.js';
import { CategoricalCrossentropy, SparseCategoricalCrossentropy } from './categorical-crossentropy.js';
import { Loss, LossFunctionWrapper, type LossConfig, type LossFn } from './loss.js';
import { Huber, MeanAbsoluteError, MeanSquaredError } from './regression.js';

/** A loss as stored in a saved model: its registered class name and `getConfig()`. */
export interface SerializedLoss {
  /** The registered class name ('SparseCategoricalCrossentropy'). */
  className: string;
  /** `getConfig()`'s output. */
  config: LossConfig;
}

type LossClass = new (args: never) => Loss;

interface Entry {
  /** The camelCase function name, used as the loss's canonical name. */
  name: string;
  className: string;
  aliases: string[];
  cls: LossClass;
}

const entries: Entry[] = [];

/** Names compare without case and underscores, so 'mean_squared_error', 'meanSquaredError' and 'MeanSquaredError' agree. */
const normalize = (name: string): string => name.toLowerCase().replace(/_/g, '');

/**
 * Makes a loss class resolvable by `getLoss` and `deserializeLoss`: under its camelCase `name`,
 * its `className`, and any `aliases`. Its constructor must accept its `getConfig()` output.
 */
export function registerLoss(name: string, className: string, cls: new (args: never) => Loss, aliases: string[] = []): void {
  entries.push({ name, className, aliases, cls });
}

registerLoss('meanSquaredError', 'MeanSquaredError', MeanSquaredError, ['mse']);
registerLoss('meanAbsoluteError', 'MeanAbsoluteError', MeanAbsoluteError, ['mae']);
registerLoss('huber', 'Huber', Huber);
registerLoss('binaryCrossentropy', 'BinaryCrossentropy', BinaryCrossentropy);
registerLoss('categoricalCrossentropy', 'CategoricalCrossentropy', CategoricalCrossentropy);
registerLoss('sparseCategoricalCrossentropy', 'SparseCategoricalCrossentropy', SparseCategoricalCrossentropy);

function find(name: string): Entry | undefined {
  const key = normalize(name);
  return entries.find((e) => normalize(e.name) === key || normalize(e.className) === key || e.aliases.some((a) => normalize(a) === key));
}

const snakeCase = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function unknown(op: string, name: string): ValueError {
  const valid = entries.map((e) => [e.name, snakeCase(e.name), ...e.aliases].filter((n, i, all) => all.indexOf(n) === i).map((n) => `'${n}'`).join(' / '));
  return new ValueError(`${op}: unknown loss '${name}'; valid names are ${valid.join(', ')}. A Loss instance or a function (yTrue, yPred) => Tensor also works.`);
}

/**
 * The canonical camelCase name of a built-in loss given by name or instance
 * ('sparse_categorical_crossentropy' → 'sparseCategoricalCrossentropy'), or undefined for
 * custom losses. Metrics use it to resolve 'accuracy'.
 */
export function canonicalLossName(loss: string | Loss): string | undefined {
  return typeof loss === 'string' ? find(loss)?.name : entries.find((e) => loss instanceof e.cls)?.name;
}

/** The JSON form of a loss. Losses made from plain functions cannot be rebuilt from it. */
export function serializeLoss(loss: Loss): SerializedLoss {
  return { className: loss.className, config: loss.getConfig() };
}

/** Rebuilds a loss from `serializeLoss`'s output. */
export function deserializeLoss(serialized: SerializedLoss): Loss {
  if (serialized.className === 'LossFunctionWrapper') {
    throw new ValueError(`deserializeLoss: the loss '${serialized.config['name']}' was a plain function, which cannot be rebuilt from a config; pass the function again.`);
  }
  const entry = entries.find((e) => e.className === serialized.className);
  if (!entry) throw unknown('deserializeLoss', serialized.className);
  return new entry.cls(serialized.config as never);
}

/**
 * Resolves what `compile({loss})` accepts: a name in camelCase, snake_case or as the class name
 * ('sparseCategoricalCrossentropy', 'sparse_categorical_crossentropy', 'mse', ...), a `Loss`
 * (returned as is), a function `(yTrue, yPred) => per-sample losses`, or a serialized loss.
 *
 * @example
 * getLoss('sparse_categorical_crossentropy').compute(labels, probabilities);
 */
export function getLoss(identifier: string | Loss | LossFn | SerializedLoss): Loss {
  if (identifier instanceof Loss) return identifier;
  if (typeof identifier === 'function') return new LossFunctionWrapper(identifier);
  if (typeof identifier === 'string') {
    const entry = find(identifier);
    if (!entry) throw unknown('getLoss', identifier);
    return new entry.cls({} as never);
  }
  if (identifier && typeof identifier === 'object' && typeof identifier.className === 'string') return deserializeLoss(identifier);
  throw new ValueError(`getLoss: expected a loss name, a Loss, a function or a {className, config} object, got ${identifier === null ? 'null' : typeof identifier}.`);
}
