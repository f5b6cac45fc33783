import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ValueError } from '../../src/index.js';
import { decodeArtifacts, encodeArtifacts, type Artifacts } from '../../src/io/format.js';
import { readFileBytes, writeFileAtomic } from '../../src/io/node/atomic-file.js';

const sample: Artifacts = {
  header: { kind: 'model', generatedBy: 'strata test', modelConfig: { className: 'Sequential', layers: [] } },
  weights: [
    { name: 'dense/kernel', shape: [2, 3], dtype: 'float32', values: Float32Array.from([1, 2, 3, 4, 5, 6.5]) },
    { name: 'dense/bias', shape: [3], dtype: 'float32', values: Float32Array.from([0.1, 0.2, 0.3]) },
    { name: 'steps', shape: [], dtype: 'int32', values: Int32Array.from([7]) },
  ],
  optimizerWeights: [{ name: 'adam/iterations', shape: [], dtype: 'float64', values: Float64Array.from([12]) }],
};

test('encode then decode gives back the same description and values', () => {
  const bytes = encodeArtifacts(sample);
  assert.deepEqual([...bytes.subarray(0, 8)], [...Buffer.from('STRATA\r\n')]);
  const back = decodeArtifacts(bytes, 'm.strata');
  assert.deepEqual(back.header, sample.header);
  assert.deepEqual(back.weights.map((w) => [w.name, w.shape, w.dtype, [...(w.values as Float32Array)]]), sample.weights.map((w) => [w.name, w.shape, w.dtype, [...(w.values as Float32Array)]]));
  assert.deepEqual([...(back.optimizerWeights[0]!.values as Float64Array)], [12]);
});

test('corrupt, truncated and foreign files give errors naming the file and the problem', () => {
  const bytes = encodeArtifacts(sample);
  const fails = (b: Uint8Array, pattern: RegExp): void => {
    assert.throws(() => decodeArtifacts(b, 'm.strata'), (e: unknown) => e instanceof ValueError && e.message.startsWith('m.strata: cannot load: ') && pattern.test(e.message));
  };
  fails(bytes.subarray(0, 10), /fewer than the 16-byte header/);
  fails(bytes.subarray(0, bytes.length - 4), /optimizerWeights\[0\] \('adam\/iterations'\) \(shape \[\], float64\) needs bytes 48–56 of the data section, which has 52 bytes \(the file is truncated or corrupt\)/);
  fails(new TextEncoder().encode('{"not": "a model"} padding padding'), /not a Strata model or weights file/);
  const future = bytes.slice();
  future[8] = 9;
  fails(future, /format version 9, but this Strata reads versions 1 and 2/);
  const hugeHeader = bytes.slice();
  new DataView(hugeHeader.buffer).setUint32(12, 0xfffffff0, true);
  fails(hugeHeader, /description claims 4294967280 bytes/);
  const badJson = bytes.slice();
  badJson[20] = 0x7b + 1;
  fails(badJson, /its header \(version, description length or description\) fails its checksum/);
  const hugeShape = encodeArtifacts({ ...sample, weights: [{ name: 'w', shape: [1e9, 1e9], dtype: 'float32', values: new Float32Array(0) }] });
  fails(hugeShape, /weights\[0\] \('w'\) \(shape \[1000000000,1000000000\], float32\) needs bytes/);
});

test('writeFileAtomic replaces the file in one step and leaves no temporary file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-io-'));
  const path = join(dir, 'model.strata');
  writeFileSync(path, 'old');
  writeFileAtomic(path, new Uint8Array([1, 2, 3]));
  assert.deepEqual([...readFileSync(path)], [1, 2, 3]);
  assert.deepEqual(readdirSync(dir), ['model.strata']);
  assert.throws(() => writeFileAtomic(join(dir, 'missing-dir', 'x.strata'), new Uint8Array(1)), /cannot save to '.*missing-dir\/x\.strata': the directory '.*missing-dir' does not exist \(ENOENT\)/);
  assert.equal(existsSync(join(dir, 'missing-dir')), false);
  assert.throws(() => readFileBytes(join(dir, 'nope.strata')), /cannot load '.*nope\.strata': no such file\./);
});
