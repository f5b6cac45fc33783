/**
 * Which language is a word? Embedding → LSTM → Dense reads the characters of words from the Debian
 * word lists of English, French, German, Italian and Spanish, and is compared on held-out words
 * with a baseline that sees only how often each character occurs (a bag of characters → Dense).
 *
 * Run: node dist/examples/word-language.js [--train 2000] [--test 500] [--epochs 8] [--units 64]
 * (--train and --test count words per language; needs the packages wamerican wfrench wngerman witalian wspanish.)
 */
import { pathToFileURL } from 'node:url';
import { Adam, Sequential, argmax, layers, setSeed, tensor, type Tensor } from '../src/node/index.js';
import { LANGUAGES, loadWordLanguages } from './word-language-data.js';

const { Embedding, LSTM, Dense } = layers;

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const trainPerLanguage = option('train', 2000);
  const testPerLanguage = option('test', 500);
  const epochs = option('epochs', 8);
  const units = option('units', 64);
  const data = loadWordLanguages({ trainPerLanguage, testPerLanguage });
  const steps = data.maxLength;
  const vocabulary = data.alphabet.length + 1;
  const n = data.train.labels.length;
  const m = data.test.labels.length;
  console.log(`${n} training words and ${m} held-out words, ${LANGUAGES.length} languages, ${data.alphabet.length} characters: ${data.alphabet.join('')}`);
  const y = tensor(data.train.labels, [n], 'int32');
  const yTest = tensor(data.test.labels, [m], 'int32');

  setSeed(1);
  const recurrent = new Sequential({
    layers: [
      new Embedding({ inputDim: vocabulary, outputDim: 16, maskZero: true, inputShape: [steps] }),
      new LSTM({ units }),
      new Dense({ units: LANGUAGES.length, activation: 'softmax' }),
    ],
  });
  recurrent.compile({ optimizer: new Adam({ learningRate: 0.005 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const testIds = tensor(data.test.ids, [m, steps], 'int32');
  let started = performance.now();
  await recurrent.fit(tensor(data.train.ids, [n, steps], 'int32'), y, { epochs, verbose: 2 });
  const recurrentSeconds = (performance.now() - started) / 1000;
  const [, recurrentAccuracy] = await recurrent.evaluate(testIds, yTest);

  const baseline = new Sequential({
    layers: [new Dense({ units: 64, activation: 'relu', inputShape: [vocabulary] }), new Dense({ units: LANGUAGES.length, activation: 'softmax' })],
  });
  baseline.compile({ optimizer: new Adam({ learningRate: 0.005 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  started = performance.now();
  await baseline.fit(tensor(data.train.bags, [n, vocabulary]), y, { epochs: 2 * epochs, verbose: 0 });
  const baselineSeconds = (performance.now() - started) / 1000;
  const [, baselineAccuracy] = await baseline.evaluate(tensor(data.test.bags, [m, vocabulary]), yTest);

  console.log(`Embedding → LSTM(${units}) → Dense: ${recurrentAccuracy!.toFixed(4)} on held-out words (${recurrentSeconds.toFixed(0)}s of training)`);
  console.log(`Bag of characters → Dense(64) → Dense: ${baselineAccuracy!.toFixed(4)} on held-out words (${baselineSeconds.toFixed(0)}s of training)`);
  const predicted = argmax(recurrent.predict(testIds) as Tensor).dataSync();
  const shown = data.test.words.slice(0, 10).map((w, i) => `${w}: ${LANGUAGES[predicted[i]!]![0]}${predicted[i] === data.test.labels[i] ? '' : ` (is ${LANGUAGES[data.test.labels[i]!]![0]})`}`);
  console.log(`Some held-out words: ${shown.join(', ')}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
