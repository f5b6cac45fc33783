/**
 * Loading whole models saved by `Model.save`. Layers are rebuilt only through the registry of
 * known classes, from plain JSON; nothing in a file is ever run as code. Every size the file
 * declares is checked against its weight table and the caps before a layer allocates anything,
 * and a load that fails frees all it made.
 */
import { ShapeError, StrataError, ValueError, fmtShape } from '../core/errors.js';
import { resolveLimits, type Limits } from '../core/limits.js';
import { checkOptions, optionKeys } from '../core/options.js';
import { shapesEqual } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { decodeArtifacts, type NamedValues } from '../io/format.js';
import { artifactStore } from '../io/store.js';
import type { Layer } from '../layers/layer.js';
import { deserializeLayer } from '../layers/registry.js';
import { withWeightSource } from '../layers/weight-source.js';
import { deserializeLoss } from '../losses/index.js';
import { deserializeMetric } from '../metrics/index.js';
import { tensor } from '../ops/index.js';
import { deserializeOptimizer } from '../optimizers/index.js';
import { FileWeights } from './file-weights.js';
import { Model } from './model.js';
import { checkModelConfig, checkTrainingConfig, type TrainingConfig } from './saved-config.js';

/** Options of `loadModel` and `decodeModel`. */
export interface LoadModelArgs {
  /** Caps on the sizes the file may declare, for this call (see `setLimits` for the defaults). */
  limits?: Partial<Limits>;
}

const LOAD_MODEL_KEYS = optionKeys<LoadModelArgs>({ limits: true });

/** `error` with `prefix` before its message, of the same class when it is one of Strata's. */
function prefixed(error: unknown, prefix: string): Error {
  const message = `${prefix}: ${error instanceof Error ? error.message : String(error)}`;
  if (error instanceof StrataError) return new (error.constructor as new (message: string) => StrataError)(message);
  return new ValueError(message);
}

/** Rebuilds the architecture, its weights taken from the file's table (no initializer runs). */
function rebuild(modelConfig: unknown, weights: FileWeights, source: string): Model {
  checkModelConfig(modelConfig, source);
  let built: Layer;
  try {
    built = withWeightSource(weights, () => deserializeLayer(modelConfig));
  } catch (e) {
    // A layer may wrap the file's mismatch in a message of its own; the mismatch is the cause.
    throw weights.failure ?? prefixed(e, `${source}: cannot rebuild the model's architecture (modelConfig)`);
  }
  // (A layer's weights, if any, are freed with the others when the caller releases the source.)
  if (!(built instanceof Model)) throw new ValueError(`${source}: the saved architecture (modelConfig) is a single layer, not a model.`);
  weights.checkAllUsed();
  return built;
}

/**
 * Checks each saved optimizer slot (`<optimizer>/<variable>[_k]/<slot>`) against the shape of
 * the model's variable it belongs to, so a mismatch is reported now rather than at the first step.
 */
function checkOptimizerState(model: Model, state: readonly NamedValues[], source: string): void {
  const shapes = new Map(model.weights.map((w) => [w.name, w.shape]));
  state.forEach((entry, i) => {
    const parts = entry.name.split('/');
    const prefix = parts.slice(1, -1).join('/');
    const owner = shapes.has(prefix) ? prefix : prefix.replace(/_\d+$/, '');
    const shape = shapes.get(owner);
    if (shape && !shapesEqual(shape, entry.shape)) {
      throw new ShapeError(`${source}: optimizerWeights[${i}] '${entry.name}' has shape ${fmtShape(entry.shape)}, but the model's weight '${owner}' has shape ${fmtShape(shape)} (the file is corrupt or was edited).`);
    }
  });
}

/** Compiles `model` as saved and restores its optimizer's state. */
function restoreTraining(model: Model, training: TrainingConfig, state: readonly NamedValues[], source: string): void {
  const rebuilt = <T>(field: string, make: () => T): T => {
    try {
      return make();
    } catch (e) {
      throw prefixed(e, `${source}: ${field}`);
    }
  };
  checkOptimizerState(model, state, source);
  const optimizer = rebuilt('trainingConfig.optimizer', () => deserializeOptimizer(training.optimizer));
  try {
    const loss = training.losses.map((l, i) => rebuilt(`trainingConfig.losses[${i}]`, () => deserializeLoss(l)));
    const metrics = training.metrics.map((ms, i) => ms.map((m, j) => rebuilt(`trainingConfig.metrics[${i}][${j}]`, () => deserializeMetric(m))));
    rebuilt('trainingConfig', () => model.compile({ optimizer, loss, metrics, lossWeights: training.lossWeights }));
  } catch (e) {
    if (model.optimizer !== optimizer) optimizer.dispose();
    throw e;
  }
  const tensors: Tensor[] = [];
  try {
    for (const w of state) tensors.push(tensor(w.values, w.shape, w.dtype));
    rebuilt('optimizerWeights', () => optimizer.setWeights(state.map((w, i) => ({ name: w.name, tensor: tensors[i]! }))));
  } finally {
    for (const t of tensors) t.dispose();
  }
}

/**
 * Rebuilds a model from the bytes of a saved model file; `source` names it in errors. Sizes are
 * checked before anything is allocated (see `loadModel`), and a failure frees everything made.
 *
 * @example
 * const model = decodeModel(bytes, 'upload.strata', { limits: { maxTensorBytes: 256 * 1024 ** 2 } });
 */
export function decodeModel(bytes: Uint8Array, source = 'model', args: LoadModelArgs = {}): Model {
  checkOptions('decodeModel', args, LOAD_MODEL_KEYS);
  const limits = resolveLimits(args.limits, 'decodeModel');
  const artifacts = decodeArtifacts(bytes, source, limits);
  const { kind, modelConfig, trainingConfig } = artifacts.header;
  if (kind !== 'model') throw new ValueError(`${source}: this is a weights-only file; create the model in code and call model.loadWeights('${source}').`);
  if (trainingConfig !== undefined) checkTrainingConfig(trainingConfig, source);
  const weights = new FileWeights(artifacts.weights, limits, source);
  let model: Model | undefined;
  try {
    model = rebuild(modelConfig, weights, source);
    if (trainingConfig !== undefined) restoreTraining(model, trainingConfig, artifacts.optimizerWeights, source);
    return model;
  } catch (e) {
    model?.dispose();
    weights.release();
    throw e;
  }
}

/**
 * Loads a model saved with `model.save(path)`: architecture, weights, and compile settings with
 * the optimizer's state, so `predict` gives identical outputs and `fit` continues where it stopped.
 *
 * No initializer runs: each weight a layer declares is checked against the file's weight table
 * (name, shape, dtype) and the cap `maxTensorBytes` before it is allocated, and made from the
 * file's values. A file whose architecture does not match its weights, or whose configs are
 * malformed, gives a typed error naming the file, the layer or field, and what differs.
 *
 * @example
 * const model = await loadModel('fashion.strata');
 * const big = await loadModel('huge.strata', { limits: { maxTensorBytes: 8 * 1024 ** 3 } });
 */
export async function loadModel(path: string, args: LoadModelArgs = {}): Promise<Model> {
  checkOptions('loadModel', args, LOAD_MODEL_KEYS);
  const limits = resolveLimits(args.limits, 'loadModel');
  return decodeModel(await artifactStore().read(path, limits), path, args);
}
