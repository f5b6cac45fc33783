/**
 * Keras's assets: the vocabularies of lookup layers (StringLookup, IntegerLookup, TextVectorization)
 * adapted in Keras, which a `.keras` archive keeps beside the config, one `vocabulary.txt` per
 * layer under `assets/<the layer's group>/`, while the config's `vocabulary` stays null.
 */
import type { Unzipped } from 'fflate';
import { ValueError } from '../../core/errors.js';
import { configLayers, keras3GroupPlans } from './weight-layout.js';

/** The classes that keep a vocabulary asset, and how each reads its lines. */
const VOCABULARY_CLASSES: Record<string, (line: string) => string | number> = {
  StringLookup: (line) => line,
  TextVectorization: (line) => line,
  IntegerLookup: (line) => Number(line),
};

/** Whether an archive member is an asset this module reads. */
export function isVocabularyAsset(name: string): boolean {
  return name.startsWith('assets/') && name.endsWith('/vocabulary.txt');
}

/**
 * The lines of a vocabulary file as Keras's `load_assets` reads them: Python's `splitlines()`,
 * trailing empty lines dropped (a leading '' is the mask token, and is kept).
 */
function vocabularyLines(bytes: Uint8Array): string[] {
  const lines = new TextDecoder('utf-8').decode(bytes).split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Puts each adapted vocabulary of `members` into its layer's Keras config (in place), where the
 * config's `vocabulary` is null: the layers are then made with it, as Keras's `load_assets` sets it.
 */
export function inlineVocabularies(kerasConfig: Record<string, unknown>, members: Unzipped, source: string): void {
  if (!Object.keys(members).some(isVocabularyAsset)) return;
  const layers = configLayers(kerasConfig, source);
  const byName = new Map(layers.map((l) => [l.name, l]));
  for (const plan of keras3GroupPlans(layers, kerasConfig['class_name'] === 'Sequential')) {
    const layer = byName.get(plan.layer);
    const read = layer && VOCABULARY_CLASSES[layer.className];
    const bytes = members[`assets/${plan.group}/vocabulary.txt`];
    if (!layer || !read || !bytes || layer.config['vocabulary'] != null) continue;
    if (layer.config['output_mode'] === 'tf_idf') {
      throw new ValueError(`${source}: layer '${layer.name}' (${layer.className}) was adapted in Keras with output_mode 'tf_idf'; its idf weights are not read from .keras archives. Save it with a vocabulary and idf_weights given.`);
    }
    const vocabulary = vocabularyLines(bytes).map(read);
    if (vocabulary.some((v) => typeof v === 'number' && !Number.isInteger(v))) throw new ValueError(`${source}: the vocabulary asset of layer '${layer.name}' holds a line that is not an integer.`);
    layer.config['vocabulary'] = vocabulary;
  }
}
