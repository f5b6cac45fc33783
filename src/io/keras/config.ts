/**
 * Keras model configs ↔ Strata model configs. Reads what every Keras wrote: Keras 3's
 * `config.json` objects ({module, class_name, config, registered_name, build_config}), Keras 2's
 * and TF.js's `{class_name, config}` (a Keras 2.1 Sequential's config is a bare list of layers),
 * both forms of a functional model's `inbound_nodes`, nested models and shared layers; writes
 * Keras 3's form or Keras 2's. Only JSON is read: nothing in a file is ever run.
 */
import { NotSupportedError } from '../../core/errors.js';
import type { ConfigDict, ConfigValue, Serialized } from '../../core/serialization.js';
import { dictAt, isDict, listAt, malformed, shown, toCamel, toSnake, type Dict } from './keras-json.js';
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

/**
 * The operations Keras 3 records in a functional model to compute a mask (`Embedding` with
 * `mask_zero` and `Masking` make theirs with `not_equal` and `any`) and passes to later layers as
 * their `mask` argument. Strata's graph passes masks on itself, so these nodes are left out.
 */
const MASK_OPS = new Set(['NotEqual', 'Any']);

/** True for a `mask` argument that is the output of a mask operation left out (see `MASK_OPS`). */
function isMaskOpOutput(value: unknown, maskOps: ReadonlySet<string>): boolean {
  if (!isDict(value) || value['class_name'] !== '__keras_tensor__' || !isDict(value['config'])) return false;
  const history = value['config']['keras_history'];
  return Array.isArray(history) && maskOps.has(history[0] as string);
}

/**
 * Layers Keras calls with their inputs as separate positional arguments (`mha(query, value, key)`);
 * Strata passes them as one list.
 */
const POSITIONAL_INPUTS = new Set(['MultiHeadAttention']);

/**
 * Recurrent layers, which Keras calls as `layer(x, initial_state=[h, c])` and Strata as
 * `layer.apply([x, h, c])`: an encoder's states handed to a decoder.
 */
const STATE_INPUTS = new Set(['RNN', 'SimpleRNN', 'LSTM', 'GRU', 'ConvLSTM1D', 'ConvLSTM2D']);

/** Call options Keras records for a layer that Strata keeps with each call (camelCase), per class. */
const CALL_OPTIONS: Record<string, readonly string[]> = {
  MultiHeadAttention: ['use_causal_mask', 'return_attention_scores'],
  Attention: ['use_causal_mask', 'return_attention_scores'],
  AdditiveAttention: ['use_causal_mask', 'return_attention_scores'],
};

/** Masks Keras may record as null: the inputs' own masks are passed on by Strata's graph itself. */
const NULL_MASKS = new Set(['mask', 'query_mask', 'value_mask', 'key_mask', 'attention_mask']);

/**
 * The call options Keras recorded that Strata keeps (camelCase); others must change nothing when
 * absent: masks recorded as null or computed by a mask operation left out (see `MASK_OPS`).
 */
function callOptionsFromKeras(ctx: ReadContext, className: string, where: string, kwargs: unknown, maskOps: ReadonlySet<string>): ConfigDict {
  const options: ConfigDict = {};
  if (kwargs === undefined || kwargs === null) return options;
  for (const [key, value] of Object.entries(dictAt(ctx.source, `${where}.kwargs`, kwargs))) {
    if (key === 'training' || (NULL_MASKS.has(key) && (value === null || isMaskOpOutput(value, maskOps)))) continue;
    if (CALL_OPTIONS[className]?.includes(key) && typeof value === 'boolean') {
      options[toCamel(key)] = value;
      continue;
    }
    throw new NotSupportedError(`${ctx.source}: ${where} passes ${key} = ${shown(value)} to the layer; Strata's models pass each layer its inputs and its own fixed options only.`);
  }
  return options;
}

/** One call of a layer in a functional model as Strata keeps it. */
interface NodeRefs {
  inputs: Ref[];
  asList: boolean;
  options: ConfigDict;
}

/** One call of a layer in a functional model (Keras 2: a list of [layer, node, tensor, kwargs]; Keras 3: {args, kwargs}). */
function nodeFromKeras(ctx: ReadContext, className: string, node: unknown, field: string, where: string, maskOps: ReadonlySet<string>): NodeRefs {
  if (Array.isArray(node)) {
    let options: ConfigDict = {};
    const inputs = node.map((entry, k) => {
      const ref = refFromKeras(ctx, `${field}[${k}]`, entry);
      // Keras takes the options of the last entry.
      options = callOptionsFromKeras(ctx, className, where, (entry as unknown[])[3], maskOps);
      return ref;
    });
    return { inputs, asList: inputs.length > 1, options };
  }
  const { args, kwargs } = dictAt(ctx.source, field, node);
  const list = listAt(ctx.source, `${field}.args`, args);
  const positional = POSITIONAL_INPUTS.has(className);
  if (list.length !== 1 && !(positional && list.length >= 2)) {
    throw new NotSupportedError(`${ctx.source}: ${where} is called with ${list.length} positional arguments; Strata's layers take one input (or one list of inputs).`);
  }
  const tensor = (x: unknown, at: string): Ref => {
    if (!isDict(x) || x['class_name'] !== '__keras_tensor__') {
      throw new NotSupportedError(`${ctx.source}: ${where} is called with ${shown(x)} at ${at}; Strata's models feed layers the outputs of other layers only.`);
    }
    return refFromKeras(ctx, `${at}.config.keras_history`, dictAt(ctx.source, `${at}.config`, x['config'])['keras_history']);
  };
  const { initial_state: initialState, ...rest } = kwargs === undefined || kwargs === null ? {} : dictAt(ctx.source, `${where}.kwargs`, kwargs);
  const states = STATE_INPUTS.has(className) && initialState !== undefined && initialState !== null
    ? (Array.isArray(initialState) ? initialState : [initialState]).map((t, k) => tensor(t, `${field}.kwargs.initial_state[${k}]`))
    : [];
  const options = callOptionsFromKeras(ctx, className, where, states.length ? rest : kwargs, maskOps);
  if (positional) return { inputs: list.map((t, k) => tensor(t, `${field}.args[${k}]`)), asList: true, options };
  const arg = list[0];
  if (Array.isArray(arg)) return { inputs: [...arg.map((t, k) => tensor(t, `${field}.args[0][${k}]`)), ...states], asList: true, options };
  return { inputs: [tensor(arg, `${field}.args[0]`), ...states], asList: states.length > 0, options };
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

/** The names of the mask operations among a functional model's layers (see `MASK_OPS`). */
function maskOpNames(entries: readonly unknown[]): Set<string> {
  return new Set(entries.flatMap((e) => (isDict(e) && MASK_OPS.has(e['class_name'] as string) && typeof e['name'] === 'string' ? [e['name']] : [])));
}

function functionalFromKeras(ctx: ReadContext, config: Dict, field: string): Serialized {
  const all = listAt(ctx.source, `${field}.config.layers`, config['layers']);
  const maskOps = maskOpNames(all);
  const entries = all.filter((e) => !(isDict(e) && maskOps.has(e['name'] as string)));
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
      const node = nodeFromKeras(ctx, layer.className, n, at2, where, maskOps);
      return { inputs: shift(node.inputs, inNodes, at2), asList: node.asList, ...(Object.keys(node.options).length ? { options: node.options } : {}) };
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
 * model's calls are written as Keras 2's `[layer, node, tensor, kwargs]` lists in both flavours:
 * Keras 3 reads them, and its own `__keras_tensor__` form needs every tensor's shape, which a config
 * does not hold; only layers Keras calls with separate positional inputs (MultiHeadAttention) are
 * written in that form. Layers without a Keras counterpart in the flavour raise a NotSupportedError naming the layer.
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
  // attention
  'MultiHeadAttention', 'Attention', 'AdditiveAttention',
  // Lookup and text preprocessing layers.
  'StringLookup', 'IntegerLookup', 'TextVectorization',
  // Numeric and categorical preprocessing layers.
  'Normalization', 'Discretization', 'CategoryEncoding', 'Hashing',
  // Issue 17: shape, masking, noise, normalization and activation layers.
  'RepeatVector', 'Permute', 'Masking', 'PReLU', 'GroupNormalization', 'UnitNormalization', 'SpatialDropout1D', 'SpatialDropout2D',
  'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'ActivityRegularization',
  'Conv1DTranspose', 'Conv2DTranspose', 'Conv3D', 'MaxPooling3D', 'AveragePooling3D', 'GlobalAveragePooling3D', 'GlobalMaxPooling3D',
  'Cropping1D', 'Cropping2D', 'Cropping3D', 'UpSampling1D', 'ZeroPadding1D',
  // Augmentation layers (h-augment).
  'RandomContrast', 'RandomCrop', 'RandomFlip', 'RandomRotation', 'RandomTranslation', 'RandomZoom',
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

/**
 * One call in Keras's terms: Keras 2's `[layer, node, tensor, kwargs]` list, or Keras 3's
 * `{args, kwargs}` for a layer Keras calls with separate positional inputs and for a recurrent
 * layer given initial states (`initial_state` in the kwargs).
 */
function nodeToKeras(className: string, refs: Ref[], options: ConfigDict): unknown {
  const kwargs: Dict = {};
  for (const [key, value] of Object.entries(options)) kwargs[toSnake(key)] = value;
  // NOTE: Keras replaces each tensor by the output its keras_history names before the call, so the
  // shape, which a config does not hold, is never read; it must only be a valid shape.
  const tensor = (r: Ref): Dict => ({ class_name: '__keras_tensor__', config: { shape: [], dtype: 'float32', keras_history: r } });
  if (STATE_INPUTS.has(className) && refs.length > 1) return { args: [tensor(refs[0]!)], kwargs: { ...kwargs, initial_state: refs.slice(1).map(tensor) } };
  if (!POSITIONAL_INPUTS.has(className)) return refs.map((r) => [...r, kwargs]);
  return { args: refs.map(tensor), kwargs };
}

function functionalToKeras(c: ConfigDict, flavour: KerasFlavour): Dict {
  type Entry = Serialized & { name: string; inboundNodes: { inputs: Ref[]; asList: boolean; options?: ConfigDict }[] };
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
    inbound_nodes: e.inboundNodes.map((node) => nodeToKeras(e.className, shift(node.inputs, legacy ? inNodes : new Map()), node.options ?? {})),
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
