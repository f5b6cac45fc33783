/** Looking initializers up by name or config, and registering new initializer classes. */
import { ValueError } from '../core/errors.js';
import { NameRegistry, classNameOf, isSerialized, type ConfigDict, type Serialized } from '../core/serialization.js';
import { Constant, Ones, Zeros } from './constant.js';
import { Initializer } from './initializer.js';
import { Orthogonal } from './orthogonal.js';
import { RandomNormal, RandomUniform, TruncatedNormal } from './random.js';
import { GlorotNormal, GlorotUniform, HeNormal, HeUniform, LecunNormal, LecunUniform, VarianceScaling } from './variance-scaling.js';

/** An initializer class that can be rebuilt from its config. */
export type InitializerClass = (new (config: ConfigDict) => Initializer) & { className: string };

/** What layers accept for an initializer: a name (`'glorotUniform'` or `'glorot_uniform'`), an instance, or a `{className, config}` object. */
export type InitializerIdentifier = string | Initializer | Serialized;

const registry = new NameRegistry<InitializerClass>('initializer');
const builtIn = [
  Zeros, Ones, Constant, RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling,
  GlorotUniform, GlorotNormal, HeNormal, HeUniform, LecunNormal, LecunUniform, Orthogonal,
] as unknown as InitializerClass[];
for (const cls of builtIn) registry.register(cls.className, cls);

/**
 * Makes `cls` available to `getInitializer` (and so to layer configs) under its `className`.
 *
 * @example
 * class Halves extends Initializer {
 *   static override readonly className = 'Halves';
 *   apply(shape: Shape) { return fill(shape, 0.5); }
 * }
 * registerInitializer(Halves);
 */
export function registerInitializer(cls: InitializerClass): void {
  registry.register(cls.className, cls);
}

/**
 * The initializer an identifier names. Names follow Keras in either spelling and get Keras's
 * default arguments; configs are rebuilt through the registry (no code is evaluated).
 *
 * @example
 * getInitializer('he_normal');                                   // new HeNormal()
 * getInitializer({ className: 'Constant', config: { value: 2 } });
 */
export function getInitializer(identifier: InitializerIdentifier): Initializer {
  if (identifier instanceof Initializer) return identifier;
  if (typeof identifier === 'string') return new (registry.get(identifier, 'getInitializer'))({});
  if (isSerialized(identifier)) return new (registry.get(identifier.className, 'getInitializer'))(identifier.config);
  throw new ValueError(`getInitializer: expected a name, an Initializer or a {className, config} object, got ${JSON.stringify(identifier)}.`);
}

/** `{className, config}` for an initializer, after checking that `getInitializer` can rebuild it. */
export function serializeInitializer(initializer: Initializer): Serialized {
  const name = classNameOf(initializer);
  if (!registry.find(name)) {
    throw new ValueError(`serializeInitializer: the initializer class '${name}' is not registered; call registerInitializer(${name}) so configs can name it.`);
  }
  return initializer.serialize();
}
