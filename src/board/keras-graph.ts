/**
 * Keras's conceptual graph (the model's JSON config that Keras's TensorBoard callback writes under
 * the tag `keras`, plugin `graph_keras_model`) read into the Board's layer graph: one node per
 * layer, its class, the layers feeding it and the output shapes the config records.
 */
import type { GraphNode } from './api-types.js';
import { kerasParameters } from './keras-params.js';

/** The plugin of the summary holding a Keras model's JSON config. */
export const KERAS_GRAPH_PLUGIN = 'graph_keras_model';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
type Shape = (number | null)[];

const isObject = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A shape from JSON (`[null, 28, 28, 1]`), or undefined when it is not one. */
function shapeOf(v: Json | undefined): Shape | undefined {
  return Array.isArray(v) && v.every((d) => d === null || typeof d === 'number') ? (v as Shape) : undefined;
}

/** A layer entry's name: Keras 3 and functional models put it beside the config, Sequential ones inside. */
function layerName(layer: JsonObject, index: number): string {
  const config = isObject(layer['config']) ? layer['config'] : {};
  const name = layer['name'] ?? config['name'];
  return typeof name === 'string' ? name : `layer_${index}`;
}

/** The input shape a layer was built for (`build_config`), or the batch shape of an input layer. */
function declaredShape(layer: JsonObject, key: 'input' | 'batch'): Shape | undefined {
  const config = isObject(layer['config']) ? layer['config'] : {};
  if (key === 'batch') return shapeOf(config['batch_shape']) ?? shapeOf(config['batch_input_shape']);
  const build = layer['build_config'];
  return isObject(build) ? shapeOf(build['input_shape']) : undefined;
}

/**
 * The inputs of a functional model's layer from its `inbound_nodes`: Keras 2 lists calls as
 * `[[name, node, tensor, kwargs], ...]`, Keras 3 as `{args, kwargs}` holding `__keras_tensor__`s
 * whose `keras_history` is `[name, node, tensor]` (and whose shape is the producer's output shape).
 */
function inboundTensors(inbound: Json | undefined, shapes: Map<string, Shape[]>): string[] {
  const found: string[] = [];
  const visit = (v: Json | undefined): void => {
    if (Array.isArray(v)) {
      const [name, , tensor] = v;
      if (typeof name === 'string' && typeof v[1] === 'number' && typeof tensor === 'number') {
        found.push(tensor === 0 ? name : `${name}:${tensor}`);
        return;
      }
      v.forEach(visit);
    } else if (isObject(v)) {
      const config = v['config'];
      const history = isObject(config) ? config['keras_history'] : undefined;
      if (Array.isArray(history) && typeof history[0] === 'string') {
        const [name, , tensor] = history;
        const index = typeof tensor === 'number' ? tensor : 0;
        found.push(index === 0 ? name : `${name}:${index}`);
        const shape = isObject(config) ? shapeOf(config['shape']) : undefined;
        if (shape) (shapes.get(name) ?? shapes.set(name, []).get(name)!)[index] = shape;
        return;
      }
      Object.values(v).forEach(visit);
    }
  };
  visit(inbound);
  return [...new Set(found)];
}

/**
 * The layers of a Keras model from its JSON config (`model.to_json()`, as Keras's TensorBoard
 * callback logs it), Sequential or functional, Keras 2 or 3. A nested model is one node. Output
 * shapes are those the config records (the next layer's built input shape, an input's batch shape,
 * the shapes of Keras 3's symbolic tensors). Parameters are counted for the common layers whose
 * input size the config records (`kerasParameters`); the others read 0 and are marked `parametersUnknown`.
 * Throws a `SyntaxError` on text that is not JSON; anything else that is not a model gives no nodes.
 *
 * @example
 * ```ts
 * kerasGraph('{"class_name":"Sequential","config":{"layers":[{"class_name":"Dense","config":{"name":"d"}}]}}');
 * // [{ name: 'd', op: 'Dense', inputs: [], outputShapes: [], parameters: 0, trainableParameters: 0, parametersUnknown: true }]
 * ```
 */
export function kerasGraph(json: string): GraphNode[] {
  const model = JSON.parse(json) as Json;
  if (!isObject(model)) return [];
  const config = model['config'];
  // Keras 2.0's Sequential stored the list of layers as the config itself.
  const layers = (Array.isArray(config) ? config : isObject(config) && Array.isArray(config['layers']) ? config['layers'] : []).filter(isObject);
  const sequential = model['class_name'] === 'Sequential';
  const shapes = new Map<string, Shape[]>();
  const names = layers.map(layerName);
  const inputs = layers.map((layer, i) => (sequential ? (i > 0 ? [names[i - 1]!] : []) : inboundTensors(layer['inbound_nodes'], shapes)));
  // A functional layer's input shape is that of the Keras 3 tensor feeding it, when recorded.
  const inputShapes = inputs.map((list) => {
    const [name, index] = (list[0] ?? '').split(':');
    return shapes.get(name ?? '')?.[Number(index ?? 0)];
  });
  return layers.map((layer, i) => {
    const recorded = shapes.get(names[i]!);
    const next = sequential ? layers[i + 1] : undefined;
    // An input layer's batch shape is its output; on any other layer (Keras 2's first layer) it is the input's.
    const isInput = layer['class_name'] === 'InputLayer';
    const shape = isInput ? declaredShape(layer, 'batch') : next && (declaredShape(next, 'input') ?? declaredShape(next, 'batch'));
    const className = typeof layer['class_name'] === 'string' ? layer['class_name'] : 'Layer';
    const config = isObject(layer['config']) ? layer['config'] : {};
    const counted = kerasParameters(className, config, declaredShape(layer, 'input') ?? declaredShape(layer, 'batch') ?? inputShapes[i]);
    return {
      name: names[i]!,
      op: className,
      inputs: inputs[i]!,
      outputShapes: recorded ? Array.from(recorded, (s) => s ?? []) : shape ? [shape] : [],
      parameters: counted?.parameters ?? 0,
      trainableParameters: counted?.trainableParameters ?? 0,
      ...(counted ? {} : { parametersUnknown: true }),
    };
  });
}
