/**
 * Keras's `.keras` archive as a `ModelFormat`: a zip holding `metadata.json` (the Keras version),
 * `config.json` (the model, with its `compile_config`) and `model.weights.h5` (the weights by
 * layer group, and the optimizer's state). Reads what Keras 3 and Keras 2.13–2.15 write; writes
 * Keras 3's layout, which Keras 3 loads. Each member's declared size is checked against
 * `maxDecompressedBytes` before it is inflated; of the other members, only the vocabularies of
 * lookup layers (assets.ts) are read.
 */
import { unzipSync, zipSync, type Unzipped } from 'fflate';
import { ValueError } from '../../core/errors.js';
import { checkLimit, type Limits } from '../../core/limits.js';
import type { ModelArtifacts, ModelFormat, ModelInput, OutputFile } from '../artifacts.js';
import { inlineVocabularies, isVocabularyAsset } from './assets.js';
import { modelConfigToKeras, trainingConfigToKeras } from './config.js';
import { readHdf5 } from './hdf5.js';
import { keras3WeightsFile, kerasModelArtifacts, readLayerWeights } from './keras-artifacts.js';
import { configLayers, keras3LayerDatasets } from './weight-layout.js';

const METADATA = 'metadata.json';
const CONFIG = 'config.json';
const WEIGHTS = 'model.weights.h5';
/** The Keras release whose archive layout this writes (the version Keras 3 checks in metadata.json). */
const KERAS_VERSION = '3.15.1';

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/** Whether `head` starts a zip whose first members include one of a `.keras` archive's. */
function isKerasZip(head: Uint8Array): boolean {
  if (!ZIP_MAGIC.every((b, i) => head[i] === b)) return false;
  const text = new TextDecoder('latin1').decode(head);
  return [METADATA, CONFIG, WEIGHTS].some((name) => text.includes(name));
}

/** The three members of the archive (and vocabulary assets), each checked against the cap before it is inflated. */
function unzipMembers(bytes: Uint8Array, source: string, limits: Limits): Unzipped {
  let total = 0;
  try {
    return unzipSync(bytes, {
      filter(file) {
        if (![METADATA, CONFIG, WEIGHTS].includes(file.name) && !isVocabularyAsset(file.name)) return false;
        checkLimit(limits, 'maxDecompressedBytes', file.originalSize, `${source}: the archive member '${file.name}' declares`);
        total += file.originalSize;
        checkLimit(limits, 'maxDecompressedBytes', total, `${source}: the archive's members declare`);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof ValueError) throw e;
    throw new ValueError(`${source}: cannot read the .keras archive (a zip file): ${(e as Error).message}. The file is truncated or corrupt.`);
  }
}

/** A member's JSON, parsed; a ValueError naming the member when it is not JSON. */
function memberJson(members: Unzipped, name: string, source: string): unknown {
  const bytes = members[name];
  if (!bytes) throw new ValueError(`${source}: the .keras archive has no '${name}' (it holds ${Object.keys(members).join(', ') || 'none of metadata.json, config.json, model.weights.h5'}); it is not a complete Keras model.`);
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw new ValueError(`${source}: '${name}' in the .keras archive is not valid JSON (${(e as Error).message}).`);
  }
}

async function readKerasZip(input: ModelInput, limits: Limits): Promise<ModelArtifacts> {
  const { source } = input;
  const members = unzipMembers(input.bytes, source, limits);
  const metadata = members[METADATA] ? memberJson(members, METADATA, source) : {};
  const version = (metadata as { keras_version?: unknown }).keras_version;
  const config = memberJson(members, CONFIG, source) as Record<string, unknown>;
  if (typeof config !== 'object' || config === null) throw new ValueError(`${source}: config.json in the .keras archive is not an object.`);
  const weightBytes = members[WEIGHTS];
  if (!weightBytes) throw new ValueError(`${source}: the .keras archive has no '${WEIGHTS}'; it holds no weights.`);
  const h5Source = `${source} (${WEIGHTS})`;
  inlineVocabularies(config, members, source);
  const layers = configLayers(config, source);
  const { weights, optimizerEntries } = await readHdf5(weightBytes, h5Source, limits, (h5) => {
    const entries = h5
      .members('optimizer/vars')
      .filter((m) => /^\d+$/.test(m))
      .sort((a, b) => Number(a) - Number(b))
      .map((m) => ({ name: `optimizer/vars/${m}`, ...h5.read(`optimizer/vars/${m}`) }));
    return { weights: readLayerWeights(h5, keras3LayerDatasets(h5, layers)), optimizerEntries: entries };
  });
  return kerasModelArtifacts({
    source,
    ...(typeof version === 'string' ? { kerasVersion: version } : {}),
    kerasConfig: config,
    kerasTraining: config['compile_config'],
    weights,
    optimizerEntries,
  });
}

/** "2026-12-04@05:19:12", as Keras dates its archives. */
function dateSaved(now: Date): string {
  return now.toISOString().slice(0, 19).replace('T', '@');
}

async function writeKerasZip(artifacts: ModelArtifacts, target: string): Promise<OutputFile[]> {
  if (artifacts.kind !== 'model' || !artifacts.modelConfig) throw new ValueError(`${target}: a .keras archive holds a whole model; save weights alone as '<name>.weights.h5'.`);
  const config: Record<string, unknown> = modelConfigToKeras(artifacts.modelConfig, 'keras3');
  if (artifacts.trainingConfig) config['compile_config'] = trainingConfigToKeras(artifacts.trainingConfig, 'keras3');
  const weights = await keras3WeightsFile(artifacts, `${target} (${WEIGHTS})`, true);
  const json = (x: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(x));
  // Keras stores the members uncompressed, in this order.
  const bytes = zipSync(
    {
      [METADATA]: json({ keras_version: KERAS_VERSION, date_saved: dateSaved(new Date()) }),
      [CONFIG]: json(config),
      [WEIGHTS]: weights,
    },
    { level: 0 },
  );
  return [{ path: target, bytes }];
}

/**
 * Keras's `.keras` archive: read (Keras 3, Keras 2.13–2.15) and written (Keras 3's layout).
 *
 * @example
 * await model.save('model.keras');            // a file Keras 3 loads with keras.saving.load_model
 * const m = await loadModel('best-cnn-model.keras');
 */
export const kerasZipFormat: ModelFormat = {
  name: 'keras',
  description: 'Keras .keras archive (Keras 3, Keras 2.13–2.15)',
  detect: isKerasZip,
  matchesPath: (path) => /\.keras$/i.test(path),
  read: readKerasZip,
  write: writeKerasZip,
};
