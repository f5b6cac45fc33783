/**
 * Loading whole models saved by `Model.save`. Layers are rebuilt only through the registry of
 * known classes, from plain JSON; nothing in a file is ever run as code. Every size the file
 * declares is checked against its weight table and the caps before a layer allocates anything,
 * and a load that fails frees all it made.
 */
import { ShapeError, StrataError, ValueError, fmtShape } from '../core/errors.js';
import { classNameOf } from '../core/serialization.js';
import { resolveLimits, type Limits } from '../core/limits.js';
import { checkOptions, optionKeys } from '../core/options.js';
import { shapesEqual } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import type { ModelArtifacts, ModelFormat, TrainingConfig } from '../io/artifacts.js';
import type { NamedValues } from '../io/format.js';
import { DETECT_BYTES, detectModelFormat } from '../io/formats.js';
import { readModelInput, type ModelSource } from '../io/sources.js';
import { decodeStrataArtifacts } from '../io/strata-format.js';
import type { Layer } from '../layers/layer.js';
import { deserializeLayer } from '../layers/registry.js';
import { withWeightSource } from '../layers/weight-source.js';
import { deserializeLoss, type SerializedLoss } from '../losses/index.js';
import { deserializeMetric, type SerializedMetric } from '../metrics/index.js';
import { tensor } from '../ops/index.js';
import { deserializeOptimizer, type SerializedOptimizer } from '../optimizers/index.js';
import { FileWeights } from './file-weights.js';
import { Model } from './model.js';
import { checkModelConfig, checkTrainingConfig } from './saved-config.js';
import type { SavedArchitecture } from './saving.js';

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

/**
 * Gives a subclassed model's layers the names they had when it was saved (its weights are named
 * after them; a new instance numbers its layers afresh), before they make their weights.
 */
function restoreLayerNames(model: Model, names: readonly string[], source: string): void {
  const layers = model.layers;
  if (layers.length !== names.length) {
    throw new ValueError(`${source}: model '${model.name}' (${classNameOf(model)}) has ${layers.length} layers but was saved with ${names.length} (${names.join(', ')}); its class has changed since the file was written.`);
  }
  // `name` is read-only to users; loading alone sets it, before any weight is named after it.
  layers.forEach((l, i) => ((l as { name: string }).name = names[i]!));
}

/** The layer a saved architecture describes; a subclassed model is also named and built as it was saved. */
function construct(architecture: SavedArchitecture, source: string): Layer {
  const layer = deserializeLayer(architecture);
  if (layer instanceof Model && architecture.buildConfig !== undefined) {
    restoreLayerNames(layer, architecture.layerNames ?? [], source);
    layer.buildFromConfig(architecture.buildConfig);
  }
  return layer;
}

/** Rebuilds the architecture, its weights taken from the file's table (no initializer runs). */
function rebuild(modelConfig: unknown, weights: FileWeights, source: string): Model {
  checkModelConfig(modelConfig, source);
  let built: Layer;
  try {
    built = withWeightSource(weights, () => construct(modelConfig, source));
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
  const optimizer = rebuilt('trainingConfig.optimizer', () => deserializeOptimizer(training.optimizer as SerializedOptimizer));
  try {
    const loss = training.losses.map((l, i) => rebuilt(`trainingConfig.losses[${i}]`, () => deserializeLoss(l as SerializedLoss)));
    const metrics = training.metrics.map((ms, i) => ms.map((m, j) => rebuilt(`trainingConfig.metrics[${i}][${j}]`, () => deserializeMetric(m as SerializedMetric))));
    // A model compiled without a loss (its trainStep computes one) is saved with none.
    const losses = loss.length > 0 ? { loss, lossWeights: training.lossWeights } : {};
    rebuilt('trainingConfig', () => model.compile({ optimizer, metrics, ...losses, jitCompile: training.jitCompile }));
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
 * Builds the model that `artifacts` describe (from any format): architecture, weights taken from
 * the artifacts (checked by name, shape, dtype and cap before each is allocated; no initializer
 * runs), and the compile settings with the optimizer's state when present. `source` names the
 * file in errors; a failure frees everything made.
 *
 * @example
 * const copy = modelFromArtifacts(modelToArtifacts(model), 'copy');
 */
export function modelFromArtifacts(artifacts: ModelArtifacts, source = 'model', args: LoadModelArgs = {}): Model {
  checkOptions('modelFromArtifacts', args, LOAD_MODEL_KEYS);
  const limits = resolveLimits(args.limits, 'modelFromArtifacts');
  const { kind, modelConfig, trainingConfig } = artifacts;
  if (kind !== 'model') throw new ValueError(`${source}: this is a weights-only file; create the model in code and call model.loadWeights('${source}').`);
  for (const w of artifacts.dropped ?? []) console.warn(`${source}: ${w}`);
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
 * Rebuilds a model from the bytes of a `.strata` file; `source` names it in errors. Sizes are
 * checked before anything is allocated (see `loadModel`), and a failure frees everything made.
 * (`loadModel` also takes bytes, in every format.)
 *
 * @example
 * const model = decodeModel(bytes, 'upload.strata', { limits: { maxTensorBytes: 256 * 1024 ** 2 } });
 */
export function decodeModel(bytes: Uint8Array, source = 'model', args: LoadModelArgs = {}): Model {
  checkOptions('decodeModel', args, LOAD_MODEL_KEYS);
  const limits = resolveLimits(args.limits, 'decodeModel');
  return modelFromArtifacts(decodeStrataArtifacts(bytes, source, limits), source, args);
}

/**
 * Loads a saved model, whatever wrote it: Strata's `.strata`, Keras's `.keras` (Keras 3 and
 * 2.13–2.15) and legacy `.h5`, or a TensorFlow.js layers-model (`model.json` and its weight
 * files). The format is told by the file's bytes, not its name. The result has the architecture,
 * the weights, and — where the file holds them — the compile settings with the optimizer's
 * state, so `predict` gives the same outputs and `fit` continues where the writer stopped.
 *
 * `source` is a path in Node (a folder means its `model.json`), an `http(s)` URL, a `File` or
 * `Blob` (or the list of a TF.js model's files), or the bytes of a one-file model.
 *
 * No initializer runs and nothing in a file is ever run as code: each weight a layer declares is
 * checked against the file (name, shape, dtype) and the cap `maxTensorBytes` before it is
 * allocated. A malformed file gives a typed error naming the file, the layer or field, and what differs.
 *
 * @example
 * const model = await loadModel('fashion.strata');
 * const fromKeras = await loadModel('best-cnn-model.keras');
 * const big = await loadModel('huge.strata', { limits: { maxTensorBytes: 8 * 1024 ** 3 } });
 */
export async function loadModel(source: ModelSource, args: LoadModelArgs = {}): Promise<Model> {
  checkOptions('loadModel', args, LOAD_MODEL_KEYS);
  const { artifacts, source: name } = await readArtifacts(source, resolveLimits(args.limits, 'loadModel'));
  return modelFromArtifacts(artifacts, name, args);
}

/** A model file read into artifacts, and what it was. */
export interface ReadArtifacts {
  /** What the file holds, in Strata's terms. */
  artifacts: ModelArtifacts;
  /** The format its bytes are in. */
  format: ModelFormat;
  /** The file's name as read (a folder's `model.json`, say), for messages. */
  source: string;
}

/**
 * Reads a model file of any format into artifacts without building the model (`loadModel` builds
 * it): for tools that look at or convert files. Sizes are checked as `loadModel` checks them.
 *
 * @example
 * const { format, artifacts } = await readModelArtifacts('model.keras');
 * format.name;                          // 'keras'
 * artifacts.weights.map((w) => w.name); // ['dense/kernel', ...]
 */
export async function readModelArtifacts(source: ModelSource, args: LoadModelArgs = {}): Promise<ReadArtifacts> {
  checkOptions('readModelArtifacts', args, LOAD_MODEL_KEYS);
  return readArtifacts(source, resolveLimits(args.limits, 'readModelArtifacts'));
}

async function readArtifacts(source: ModelSource, limits: Limits): Promise<ReadArtifacts> {
  const input = await readModelInput(source, limits);
  const format = detectModelFormat(input.bytes.subarray(0, DETECT_BYTES), input.source);
  return { artifacts: await format.read!(input, limits), format, source: input.source };
}
