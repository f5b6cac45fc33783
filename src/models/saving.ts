/**
 * Saving models in Strata's file format (src/io/format.ts): the architecture as JSON, the
 * weights, and the compile settings with the optimizer's state, so that training resumes exactly.
 * (Rebuilding a whole model from a file is in loading.ts.)
 */
import { DTypeError, NotSupportedError, ShapeError, ValueError, fmtShape } from '../core/errors.js';
import { resolveLimits, type Limits } from '../core/limits.js';
import { checkOptions, optionKeys } from '../core/options.js';
import { classNameOf, type Serialized } from '../core/serialization.js';
import { shapesEqual } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import type { ArtifactWeight, ModelArtifacts, ModelFormat } from '../io/artifacts.js';
import type { NamedValues } from '../io/format.js';
import { DETECT_BYTES, detectModelFormat, modelFormatForPath } from '../io/formats.js';
import { readModelInput } from '../io/sources.js';
import { artifactStore } from '../io/store.js';
import { decodeStrataArtifacts, encodeStrataArtifacts } from '../io/strata-format.js';
import type { Layer } from '../layers/layer.js';
import { serializeLayer } from '../layers/registry.js';
import { serializeLoss } from '../losses/index.js';
import { serializeMetric } from '../metrics/index.js';
import { tensor } from '../ops/index.js';
import { serializeOptimizer } from '../optimizers/index.js';
import type { BuildConfig, Model } from './model.js';
import type { TrainingConfig } from '../io/artifacts.js';
import type { CompiledState } from './compile.js';

const GENERATED_BY = 'strata 0.1.0';

/** Options of `loadWeights` (and of `Model.loadWeights`). */
export interface LoadWeightsArgs {
  /** Caps on the sizes the file may declare, for this call (see `setLimits` for the defaults). */
  limits?: Partial<Limits>;
}

const LOAD_WEIGHTS_KEYS = optionKeys<LoadWeightsArgs>({ limits: true });

function trainingConfigOf(compiled: CompiledState): TrainingConfig | undefined {
  try {
    return {
      optimizer: serializeOptimizer(compiled.optimizer),
      losses: compiled.losses.map(serializeLoss),
      lossWeights: compiled.lossWeights,
      metrics: compiled.metrics.map((ms) => ms.map(serializeMetric)),
      ...(compiled.jitCompile ? { jitCompile: true } : {}),
    };
  } catch (e) {
    console.warn(`The model's compile settings cannot be saved (${(e as Error).message}); the file holds the architecture and weights, and the loaded model must be compiled again.`);
    return undefined;
  }
}

/**
 * A saved architecture: the model's `{className, config}`, and for a subclassed model what
 * loading needs to make it as it was — its build config (the input shapes `call` is run on to
 * make the weights) and the names of its layers (which its weights are named after, and which a
 * new instance would otherwise number afresh).
 */
export type SavedArchitecture = Serialized & { buildConfig?: BuildConfig; layerNames?: string[] };

/** True for a model of a class of its own (a subclass of Model with `call`), as opposed to a functional or Sequential model. */
export function isSubclassed(model: Model): boolean {
  const cls = classNameOf(model);
  return cls !== 'Functional' && cls !== 'Sequential';
}

/** The architecture of `model` as `loadModel` rebuilds it (see `SavedArchitecture`). */
function architectureOf(model: Model): SavedArchitecture {
  const serialized = serializeLayer(model);
  if (!isSubclassed(model)) return serialized;
  const buildConfig = model.getBuildConfig();
  if (buildConfig === undefined) {
    throw new ValueError(`cannot save model '${model.name}' (${serialized.className}): it is not built yet, so it has no weights. Call it on data (or fit it) once before saving.`);
  }
  return { ...serialized, buildConfig, layerNames: model.layers.map((l) => l.name) };
}

/** Refuses to write a subclassed model to a format that describes graphs of known layers only. */
function checkWritable(model: Model, path: string, format: ModelFormat): void {
  if (format.name === 'strata' || !isSubclassed(model)) return;
  throw new NotSupportedError(
    `cannot save model '${model.name}' (${classNameOf(model)}) to '${path}': ${format.description} files describe functional and Sequential models of known layers, ` +
      `and a subclassed model's call() is code they cannot hold. Save it as a .strata file (model.save('model.strata')) and load it with the class registered.`,
  );
}

/** `t`'s values under `name`, copied out. */
function artifactWeight(t: Tensor, name: string, layer?: string): ArtifactWeight {
  return { name, shape: [...t.shape], dtype: t.dtype, values: t.dataSync(), ...(layer === undefined ? {} : { layer }) };
}

/** The layer of `model` (at any depth of nesting) that owns each of its weights, by weight. */
function weightOwners(model: Model): Map<Tensor, string> {
  const owners = new Map<Tensor, string>();
  // A model's layers own its weights; anything else owns its own. (A structural test: this file
  // must not import Model's class, which imports this file.)
  const visit = (layer: Layer): void => {
    const inner = (layer as { layers?: unknown }).layers;
    if (Array.isArray(inner)) for (const l of inner as Layer[]) visit(l);
    else for (const w of layer.weights) if (!owners.has(w)) owners.set(w, layer.name);
  };
  visit(model);
  return owners;
}

/**
 * The neutral artifacts of `model`: its architecture, its weights (each with the layer that owns
 * it), and, when it is compiled, its compile settings and optimizer state. Every format writes from these.
 *
 * @example
 * const artifacts = modelToArtifacts(model);
 * artifacts.weights.map((w) => w.name); // ['dense/kernel', 'dense/bias', ...]
 */
export function modelToArtifacts(model: Model): ModelArtifacts {
  model.assertNotDisposed('save');
  const compiled = model.compiledState;
  const trainingConfig = compiled && trainingConfigOf(compiled);
  const owners = weightOwners(model);
  const weights = model.weights.map((w) => artifactWeight(w, w.name, owners.get(w)));
  // getWeights returns snapshots that belong to the caller: copied out, then freed.
  const state = trainingConfig && compiled ? compiled.optimizer.getWeights() : [];
  try {
    return {
      kind: 'model',
      generatedBy: GENERATED_BY,
      modelConfig: architectureOf(model),
      trainingConfig,
      weights,
      optimizerWeights: state.map((w) => artifactWeight(w.tensor, w.name)),
    };
  } finally {
    for (const w of state) w.tensor.dispose();
  }
}

/** The artifacts of `model`'s weights alone (with its architecture, which formats that name weights by position need). */
export function weightsToArtifacts(model: Model): ModelArtifacts {
  model.assertNotDisposed('save its weights');
  const owners = weightOwners(model);
  // A subclassed model's weights go to Strata's format alone, which needs no architecture beside them.
  const modelConfig = isSubclassed(model) ? undefined : serializeLayer(model);
  return { kind: 'weights', generatedBy: GENERATED_BY, modelConfig, weights: model.weights.map((w) => artifactWeight(w, w.name, owners.get(w))), optimizerWeights: [] };
}

/** The bytes of a saved model in Strata's format: architecture, weights, and (when compiled) the compile settings and optimizer state. */
export function encodeModel(model: Model): Uint8Array {
  return encodeStrataArtifacts(modelToArtifacts(model));
}

/** The bytes of a weights-only file in Strata's format. */
export function encodeWeights(model: Model): Uint8Array {
  const { modelConfig: _architecture, ...weightsOnly } = weightsToArtifacts(model);
  return encodeStrataArtifacts(weightsOnly);
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

/** Sets a model's weights from the bytes of a Strata weights file (or of a whole-model file). */
export function decodeWeightsInto(model: Model, bytes: Uint8Array, source = 'weights', args: LoadWeightsArgs = {}): void {
  checkOptions('loadWeights', args, LOAD_WEIGHTS_KEYS);
  const limits = resolveLimits(args.limits, 'loadWeights');
  assignWeights(model, decodeStrataArtifacts(bytes, source, limits).weights, source);
}

/** Writes the files `format` makes of `artifacts` to `path`, each atomically, the main file last. */
async function writeArtifacts(artifacts: ModelArtifacts, path: string, format: ModelFormat): Promise<void> {
  if (!format.write) throw new ValueError(`cannot save to '${path}': Strata reads ${format.description} files but does not write them.`);
  const files = await format.write(artifacts, path);
  const store = artifactStore();
  if (files.length > 1 && store.makeDirectory) {
    for (const dir of new Set(files.map((f) => parentOf(f.path)).filter((d) => d !== ''))) await store.makeDirectory(dir);
  }
  for (const file of files) await store.write(file.path, file.bytes);
}

/** The directory part of a '/'-separated path ('' when there is none). */
function parentOf(path: string): string {
  const cut = path.lastIndexOf('/');
  return cut <= 0 ? '' : path.slice(0, cut);
}

/** Writes `model` to `path` atomically, in the format its name names (see `Model.save`). */
export async function saveModel(model: Model, path: string): Promise<void> {
  const format = modelFormatForPath(path);
  checkWritable(model, path, format);
  await writeArtifacts(modelToArtifacts(model), path, format);
}

/** Writes `model`'s weights to `path` atomically, in the format its name names (`.weights.h5` for Keras's, else Strata's). */
export async function saveWeights(model: Model, path: string): Promise<void> {
  const format = modelFormatForPath(path);
  checkWritable(model, path, format);
  await writeArtifacts(format.name === 'strata' ? { ...weightsToArtifacts(model), modelConfig: undefined } : weightsToArtifacts(model), path, format);
}

/** Reads weights from `path` (a Strata file, or any format that holds weights) into `model`. */
export async function loadWeights(model: Model, path: string, args: LoadWeightsArgs = {}): Promise<void> {
  checkOptions('loadWeights', args, LOAD_WEIGHTS_KEYS);
  model.assertNotDisposed('load weights');
  const limits = resolveLimits(args.limits, 'loadWeights');
  const input = await readModelInput(path, limits);
  const format = detectModelFormat(input.bytes.subarray(0, DETECT_BYTES), path);
  const artifacts = await format.read!({ ...input, targetConfig: isSubclassed(model) ? undefined : serializeLayer(model) }, limits);
  assignWeights(model, artifacts.weights, path);
}
