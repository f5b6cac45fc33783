/** Looking regularizers up by name or config, and registering new regularizer classes. */
import { ValueError } from '../core/errors.js';
import { NameRegistry, classNameOf, isSerialized, type ConfigDict, type Serialized } from '../core/serialization.js';
import { L1, L1L2, L2 } from './l1-l2.js';
import { Regularizer } from './regularizer.js';

/** A regularizer class that can be rebuilt from its config. */
export type RegularizerClass = (new (config: ConfigDict) => Regularizer) & { className: string };

/** What layers accept for a regularizer: a name (`'l2'`, `'l1_l2'`), an instance, or a `{className, config}` object. */
export type RegularizerIdentifier = string | Regularizer | Serialized;

const registry = new NameRegistry<RegularizerClass>('regularizer');
for (const cls of [L1, L2, L1L2] as unknown as RegularizerClass[]) registry.register(cls.className, cls);

/** Makes `cls` available to `getRegularizer` (and so to layer configs) under its `className`. */
export function registerRegularizer(cls: RegularizerClass): void {
  registry.register(cls.className, cls);
}

/**
 * The regularizer an identifier names (null and undefined mean none). Names get Keras's
 * defaults: 'l1' and 'l2' use 0.01, 'l1_l2' uses 0.01 for both.
 *
 * @example
 * getRegularizer('l2');                                        // new L2({ l2: 0.01 })
 * getRegularizer({ className: 'L1', config: { l1: 0.001 } });
 */
export function getRegularizer(identifier: RegularizerIdentifier | null | undefined): Regularizer | null {
  if (identifier === null || identifier === undefined) return null;
  if (identifier instanceof Regularizer) return identifier;
  if (typeof identifier === 'string') return new (registry.get(identifier, 'getRegularizer'))({});
  if (isSerialized(identifier)) return new (registry.get(identifier.className, 'getRegularizer'))(identifier.config);
  throw new ValueError(`getRegularizer: expected a name, a Regularizer or a {className, config} object, got ${JSON.stringify(identifier)}.`);
}

/** `{className, config}` for a regularizer (null for none), after checking that `getRegularizer` can rebuild it. */
export function serializeRegularizer(regularizer: Regularizer | null): Serialized | null {
  if (regularizer === null) return null;
  const name = classNameOf(regularizer);
  if (!registry.find(name)) {
    throw new ValueError(`serializeRegularizer: the regularizer class '${name}' is not registered; call registerRegularizer(${name}) so configs can name it.`);
  }
  return regularizer.serialize();
}
