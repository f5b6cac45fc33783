/**
 * Keras model configs ↔ Strata model configs. Reads what every Keras wrote: Keras 3's
 * `config.json` objects ({module, class_name, config, registered_name, build_config}), Keras 2's
 * and TF.js's `{class_name, config}` (a Keras 2.1 Sequential's config is a bare list of layers),
 * both forms of a functional model's `inbound_nodes`, nested models and shared layers; writes
 * Keras 3's form or Keras 2's. Only JSON is read: nothing in a file is ever run.
 */
import { NotSupportedError } from '../../core/errors.js';
import type { ConfigDict, ConfigValue, Serialized } from '../../core/serialization.js';
import { dictAt, isDict, listAt, malformed, shown, type Dict } from './keras-json.js';
import { describeLayer, kerasLayerParts, layerConfigFromKeras, layerConfigToKeras } from './layer-config.js';
import { dtypeToKeras, type KerasFlavour, type ReadContext } from './objects.js';

export type { KerasFlavour } from './objects.js';
export { trainingConfigFromKeras, trainingConfigToKeras, type KerasTrainingOptions } from './training-config.js';

/** Options of `modelConfigFromKeras`. */
export interface KerasReadOptions {
  /**
   * The Keras version that wrote the file (`metadata.json`'s `keras_version`, the HDF5
   * `keras_version` attribute, TF.js's `modelTopology.keras_version`). It decides which Keras's
   * meaning names have: Keras 2 and TF.js define `hard_sigmoid` as clip(0.2·x + 0.5, 0, 1),
   * Keras 3 as relu6(x + 3) / 6. Without it the config's own form tells (Keras 3 writes
   * `batch_shape`, DTypePolicy objects and `args`/`kwargs` nodes).
   */
  kerasVersion?: string;
}

/** A reference to a layer call's output, as Strata's functional configs hold it: [layer, call, output]. */
type Ref = [string, number, number];

/** True when a Keras config has a mark only Keras 3 writes. */
function looksLikeKeras3(x: unknown, depth = 0): boolean {
  if (depth > 64) return false;
  if (Array.isArray(x)) return x.some((v) => looksLikeKeras3(v, depth + 1));
  if (!isDict(x)) return false;
  if (x['class_name'] === 'DTypePolicy' || x['class_name'] === '__keras_tensor__') return true;
  if (x['class_name'] === 'InputLayer' && isDict(x['config']) && 'batch_shape' in x['config']) return true;
  return Object.values(x).some((v) => looksLikeKeras3(v, depth + 1));
}

/**
 * The Strata model config (as `serializeLayer(model)` gives it) for a Keras model config: the
 * object in a `.keras` file's `config.json`, the `model_config` of a legacy `.h5` file, or a
 * TF.js `modelTopology` (its `model_config` or the bare model). `source` names the file in errors.
 * Build the model with `deserializeLayer`. Keras features Strata lacks raise a NotSupportedError
 * naming the layer; a `Lambda` layer or an unknown class is never run.
 *
 * @example
 * const config = JSON.parse(configJsonText);
 * const model = deserializeLayer(modelConfigFromKeras(config, 'model.keras'));
 */
export function modelConfigFromKeras(kerasConfig: unknown, source: string, options: KerasReadOptions = {}): Serialized {
  // A TF.js modelTopology may wrap the model in model_config (with training_config beside it).
  const model = isDict(kerasConfig) && !('class_name' in kerasConfig) && isDict(kerasConfig['model_config']) ? kerasConfig['model_config'] : kerasConfig;
  const legacy = options.kerasVersion !== undefined ? !/^3\./.test(options.kerasVersion) : !looksLikeKeras3(model);
  return layerFromKeras({ source, legacy }, model, 'model');
}

function layerFromKeras(ctx: ReadContext, value: unknown, field: string): Serialized {
  const { className, config } = kerasLayerParts(ctx, value, field);
  if (className === 'Sequential') return sequentialFromKeras(ctx, config, field);
  if (Array.isArray(config)) throw malformed(ctx.source, `${field}.config`, 'an object', config);
  if (className === 'Functional' || className === 'Model') return functionalFromKeras(ctx, config, field);
  if (className === 'InputLayer') return inputLayerFromKeras(ctx, config, field);
  if (className === 'Lambda' || className === 'TFOpLambda' || className === 'SlicingOpLambda') {
    throw new NotSupportedError(
      `${ctx.source}: ${describeLayer(config['name'], className)} holds Python code, which Strata never runs. ` +
        'Replace it in Keras by a layer class of your own (keras.saving.register_keras_serializable), write that class in TypeScript, ' +
        'register it in Strata with registerLayer(YourLayer) under the same class name, and save the model again.',
    );
  }
  return { className, config: layerConfigFromKeras(ctx, className, config, `${field}.config`, (v, f) => layerFromKeras(ctx, v, f)) };
}

function inputLayerFromKeras(ctx: ReadContext, config: Dict, field: string): Serialized {
  const shape = config['shape'];
  const batchShape = config['batch_shape'] ?? config['batch_input_shape'] ?? (Array.isArray(shape) ? [config['batch_size'] ?? null, ...shape] : undefined);
  if (!Array.isArray(batchShape)) throw malformed(ctx.source, `${field}.config.batch_shape`, 'an array of dimensions', batchShape);
  const tensor = config['input_tensor'];
  if (tensor !== undefined && tensor !== null) throw new NotSupportedError(`${ctx.source}: ${describeLayer(config['name'], 'InputLayer')} wraps an existing tensor, which Strata cannot rebuild.`);
  // Read for its checks (sparse, ragged, optional) and its name and dtype; the shape is read above.
  const out = layerConfigFromKeras(ctx, 'InputLayer', config, `${field}.config`, () => {
    throw malformed(ctx.source, `${field}.config`, 'an input layer without nested layers', config);
  });
  return { className: 'InputLayer', config: { name: out['name'] ?? 'input_layer', batchShape: batchShape as ConfigValue, dtype: out['dtype'] ?? 'float32' } };
}

function sequentialFromKeras(ctx: ReadContext, config: Dict | unknown[], field: string): Serialized {
  const entries = Array.isArray(config) ? config : listAt(ctx.source, `${field}.config.layers`, config['layers']);
  const layers = entries.map((e, i) => layerFromKeras(ctx, e, `${field}.config.layers[${i}]`));
  const first = layers[0];
  if (first !== undefined && first.className !== 'InputLayer') {
    // Keras 2 and TF.js give the input shape on the first layer (a model built with model.build() in Keras 3: build_input_shape).
    const firstConfig = (entries[0] as Dict)['config'] as Dict;
    const batchShape = firstConfig['batch_input_shape'] ?? firstConfig['batch_shape'] ?? (Array.isArray(config) ? undefined : config['build_input_shape']);
    if (Array.isArray(batchShape)) {
      const dtype = typeof first.config['dtype'] === 'string' ? first.config['dtype'] : 'float32';
      layers.unshift({ className: 'InputLayer', config: { name: `${String(first.config['name'])}_input`, batchShape: batchShape as ConfigValue, dtype } });
    }
  }
  const name = Array.isArray(config) ? 'sequential' : config['name'] ?? 'sequential';
  const trainable = Array.isArray(config) ? true : config['trainable'] ?? true;
  return { className: 'Sequential', config: { name: name as ConfigValue, trainable: trainable as ConfigValue, layers: layers as unknown as ConfigValue } };
}

function refFromKeras(ctx: ReadContext, field: string, x: unknown): Ref {
  if (!Array.isArray(x) || x.length < 3 || typeof x[0] !== 'string' || !Number.isSafeInteger(x[1]) || !Number.isSafeInteger(x[2]) || (x[1] as number) < 0 || (x[2] as number) < 0) {
    throw malformed(ctx.source, field, 'a [layer name, node index, tensor index] reference', x);
  }
  return [x[0], x[1] as number, x[2] as number];
}

/** Call arguments Keras records that change nothing when absent (`mask` is passed on by Strata's graph itself). */
function checkCallKwargs(ctx: ReadContext, where: string, kwargs: unknown): void {
  if (kwargs === undefined || kwargs === null) return;
  for (const [key, value] of Object.entries(dictAt(ctx.source, `${where}.kwargs`, kwargs))) {
    if (key === 'training' || (key === 'mask' && value === null)) continue;
    throw new NotSupportedError(`${ctx.source}: ${where} passes ${key} = ${shown(value)} to the layer; Strata's models pass each layer its inputs only.`);
  }
}

/** One call of a layer in a functional model (Keras 2: a list of [layer, node, tensor, kwargs]; Keras 3: {args, kwargs}). */
function nodeFromKeras(ctx: ReadContext, node: unknown, field: string, where: string): { inputs: Ref[]; asList: boolean } {
  if (Array.isArray(node)) {
    const inputs = node.map((entry, k) => {
      const ref = refFromKeras(ctx, `${field}[${k}]`, entry);
      checkCallKwargs(ctx, where, (entry as unknown[])[3]);
      return ref;
    });
    return { inputs, asList: inputs.length > 1 };
  }
  const { args, kwargs } = dictAt(ctx.source, field, node);
  const list = listAt(ctx.source, `${field}.args`, args);
  if (list.length !== 1) throw new NotSupportedError(`${ctx.source}: ${where} is called with ${list.length} positional arguments; Strata's layers take one input (or one list of inputs).`);
  checkCallKwargs(ctx, where, kwargs);
  const tensor = (x: unknown, at: string): Ref => {
    if (!isDict(x) || x['class_name'] !== '__keras_tensor__') {
      throw new NotSupportedError(`${ctx.source}: ${where} is called with ${shown(x)} at ${at}; Strata's models feed layers the outputs of other layers only.`);
    }
    return refFromKeras(ctx, `${at}.config.keras_history`, dictAt(ctx.source, `${at}.config`, x['config'])['keras_history']);
  };
  const arg = list[0];
  return Array.isArray(arg) ? { inputs: arg.map((t, k) => tensor(t, `${field}.args[0][${k}]`)), asList: true } : { inputs: [tensor(arg, `${field}.args[0]`)], asList: false };
}

/** A model's `input_layers` / `output_layers`: one reference, a list of them, or (Keras 3) a dict by name. */
function refsFromKeras(ctx: ReadContext, field: string, x: unknown): { refs: Ref[]; single: boolean } {
  if (Array.isArray(x) && typeof x[0] === 'string') return { refs: [refFromKeras(ctx, field, x)], single: true };
  if (isDict(x)) return { refs: Object.entries(x).map(([k, r]) => refFromKeras(ctx, `${field}.${k}`, r)), single: false };
  const list = listAt(ctx.source, field, x);
  if (list.length === 0) throw malformed(ctx.source, field, 'a non-empty list of references', x);
  return { refs: list.map((r, i) => refFromKeras(ctx, `${field}[${i}]`, r)), single: false };
}

/**
 * Whether references to a nested model count its calls from 1: Keras 2 and TF.js give a model
 * built on an Input a call of its own (node 0, its inner graph), so the outer model's first call
 * of it is node 1 everywhere; Keras 3 does so only in `input_layers`/`output_layers`, and for
 * Functional models only. Strata counts the calls in the outer model from 0.
 */
function startsAtOne(layer: Serialized, legacy: boolean, modelRefs: boolean): boolean {
  if (layer.className === 'Functional') return legacy || modelRefs;
  if (layer.className !== 'Sequential' || !legacy) return false;
  return (layer.config['layers'] as unknown as Serialized[])[0]?.className === 'InputLayer';
}

function functionalFromKeras(ctx: ReadContext, config: Dict, field: string): Serialized {
  const entries = listAt(ctx.source, `${field}.config.layers`, config['layers']);
  const translated = entries.map((entry, i) => layerFromKeras(ctx, entry, `${field}.config.layers[${i}]`));
  const names = entries.map((e, i) => (isDict(e) && typeof e['name'] === 'string' ? e['name'] : translated[i]!.config['name']));
  const offset = (modelRefs: boolean): Map<unknown, number> =>
    new Map(translated.map((l, i) => [names[i], startsAtOne(l, ctx.legacy, modelRefs) ? 1 : 0]));
  const shift = (refs: Ref[], by: Map<unknown, number>, field: string): Ref[] =>
    refs.map(([name, node, tensor]) => {
      const n = node - (by.get(name) ?? 0);
      if (n < 0) throw malformed(ctx.source, field, `a call of the nested model '${name}' (Keras counts them from 1)`, [name, node, tensor]);
      return [name, n, tensor];
    });
  const inNodes = offset(false);
  const inModelRefs = offset(true);
  const layers = entries.map((entry, i): ConfigDict => {
    const at = `${field}.config.layers[${i}]`;
    const e = entry as Dict;
    const layer = translated[i]!;
    const name = names[i];
    if (typeof name !== 'string') throw malformed(ctx.source, `${at}.name`, 'a string', name);
    const where = describeLayer(name, layer.className);
    const nodes = layer.className === 'InputLayer' ? [] : listAt(ctx.source, `${at}.inbound_nodes`, e['inbound_nodes'] ?? []);
    const inboundNodes = nodes.map((n, j) => {
      const at2 = `${at}.inbound_nodes[${j}]`;
      const node = nodeFromKeras(ctx, n, at2, where);
      return { inputs: shift(node.inputs, inNodes, at2), asList: node.asList };
    });
    return { className: layer.className, name, config: layer.config, inboundNodes: inboundNodes as unknown as ConfigValue };
  });
  const inputs = refsFromKeras(ctx, `${field}.config.input_layers`, config['input_layers']);
  const outputs = refsFromKeras(ctx, `${field}.config.output_layers`, config['output_layers']);
  inputs.refs = shift(inputs.refs, inModelRefs, `${field}.config.input_layers`);
  outputs.refs = shift(outputs.refs, inModelRefs, `${field}.config.output_layers`);
  return {
    className: 'Functional',
    config: {
      name: (config['name'] ?? 'functional') as ConfigValue,
      trainable: (config['trainable'] ?? true) as ConfigValue,
      layers,
      inputLayers: inputs.refs,
      outputLayers: outputs.refs,
      // Keras 2 lists even a single output; Keras 3 writes a bare reference for an output given bare.
      outputsAsList: ctx.legacy ? outputs.refs.length > 1 : !outputs.single,
    },
  };
}

/**
 * The Keras form of a Strata model config: `'keras3'` is what Keras 3 writes in a `.keras` file's
 * `config.json`; `'keras2'` is Keras 2's `model_config`, the topology TF.js reads. A functional
 * model's calls are written as Keras 2's `[layer, node, tensor, {}]` lists in both flavours: Keras 3
 * reads them, and its own `__keras_tensor__` form needs every tensor's shape, which a config does
 * not hold. Layers without a Keras counterpart in the flavour raise a NotSupportedError naming the layer.
 *
 * @example
 * const keras = modelConfigToKeras(serializeLayer(model), 'keras3');
 * zip['config.json'] = JSON.stringify(keras);
 */
export function modelConfigToKeras(strata: Serialized, flavour: KerasFlavour): Record<string, unknown> {
  return layerToKeras(strata, flavour);
}

/** Keras 3's layers live in `keras.layers`; other classes (registered in Strata) are written as custom objects. */
const KERAS_LAYERS = new Set([
  'Activation', 'Add', 'Average', 'ELU', 'ReLU', 'Softmax', 'AveragePooling1D', 'AveragePooling2D', 'BatchNormalization', 'Bidirectional', 'Concatenate', 'Conv1D', 'Conv2D',
  'Dense', 'DepthwiseConv2D', 'Dropout', 'Embedding', 'Flatten', 'GRU', 'GRUCell', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D',
  'GlobalMaxPooling1D', 'GlobalMaxPooling2D', 'InputLayer', 'LSTM', 'LSTMCell', 'LayerNormalization', 'LeakyReLU', 'MaxPooling1D', 'MaxPooling2D',
  'Maximum', 'Minimum', 'Multiply', 'RNN', 'Rescaling', 'Reshape', 'SeparableConv2D', 'SimpleRNN', 'SimpleRNNCell', 'Subtract', 'TimeDistributed',
  'UpSampling2D', 'ZeroPadding2D',
  // Convolutional recurrent layers.
  'ConvLSTM1D', 'ConvLSTM2D',
]);

function wrap(className: string, config: Dict, flavour: KerasFlavour, module = 'keras.layers', registeredName: string | null = null): Dict {
  if (flavour === 'keras2') return { class_name: className, config };
  const custom = !KERAS_LAYERS.has(className) && module === 'keras.layers';
  return { module: custom ? null : module, class_name: className, config, registered_name: custom ? `Custom>${className}` : registeredName };
}

function layerToKeras(s: Serialized, flavour: KerasFlavour): Dict {
  const c = s.config;
  switch (s.className) {
    case 'Sequential':
      return sequentialToKeras(c, flavour);
    case 'Functional':
      return functionalToKeras(c, flavour);
    case 'InputLayer': {
      const shapeKey = flavour === 'keras3' ? 'batch_shape' : 'batch_input_shape';
      return wrap('InputLayer', { [shapeKey]: c['batchShape'], dtype: c['dtype'], sparse: false, name: c['name'] }, flavour);
    }
    default:
      return wrap(s.className, layerConfigToKeras(s.className, c, flavour, (v) => layerToKeras(v, flavour)), flavour);
  }
}

function sequentialToKeras(c: ConfigDict, flavour: KerasFlavour): Dict {
  const layers = (c['layers'] as unknown as Serialized[]).map((l) => layerToKeras(l, flavour));
  if (flavour === 'keras2') return wrap('Sequential', { name: c['name'], trainable: c['trainable'], layers }, flavour);
  const input = (c['layers'] as unknown as Serialized[])[0];
  const inputShape = input?.className === 'InputLayer' ? input.config['batchShape'] : undefined;
  const config: Dict = { name: c['name'], trainable: c['trainable'], dtype: dtypeToKeras('float32', flavour), layers };
  if (inputShape !== undefined) config['build_input_shape'] = inputShape;
  return { ...wrap('Sequential', config, flavour, 'keras'), ...(inputShape !== undefined ? { build_config: { input_shape: inputShape } } : {}) };
}

function functionalToKeras(c: ConfigDict, flavour: KerasFlavour): Dict {
  type Entry = Serialized & { name: string; inboundNodes: { inputs: Ref[]; asList: boolean }[] };
  const entries = c['layers'] as unknown as Entry[];
  const legacy = flavour === 'keras2';
  const offset = (modelRefs: boolean): Map<string, number> => new Map(entries.map((e) => [e.name, startsAtOne(e, legacy, modelRefs) ? 1 : 0]));
  const inNodes = offset(false);
  const inModelRefs = offset(true);
  // Keras 3 reads list-form nodes without its offset for Functional models, as Strata counts them.
  const shift = (refs: Ref[], by: Map<string, number>): Ref[] => refs.map(([name, n, t]) => [name, n + (by.get(name) ?? 0), t]);
  const layers = entries.map((e) => ({
    ...layerToKeras({ className: e.className, config: e.config }, flavour),
    name: e.name,
    inbound_nodes: e.inboundNodes.map((node) => shift(node.inputs, legacy ? inNodes : new Map()).map((r) => [...r, {}])),
  }));
  const inputs = shift(c['inputLayers'] as unknown as Ref[], inModelRefs);
  const outputs = shift(c['outputLayers'] as unknown as Ref[], inModelRefs);
  const config: Dict = {
    name: c['name'],
    trainable: c['trainable'],
    layers,
    // Keras 3 writes a model given one bare input or output as a bare reference, and gives it back bare.
    input_layers: flavour === 'keras3' && inputs.length === 1 ? inputs[0] : inputs,
    output_layers: flavour === 'keras3' && outputs.length === 1 && c['outputsAsList'] !== true ? outputs[0] : outputs,
  };
  if (flavour === 'keras2') return wrap('Functional', config, flavour);
  return { ...wrap('Functional', config, flavour, 'keras.src.models.functional', 'Functional'), build_config: { input_shape: null } };
}
