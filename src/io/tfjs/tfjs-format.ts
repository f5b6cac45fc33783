/**
 * TensorFlow.js layers-models as a `ModelFormat`: `model.json` (the Keras 2 topology TF.js reads,
 * the training config, and `weightsManifest`) with its weight shards beside it. Reads what
 * tfjs-layers' `model.save`, the Python converter (`tensorflowjs_converter`, which wraps the
 * topology in `model_config`) and the 2018 layout without a `format` key write; writes what
 * `tf.loadLayersModel` (TF.js 4.x) loads.
 *
 * Saving picks this format for a name ending in `.json` (`out/model.json`) or in a slash
 * (`out/tfjs/`, meaning `out/tfjs/model.json`). A name without an extension stays Strata's own
 * format even when a folder of that name exists: the name alone decides, so a save never changes
 * format with the state of the disk.
 */
import { NotSupportedError, ValueError } from '../../core/errors.js';
import type { Limits } from '../../core/limits.js';
import type { Serialized } from '../../core/serialization.js';
import type { ArtifactWeight, ModelArtifacts, ModelFormat, ModelInput, OutputFile } from '../artifacts.js';
import { modelConfigFromKeras, modelConfigToKeras, trainingConfigFromKeras, trainingConfigToKeras } from '../keras/config.js';
import type { NamedValues } from '../format.js';
import { optimizerStateFromTfjs, optimizerStateToTfjs } from './optimizer-state.js';
import { encodeManifestWeights, parseWeightsManifest, readManifestWeights, type ManifestValues } from './weights-manifest.js';

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The cell level Strata's recurrent layers put in their weight names, which TF.js leaves out (`lstm/kernel` is Strata's `lstm/lstm_cell/kernel`). */
const CELLS: Record<string, string> = { LSTM: 'lstm_cell', GRU: 'gru_cell', SimpleRNN: 'simple_rnn_cell' };

/** Whether `head` is the start of a TF.js `model.json`: a JSON object naming one of its top-level keys. */
function looksLikeModelJson(head: Uint8Array): boolean {
  const text = new TextDecoder('utf-8').decode(head).replace(/^\uFEFF/, '');
  return /^\s*\{/.test(text) && /"(modelTopology|weightsManifest)"\s*:|"format"\s*:\s*"(layers|graph)-model"/.test(text);
}

function parseModelJson(bytes: Uint8Array, source: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new ValueError(`${source}: not a TF.js model.json: it is not valid UTF-8 JSON (${(e as Error).message}).`);
  }
  if (!isRecord(json)) throw new ValueError(`${source}: not a TF.js model.json: the top level must be an object with modelTopology and weightsManifest.`);
  if (json.format === 'graph-model') {
    throw new NotSupportedError(`${source}: a TF.js graph-model (a frozen TensorFlow graph) has no layers to rebuild; Strata reads TF.js layers-models (tensorflowjs_converter --output_format tfjs_layers_model, or model.save in TF.js).`);
  }
  if (json.format !== undefined && json.format !== null && json.format !== 'layers-model') {
    throw new ValueError(`${source}: model.json has format ${JSON.stringify(json.format)}; Strata reads TF.js 'layers-model' files (and the older ones without a format key).`);
  }
  return json;
}

/** The layer names at the top of `config` (a Sequential or functional model), with their classes, in order. */
function topLayers(config: Serialized | undefined): Map<string, string> {
  const layers = isRecord(config?.config) ? (config.config as Record<string, unknown>).layers : undefined;
  const out = new Map<string, string>();
  if (!Array.isArray(layers)) return out;
  for (const l of layers) {
    if (isRecord(l) && typeof l.className === 'string' && isRecord(l.config) && typeof l.config.name === 'string') out.set(l.config.name, l.className);
  }
  return out;
}

/**
 * The manifest's weights under Strata's names, owned by their layer (the first part of the name),
 * in the model's layer order: a manifest may list layers in any order (the 2018 converter put
 * `dense_3` before `lstm_2`), and `loadWeights` assigns by position.
 */
function toStrataWeights(values: readonly NamedValues[], layers: Map<string, string>): ArtifactWeight[] {
  const order = [...layers.keys()];
  const named = values.map((w) => ({ ...w, name: strataName(w.name, layers), layer: w.name.split('/')[0]! }));
  const rank = (w: ArtifactWeight): number => {
    const i = order.indexOf(w.layer!);
    return i < 0 ? order.length : i;
  };
  return named.map((w, i) => ({ w, i })).sort((a, b) => rank(a.w) - rank(b.w) || a.i - b.i).map(({ w }) => w);
}

/** Strata's name for the TF.js weight `name` of a model whose top layers are `layers` (name → class). */
function strataName(name: string, layers: Map<string, string>): string {
  const parts = name.replace(/:\d+$/, '').split('/');
  const cell = CELLS[layers.get(parts[0]!) ?? ''];
  return cell !== undefined && parts.length === 2 ? `${parts[0]}/${cell}/${parts[1]}` : parts.join('/');
}

async function readTfjs(input: ModelInput, limits: Limits): Promise<ModelArtifacts> {
  const { source } = input;
  const json = parseModelJson(input.bytes, source);
  const topology = json.modelTopology;
  if (topology !== undefined && topology !== null && !isRecord(topology)) throw new ValueError(`${source}: modelTopology must be an object ({class_name, config} or {model_config, ...}), not ${JSON.stringify(topology).slice(0, 200)}.`);
  const kerasModel = topology && (isRecord(topology.model_config) ? topology.model_config : { class_name: topology.class_name, config: topology.config });
  // The writer's version decides what names mean (TF.js and Keras 2's hard_sigmoid is not Keras 3's).
  const kerasVersion = typeof topology?.keras_version === 'string' ? topology.keras_version : undefined;
  const modelConfig = kerasModel ? modelConfigFromKeras(kerasModel, source, kerasVersion === undefined ? {} : { kerasVersion }) : undefined;
  const dropped: string[] = [];
  const training = topology?.training_config ?? json.trainingConfig;
  let trainingConfig;
  if (modelConfig && training !== undefined && training !== null) {
    const outputs = (modelConfig.config as { outputLayers?: unknown } | undefined)?.outputLayers;
    const translated = trainingConfigFromKeras(training, { outputs: Array.isArray(outputs) ? outputs.length : 1 });
    trainingConfig = translated.trainingConfig;
    dropped.push(...translated.dropped);
  }
  const groups = parseWeightsManifest(json.weightsManifest ?? [], source, limits);
  const values = await readManifestWeights(groups, (path) => input.readSibling(path), source);
  const layers = topLayers(modelConfig ?? input.targetConfig);
  const strip = ({ group: _group, ...w }: ManifestValues): NamedValues => w;
  const state = values.filter((w) => w.group === 'optimizer').map(strip);
  let optimizerWeights: NamedValues[] = [];
  if (state.length > 0) {
    const restored = optimizerStateFromTfjs(state, trainingConfig?.optimizer, (variable) => strataName(variable, layers));
    if ('weights' in restored) optimizerWeights = restored.weights;
    else dropped.push(restored.dropped);
  }
  const weights = toStrataWeights(values.filter((w) => w.group !== 'optimizer').map(strip), layers);
  return {
    kind: modelConfig ? 'model' : 'weights',
    generatedBy: typeof json.generatedBy === 'string' ? json.generatedBy : typeof topology?.keras_version === 'string' ? `keras ${topology.keras_version}` : undefined,
    modelConfig,
    trainingConfig,
    weights,
    optimizerWeights,
    ...(dropped.length > 0 ? { dropped } : {}),
  };
}

/** Where `target` puts `model.json` and how its shards are named (`model.json`'s get `group1-shard1of1.bin`, `net.json`'s `net.group1-shard1of1.bin`, so two models can share a folder). */
function layoutOf(target: string): { main: string; shard: (i: number, n: number) => string; dir: string } {
  const main = /[\\/]$/.test(target) ? `${target.replace(/[\\/]+$/, '')}/model.json` : target;
  const cut = Math.max(main.lastIndexOf('/'), main.lastIndexOf('\\'));
  const dir = main.slice(0, cut + 1);
  const stem = main.slice(cut + 1).replace(/\.json$/i, '');
  const prefix = stem.toLowerCase() === 'model' ? '' : `${stem}.`;
  return { main, dir, shard: (i, n) => `${prefix}group1-shard${i}of${n}.bin` };
}

async function writeTfjs(artifacts: ModelArtifacts, target: string): Promise<OutputFile[]> {
  const { main, dir, shard } = layoutOf(target);
  const state = artifacts.trainingConfig ? optimizerStateToTfjs(artifacts.optimizerWeights, artifacts.trainingConfig.optimizer) : [];
  const { manifest, shards } = encodeManifestWeights([...artifacts.weights, ...state], shard);
  // As TF.js's converter does, a model made elsewhere keeps its maker in generatedBy and names the converter.
  const generatedBy = artifacts.generatedBy ?? 'strata';
  const ours = generatedBy.startsWith('strata');
  const json: Record<string, unknown> = { format: 'layers-model', generatedBy, convertedBy: ours ? null : 'strata' };
  if (artifacts.modelConfig) json.modelTopology = { ...modelConfigToKeras(artifacts.modelConfig, 'keras2'), keras_version: ours ? generatedBy : 'strata', backend: 'strata' };
  if (artifacts.trainingConfig) json.trainingConfig = trainingConfigToKeras(artifacts.trainingConfig, 'keras2');
  json.weightsManifest = manifest;
  const files = shards.map((bytes, i) => ({ path: dir + manifest[0]!.paths[i]!, bytes }));
  return [...files, { path: main, bytes: new TextEncoder().encode(JSON.stringify(json)) }];
}

/**
 * TensorFlow.js layers-models: `model.json` with the topology, the training config and
 * `weightsManifest`, and binary weight shards beside it. Reads TF.js's own and the converter's
 * files (float32, int32 and bool weights, also quantized to uint8, uint16 or float16; the
 * optimizer's state is not kept); writes one shard group split every 4 MiB, which
 * `tf.loadLayersModel` loads (without the optimizer's state).
 *
 * @example
 * await model.save('web/model.json');   // web/model.json + web/group1-shard1of1.bin
 * await model.save('web/tfjs/');        // web/tfjs/model.json + web/tfjs/group1-shard1of1.bin
 * const back = await loadModel('web/model.json');
 */
export const tfjsFormat: ModelFormat = {
  name: 'tfjs',
  description: 'TensorFlow.js layers-model (model.json and its weight files)',
  detect: looksLikeModelJson,
  matchesPath: (path) => /\.json$/i.test(path) || /[\\/]$/.test(path),
  read: readTfjs,
  write: writeTfjs,
};
