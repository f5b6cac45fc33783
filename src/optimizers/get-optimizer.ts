/** Looking optimizers up by name, and rebuilding them from saved configs. */
import { ValueError } from '../core/errors.js';
import { Adagrad } from './adagrad.js';
import { Adam, AdamW } from './adam.js';
import { Optimizer, learningRateFromConfig, type OptimizerConfig } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

/** An optimizer as stored in a saved model: its registered class name and `getConfig()`. */
export interface SerializedOptimizer {
  /** The registered class name ('Adam'). */
  className: string;
  /** `getConfig()`'s output. */
  config: OptimizerConfig;
}

type OptimizerClass = new (args: never) => Optimizer;

/** Registered classes, keyed by lowercased class name (so 'adam', 'Adam' and 'ADAM' all resolve). */
const registry = new Map<string, { className: string; cls: OptimizerClass }>();

/**
 * Makes a custom optimizer class resolvable by `getOptimizer` and `deserializeOptimizer` under
 * `className` (case-insensitive). Its constructor must accept its `getConfig()` output.
 */
export function registerOptimizer(className: string, cls: new (args: never) => Optimizer): void {
  registry.set(className.toLowerCase(), { className, cls });
}

for (const [name, cls] of [['SGD', SGD], ['Adagrad', Adagrad], ['RMSprop', RMSprop], ['Adam', Adam], ['AdamW', AdamW]] as const) {
  registerOptimizer(name, cls);
}

function lookup(op: string, name: string): OptimizerClass {
  const entry = registry.get(name.toLowerCase());
  if (!entry) {
    const valid = [...registry.keys()].map((k) => `'${k}'`).join(', ');
    throw new ValueError(`${op}: unknown optimizer '${name}'; valid names are ${valid} (case-insensitive), or pass an Optimizer instance.`);
  }
  return entry.cls;
}

/** The JSON form of an optimizer's hyperparameters (not its state: see `getWeights`). */
export function serializeOptimizer(optimizer: Optimizer): SerializedOptimizer {
  return { className: optimizer.className, config: optimizer.getConfig() };
}

/** Rebuilds an optimizer from `serializeOptimizer`'s output (a fresh one, without state). */
export function deserializeOptimizer(serialized: SerializedOptimizer): Optimizer {
  const cls = lookup('deserializeOptimizer', serialized.className);
  const config = { ...serialized.config, learningRate: learningRateFromConfig(serialized.config['learningRate']) };
  return new cls(config as never);
}

/**
 * Resolves what `compile({optimizer})` accepts: a name ('sgd', 'adam', 'rmsprop', 'adagrad',
 * 'adamw', case-insensitive, giving Keras's defaults), a serialized optimizer, or an instance
 * (returned as is).
 *
 * @example
 * getOptimizer('adam').currentLearningRate(); // 0.001
 */
export function getOptimizer(identifier: string | Optimizer | SerializedOptimizer): Optimizer {
  if (identifier instanceof Optimizer) return identifier;
  if (typeof identifier === 'string') return new (lookup('getOptimizer', identifier))({} as never);
  if (identifier && typeof identifier === 'object' && typeof identifier.className === 'string') return deserializeOptimizer(identifier);
  throw new ValueError(`getOptimizer: expected an optimizer name, an Optimizer or a {className, config} object, got ${identifier === null ? 'null' : typeof identifier}.`);
}
