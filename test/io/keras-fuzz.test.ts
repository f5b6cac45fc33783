/**
 * Keras's files fuzzed: every mutation of a `.keras` archive, a legacy `.h5` model and a
 * `.weights.h5` file (bit flips, truncations, hostile sizes, swapped and inserted bytes) is
 * refused with a typed error or loads, within a time and memory bound. A short run with a fixed
 * seed; FUZZ_RUNS raises it. The model files come from the shared fixtures (skipped when absent);
 * the weights file is written here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { getLimits, layers, loadModel, modelFromArtifacts, sequential, weightsToArtifacts } from '../../src/node/index.js';
import { kerasHdf5Format } from '../../src/io/keras/hdf5-format.js';
import { describeReport, fuzzDecoder, type FuzzSpec } from '../helpers/fuzz.js';
import { INTEROP, interopMissing } from '../helpers/interop-fixtures.js';

const FIXTURES = INTEROP;
const skip = interopMissing();
const TIMEOUT = { timeout: 120_000 };

async function fuzz(t: TestContext, spec: FuzzSpec): Promise<void> {
  t.diagnostic(describeReport(spec.name, await fuzzDecoder(spec)));
}

const small = { limits: { maxTensorBytes: 16 * 1024 ** 2, maxDecompressedBytes: 64 * 1024 ** 2 } };

/** Loads `bytes` as a whole model and frees it. */
async function load(bytes: Uint8Array): Promise<void> {
  (await loadModel(bytes, small)).dispose();
}

test('.keras archives (Keras 3.10 and 2.13): every mutation is refused with a typed error or loads', { ...TIMEOUT, skip }, async (t) => {
  const seeds = ['keras3-dense-churn/model.keras', 'keras2.13-zip-functional-concat-churn/functional_model.keras'].map((p) => new Uint8Array(readFileSync(join(FIXTURES, p))));
  // The zip's end record: its central directory's size and offset; the first member's sizes.
  const sizeFields = [-10, -6].map((at) => ({ at, width: 4 as const, littleEndian: true })).concat([18, 22].map((at) => ({ at, width: 4 as const, littleEndian: true })));
  await fuzz(t, { name: 'keras zip', seeds, sizeFields, decode: load, runs: 60, caseMs: 5000 });
});

test('legacy .h5 models (Keras 3.10 and 2.13): every mutation is refused with a typed error or loads', { ...TIMEOUT, skip }, async (t) => {
  const seeds = ['keras3-h5-dense-churn/model.h5', 'keras2.13-h5-functional-concat-churn/functional_model.h5'].map((p) => new Uint8Array(readFileSync(join(FIXTURES, p))));
  await fuzz(t, { name: 'keras legacy h5', seeds, decode: load, runs: 60, caseMs: 5000 });
});

test('.weights.h5 files: every mutation is refused with a typed error or reads', TIMEOUT, async (t) => {
  const model = sequential({ layers: [layers.input({ shape: [3] }), layers.dense({ units: 4 }), layers.batchNormalization(), layers.dense({ units: 2 })] });
  const artifacts = weightsToArtifacts(model);
  const [file] = await kerasHdf5Format.write!(artifacts, 'fuzz.weights.h5');
  const targetConfig = artifacts.modelConfig!;
  const decode = async (bytes: Uint8Array): Promise<void> => {
    const read = await kerasHdf5Format.read!({ source: 'fuzz.weights.h5', bytes, readSibling: async () => new Uint8Array(), targetConfig }, getLimits());
    // Whole-model files among the mutations go on to be built, as loadModel would.
    if (read.kind === 'model') modelFromArtifacts(read, 'fuzz.weights.h5').dispose();
  };
  try {
    await fuzz(t, { name: 'keras weights h5', seeds: [file!.bytes], decode, runs: 60, caseMs: 5000 });
  } finally {
    model.dispose();
  }
});
