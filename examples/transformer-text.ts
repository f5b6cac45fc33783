/**
 * Which language is a word? A small transformer reads the raw word: TextVectorization splits it
 * into characters inside the model, Embedding + PositionEmbedding give each character a vector
 * that knows its place, one transformer block (MultiHeadAttention, residuals, LayerNormalization,
 * a feed-forward Dense pair) mixes them, and the padding-aware average feeds the classifier. It is
 * compared on held-out words with the LSTM of examples/word-language.ts, on the same words; the
 * transformer is saved as .strata and loaded back, still taking raw strings.
 *
 * Run: node dist/examples/transformer-text.js [--train 2000] [--test 500] [--epochs 8] [--dim 32] [--out transformer.strata]
 * (--train and --test count words per language; needs the packages wamerican wfrench wngerman witalian wspanish.)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Adam, Input, Model, Sequential, argmax, layers, loadModel, setSeed, strings, tensor, type SymbolicTensor, type Tensor } from '../src/node/index.js';
import { LANGUAGES, loadWordLanguages } from './word-language-data.js';

const { Add, Dense, Embedding, GlobalAveragePooling1D, LayerNormalization, LSTM, MultiHeadAttention, PositionEmbedding, TextVectorization } = layers;

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/** One transformer encoder block: self-attention and a feed-forward pair, each added back to its input and normalized. */
function transformerBlock(x: SymbolicTensor, dim: number, heads: number): SymbolicTensor {
  const attended = new MultiHeadAttention({ numHeads: heads, keyDim: dim / heads }).apply([x, x]);
  const h = new LayerNormalization().apply(new Add().apply([x, attended]));
  const fed = new Dense({ units: dim }).apply(new Dense({ units: 2 * dim, activation: 'relu' }).apply(h));
  return new LayerNormalization().apply(new Add().apply([h, fed]));
}

/** Raw word → characters → embeddings + positions → transformer block → masked average → languages. */
function buildTransformer(trainWords: string[], steps: number, dim: number): Model {
  const vectorize = new TextVectorization({ standardize: null, split: 'character', outputSequenceLength: steps });
  vectorize.adapt(strings(trainWords));
  const word = Input({ shape: [], dtype: 'string' });
  const ids = vectorize.apply(word);
  const tokens = new Embedding({ inputDim: vectorize.vocabularySize(), outputDim: dim, maskZero: true }).apply(ids);
  const x = new Add().apply([tokens, new PositionEmbedding({ sequenceLength: steps }).apply(tokens)]);
  const pooled = new GlobalAveragePooling1D().apply(transformerBlock(x, dim, 2));
  return new Model({ inputs: word, outputs: new Dense({ units: LANGUAGES.length, activation: 'softmax' }).apply(pooled) });
}

async function main(): Promise<void> {
  const trainPerLanguage = option('train', 2000);
  const testPerLanguage = option('test', 500);
  const epochs = option('epochs', 8);
  const dim = option('dim', 32);
  const outIndex = process.argv.indexOf('--out');
  const out = outIndex > 0 ? process.argv[outIndex + 1]! : join(mkdtempSync(join(tmpdir(), 'strata-transformer-')), 'transformer.strata');
  const data = loadWordLanguages({ trainPerLanguage, testPerLanguage });
  const steps = data.maxLength;
  const n = data.train.labels.length;
  const m = data.test.labels.length;
  console.log(`${n} training words and ${m} held-out words, ${LANGUAGES.length} languages`);
  const y = tensor(data.train.labels, [n], 'int32');
  const yTest = tensor(data.test.labels, [m], 'int32');

  setSeed(1);
  const transformer = buildTransformer(data.train.words, steps, dim);
  transformer.compile({ optimizer: new Adam({ learningRate: 0.003 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  let started = performance.now();
  await transformer.fit(strings(data.train.words), y, { epochs, batchSize: 32, verbose: 0 });
  const transformerSeconds = (performance.now() - started) / 1000;
  const [, transformerAccuracy] = await transformer.evaluate(strings(data.test.words), yTest);

  // The LSTM of examples/word-language.ts, on the same words as character ids.
  setSeed(1);
  const recurrent = new Sequential({
    layers: [
      new Embedding({ inputDim: data.alphabet.length + 1, outputDim: 16, maskZero: true, inputShape: [steps] }),
      new LSTM({ units: 2 * dim }),
      new Dense({ units: LANGUAGES.length, activation: 'softmax' }),
    ],
  });
  recurrent.compile({ optimizer: new Adam({ learningRate: 0.005 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  started = performance.now();
  await recurrent.fit(tensor(data.train.ids, [n, steps], 'int32'), y, { epochs, batchSize: 32, verbose: 0 });
  const recurrentSeconds = (performance.now() - started) / 1000;
  const [, recurrentAccuracy] = await recurrent.evaluate(tensor(data.test.ids, [m, steps], 'int32'), yTest);

  console.log(`Transformer (${transformer.countParams()} parameters): ${transformerAccuracy!.toFixed(4)} on held-out words (${transformerSeconds.toFixed(0)}s of training)`);
  console.log(`Embedding → LSTM(${2 * dim}) (${recurrent.countParams()} parameters): ${recurrentAccuracy!.toFixed(4)} on held-out words (${recurrentSeconds.toFixed(0)}s of training)`);

  await transformer.save(out);
  const loaded = await loadModel(out);
  const shownWords = data.test.words.slice(0, 8);
  const before = argmax(transformer.predict(strings(shownWords)) as Tensor).dataSync();
  const after = argmax(loaded.predict(strings(shownWords)) as Tensor).dataSync();
  const same = before.every((v, i) => v === after[i]);
  console.log(`Saved to ${out} and loaded back: ${same ? 'the same' : 'different'} predictions from raw words`);
  console.log(`Some held-out words: ${shownWords.map((w, i) => `${w}: ${LANGUAGES[after[i]!]![0]}${after[i] === data.test.labels[i] ? '' : ` (is ${LANGUAGES[data.test.labels[i]!]![0]})`}`).join(', ')}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
