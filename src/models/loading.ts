/**
 * Loading whole models saved by `Model.save`. Layers are rebuilt only through the registry of
 * known classes, from plain JSON; nothing in a file is ever run as code.
 */
import { ValueError } from '../core/errors.js';
import { decodeArtifacts, type Artifacts } from '../io/format.js';
import { artifactStore } from '../io/store.js';
import { deserializeLayer } from '../layers/registry.js';
import { deserializeLoss } from '../losses/index.js';
import { deserializeMetric } from '../metrics/index.js';
import { tensor } from '../ops/index.js';
import { deserializeOptimizer } from '../optimizers/index.js';
import { Model } from './model.js';
import { assignWeights, type TrainingConfig } from './saving.js';

/** Rebuilds a model from the bytes of a saved model file; `source` names it in errors. */
export function decodeModel(bytes: Uint8Array, source = 'model'): Model {
  const artifacts: Artifacts = decodeArtifacts(bytes, source);
  if (artifacts.header.kind !== 'model') throw new ValueError(`${source}: this is a weights-only file; create the model in code and call model.loadWeights('${source}').`);
  let model: unknown;
  try {
    model = deserializeLayer(artifacts.header.modelConfig as Parameters<typeof deserializeLayer>[0]);
  } catch (e) {
    throw new ValueError(`${source}: cannot rebuild the model's architecture: ${(e as Error).message}`);
  }
  if (!(model instanceof Model)) throw new ValueError(`${source}: the saved architecture is a single layer, not a model.`);
  assignWeights(model, artifacts.weights, source);
  const training = artifacts.header.trainingConfig as TrainingConfig | undefined;
  if (training) {
    model.compile({
      optimizer: deserializeOptimizer(training.optimizer),
      loss: training.losses.map(deserializeLoss),
      metrics: training.metrics.map((ms) => ms.map(deserializeMetric)),
      lossWeights: training.lossWeights,
    });
    const state = artifacts.optimizerWeights.map((w) => ({ name: w.name, tensor: tensor(w.values, w.shape, w.dtype) }));
    try {
      model.compiledState!.optimizer.setWeights(state);
    } finally {
      for (const s of state) s.tensor.dispose();
    }
  }
  return model;
}

/**
 * Loads a model saved with `model.save(path)`: architecture, weights, and compile settings with
 * the optimizer's state, so `predict` gives identical outputs and `fit` continues where it stopped.
 *
 * @example
 * const model = await loadModel('fashion.strata');
 */
export async function loadModel(path: string): Promise<Model> {
  return decodeModel(await artifactStore().read(path), path);
}

