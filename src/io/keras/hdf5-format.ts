/**
 * Keras's HDF5 files as a `ModelFormat`, told apart by what they hold rather than by their name:
 * - a legacy whole model (`model.h5`, and Keras 2.11's `model.keras` that is HDF5 inside): root
 *   attributes `model_config` and `training_config`, weights under `model_weights/<layer>`,
 *   the optimizer's state under `optimizer_weights` (Keras 2.x, tf.keras and Keras 3 write it);
 * - Keras 3's weights file (`.weights.h5`, `model.save_weights`): groups `layers/<group>/vars`,
 *   named by class, which only the model's architecture can place (`loadWeights` gives it);
 * - Keras 2's weights file (`save_weights('x.h5')`): root attribute `layer_names`.
 * Writes Keras 3's weights file (for `saveWeights('x.weights.h5')`); whole models are saved as `.keras`.
 */
import { NotSupportedError, ValueError } from '../../core/errors.js';
import type { Limits } from '../../core/limits.js';
import type { ModelArtifacts, ModelFormat, ModelInput, NamedValues, OutputFile } from '../artifacts.js';
import { isHdf5, readHdf5, type Hdf5Reader } from './hdf5.js';
import { keras3WeightsFile, kerasModelArtifacts, readLayerWeights } from './keras-artifacts.js';
import { configLayers, keras3LayerDatasets, legacyLayerDatasets } from './weight-layout.js';

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
    weights: readLayerWeights(h5, legacyLayerDatasets(h5, container)),
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
  if (!/\.weights\.h5$/i.test(target) && artifacts.kind === 'model') {
    throw new NotSupportedError(`${target}: Strata does not write legacy whole-model HDF5 files; save the model as '.keras' (Keras 3 loads it), or its weights alone as '.weights.h5'.`);
  }
  return [{ path: target, bytes: await keras3WeightsFile(artifacts, target, false) }];
}

/**
 * Keras's HDF5 files: legacy whole models read; weights files read and written (Keras 3's layout).
 *
 * @example
 * const model = await loadModel('model.h5');       // Keras 2.x, tf.keras or Keras 3 legacy HDF5
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
