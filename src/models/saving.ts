/**
 * Saving models in Strata's file format (src/io/format.ts): the architecture as JSON, the
 * weights, and the compile settings with the optimizer's state, so that training resumes exactly.
 * (Rebuilding a whole model from a file is in loading.ts.)
 */
import { ShapeError, ValueError, fmtShape } from '../core/errors.js';
import { shapesEqual } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { decodeArtifacts, encodeArtifacts, type NamedValues } from '../io/format.js';
import { artifactStore } from '../io/store.js';
import { serializeLayer } from '../layers/registry.js';
import { serializeLoss, type SerializedLoss } from '../losses/index.js';
import { serializeMetric, type SerializedMetric } from '../metrics/index.js';
import { tensor } from '../ops/index.js';
import { serializeOptimizer, type SerializedOptimizer } from '../optimizers/index.js';
import type { Model } from './model.js';
import type { CompiledState } from './training.js';

const GENERATED_BY = 'strata 0.1.0';

/** The compile settings as saved. */
export interface TrainingConfig {
  optimizer: SerializedOptimizer;
  losses: SerializedLoss[];
  lossWeights: number[];
  metrics: SerializedMetric[][];
}

function named(t: Tensor, name: string): NamedValues {
  return { name, shape: [...t.shape], dtype: t.dtype, values: t.dataSync() };
}

function trainingConfigOf(compiled: CompiledState): TrainingConfig | undefined {
  try {
    return {
      optimizer: serializeOptimizer(compiled.optimizer),
      losses: compiled.losses.map(serializeLoss),
      lossWeights: compiled.lossWeights,
      metrics: compiled.metrics.map((ms) => ms.map(serializeMetric)),
    };
  } catch (e) {
    console.warn(`The model's compile settings cannot be saved (${(e as Error).message}); the file holds the architecture and weights, and the loaded model must be compiled again.`);
    return undefined;
  }
}

/** The bytes of a saved model: architecture, weights, and (when compiled) the compile settings and optimizer state. */
export function encodeModel(model: Model): Uint8Array {
  const compiled = model.compiledState;
  const trainingConfig = compiled && trainingConfigOf(compiled);
  const weights = model.weights.map((w) => named(w, w.name));
  const optimizerWeights = trainingConfig && compiled ? compiled.optimizer.getWeights().map((w) => named(w.tensor, w.name)) : [];
  return encodeArtifacts({
    header: { kind: 'model', generatedBy: GENERATED_BY, modelConfig: serializeLayer(model), trainingConfig },
    weights,
    optimizerWeights,
  });
}

/** The bytes of a weights-only file. */
export function encodeWeights(model: Model): Uint8Array {
  return encodeArtifacts({ header: { kind: 'weights', generatedBy: GENERATED_BY }, weights: model.weights.map((w) => named(w, w.name)), optimizerWeights: [] });
}

/** Sets `model`'s weights from a file's weight table, checking count, names' order and shapes. */
export function assignWeights(model: Model, weights: NamedValues[], source: string): void {
  const targets = model.weights;
  if (targets.length !== weights.length) {
    throw new ValueError(`${source}: the file holds ${weights.length} weights but model '${model.name}' has ${targets.length}; it was saved from a different architecture.`);
  }
  weights.forEach((w, i) => {
    if (!shapesEqual(w.shape, targets[i]!.shape)) {
      throw new ShapeError(`${source}: weight ${i} ('${w.name}') has shape ${fmtShape(w.shape)} in the file but '${targets[i]!.name}' has shape ${fmtShape(targets[i]!.shape)} in model '${model.name}'.`);
    }
  });
  const values = weights.map((w) => tensor(w.values, w.shape, w.dtype));
  try {
    model.setWeights(values);
  } finally {
    for (const v of values) v.dispose();
  }
}

/** Sets a model's weights from the bytes of a weights file (or of a whole-model file). */
export function decodeWeightsInto(model: Model, bytes: Uint8Array, source = 'weights'): void {
  assignWeights(model, decodeArtifacts(bytes, source).weights, source);
}

/** Writes `model` to `path` atomically (see `Model.save`). */
export async function saveModel(model: Model, path: string): Promise<void> {
  await artifactStore().write(path, encodeModel(model));
}

/** Writes `model`'s weights to `path` atomically. */
export async function saveWeights(model: Model, path: string): Promise<void> {
  await artifactStore().write(path, encodeWeights(model));
}

/** Reads weights from `path` into `model`. */
export async function loadWeights(model: Model, path: string): Promise<void> {
  decodeWeightsInto(model, await artifactStore().read(path), path);
}
