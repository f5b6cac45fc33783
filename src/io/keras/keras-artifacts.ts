/**
 * The parts every Keras file shares, between Keras's layout and Strata's artifacts: a model's
 * weights and optimizer state read out of an HDF5 file whose layer groups are known, and a Keras 3
 * weights file (`model.weights.h5`, `.weights.h5`) written from artifacts.
 */
import type { Serialized } from '../../core/serialization.js';
import { ValueError } from '../../core/errors.js';
import type { ArtifactWeight, ModelArtifacts, NamedValues, TrainingConfig } from '../artifacts.js';
import { modelConfigFromKeras, trainingConfigFromKeras } from './config.js';
import { writeHdf5, type Hdf5Reader } from './hdf5.js';
import { optimizerStateFromKeras, optimizerStateToKeras } from './optimizer-state.js';
import { configLayers, keras3GroupPlans, strataVariables, type ConfigLayer, type LayerDatasets } from './weight-layout.js';

/** The weights of `layers` read from `h5`: each under its dataset path as name, owned by its layer. */
export function readLayerWeights(h5: Hdf5Reader, layers: readonly LayerDatasets[]): ArtifactWeight[] {
  return layers.flatMap(({ layer, paths }) => paths.map((path) => ({ name: path, layer, ...h5.read(path) })));
}

/** The Strata names of the weights read, by matching each layer's datasets with the variables its class declares (where the counts agree). */
function strataShapes(layers: readonly ConfigLayer[], weights: readonly ArtifactWeight[]): Map<string, readonly number[]> {
  const shapes = new Map<string, readonly number[]>();
  const flat = (list: readonly ConfigLayer[]): ConfigLayer[] => list.flatMap((l) => (l.layers ? flat(l.layers) : [l]));
  for (const layer of flat(layers)) {
    const own = weights.filter((w) => w.layer === layer.name);
    const vars = strataVariables(layer);
    if (vars && vars.length === own.length) vars.forEach((v, i) => shapes.set(v.name, own[i]!.shape));
    else own.forEach((w, i) => shapes.set(`${layer.name}/${i}`, w.shape));
  }
  return shapes;
}

/** What a Keras model file holds, as read by its container. */
export interface KerasParts {
  source: string;
  /** The Keras version that wrote the file, when recorded. */
  kerasVersion?: string;
  /** The Keras model config (config.json, or a legacy file's `model_config`). */
  kerasConfig: unknown;
  /** Keras 3's `compile_config` or Keras 2's `training_config`, when saved. */
  kerasTraining: unknown;
  /** The model's weights, in model order, owned by their layers. */
  weights: ArtifactWeight[];
  /** The optimizer's variables in Keras's order (empty when not saved). */
  optimizerEntries: NamedValues[];
}

/** A model's artifacts from the parts of a Keras file: configs translated, optimizer state named. */
export function kerasModelArtifacts(parts: KerasParts): ModelArtifacts {
  const { source } = parts;
  const { kerasVersion } = parts;
  const modelConfig = modelConfigFromKeras(parts.kerasConfig, source, kerasVersion === undefined ? {} : { kerasVersion });
  const dropped: string[] = [];
  let trainingConfig: TrainingConfig | undefined;
  if (parts.kerasTraining !== undefined && parts.kerasTraining !== null) {
    const training = trainingConfigFromKeras(parts.kerasTraining, source, { outputs: outputCount(modelConfig) });
    trainingConfig = training.trainingConfig;
    dropped.push(...training.dropped);
  }
  let optimizerWeights: NamedValues[] = [];
  if (trainingConfig && parts.optimizerEntries.length > 0) {
    const layers = configLayers(modelConfig, source);
    const restored = optimizerStateFromKeras(parts.optimizerEntries, trainingConfig.optimizer, layers, strataShapes(layers, parts.weights));
    optimizerWeights = restored.state;
    if (restored.dropped) dropped.push(restored.dropped);
  }
  const generatedBy = `keras ${kerasVersion ?? '(version not recorded)'}`;
  return { kind: 'model', generatedBy, modelConfig, trainingConfig, weights: parts.weights, optimizerWeights, ...(dropped.length > 0 ? { dropped } : {}) };
}

/** How many outputs a model has (a Functional model's `outputLayers`; otherwise one). */
function outputCount(modelConfig: Serialized): number {
  const outputs = (modelConfig as { config?: { outputLayers?: unknown } }).config?.outputLayers;
  return Array.isArray(outputs) && outputs.length > 0 && Array.isArray(outputs[0]) ? outputs.length : 1;
}

/** The model's name from a serialized config. */
const modelName = (config: Serialized): string => String((config as { config?: { name?: unknown } }).config?.name ?? 'model');

/** The model's class from a serialized config ('Sequential', 'Functional'). */
const classOf = (config: Serialized | undefined): string => String((config as { className?: unknown } | undefined)?.className ?? '');

/**
 * The bytes of a Keras 3 weights file holding `artifacts`: each layer's weights under its group
 * (`layers/dense_1/vars/0`), an empty `vars` group for the model, and — when `withOptimizer` and
 * the model is compiled — the optimizer's state under `optimizer/vars/<i>` in Keras's order.
 * `target` names the file in errors.
 */
export async function keras3WeightsFile(artifacts: ModelArtifacts, target: string, withOptimizer: boolean): Promise<Uint8Array> {
  const { modelConfig } = artifacts;
  if (!modelConfig) throw new ValueError(`${target}: cannot write Keras weights without the model's architecture (Keras names weight groups by the layers' classes).`);
  const layers = configLayers(modelConfig, target);
  const plans = keras3GroupPlans(layers, classOf(modelConfig) === 'Sequential');
  const byLayer = new Map<string, ArtifactWeight[]>();
  for (const w of artifacts.weights) {
    if (w.layer === undefined) throw new ValueError(`${target}: weight '${w.name}' has no owning layer; Keras files group weights by layer.`);
    byLayer.set(w.layer, [...(byLayer.get(w.layer) ?? []), w]);
  }
  const planned = new Set(plans.map((p) => p.layer));
  const orphan = [...byLayer.keys()].find((l) => !planned.has(l));
  if (orphan !== undefined) throw new ValueError(`${target}: weights belong to layer '${orphan}', which the model's architecture does not have.`);
  const optimizer = withOptimizer && artifacts.trainingConfig ? keras3OptimizerVars(artifacts) : undefined;
  return writeHdf5(target, (h5) => {
    for (const plan of plans) {
      h5.group(plan.group);
      for (const g of plan.varsGroups) {
        h5.group(g.path);
        h5.attribute(g.path, 'name', g.name);
      }
      const own = byLayer.get(plan.layer) ?? [];
      own.forEach((w, i) => h5.dataset(plan.datasetOf(i, own.length), w));
    }
    h5.group('vars');
    h5.attribute('vars', 'name', modelName(modelConfig));
    if (optimizer) {
      h5.group('optimizer/vars');
      h5.attribute('optimizer/vars', 'name', optimizer.name);
      optimizer.vars.forEach((v, i) => h5.dataset(`optimizer/vars/${i}`, v));
    }
  });
}

/** The optimizer's variables as Keras 3 lists them, or undefined (with a warning) when Strata cannot order them. */
function keras3OptimizerVars(artifacts: ModelArtifacts): { name: string; vars: NamedValues[] } | undefined {
  const optimizer = artifacts.trainingConfig!.optimizer;
  const weights = artifacts.weights.map((w) => ({ name: w.name, shape: w.shape, trainable: !/(^|\/)moving_(mean|variance)$/.test(w.name) && layerTrainable(artifacts.modelConfig, w.layer) }));
  const vars = optimizerStateToKeras(artifacts.optimizerWeights, optimizer, weights);
  if (!vars) {
    console.warn(`The optimizer ${optimizer.className} has no Keras counterpart whose state Strata can write; the file holds its config but not its state.`);
    return undefined;
  }
  const name = typeof optimizer.config['name'] === 'string' ? optimizer.config['name'] : optimizer.className.toLowerCase();
  return { name, vars };
}

/** Whether the layer `name` of the model is trainable (not frozen with `trainable: false`). */
function layerTrainable(modelConfig: Serialized | undefined, name: string | undefined): boolean {
  const find = (list: readonly ConfigLayer[]): ConfigLayer | undefined => {
    for (const l of list) {
      if (l.name === name) return l;
      const inner = l.layers && find(l.layers);
      if (inner) return inner;
    }
    return undefined;
  };
  return find(configLayers(modelConfig, 'model'))?.config['trainable'] !== false;
}
