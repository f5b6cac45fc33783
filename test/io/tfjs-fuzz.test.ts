/**
 * TF.js layers-models, fuzzed: every mutation of a valid `model.json` (numbers in it replaced
 * with hostile ones, bytes flipped, cut or inserted) and of its weight shard gives a typed error
 * or a model, within the fuzzer's time and memory bound. Short runs with a fixed seed here;
 * `npm run fuzz` runs more (FUZZ_RUNS, FUZZ_SEED).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { layers, loadModel, sequential } from '../../src/node/index.js';
import { describeReport, fuzzDecoder } from '../helpers/fuzz.js';
import { INTEROP, interopMissing } from '../helpers/interop-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'strata-tfjs-fuzz-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const TIMEOUT = { timeout: 120_000 };
const FIXTURES = INTEROP;
const skip = interopMissing();

const source = sequential({
  layers: [new layers.InputLayer({ batchShape: [null, 4, 3] }), new layers.LSTM({ units: 2, returnSequences: true }), new layers.Flatten({}), new layers.Dense({ units: 2, activation: 'softmax' })],
});
await source.save(join(dir, 'seed') + '/');
const json = new Uint8Array(readFileSync(join(dir, 'seed', 'model.json')));
const shard = new Uint8Array(readFileSync(join(dir, 'seed', 'group1-shard1of1.bin')));
source.dispose();

/** Loads model.json and its shard as the two files a file picker gives, and frees what loads. */
async function load(modelJson: Uint8Array, weights: Uint8Array): Promise<void> {
  const m = await loadModel([new File([new Uint8Array(modelJson)], 'model.json'), new File([new Uint8Array(weights)], 'group1-shard1of1.bin')]);
  m.dispose();
}

test('TF.js model.json: every mutation is refused with a typed error or loaded', TIMEOUT, async (t) => {
  const report = await fuzzDecoder({ name: 'tfjs model.json', seeds: [json], decode: (b) => load(b, shard), runs: 250 });
  t.diagnostic(describeReport('tfjs model.json', report));
});

test('a TF.js fixture (tfjs-layers-dense-abalone): every mutation of its model.json is refused with a typed error or loaded', { ...TIMEOUT, skip }, async (t) => {
  const folder = join(FIXTURES, 'tfjs-layers-dense-abalone');
  const weights = new Uint8Array(readFileSync(join(folder, 'weights.bin')));
  const decode = async (b: Uint8Array): Promise<void> => {
    const m = await loadModel([new File([new Uint8Array(b)], 'model.json'), new File([weights], 'weights.bin')]);
    m.dispose();
  };
  const report = await fuzzDecoder({ name: 'tfjs fixture model.json', seeds: [new Uint8Array(readFileSync(join(folder, 'model.json')))], decode, runs: 150 });
  t.diagnostic(describeReport('tfjs fixture model.json', report));
});

test('TF.js weight shard: every mutation is refused with a typed error or loaded', TIMEOUT, async (t) => {
  const report = await fuzzDecoder({ name: 'tfjs shard', seeds: [shard], decode: (b) => load(json, b), runs: 150 });
  t.diagnostic(describeReport('tfjs shard', report));
});
