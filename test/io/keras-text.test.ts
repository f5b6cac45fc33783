/**
 * Text models through Keras's `.keras` archive. NOTE: Keras's StringLookup, IntegerLookup and
 * TextVectorization need TensorFlow, which .venv-peers lacks (Keras on JAX raises ImportError), so
 * no peer case runs them: these tests check the configs against the keys Keras 3.15's get_config
 * writes (keras/src/layers/preprocessing/{index_lookup,string_lookup,text_vectorization}.py) and a
 * round trip through the archive.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { unzipSync, zipSync } from 'fflate';
import { Input, Model, layers, loadModel, strings, type Tensor } from '../../src/node/index.js';

interface KerasLayer { class_name: string; module: string | null; config: Record<string, unknown> }

test('a model with TextVectorization and StringLookup saved as .keras: Keras 3 configs (the vocabulary inline), and loaded back predicting the same', async () => {
  const text = Input({ shape: [], dtype: 'string', name: 'text' });
  const tag = Input({ shape: [1], dtype: 'string', name: 'tag' });
  const vectorize = new layers.TextVectorization({ name: 'vectorize', outputSequenceLength: 3 });
  vectorize.adapt(strings(['a cat', 'a dog', 'the cat']));
  const lookup = new layers.StringLookup({ name: 'tags', vocabulary: ['x', 'y'], outputMode: 'one_hot' });
  const words = new layers.GlobalAveragePooling1D().apply(new layers.Embedding({ inputDim: vectorize.vocabularySize(), outputDim: 2 }).apply(vectorize.apply(text)));
  const out = new layers.Dense({ units: 1 }).apply(new layers.Concatenate().apply([words, lookup.apply(tag)]));
  const model = new Model({ inputs: [text, tag], outputs: out });
  const path = join(mkdtempSync(join(tmpdir(), 'strata-text-')), 'text.keras');
  await model.save(path);

  const config = JSON.parse(new TextDecoder().decode(unzipSync(readFileSync(path))['config.json'])) as { config: { layers: KerasLayer[] } };
  const byName = new Map(config.config.layers.map((l) => [l.config['name'], l]));
  assert.equal(byName.get('text')!.config['dtype'], 'string');
  const tv = byName.get('vectorize')!;
  assert.equal(tv.module, 'keras.layers');
  assert.deepEqual(Object.keys(tv.config).sort(), [
    'activity_regularizer', 'encoding', 'idf_weights', 'max_tokens', 'name', 'ngrams', 'output_mode', 'output_sequence_length', 'pad_to_max_tokens', 'ragged', 'sparse',
    'split', 'standardize', 'trainable', 'vocabulary', 'vocabulary_size',
  ]);
  assert.deepEqual(tv.config['vocabulary'], ['', '[UNK]', 'cat', 'a', 'the', 'dog']);
  assert.deepEqual(Object.keys(byName.get('tags')!.config).sort(), [
    'encoding', 'idf_weights', 'invert', 'mask_token', 'max_tokens', 'name', 'num_oov_indices', 'oov_method', 'oov_token', 'output_mode',
    'pad_to_max_tokens', 'salt', 'sparse', 'trainable', 'vocabulary', 'vocabulary_size',
  ]);

  const loaded = await loadModel(path);
  const x = [strings(['the dog', 'a bird']), strings([['y'], ['q']])];
  const expected = (model.predict(x) as Tensor).arraySync();
  assert.deepEqual((loaded.predict(x) as Tensor).arraySync(), expected);
  loaded.dispose();

  // As Keras writes an adapted layer: vocabulary null in the config, the vocabulary in assets/<group>/vocabulary.txt
  // ("\n".join of get_vocabulary(), so the mask token '' is an empty first line).
  const members = unzipSync(readFileSync(path));
  tv.config['vocabulary'] = null;
  const kerasStyle = join(mkdtempSync(join(tmpdir(), 'strata-text-')), 'adapted.keras');
  writeFileSync(kerasStyle, zipSync({
    ...members,
    'config.json': new TextEncoder().encode(JSON.stringify(config)),
    'assets/layers/text_vectorization/vocabulary.txt': new TextEncoder().encode(['', '[UNK]', 'cat', 'a', 'the', 'dog'].join('\n')),
  }));
  const adapted = await loadModel(kerasStyle);
  assert.deepEqual((adapted.getLayer('vectorize') as InstanceType<typeof layers.TextVectorization>).getVocabulary(), vectorize.getVocabulary());
  assert.deepEqual((adapted.predict(x) as Tensor).arraySync(), expected);
  adapted.dispose();
  model.dispose();
});
