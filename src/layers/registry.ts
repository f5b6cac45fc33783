/** The registry of layer classes by name, through which layer and model configs are turned back into objects (no code is evaluated). */
import { ValueError } from '../core/errors.js';
import { NameRegistry, classNameOf, type ConfigDict, type Serialized } from '../core/serialization.js';
import type { Layer } from './layer.js';

/** A layer class that can be rebuilt from its config. */
export interface LayerClass {
  readonly name: string;
  fromConfig(config: ConfigDict): Layer;
}

const registry = new NameRegistry<LayerClass>('layer class');

/**
 * Makes a layer class known to `deserializeLayer` (and so to model configs and saved models),
 * under its static `className` if it declares one, else its constructor name. Every built-in
 * layer registers itself; register your own layers to save and load them.
 *
 * @example
 * class Scale extends Layer { ... }
 * registerLayer(Scale);
 */
export function registerLayer(cls: LayerClass): void {
  const own = Object.prototype.hasOwnProperty.call(cls, 'className') ? (cls as unknown as { className: string }).className : cls.name;
  registry.register(own, cls);
}

/** `{className, config}` for a layer, after checking that `deserializeLayer` can rebuild it. */
export function serializeLayer(layer: Layer): Serialized {
  const className = classNameOf(layer);
  if (registry.find(className) !== (layer.constructor as unknown as LayerClass)) {
    throw new ValueError(`serializeLayer: the layer class '${className}' is not registered; call registerLayer(${className}) so configs can name it.`);
  }
  return { className, config: layer.getConfig() };
}

/**
 * The layer a `{className, config}` object describes, made through the class's `fromConfig`.
 *
 * @example
 * const copy = deserializeLayer(serializeLayer(dense)); // same architecture, fresh weights
 */
export function deserializeLayer(serialized: Serialized): Layer {
  if (typeof serialized !== 'object' || serialized === null || typeof serialized.className !== 'string') {
    throw new ValueError(`deserializeLayer: expected a {className, config} object, got ${JSON.stringify(serialized)}.`);
  }
  const cls = registry.find(serialized.className);
  if (cls === undefined) {
    throw new ValueError(
      `deserializeLayer: unknown layer class '${serialized.className}'. Write it as a TypeScript Layer subclass and call registerLayer(${serialized.className}) ` +
        `before loading (Strata never runs code from a file). Known: ${registry.names().join(', ')}.`,
    );
  }
  return cls.fromConfig(serialized.config ?? {});
}
