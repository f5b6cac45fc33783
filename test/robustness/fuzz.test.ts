/**
 * The decoders of files Strata reads, fuzzed: every mutation of a valid file (bit flips,
 * truncations, size fields set to hostile values, sections swapped, bytes inserted) gives a typed
 * error or a valid result, within a time and memory bound. A short run with a fixed seed here;
 * `npm run fuzz` runs many more cases (FUZZ_RUNS, FUZZ_SEED).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { gzipSync } from 'node:zlib';
import CRC32C from 'crc-32/crc32c.js';
import { encode } from 'fast-png';
import { decodeGrayImage } from '../../src/cli/image.js';
import { getLimits } from '../../src/core/limits.js';
import { parseIdx } from '../../src/datasets/idx.js';
import { gunzipBounded } from '../../src/datasets/node/gunzip.js';
import { decodeIdxFile, readIdxFile } from '../../src/datasets/node/idx-file.js';
import { readNpz } from '../../src/datasets/node/npz.js';
import { decodeArtifacts, encodeArtifacts, type Artifacts } from '../../src/io/format.js';
import { idxBytes, npyBytes, zipBytes } from '../helpers/dataset-files.js';
import { describeReport, fuzzDecoder, type FuzzSpec } from '../helpers/fuzz.js';

/** Fuzzes one decoder and reports what the run saw in the test's output. */
async function fuzz(t: TestContext, spec: FuzzSpec): Promise<void> {
  t.diagnostic(describeReport(spec.name, await fuzzDecoder(spec)));
}

const TIMEOUT = { timeout: 120_000 };
const ramp = (n: number, step = 37): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * step) & 0xff);
const be32 = (at: number) => ({ at, width: 4 as const, littleEndian: false });
const le32 = (at: number) => ({ at, width: 4 as const, littleEndian: true });

const model: Artifacts = {
  header: { kind: 'model', generatedBy: 'fuzz', modelConfig: { className: 'Sequential', config: { layers: [{ className: 'Dense', config: { units: 3 } }] } } },
  weights: [
    { name: 'dense/kernel', shape: [4, 3], dtype: 'float32', values: Float32Array.from({ length: 12 }, (_, i) => i / 7) },
    { name: 'dense/bias', shape: [3], dtype: 'float32', values: Float32Array.from([0.5, -1, 2]) },
    { name: 'mask', shape: [5], dtype: 'bool', values: Uint8Array.from([1, 0, 1, 1, 0]) },
  ],
  optimizerWeights: [
    { name: 'iterations', shape: [], dtype: 'float64', values: Float64Array.from([3]) },
    { name: 'steps', shape: [2], dtype: 'int32', values: Int32Array.from([7, -7]) },
  ],
};
const weightsOnly: Artifacts = { header: { kind: 'weights', generatedBy: 'fuzz' }, weights: [model.weights[0]!], optimizerWeights: [] };

/** Rewrites the header checksum of a version-2 `.strata` file, so that mutations of the description reach the checks behind the checksum. */
function repairHeaderChecksum(bytes: Uint8Array): Uint8Array {
  if (bytes.length < 20) return bytes;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const json = bytes.subarray(20, Math.min(bytes.length, 20 + view.getUint32(12, true)));
  view.setUint32(16, CRC32C.buf(json, CRC32C.buf(bytes.subarray(8, 16))) >>> 0, true);
  return bytes;
}

test('.strata: every mutation is refused with a typed error or decoded', TIMEOUT, async (t) => {
  const seeds = [encodeArtifacts(model), encodeArtifacts(weightsOnly)];
  const sizeFields = [le32(8), le32(12), le32(16)];
  await fuzz(t, { name: 'decodeArtifacts', seeds, sizeFields, decode: (b) => decodeArtifacts(b, 'fuzz.strata'), runs: 600 });
  // With the header checksum made right again, mutations of the description reach its validation.
  await fuzz(t, { name: 'decodeArtifacts (header checksum repaired)', seeds, sizeFields, repair: repairHeaderChecksum, decode: (b) => decodeArtifacts(b, 'fuzz.strata'), runs: 600 });
});

test('IDX: every mutation is refused with a typed error or decoded', TIMEOUT, async (t) => {
  const seeds = [idxBytes([3, 4, 5], ramp(60)), idxBytes([10], ramp(10)), idxBytes([2, 2, 2, 2], ramp(16))];
  const sizeFields = [be32(4), be32(8), be32(12)];
  await fuzz(t, { name: 'parseIdx', seeds, sizeFields, decode: (b) => parseIdx(b, 'fuzz.idx'), runs: 600 });
  // The IDX header inside gzip data: mutated, then compressed, so the header's claims reach the bounded decompression.
  await fuzz(t, { name: 'decodeIdxFile (gzip of a mutated IDX)', seeds, sizeFields, decode: (b) => decodeIdxFile(gzipSync(b), 'fuzz.idx.gz', getLimits()), runs: 400 });
});

test('gzip: every mutation of the compressed bytes is refused with a typed error or decoded', TIMEOUT, async (t) => {
  const seeds = [gzipSync(idxBytes([3, 4, 5], ramp(60))), gzipSync(idxBytes([1000], new Uint8Array(1000))), gzipSync(ramp(300, 1))];
  const sizeFields = [le32(-4), le32(-8)];
  await fuzz(t, { name: 'gunzipBounded', seeds, sizeFields, decode: (b) => gunzipBounded(b, 'fuzz.gz'), runs: 500 });
  await fuzz(t, { name: 'decodeIdxFile (gzip)', seeds: seeds.slice(0, 2), sizeFields, decode: (b) => decodeIdxFile(b, 'fuzz.idx.gz', getLimits()), runs: 500 });
  // Through the file system too: readFileBytes, then the same decoder.
  const dir = mkdtempSync(join(tmpdir(), 'strata-fuzz-'));
  let n = 0;
  await fuzz(t, {
    name: 'readIdxFile',
    seeds: seeds.slice(0, 2),
    sizeFields,
    decode: (b) => {
      const path = join(dir, `${n++ % 8}.gz`);
      writeFileSync(path, b);
      return readIdxFile(path);
    },
    runs: 150,
  });
});

test('npz: every mutation is refused with a typed error or decoded', TIMEOUT, async (t) => {
  const arrays = { 'x.npy': npyBytes([3, 4], ramp(12)), 'y.npy': npyBytes([3], ramp(3)) };
  const seeds = [zipBytes(arrays), zipBytes(arrays, false)];
  // The first local header's sizes, then (from the end) the directory's offset and size.
  const sizeFields = [le32(18), le32(22), le32(-6), le32(-10)];
  await fuzz(t, { name: 'readNpz', seeds, sizeFields, decode: (b) => readNpz(b, 'fuzz.npz'), runs: 600 });
});

test('PNG: every mutation is refused with a typed error or decoded', TIMEOUT, async (t) => {
  const seeds = [
    encode({ width: 5, height: 3, data: ramp(15), channels: 1, depth: 8 }),
    encode({ width: 4, height: 4, data: ramp(64), channels: 4, depth: 8 }),
    encode({ width: 3, height: 2, data: Uint16Array.from(ramp(18), (v) => v * 257), channels: 3, depth: 16 }),
    encode({ width: 9, height: 2, data: Uint8Array.from([0b10110000, 0b10000000, 0b01010101, 0]), channels: 1, depth: 1 }),
  ];
  const sizeFields = [be32(8), be32(16), be32(20), be32(33)];
  await fuzz(t, { name: 'decodeGrayImage', seeds, sizeFields, decode: (b) => decodeGrayImage(b, "'fuzz.png'", false), runs: 600 });
});
