/**
 * Where loadModel reads from: a URL (the main file and the files it names, over HTTP), bytes in
 * memory, a Blob, a list of Files; sizes capped while reading, and names inside a model kept
 * inside its folder.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as s from '../../src/node/index.js';
import { checkRelativePath } from '../../src/io/sources.js';
import { startServer, type TestServer } from '../helpers/dataset-files.js';

const dir = mkdtempSync(join(tmpdir(), 'strata-sources-'));
let model: s.Model;
let probe: s.Tensor;
let expected: number[][];

before(async () => {
  model = s.sequential({ layers: [s.layers.input({ shape: [3] }), s.layers.dense({ units: 4, activation: 'relu' }), s.layers.dense({ units: 2 })] });
  await model.save(join(dir, 'web') + '/');
  await model.save(join(dir, 'model.keras'));
  probe = s.tensor([[1, 2, 3], [-1, 0, 0.5]]);
  expected = (model.predict(probe) as s.Tensor).arraySync() as number[][];
});

after(() => {
  model.dispose();
  probe.dispose();
});

async function assertSamePredictions(loaded: s.Model): Promise<void> {
  assert.deepEqual((loaded.predict(probe) as s.Tensor).arraySync(), expected);
  loaded.dispose();
}

test('a TF.js model over HTTP: model.json, then the shard it names beside it', async () => {
  const server: TestServer = await startServer((req, res) => {
    try {
      res.end(readFileSync(join(dir, 'web', req.url!.replace(/^\/models\//, ''))));
    } catch {
      res.statusCode = 404;
      res.end();
    }
  });
  try {
    await assertSamePredictions(await s.loadModel(`${server.url}models/model.json`));
    assert.deepEqual(server.requests, ['/models/model.json', '/models/group1-shard1of1.bin']);
    await assert.rejects(s.loadModel(`${server.url}models/missing.json`), (e: unknown) => e instanceof s.NotFoundError && /missing\.json: the server answered 404/.test((e as Error).message));
    await assert.rejects(s.loadModel(new URL(`${server.url}models/model.json`), { limits: { maxFileBytes: 100 } }), (e: unknown) => e instanceof s.LimitError && /maxFileBytes = 100 bytes/.test((e as Error).message));
  } finally {
    await server.close();
  }
});

test('a one-file model from bytes, a Uint8Array view, a Blob; a TF.js model from its Files', async () => {
  const bytes = readFileSync(join(dir, 'model.keras'));
  await assertSamePredictions(await s.loadModel(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)));
  await assertSamePredictions(await s.loadModel(new Uint8Array(bytes)));
  await assertSamePredictions(await s.loadModel(new Blob([bytes])));
  const files = ['group1-shard1of1.bin', 'model.json'].map((name) => new File([readFileSync(join(dir, 'web', name))], name));
  await assertSamePredictions(await s.loadModel(files));
  await assert.rejects(s.loadModel(files[1]!), (e: unknown) => e instanceof s.NotFoundError && /model\.json: the model names a second file, 'group1-shard1of1\.bin', but was given as a single file/.test((e as Error).message));
  await assert.rejects(s.loadModel(new Uint8Array(bytes), { limits: { maxFileBytes: 1000 } }), s.LimitError);
  await assert.rejects(s.loadModel(42 as never), (e: unknown) => e instanceof s.ValueError && /cannot read a model from \[object Number\]/.test((e as Error).message));
});

test('a file named inside a model stays inside its folder', () => {
  assert.equal(checkRelativePath('./shards/group1-shard1of1.bin', 'model.json'), 'shards/group1-shard1of1.bin');
  for (const hostile of ['../../etc/passwd', '/etc/passwd', 'C:\\weights.bin', 'a/../../b', 'file:///etc/passwd', '']) {
    assert.throws(() => checkRelativePath(hostile, 'model.json'), (e: unknown) => e instanceof s.ValueError && /model\.json: refuses to read/.test((e as Error).message), hostile);
  }
});
