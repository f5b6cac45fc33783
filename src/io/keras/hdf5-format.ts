/**
 * Keras's HDF5 files as a `ModelFormat`, told apart by what they hold rather than by their name:
 * - a legacy whole model (`model.h5`, and Keras 2.11's `model.keras` that is HDF5 inside): root
 *   attributes `model_config` and `training_config`, weights under `model_weights/<layer>`,
 *   the optimizer's state under `optimizer_weights` (Keras 2.x, tf.keras and Keras 3 write it);
 * - Keras 3's weights file (`.weights.h5`, `model.save_weights`): groups `layers/<group>/vars`,
 *   named by class, which only the model's architecture can place (`loadWeights` gives it);
 * - Keras 2's weights file (`save_weights('x.h5')`): root attribute `layer_names`.
 * Writes Keras 3's weights file (for `saveWeights('x.weights.h5')`) and legacy whole models
 * (`save('x.h5')`, in Keras 2's layout, which Keras 3 also loads).
 */
import { ValueError } from '../../core/errors.js';
import type { Limits } from '../../core/limits.js';
import type { ArtifactWeight, ModelArtifacts, ModelFormat, ModelInput, NamedValues, OutputFile } from '../artifacts.js';
import { modelConfigToKeras, trainingConfigToKeras } from './config.js';
import { isHdf5, readHdf5, writeHdf5, type Hdf5Reader } from './hdf5.js';
import { keras3WeightsFile, kerasModelArtifacts, readLayerWeights } from './keras-artifacts.js';
import { optimizerStateToKeras } from './optimizer-state.js';
import { configLayers, keras3LayerDatasets, legacyLayerDatasets, type ConfigLayer } from './weight-layout.js';

/** A root attribute that holds JSON (`model_config`, `training_config`), parsed; undefined when absent. */
function jsonAttribute(h5: Hdf5Reader, name: string): unknown {
  const raw = h5.attribute('/', name);
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw new ValueError(`${h5.source}: the root attribute '${name}' should be a JSON string but is ${Array.isArray(raw) ? 'a list' : typeof raw}; the file is corrupt.`);
  try {
    return JSON.parse(raw);
  } catch (e) {
    throw new ValueError(`${h5.source}: the root attribute '${name}' is not valid JSON (${(e as Error).message}); the file is corrupt.`);
  }
}

/** The optimizer's variables of a legacy file, in the order of `optimizer_weights`' `weight_names`. */
function legacyOptimizerEntries(h5: Hdf5Reader): NamedValues[] {
  const listed = h5.attribute('optimizer_weights', 'weight_names');
  if (!Array.isArray(listed)) return [];
  return listed
    .filter((n): n is string => typeof n === 'string')
    .map((n) => {
      const path = `optimizer_weights/${n}`;
      if (!h5.isDataset(path)) throw new ValueError(`${h5.source}: optimizer_weights lists '${n}', but the file has no such dataset; the file is corrupt.`);
      return { name: path, ...h5.read(path) };
    });
}

function readLegacyModel(h5: Hdf5Reader): ModelArtifacts {
  const kerasConfig = jsonAttribute(h5, 'model_config');
  const version = h5.attribute('/', 'keras_version') ?? h5.attribute('model_weights', 'keras_version');
  const container = h5.isGroup('model_weights') ? 'model_weights' : '/';
  return kerasModelArtifacts({
    source: h5.source,
    ...(typeof version === 'string' ? { kerasVersion: version } : {}),
    kerasConfig,
    kerasTraining: jsonAttribute(h5, 'training_config'),
    weights: readLayerWeights(h5, legacyLayerDatasets(h5, container, configLayers(kerasConfig, h5.source))),
    optimizerEntries: legacyOptimizerEntries(h5),
  });
}

function readWeightsOnly(h5: Hdf5Reader, input: ModelInput): ModelArtifacts {
  const keras3 = h5.isGroup('layers') || h5.members('/').some((m) => /^(layers|_layer_checkpoint_dependencies)\\/.test(m));
  let layers;
  if (keras3) {
    if (!input.targetConfig) {
      throw new ValueError(`${h5.source}: this is a Keras weights file (weights only, grouped by layer class); create the model in code and call model.loadWeights('${h5.source}').`);
    }
    layers = keras3LayerDatasets(h5, configLayers(input.targetConfig, h5.source));
  } else if (h5.attribute('/', 'layer_names') !== undefined || h5.isGroup('model_weights')) {
    layers = legacyLayerDatasets(h5, h5.isGroup('model_weights') ? 'model_weights' : '/');
  } else {
    throw new ValueError(`${h5.source}: this HDF5 file is not a Keras model or weights file (it has no model_config, model_weights, layer_names or layers group; its top-level members: ${h5.members('/').join(', ') || 'none'}).`);
  }
  return { kind: 'weights', generatedBy: 'keras', weights: readLayerWeights(h5, layers), optimizerWeights: [] };
}

async function readKerasHdf5(input: ModelInput, limits: Limits): Promise<ModelArtifacts> {
  return readHdf5(input.bytes, input.source, limits, (h5) => (h5.attribute('/', 'model_config') !== undefined ? readLegacyModel(h5) : readWeightsOnly(h5, input)));
}

async function writeKerasHdf5(artifacts: ModelArtifacts, target: string): Promise<OutputFile[]> {
  if (/\.weights\.h5$/i.test(target) || artifacts.kind === 'weights') return [{ path: target, bytes: await keras3WeightsFile(artifacts, target, false) }];
  return [{ path: target, bytes: await legacyModelFile(artifacts, target) }];
}

/** The Keras release whose legacy HDF5 layout this writes (Keras 2's, which Keras 3 still reads). */
const LEGACY_KERAS_VERSION = '2.15.0';

/**
 * The bytes of a legacy whole-model HDF5 file: the architecture and compile settings as Keras 2
 * JSON in the root attributes, each layer's weights under `model_weights/<layer>/<weight>:0` in
 * the order its `weight_names` lists, and the optimizer's state under `optimizer_weights`.
 */
async function legacyModelFile(artifacts: ModelArtifacts, target: string): Promise<Uint8Array> {
  const { modelConfig, trainingConfig } = artifacts;
  if (!modelConfig) throw new ValueError(`${target}: a whole-model HDF5 file needs the model's architecture.`);
  const modelJson = JSON.stringify(modelConfigToKeras(modelConfig, 'keras2'));
  const trainingJson = trainingConfig && JSON.stringify(trainingConfigToKeras(trainingConfig, 'keras2'));
  const sequential = (modelConfig as { className?: unknown }).className === 'Sequential';
  const layers = configLayers(modelConfig, target).filter((l) => !(sequential && l.className === 'InputLayer'));
  const owned = (layer: ConfigLayer): Set<string> => new Set([layer.name, ...(layer.layers ?? []).flatMap((l) => [...owned(l)])]);
  const optimizer = trainingConfig && legacyOptimizerVars(artifacts);
  return writeHdf5(target, (h5) => {
    h5.attribute('/', 'keras_version', LEGACY_KERAS_VERSION);
    h5.attribute('/', 'backend', 'tensorflow');
    h5.attribute('/', 'model_config', modelJson);
    if (trainingJson) h5.attribute('/', 'training_config', trainingJson);
    h5.group('model_weights');
    h5.attribute('model_weights', 'keras_version', LEGACY_KERAS_VERSION);
    h5.attribute('model_weights', 'backend', 'tensorflow');
    h5.attribute('model_weights', 'layer_names', layers.map((l) => l.name));
    for (const layer of layers) {
      const names = owned(layer);
      const weights = artifacts.weights.filter((w) => w.layer !== undefined && names.has(w.layer));
      h5.group(`model_weights/${layer.name}`);
      h5.attribute(`model_weights/${layer.name}`, 'weight_names', weights.map((w) => `${w.name}:0`));
      for (const w of weights) h5.dataset(`model_weights/${layer.name}/${w.name}:0`, w);
    }
    if (optimizer && optimizer.length > 0) {
      h5.group('optimizer_weights');
      h5.attribute('optimizer_weights', 'weight_names', optimizer.map((v) => `${v.name}:0`));
      for (const v of optimizer) h5.dataset(`optimizer_weights/${v.name}:0`, v);
    }
  });
}

/** The optimizer's variables in Keras's order, named as Keras 2 names them (`iteration`, `Adam/m/dense/kernel`). */
function legacyOptimizerVars(artifacts: ModelArtifacts): NamedValues[] | undefined {
  const optimizer = artifacts.trainingConfig!.optimizer;
  const trainable = (w: ArtifactWeight): boolean => !/(^|\/)moving_(mean|variance)$/.test(w.name);
  const vars = optimizerStateToKeras(artifacts.optimizerWeights, optimizer, artifacts.weights.map((w) => ({ name: w.name, shape: w.shape, trainable: trainable(w) })));
  return vars?.map((v) => (v.name === 'iteration' || v.name === 'learning_rate' ? v : { ...v, name: `${optimizer.className}/${v.name.split('/').slice(-1)[0]}/${v.name.split('/').slice(0, -1).join('/')}` }));
}

/**
 * Keras's HDF5 files: legacy whole models and weights files, read and written.
 *
 * @example
 * const model = await loadModel('model.h5');       // Keras 2.x, tf.keras or Keras 3 legacy HDF5
 * await model.save('copy.h5');                     // Keras 2's layout: keras.saving.load_model('copy.h5')
 * await model.saveWeights('model.weights.h5');     // Keras 3: model.load_weights('model.weights.h5')
 */
export const kerasHdf5Format: ModelFormat = {
  name: 'hdf5',
  description: 'Keras HDF5 file (.h5 whole model, .weights.h5)',
  detect: isHdf5,
  matchesPath: (path) => /\.(h5|hdf5)$/i.test(path),
  read: readKerasHdf5,
  write: writeKerasHdf5,
};
