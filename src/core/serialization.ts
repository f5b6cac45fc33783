/** Plain-JSON configs and the name registries that turn them back into objects (no code is ever evaluated). */
import { ValueError } from './errors.js';

/** A value a config may hold: plain JSON only, so configs survive `JSON.stringify` unchanged. */
export type ConfigValue = null | boolean | number | string | ConfigValue[] | { [key: string]: ConfigValue };

/** The arguments that recreate an object (an initializer, regularizer, layer or model). */
export type ConfigDict = { [key: string]: ConfigValue };

/** An object written as JSON: its registered class name and its config. */
export type Serialized = {
  className: string;
  config: ConfigDict;
};

/** True for `{className, config}` objects as `serialize` methods produce them. */
export function isSerialized(x: unknown): x is Serialized {
  return typeof x === 'object' && x !== null && typeof (x as Serialized).className === 'string' && typeof (x as Serialized).config === 'object';
}

/**
 * The name a class is serialized under: its own static `className` when it declares one (names
 * survive minification that way), else the constructor's name (enough for user subclasses).
 */
export function classNameOf(obj: object): string {
  const ctor = obj.constructor as { className?: unknown; name: string };
  return Object.prototype.hasOwnProperty.call(ctor, 'className') && typeof ctor.className === 'string' ? ctor.className : ctor.name;
}

/**
 * The lookup key of a name: case and underscores are ignored, so the Keras spelling
 * (`glorot_uniform`), the camelCase one (`glorotUniform`) and the class name (`GlorotUniform`) all match.
 */
export function normalizeName(name: string): string {
  return name.replace(/_/g, '').toLowerCase();
}

/**
 * The snake_case form of a class name, as Keras names layers and weight groups: `Dense` →
 * `dense`, `InputLayer` → `input_layer`, `Conv2D` → `conv2d`, `GRUCell` → `gru_cell`,
 * `LeakyReLU` → `leaky_re_lu`.
 *
 * @example
 * toSnakeCase('GlobalAveragePooling1D'); // 'global_average_pooling1d'
 */
export function toSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/**
 * Named entries of one kind (initializers, activations, layer classes). Lookups are forgiving about
 * spelling (see `normalizeName`), and an unknown name raises a ValueError that lists the known ones.
 */
export class NameRegistry<T> {
  private readonly entries = new Map<string, { name: string; value: T }>();

  /** @param kind what the entries are, as error messages name them ("initializer", "layer class"). */
  constructor(private readonly kind: string) {}

  /** Adds (or replaces) the entry `name`. */
  register(name: string, value: T): void {
    this.entries.set(normalizeName(name), { name, value });
  }

  /** The entry for `name`, or undefined. */
  find(name: string): T | undefined {
    return this.entries.get(normalizeName(name))?.value;
  }

  /** The entry for `name`; throws a ValueError listing the known names when there is none. */
  get(name: string, where: string): T {
    const value = this.find(name);
    if (value === undefined) {
      throw new ValueError(`${where}: unknown ${this.kind} '${name}'. Known: ${this.names().join(', ')}.`);
    }
    return value;
  }

  /** The registered name under which `value` is stored, if any. */
  nameOf(value: T): string | undefined {
    for (const e of this.entries.values()) if (e.value === value) return e.name;
    return undefined;
  }

  /** Every registered name, in registration order. */
  names(): string[] {
    return [...this.entries.values()].map((e) => e.name);
  }
}
