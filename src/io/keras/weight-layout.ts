/**
 * Where Keras keeps each layer's weights inside its HDF5 files, and which layer a group belongs to.
 *
 * Keras 3 (`.keras` and `.weights.h5`) names a layer's group not by the layer's name but by its
 * class in snake case with a counter per class, in the order of the model's layers
 * (`layers/dense`, `layers/dense_1`, ...; a Sequential's InputLayer has none), and stores the
 * layer's variables by position (`vars/0`, `vars/1`, ...); a recurrent layer keeps them under its
 * cell (`layers/lstm/cell/vars/0`), a wrapper under its inner layers (`forward_layer`,
 * `backward_layer`, `layer`), a nested model under its own `layers`. Keras 2.13–2.15 wrote the
 * same idea with literal backslashes in top-level names (`layers\dense`,
 * `_layer_checkpoint_dependencies\dense_2`) and counters that may skip numbers; so a layer takes
 * the k-th group of its class in counter order. Legacy whole-model HDF5 files keep
 * `model_weights/<layer name>` with the dataset paths listed, in order, in its `weight_names`.
 */
import { toSnakeCase } from '../../core/serialization.js';
import { ValueError } from '../../core/errors.js';
import type { Hdf5Reader } from './hdf5.js';

/** One layer of a model config, in either Keras's spelling (`class_name`) or Strata's (`className`). */
export interface ConfigLayer {
  name: string;
  className: string;
  config: Record<string, unknown>;
  /** The layers of a nested model; undefined for other layers. */
  layers?: ConfigLayer[];
}

const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

const record = (x: unknown): Record<string, unknown> => (typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Record<string, unknown>) : {});

/**
 * The layers of a model config (Keras 3 `config.json`, Keras 2 `model_config`, Keras 2.1's list
 * form, or Strata's serialized model), in order, with nested models' layers under them.
 */
export function configLayers(modelConfig: unknown, source: string): ConfigLayer[] {
  const top = record(modelConfig);
  const inner = top['config'];
  const list = Array.isArray(inner) ? inner : record(inner)['layers'];
  if (!Array.isArray(list)) throw new ValueError(`${source}: the model config has no list of layers (config.layers); it is not a Sequential or Functional model.`);
  return list.map((entry, i) => {
    const e = record(entry);
    const config = record(e['config']);
    const className = String(e['class_name'] ?? e['className'] ?? '');
    const name = String(config['name'] ?? e['name'] ?? '');
    if (className === '' || name === '') throw new ValueError(`${source}: layer ${i} of the model config has no class name or name.`);
    const nested = MODEL_CLASSES.has(className) || Array.isArray(config['layers']);
    return { name, className, config, ...(nested ? { layers: configLayers(e, source) } : {}) };
  });
}

/** The datasets of one layer, in the order of the variables the layer declares. */
export interface LayerDatasets {
  /** The layer's name (as in the model config). */
  layer: string;
  /** Dataset paths in the HDF5 file. */
  paths: string[];
}

/** `name` inside the group `container` ('' is the root). */
const within = (container: string, name: string): string => (container === '' || container === '/' ? name : `${container}/${name}`);

/** The members of `group` that are groups, by the name Keras gave them with any `layers\` style prefix removed. */
function layerGroups(h5: Hdf5Reader, container: string): Map<string, string> {
  const groups = new Map<string, string>();
  const layers = within(container, 'layers');
  if (h5.isGroup(layers)) {
    for (const m of h5.members(layers)) groups.set(m, `${layers}/${m}`);
    return groups;
  }
  // Keras 2.13–2.15 (written on any OS): flat names with a literal backslash.
  for (const m of h5.members(container)) {
    const cut = m.match(/^(?:layers|_layer_checkpoint_dependencies)\\(.+)$/);
    if (cut) groups.set(cut[1]!, within(container, m));
  }
  return groups;
}

/** The counter of a group name of class `snake` (`dense` → 0, `dense_4` → 4), or undefined when it is another class's. */
function counterOf(group: string, snake: string): number | undefined {
  if (group === snake) return 0;
  const m = group.match(/^(.*)_(\d+)$/);
  return m && m[1] === snake ? Number(m[2]) : undefined;
}

/**
 * MultiHeadAttention's parts (Keras 3's EinsumDense sublayers), in the order the layer declares its
 * variables, with the name Keras gives each part; its dropout and softmax sublayers hold none.
 */
const MHA_PARTS = [
  { group: 'query_dense', name: 'query' }, { group: 'key_dense', name: 'key' }, { group: 'value_dense', name: 'value' }, { group: 'output_dense', name: 'attention_output' },
];
const MHA_EMPTY_PARTS = [{ group: '_dropout_layer', name: 'dropout' }, { group: '_softmax', name: 'softmax' }];

/** Sub-groups of a layer's group in the order Keras stores their variables; others follow by name. */
const CHILD_ORDER = ['cell', 'forward_layer', 'backward_layer', 'layer', ...MHA_PARTS.map((p) => p.group)];

/** The datasets of a layer's group: its own `vars/<i>` by number, then its sub-groups' (recursively). */
function groupDatasets(h5: Hdf5Reader, group: string): string[] {
  const own = h5
    .members(`${group}/vars`)
    .filter((m) => /^\d+$/.test(m) && h5.isDataset(`${group}/vars/${m}`))
    .sort((a, b) => Number(a) - Number(b))
    .map((m) => `${group}/vars/${m}`);
  const rank = (n: string): number => (CHILD_ORDER.includes(n) ? CHILD_ORDER.indexOf(n) : CHILD_ORDER.length);
  const children = h5
    .members(group)
    .filter((m) => m !== 'vars' && m !== 'layers' && h5.isGroup(`${group}/${m}`))
    .sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return [...own, ...children.flatMap((c) => groupDatasets(h5, `${group}/${c}`))];
}

/**
 * Each layer's datasets in a Keras 3 (or Keras 2.13–2.15) weights file, for the model whose
 * layers are `layers`: the k-th layer of a class takes the k-th group of that class's snake-case
 * name in counter order. Layers without weights are left out.
 */
export function keras3LayerDatasets(h5: Hdf5Reader, layers: readonly ConfigLayer[], container = ''): LayerDatasets[] {
  const groups = layerGroups(h5, container);
  const taken = new Map<string, number>();
  const out: LayerDatasets[] = [];
  for (const layer of layers) {
    const snake = toSnakeCase(layer.className);
    const candidates = [...groups.keys()]
      .map((g) => ({ g, n: counterOf(g, snake) }))
      .filter((c): c is { g: string; n: number } => c.n !== undefined)
      .sort((a, b) => a.n - b.n);
    const k = taken.get(snake) ?? 0;
    taken.set(snake, k + 1);
    const found = candidates[k];
    if (!found) continue;
    const path = groups.get(found.g)!;
    if (layer.layers) out.push(...keras3LayerDatasets(h5, layer.layers, path));
    else {
      const paths = groupDatasets(h5, path);
      if (paths.length > 0) out.push({ layer: layer.name, paths });
    }
  }
  return out;
}

/** The strings of an attribute that holds a list of names (h5py writes an empty one as a float array). */
function names(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * Each layer's datasets in a legacy Keras HDF5 file (whole model under `model_weights`, or a
 * Keras 2 `save_weights` file at the root): layers in the order of `layer_names`, each layer's
 * datasets in the order of its `weight_names` (`dense/kernel:0`, Keras 3's
 * `sequential/dense/kernel`), Windows backslashes included as written.
 */
export function legacyLayerDatasets(h5: Hdf5Reader, container: string, layers: readonly ConfigLayer[] = []): LayerDatasets[] {
  const nested = new Map(layers.filter((l) => l.layers).map((l) => [l.name, l.layers!]));
  const layerNames = names(h5.attribute(container, 'layer_names'));
  const order = layerNames.length > 0 ? layerNames : h5.members(container).filter((m) => h5.isGroup(`${container}/${m}`));
  const out: LayerDatasets[] = [];
  for (const layer of order) {
    const group = within(container, layer);
    const listed = names(h5.attribute(group, 'weight_names'));
    const paths = listed.map((w) => `${group}/${w}`);
    const missing = paths.find((p) => !h5.isDataset(p));
    if (missing) throw new ValueError(`${h5.source}: layer '${layer}' lists the weight '${missing.slice(group.length + 1)}' in its weight_names, but the file has no such dataset; the file is corrupt.`);
    const inner = nested.get(layer);
    if (inner && paths.length > 0) out.push(...innerLayerDatasets(h5.source, layer, group, listed, inner));
    else if (paths.length > 0) out.push({ layer, paths });
  }
  return out;
}

/**
 * A nested model's datasets, which a legacy file keeps together under the model's group, split
 * among its own layers: each weight name holds its layer's name as a segment (Keras 3:
 * `block/dense/kernel`, Keras 2: `dense/kernel:0`).
 */
function innerLayerDatasets(source: string, model: string, group: string, listed: readonly string[], layers: readonly ConfigLayer[]): LayerDatasets[] {
  const flat = (list: readonly ConfigLayer[]): string[] => list.flatMap((l) => (l.layers ? flat(l.layers) : [l.name]));
  const known = new Set(flat(layers));
  const byLayer = new Map<string, string[]>();
  for (const weight of listed) {
    const segments = weight.split(/[\\/]/);
    const owner = segments.slice(segments[0] === model ? 1 : 0, -1).find((s) => known.has(s));
    if (owner === undefined) throw new ValueError(`${source}: the nested model '${model}' lists the weight '${weight}', which names none of its layers (${[...known].join(', ')}); the file is corrupt.`);
    byLayer.set(owner, [...(byLayer.get(owner) ?? []), `${group}/${weight}`]);
  }
  return [...byLayer].map(([layer, paths]) => ({ layer, paths }));
}

/** Where one layer's weights go in a Keras 3 file: its group, and the dataset path of each weight. */
export interface GroupPlan {
  layer: string;
  /** The layer's group (`layers/dense_1`). */
  group: string;
  /** The `vars` groups Keras writes for the layer and its parts, each with the `name` attribute Keras gives it (`layers/lstm/cell/vars`: `lstm_cell`). */
  varsGroups: { path: string; name: string }[];
  /** The dataset of the layer's i-th weight (`layers/lstm/cell/vars/1`). */
  datasetOf(index: number, count: number): string;
}

/** Classes whose variables live under a `cell` sub-group. */
const RECURRENT = new Set(['LSTM', 'GRU', 'SimpleRNN', 'RNN', 'ConvLSTM1D', 'ConvLSTM2D']);

/** The name Keras gives the cell a recurrent layer of `className` makes: `lstm_cell`, and one `conv_lstm_cell` for every ConvLSTM. */
function builtInCellName(className: string): string {
  return className.startsWith('ConvLSTM') ? 'conv_lstm_cell' : `${toSnakeCase(className)}_cell`;
}

/**
 * The Keras 3 groups of a model's layers for writing (`layers` from Strata's config): per class a
 * counter, in layer order; a Sequential's InputLayer gets no group, as in Keras.
 */
export function keras3GroupPlans(layers: readonly ConfigLayer[], sequential: boolean, container = ''): GroupPlan[] {
  const counters = new Map<string, number>();
  const plans: GroupPlan[] = [];
  const prefix = within(container, 'layers');
  for (const layer of layers) {
    if (sequential && layer.className === 'InputLayer') continue;
    const snake = toSnakeCase(layer.className);
    const n = counters.get(snake) ?? 0;
    counters.set(snake, n + 1);
    const group = `${prefix}/${n === 0 ? snake : `${snake}_${n}`}`;
    if (layer.layers) {
      plans.push({ layer: layer.name, group, varsGroups: [{ path: `${group}/vars`, name: layer.name }], datasetOf: () => `${group}/vars/0` });
      plans.push(...keras3GroupPlans(layer.layers, layer.className === 'Sequential', group));
    } else plans.push(planOf(layer, group, n));
  }
  return plans;
}

/**
 * Where a layer (or a wrapper's inner layer) named `name` of class `className` keeps its variables
 * under `at`, and the `vars` groups Keras writes there; a recurrent layer's cell group carries the
 * cell's own name (`config.cell`, an RNN's), else the one Keras gives its built-in cells.
 */
function partOf(at: string, name: string, className: string, config: Record<string, unknown> = {}): { vars: string; groups: { path: string; name: string }[] } {
  if (!RECURRENT.has(className)) return { vars: `${at}/vars`, groups: [{ path: `${at}/vars`, name }] };
  const cell = wrapped(config['cell'])?.name ?? builtInCellName(className);
  return { vars: `${at}/cell/vars`, groups: [{ path: `${at}/vars`, name }, { path: `${at}/cell/vars`, name: cell }] };
}

/** `nth` counts the layers of the class before this one (it numbers MultiHeadAttention's unnamed sublayers). */
function planOf(layer: ConfigLayer, group: string, nth: number): GroupPlan {
  const own = { path: `${group}/vars`, name: layer.name };
  const inner = wrapped(layer.config['layer']);
  if (layer.className === 'Bidirectional' && inner) {
    // Strata names its copies forward_<name> and backward_<name>; a given backward layer keeps its name.
    const named = (p: string): string => p + (inner.name.startsWith(p) ? inner.name.slice(p.length) : inner.name);
    const given = wrapped(layer.config['backwardLayer']);
    const forward = partOf(`${group}/forward_layer`, named('forward_'), inner.className, inner.config);
    const backward = partOf(`${group}/backward_layer`, given ? given.name : named('backward_'), (given ?? inner).className, (given ?? inner).config);
    return {
      layer: layer.name,
      group,
      varsGroups: [own, ...forward.groups, ...backward.groups],
      datasetOf: (i, count) => (i < count / 2 ? `${forward.vars}/${i}` : `${backward.vars}/${i - count / 2}`),
    };
  }
  if (layer.className === 'TimeDistributed' && inner) {
    const part = partOf(`${group}/layer`, inner.name, inner.className, inner.config);
    return { layer: layer.name, group, varsGroups: [own, ...part.groups], datasetOf: (i) => `${part.vars}/${i}` };
  }
  if (layer.className === 'MultiHeadAttention') {
    // Kernel and bias per part (kernel only without biases), each part in its own group.
    // NOTE: Keras names the dropout and softmax sublayers by its global counters (dropout, dropout_1, ...).
    const counted = MHA_EMPTY_PARTS.map((p) => ({ ...p, name: nth === 0 ? p.name : `${p.name}_${nth}` }));
    const parts = [...counted, ...MHA_PARTS].map((p) => ({ path: `${group}/${p.group}/vars`, name: p.name }));
    return {
      layer: layer.name,
      group,
      varsGroups: [own, ...parts],
      datasetOf: (i, count) => {
        const per = count / MHA_PARTS.length;
        return `${group}/${MHA_PARTS[Math.floor(i / per)]!.group}/vars/${i % per}`;
      },
    };
  }
  const part = partOf(group, layer.name, layer.className, layer.config);
  return { layer: layer.name, group, varsGroups: part.groups, datasetOf: (i) => `${part.vars}/${i}` };
}

/**
 * The names Strata gives a layer's variables, in the order the layer declares them, for the
 * classes whose variables Keras's optimizer state refers to by position; undefined for others.
 * (`trainable` says which of them an optimizer updates.) `path` is the layer's own path: its name,
 * or a wrapper's path and the wrapped layer's name.
 */
export function strataVariables(layer: ConfigLayer, path = layer.name): { name: string; trainable: boolean }[] | undefined {
  const c = layer.config;
  const flag = (key: string): boolean => c[key] !== false;
  const own = (...list: (string | false)[]): { name: string; trainable: boolean }[] =>
    list.filter((n): n is string => n !== false).map((n) => ({ name: `${path}/${n}`, trainable: !n.startsWith('moving_') }));
  switch (layer.className) {
    case 'Dense':
    case 'Conv1D':
    case 'Conv2D':
    case 'Conv3D':
    case 'Conv1DTranspose':
    case 'Conv2DTranspose':
      return own('kernel', flag('useBias') && 'bias');
    case 'DepthwiseConv2D':
      return own('depthwise_kernel', flag('useBias') && 'bias');
    case 'SeparableConv2D':
      return own('depthwise_kernel', 'pointwise_kernel', flag('useBias') && 'bias');
    case 'Embedding':
      return own('embeddings');
    case 'BatchNormalization':
      return own(flag('scale') && 'gamma', flag('center') && 'beta', 'moving_mean', 'moving_variance');
    case 'LayerNormalization':
      return own(flag('scale') && 'gamma', flag('center') && 'beta');
    case 'LSTM':
    case 'GRU':
    case 'SimpleRNN':
    case 'ConvLSTM1D':
    case 'ConvLSTM2D': {
      const cell = builtInCellName(layer.className);
      return own(`${cell}/kernel`, `${cell}/recurrent_kernel`, flag('useBias') && `${cell}/bias`);
    }
    case 'MultiHeadAttention':
      return own(...MHA_PARTS.flatMap((p) => [`${p.name}/kernel`, flag('useBias') && `${p.name}/bias`]));
    case 'TimeDistributed': {
      const inner = wrapped(c['layer']);
      return inner && strataVariables(inner, `${path}/${inner.name}`);
    }
    case 'Bidirectional': {
      const inner = wrapped(c['layer']);
      const given = wrapped(c['backwardLayer']);
      if (!inner) return undefined;
      // Strata names its copies forward_<name> and backward_<name>; a given backward layer keeps its name.
      const named = (prefix: string): string => prefix + (inner.name.startsWith(prefix) ? inner.name.slice(prefix.length) : inner.name);
      const forward = strataVariables(inner, `${path}/${named('forward_')}`);
      const backward = given ? strataVariables(given, `${path}/${given.name}`) : strataVariables(inner, `${path}/${named('backward_')}`);
      return forward && backward && [...forward, ...backward];
    }
    default:
      return undefined;
  }
}

/** The layer a wrapper's config holds (`{className, config}`), or undefined. */
function wrapped(x: unknown): ConfigLayer | undefined {
  const e = record(x);
  const config = record(e['config']);
  const className = e['className'] ?? e['class_name'];
  return typeof className === 'string' && typeof config['name'] === 'string' ? { name: config['name'], className, config } : undefined;
}
