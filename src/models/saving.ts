/**
 * Saving models in Strata's file format (src/io/format.ts): the architecture as JSON, the
 * weights, and the compile settings with the optimizer's state, so that training resumes exactly.
 * (Rebuilding a whole model from a file is in loading.ts.)
 */
import { DTypeError, ShapeError, ValueError, fmtShape } from '../core/errors.js';
import { resolveLimits, type Limits } from '../core/limits.js';
import { checkOptions, optionKeys } from '../core/options.js';
import { shapesEqual } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { decodeArtifacts, encodeArtifacts, type NamedValues } from '../io/format.js';
import { artifactStore } from '../io/store.js';
import { serializeLayer } from '../layers/registry.js';
import { serializeLoss } from '../losses/index.js';
import { serializeMetric } from '../metrics/index.js';
import { tensor } from '../ops/index.js';
import { serializeOptimizer } from '../optimizers/index.js';
import type { Model } from './model.js';
import type { TrainingConfig } from './saved-config.js';
import type { CompiledState } from './training.js';

const GENERATED_BY = 'strata 0.1.0';

/** Options of `loadWeights` (and of `Model.loadWeights`). */
export interface LoadWeightsArgs {
  /** Caps on the sizes the file may declare, for this call (see `setLimits` for the defaults). */
  limits?: Partial<Limits>;
}

const LOAD_WEIGHTS_KEYS = optionKeys<LoadWeightsArgs>({ limits: true });

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
  model.assertNotDisposed('save');
  const compiled = model.compiledState;
  const trainingConfig = compiled && trainingConfigOf(compiled);
  const weights = model.weights.map((w) => named(w, w.name));
  // getWeights returns snapshots that belong to the caller: copied out, then freed.
  const state = trainingConfig && compiled ? compiled.optimizer.getWeights() : [];
  try {
    return encodeArtifacts({
      header: { kind: 'model', generatedBy: GENERATED_BY, modelConfig: serializeLayer(model), trainingConfig },
      weights,
      optimizerWeights: state.map((w) => named(w.tensor, w.name)),
    });
  } finally {
    for (const w of state) w.tensor.dispose();
  }
}

/** The bytes of a weights-only file. */
export function encodeWeights(model: Model): Uint8Array {
  model.assertNotDisposed('save its weights');
  return encodeArtifacts({ header: { kind: 'weights', generatedBy: GENERATED_BY }, weights: model.weights.map((w) => named(w, w.name)), optimizerWeights: [] });
}

/** Sets `model`'s weights from a file's weight table, checking count, shapes and dtypes before allocating. */
export function assignWeights(model: Model, weights: NamedValues[], source: string): void {
  model.assertNotDisposed('load weights');
  const targets = model.weights;
  if (targets.length !== weights.length) {
    throw new ValueError(`${source}: the file holds ${weights.length} weights but model '${model.name}' has ${targets.length}; it was saved from a different architecture.`);
  }
  weights.forEach((w, i) => {
    if (!shapesEqual(w.shape, targets[i]!.shape)) {
      throw new ShapeError(`${source}: weight ${i} ('${w.name}') has shape ${fmtShape(w.shape)} in the file but '${targets[i]!.name}' has shape ${fmtShape(targets[i]!.shape)} in model '${model.name}'.`);
    }
    if (w.dtype !== targets[i]!.dtype) {
      throw new DTypeError(`${source}: weight ${i} ('${w.name}') is ${w.dtype} in the file but '${targets[i]!.name}' is ${targets[i]!.dtype} in model '${model.name}'.`);
    }
  });
  const values: Tensor[] = [];
  try {
    for (const w of weights) values.push(tensor(w.values, w.shape, w.dtype));
    model.setWeights(values);
  } finally {
    for (const v of values) v.dispose();
  }
}

/** Sets a model's weights from the bytes of a weights file (or of a whole-model file). */
export function decodeWeightsInto(model: Model, bytes: Uint8Array, source = 'weights', args: LoadWeightsArgs = {}): void {
  checkOptions('loadWeights', args, LOAD_WEIGHTS_KEYS);
  const limits = resolveLimits(args.limits, 'loadWeights');
  const { weights } = decodeArtifacts(bytes, source, limits);
  assignWeights(model, weights, source);
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
export async function loadWeights(model: Model, path: string, args: LoadWeightsArgs = {}): Promise<void> {
  checkOptions('loadWeights', args, LOAD_WEIGHTS_KEYS);
  decodeWeightsInto(model, await artifactStore().read(path, resolveLimits(args.limits, 'loadWeights')), path, args);
}
