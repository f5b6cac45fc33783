/** The board server: its API answers from the event files, refuses anything outside the log directory, survives a corrupt run, and reads runs live. */
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as s from '../../src/node/index.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'strata-serve-'));

/** A raw GET, so that the path reaches the server exactly as written (fetch would normalise `..`). */
function get(url: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; body: string; type: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method, headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body, type: String(res.headers['content-type']) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const json = async (url: string, path: string): Promise<any> => {
  const r = await get(url, path);
  assert.equal(r.status, 200, `${path}: ${r.body}`);
  return JSON.parse(r.body);
};

function writeRun(dir: string, values: number[]): void {
  const w = s.createFileWriter(dir);
  values.forEach((v, i) => w.scalar('epoch_loss', v, i));
  w.close();
}

test('the page, its scripts and the charting library are served from the package; the API lists runs and their values', async (t) => {
  const dir = tmp();
  writeRun(join(dir, 'a', 'train'), [1, 0.5]);
  writeRun(join(dir, 'b'), [2]);
  const board = await s.runBoard({ logDir: dir, port: 0 });
  t.after(() => board.close());
  assert.match(board.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const page = await get(board.url, '/');
  assert.equal(page.status, 200);
  assert.match(page.body, /<script src="\/vendor\/echarts\.min\.js"><\/script>/);
  assert.match((await get(board.url, '/app/app.js')).type, /text\/javascript/);
  assert.ok((await get(board.url, '/vendor/echarts.min.js')).body.length > 500_000);
  const { runs } = await json(board.url, '/api/runs');
  assert.deepEqual(runs.map((r: s.board.RunInfo) => [r.name, r.scalarTags, r.error]), [['a/train', ['epoch_loss'], undefined], ['b', ['epoch_loss'], undefined]]);
  const scalars = await json(board.url, '/api/scalars');
  assert.deepEqual(scalars['a/train'].epoch_loss.map((p: number[]) => [p[0], p[1]]), [[0, 1], [1, 0.5]]);
  assert.equal((await get(board.url, '/api/graph?run=b')).status, 404);
});

test('/api/graph serves a run\'s op graph by tag, and says which tags a run has', async (t) => {
  const dir = tmp();
  // Unoptimised: on wasm the two ops would be fused into one.
  const f = s.jit((x: s.Tensor) => s.relu(s.mul(x, 2)), { name: 'double_relu', optimize: false });
  f(s.tensor([-1, 3]));
  const w = s.createFileWriter(join(dir, 'run'));
  w.opGraph(f.lastGraph!, 0);
  w.close();
  const board = await s.runBoard({ logDir: dir, port: 0 });
  t.after(() => board.close());
  const { runs } = await json(board.url, '/api/runs');
  assert.deepEqual(runs.map((r: s.board.RunInfo) => [r.name, r.hasGraph, r.opGraphTags]), [['run', false, ['double_relu']]]);
  const { nodes } = await json(board.url, '/api/graph?run=run&tag=double_relu');
  assert.deepEqual(nodes.map((n: s.board.GraphNode) => n.name), s.board.opGraphDef(f.lastGraph!).node.map((n) => n.name));
  assert.deepEqual(nodes.find((n: s.board.GraphNode) => n.op === 'unary:relu').outputShapes, [[2]]);
  const missing = await get(board.url, '/api/graph?run=run&tag=other');
  assert.deepEqual([missing.status, missing.body], [404, 'this run has no op graph tagged "other"\n']);
  assert.equal((await get(board.url, '/api/graph?run=run')).status, 404, 'no layer graph');
});

test('nothing outside the log directory is served: traversal, absolute paths, symbolic links out, other hosts and methods are refused', async (t) => {
  const outside = tmp();
  writeRun(join(outside, 'secret'), [42]);
  writeFileSync(join(outside, 'passwd'), 'root:x:0:0');
  const dir = tmp();
  writeRun(join(dir, 'run'), [1]);
  symlinkSync(join(outside, 'secret'), join(dir, 'linked'));
  symlinkSync(join(outside, 'passwd'), join(dir, 'run', 'events.out.tfevents.1.link'));
  const board = await s.runBoard({ logDir: dir, port: 0 });
  t.after(() => board.close());
  const { runs } = await json(board.url, '/api/runs');
  assert.deepEqual(runs.map((r: s.board.RunInfo) => r.name), ['run'], 'the symlinked run outside is not listed');
  assert.equal(runs[0].error, undefined, 'the symlinked file outside is not read');
  for (const path of [
    '/app/../../package.json', '/app/..%2F..%2Fpackage.json', '/app/%2e%2e/server.js', '/..%2f..%2fetc%2fpasswd',
    `/${outside}/passwd`, '/api/histograms?run=../../etc', `/api/histograms?run=${encodeURIComponent(join(outside, 'secret'))}`,
    '/api/histograms?run=linked', '/api/image?run=run&tag=x&index=0', '/vendor/../package.json', '/app/app.ts',
  ]) {
    const r = await get(board.url, path);
    assert.ok(r.status === 404 || r.status === 400, `${path} → ${r.status}`);
    assert.doesNotMatch(r.body, /root:x|42|"name"/);
  }
  assert.equal((await get(board.url, '/', { Host: 'evil.example:80' })).status, 403, 'a DNS-rebinding Host is refused');
  assert.equal((await get(board.url, '/', { Host: `localhost:${new URL(board.url).port}` })).status, 200);
  assert.equal((await get(board.url, '/api/runs', {}, 'POST')).status, 405);
  await assert.rejects(s.runBoard({ logDir: join(dir, 'missing') }), /the log directory '.*missing' does not exist/);
});

test('a corrupt event file marks its run with an error and leaves the other runs intact', async (t) => {
  const dir = tmp();
  writeRun(join(dir, 'good'), [3, 2, 1]);
  writeRun(join(dir, 'bad'), [9, 8]);
  const badFile = join(dir, 'bad', readdirSync(join(dir, 'bad'))[0]!);
  const bytes = readFileSync(badFile);
  bytes[bytes.length - 3]! ^= 0xff;
  writeFileSync(badFile, bytes);
  mkdirSync(join(dir, 'junk'));
  writeFileSync(join(dir, 'junk', 'events.out.tfevents.123.host'), 'not a tfrecord file, just some text that is long enough');
  const board = await s.runBoard({ logDir: dir, port: 0 });
  t.after(() => board.close());
  const { runs } = await json(board.url, '/api/runs');
  const byName = Object.fromEntries(runs.map((r: s.board.RunInfo) => [r.name, r]));
  assert.match(byName.bad.error, /^bad\/events\.out\.tfevents\.[^:]+: record at byte \d+: the CRC of its \d+ data bytes does not match/);
  assert.match(byName.junk.error, /the CRC of its length does not match/);
  assert.equal(byName.good.error, undefined);
  const scalars = await json(board.url, '/api/scalars');
  assert.deepEqual(scalars.good.epoch_loss.map((p: number[]) => p[1]), [3, 2, 1]);
  assert.deepEqual(scalars.bad.epoch_loss.map((p: number[]) => p[1]), [9], 'what came before the corruption is kept');
});

test('runs are read live: values appended while the board runs appear, and a record half written waits for its end', async (t) => {
  const dir = tmp();
  const board = await s.runBoard({ logDir: dir, port: 0 });
  t.after(() => board.close());
  assert.deepEqual((await json(board.url, '/api/runs')).runs, []);
  const writer = s.createFileWriter(join(dir, 'live'));
  writer.scalar('epoch_loss', 0.75, 0);
  const first = (await json(board.url, '/api/runs')).runs[0];
  assert.deepEqual((await json(board.url, '/api/scalars')).live.epoch_loss.map((p: number[]) => p[1]), [0.75]);
  writer.scalar('epoch_loss', 0.5, 1);
  const second = (await json(board.url, '/api/runs')).runs[0];
  assert.ok(second.version > first.version);
  assert.deepEqual((await json(board.url, '/api/scalars')).live.epoch_loss.map((p: number[]) => p[1]), [0.75, 0.5]);
  writer.close();
  // A second file in the run, written in two halves as a slow writer would.
  const before = readdirSync(join(dir, 'live'));
  s.createFileWriter(join(dir, 'live')).close();
  const file = join(dir, 'live', readdirSync(join(dir, 'live')).find((f) => !before.includes(f))!);
  const record = s.board.encodeRecord(new Uint8Array([0x09, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0x10, 0x02, 0x2a, 0x0a, 0x0a, 0x08, 0x0a, 0x01, 0x78, 0x15, 0, 0, 0x80, 0x3e]));
  appendFileSync(file, record.subarray(0, 10));
  const half = (await json(board.url, '/api/runs')).runs[0];
  assert.equal(half.error, undefined);
  assert.equal((await json(board.url, '/api/scalars')).live.x, undefined);
  appendFileSync(file, record.subarray(10));
  // wall time 1, step 2, summary { value { tag "x" simple_value 0.25 } }
  assert.deepEqual((await json(board.url, '/api/scalars')).live.x, [[2, 0.25, 1]]);
  assert.equal((await json(board.url, '/api/runs')).runs[0].error, undefined);
});
