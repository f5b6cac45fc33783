/**
 * Preprocessing inside the model: a model that takes raw feature columns of flats — floor area
 * and age as numbers, the city as a string, the number of rooms as an integer — and says whether
 * the rent is high. Normalization (adapted on the training rows) scales the numbers,
 * Discretization puts the age into quantile bins, Hashing sends the city to a bin and
 * CategoryEncoding one-hot encodes bins and rooms. Saved as .strata and loaded back, the model
 * still takes the raw columns: nobody has to redo the preprocessing by hand.
 *
 * Run: node dist/examples/preprocessing.js [--rows 2000] [--epochs 20]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Adam, Input, Model, layers, loadModel, setSeed, strings, tensor, type StringTensor, type Tensor } from '../src/node/index.js';

const CITIES = ['Lyon', 'Paris', 'Nantes', 'Lille', 'Nice', 'Brest'];
/** How much each city adds to the rent (per m²), the pattern the model has to find. */
const CITY_PREMIUM = [2, 9, 1, 0, 6, -1];

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Rows of raw columns and their label, drawn from a fixed pseudo-random sequence. */
function flats(count: number, seed: number): { numbers: Tensor; ages: Tensor; cities: StringTensor; rooms: Tensor; high: Tensor } {
  let state = seed;
  const next = (): number => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const numbers: number[][] = [];
  const ages: number[][] = [];
  const cities: string[][] = [];
  const rooms: number[][] = [];
  const high: number[] = [];
  for (let i = 0; i < count; i++) {
    const city = Math.floor(next() * CITIES.length);
    const room = 1 + Math.floor(next() * 5);
    const area = 15 + room * 18 + next() * 25;
    const age = next() * 80;
    const rentPerM2 = 12 + CITY_PREMIUM[city]! - age / 20 + (room === 1 ? 3 : 0) + (next() - 0.5) * 3;
    numbers.push([area, age]);
    ages.push([age]);
    cities.push([CITIES[city]!]);
    rooms.push([room]);
    high.push(rentPerM2 > 13 ? 1 : 0);
  }
  return { numbers: tensor(numbers), ages: tensor(ages), cities: strings(cities), rooms: tensor(rooms, undefined, 'int32'), high: tensor(high, [count, 1]) };
}

async function main(): Promise<void> {
  const rows = option('rows', 2000);
  const epochs = option('epochs', 20);
  const train = flats(rows, 7);
  const test = flats(Math.max(50, rows / 4), 99);
  setSeed(3);

  const numbers = Input({ shape: [2], name: 'area_and_age' });
  const age = Input({ shape: [1], name: 'age' });
  const city = Input({ shape: [1], dtype: 'string', name: 'city' });
  const rooms = Input({ shape: [1], dtype: 'int32', name: 'rooms' });
  const scale = layers.normalization({ name: 'scale' });
  scale.adapt(train.numbers);
  const ageBins = layers.discretization({ numBins: 4, outputMode: 'one_hot', name: 'age_bins' });
  ageBins.adapt(train.ages);
  const features = layers.concatenate().apply([
    scale.apply(numbers),
    ageBins.apply(age),
    layers.hashing({ numBins: 16, outputMode: 'one_hot', name: 'city_hash' }).apply(city),
    layers.categoryEncoding({ numTokens: 6, outputMode: 'one_hot', name: 'rooms_onehot' }).apply(rooms),
  ]);
  const hidden = layers.dense({ units: 16, activation: 'relu' }).apply(features);
  const model = new Model({ inputs: [numbers, age, city, rooms], outputs: layers.dense({ units: 1, activation: 'sigmoid' }).apply(hidden) });
  model.summary();
  console.log(`Adapted: mean area ${scale.getWeights()[0]!.dataSync()[0]!.toFixed(1)} m², age bins at ${ageBins.binBoundaries!.map((b) => b.toFixed(1)).join(', ')} years`);

  model.compile({ optimizer: new Adam({ learningRate: 0.02 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  await model.fit([train.numbers, train.ages, train.cities, train.rooms], train.high, { epochs, batchSize: 64, verbose: 0 });
  const testInputs = [test.numbers, test.ages, test.cities, test.rooms];
  const [, accuracy] = await model.evaluate(testInputs, test.high);
  console.log(`Held-out accuracy: ${accuracy!.toFixed(4)}`);

  const path = join(mkdtempSync(join(tmpdir(), 'strata-preprocessing-')), 'rent.strata');
  await model.save(path);
  const restored = await loadModel(path);
  const raw = [tensor([[40, 5]]), tensor([[5]]), strings([['Paris']]), tensor([[1]], undefined, 'int32')];
  const original = (model.predict(raw) as Tensor).dataSync()[0]!;
  const reloaded = (restored.predict(raw) as Tensor).dataSync()[0]!;
  const [, restoredAccuracy] = await restored.evaluate(testInputs, test.high);
  console.log(`Loaded from ${path.split('/').pop()}: held-out accuracy ${restoredAccuracy!.toFixed(4)}; a new 40 m² one-room flat in Paris: ${original.toFixed(4)} before saving, ${reloaded.toFixed(4)} after`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
