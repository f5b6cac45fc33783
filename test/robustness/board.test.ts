/**
 * Strata Board under faults: event files read incrementally in fixed-size chunks (live appends,
 * records cut at chunk ends, offsets past 4 GiB), memory bounded on a large file, a corrupt file
 * marking only its run, symbolic-link loops followed once, and the CLI's one-line errors.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs, { appendFileSync, closeSync, mkdirSync, mkdtempSync, openSync, readSync, readdirSync, rmSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { test } from 'node:test';
import * as s from '../../src/node/index.js';
import { encodeEvent, type EventMessage } from '../../src/board/tf-protos.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const tmp = (): string => mkdtempSync(join(tmpdir(), 'strata-board-robust-'));
const { EventFileTail, RunData, encodeRecord, EVENT_CHUNK_BYTES } = s.board;

/** One framed record holding `event`. */
const record = (event: EventMessage): Uint8Array => encodeRecord(encodeEvent(event));
const scalarEvent = (tag: string, step: number, value: number): EventMessage => ({ wallTime: step, step, summary: { value: [{ tag, simpleValue: value }] } });
const imageEvent = (tag: string, step: number, bytes: number): EventMessage => ({
  wallTime: step,
  step,
  summary: { value: [{ tag, image: { width: 1, height: 1, colorspace: 1, encodedImageString: new Uint8Array(bytes).fill(step & 0xff) } }] },
});
const concat = (parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

function get(url: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function json(url: string, path: string): Promise<any> {
  const r = await get(url, path);
  assert.equal(r.status, 200, `${path}: ${r.body}`);
  return JSON.parse(r.body);
}

/** Follows in-memory `bytes` as a file, `chunkBytes` at a time, to the end. */
function followAll(run: s.board.RunData, bytes: Uint8Array, chunkBytes: number, start = 0): s.board.EventFileTail {
  const tail = new EventFileTail('f', run, { chunkBytes, start });
  const readAt = (into: Uint8Array, position: number): number => {
    const piece = bytes.subarray(position, position + into.length);
    into.set(piece);
    return piece.length;
  };
  while (tail.follow(readAt, bytes.length, chunkBytes)) {}
  return tail;
}

test('records cut anywhere by the chunk ends are read whole; a record larger than a chunk is read in one piece', () => {
  const file = concat([...Array.from({ length: 50 }, (_, i) => record(scalarEvent('loss', i, i / 2))), record(imageEvent('big', 7, 5000)), record(scalarEvent('loss', 50, 25))]);
  for (const chunk of [13, 64, 100, 1000, 4096, EVENT_CHUNK_BYTES]) {
    const run = new RunData('r');
    const tail = followAll(run, file, chunk);
    assert.equal(run.error, undefined, `chunk ${chunk}`);
    assert.equal(tail.offset, file.length);
    assert.deepEqual(run.scalars.get('loss')!.items.map((p) => p[1]), Array.from({ length: 51 }, (_, i) => i / 2));
    assert.equal(run.images.get('big')!.items[0]!.encoded[0]!.length, 5000);
  }
});

test('a live file: records appended while the board serves appear, and a record half written is not corruption', async (t) => {
  const dir = tmp();
  mkdirSync(join(dir, 'live'));
  const file = join(dir, 'live', 'events.out.tfevents.1.host');
  writeFileSync(file, record(scalarEvent('loss', 0, 1)));
  const board = await s.runBoard({ logDir: dir, port: 0 });
  t.after(() => board.close());
  const values = async (): Promise<number[]> => (await json(board.url, '/api/scalars')).live.loss.map((p: number[]) => p[1]);
  assert.deepEqual(await values(), [1]);
  const next = record(scalarEvent('loss', 1, 0.5));
  // The writer writes the record in pieces: inside the length, inside the data, all but its last byte.
  let written = 0;
  for (const end of [3, 12, next.length - 1]) {
    appendFileSync(file, next.subarray(written, end));
    written = end;
    assert.deepEqual(await values(), [1]);
    assert.equal((await json(board.url, '/api/runs')).runs[0].error, undefined);
  }
  appendFileSync(file, concat([next.subarray(written), record(scalarEvent('loss', 2, 0.25))]));
  assert.deepEqual(await values(), [1, 0.5, 0.25]);
  assert.equal((await json(board.url, '/api/runs')).runs[0].error, undefined);
});

test('a file larger than a slice is read slice by slice, in the background between requests, to its last record', async (t) => {
  const dir = tmp();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'big'));
  // 400 images of 64 KiB: about 26 MiB, more than three slices of 8 MiB.
  writeFileSync(join(dir, 'big', 'events.out.tfevents.1.host'), concat(Array.from({ length: 400 }, (_, i) => record(imageEvent('img', i, 65536)))));
  const board = await s.runBoard({ logDir: dir, port: 0 });
  t.after(() => board.close());
  let last = -1;
  for (let poll = 0; poll < 200 && last < 399; poll++) {
    const images = await json(board.url, '/api/images?run=big');
    last = images.img.at(-1).step;
    if (last < 399) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.equal(last, 399);
  assert.equal((await json(board.url, '/api/runs')).runs[0].error, undefined);
});

test('offsets past 2^32 (a sparse file of 4 GiB and more): records are read there and errors name the right byte', (t) => {
  const dir = tmp();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'events.out.tfevents.sparse');
  const start = 2 ** 32 + 5;
  const records = concat([record(scalarEvent('loss', 1, 0.5)), record(scalarEvent('loss', 2, 0.25))]);
  const corrupt = record(scalarEvent('loss', 3, 0.125));
  corrupt[corrupt.length - 1]! ^= 1;
  const fd = openSync(file, 'w+');
  t.after(() => closeSync(fd));
  try {
    // A hole of 4 GiB costs no disk on file systems with sparse files; a file system without them is skipped.
    writeSync(fd, concat([records, corrupt]), 0, records.length + corrupt.length, start);
  } catch (e) {
    t.skip(`the temporary directory cannot hold a sparse file of 4 GiB (${(e as Error).message})`);
    return;
  }
  const size = start + records.length + corrupt.length;
  assert.equal(fs.fstatSync(fd).size, size);
  const run = new RunData('sparse');
  const tail = new EventFileTail('f', run, { start, chunkBytes: 20 });
  const positions: number[] = [];
  tail.follow((into, position) => {
    positions.push(position);
    return readSync(fd, into, 0, into.length, position);
  }, size);
  assert.deepEqual(run.scalars.get('loss')!.items.map((p) => [p[0], p[1]]), [[1, 0.5], [2, 0.25]]);
  assert.ok(positions.every((p) => p >= start) && positions.length > 3);
  assert.equal(tail.offset, start + records.length);
  assert.equal(run.error, `f: record at byte ${start + records.length}: the CRC of its ${corrupt.length - 16} data bytes does not match (the file is corrupt)`);
});

test('memory stays bounded reading a 200 MiB file: fixed-size reads, and each tag keeps a sample (10 images, 1000 scalars)', (t) => {
  const dir = tmp();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'big'));
  const file = join(dir, 'big', 'events.out.tfevents.1.host');
  // 1,000 images of 64 KiB and 1,000 scalars, written 4 times over, plus one image of 3 MiB (more than a chunk).
  const block = concat(Array.from({ length: 1000 }, (_, i) => concat([record(imageEvent('img', i, 65536)), record(scalarEvent('loss', i, i))])));
  const large = record(imageEvent('large', 0, 3 << 20));
  const fd = openSync(file, 'w');
  for (let i = 0; i < 4; i++) writeSync(fd, block);
  writeSync(fd, large);
  closeSync(fd);
  const size = 4 * block.length + large.length;
  assert.ok(size > 200 * 2 ** 20);

  // Every read the board makes is seen: none may be larger than a chunk, but for the one large record.
  const lengths: number[] = [];
  const original = fs.readSync;
  fs.readSync = ((fd: number, buffer: NodeJS.ArrayBufferView, ...rest: any[]) => {
    lengths.push(typeof rest[1] === 'number' ? rest[1] : buffer.byteLength);
    return (original as any)(fd, buffer, ...rest);
  }) as typeof fs.readSync;
  syncBuiltinESMExports();
  t.after(() => {
    fs.readSync = original;
    syncBuiltinESMExports();
  });
  const peakBefore = process.resourceUsage().maxRSS * 1024;
  const logs = new s.LogDirectory(dir);
  logs.refresh();
  const peakAdded = process.resourceUsage().maxRSS * 1024 - peakBefore;
  fs.readSync = original;
  syncBuiltinESMExports();

  const run = logs.get('big')!;
  assert.equal(run.error, undefined);
  assert.equal(lengths.reduce((a, b) => a + b, 0) >= size, true);
  assert.deepEqual(lengths.filter((n) => n > EVENT_CHUNK_BYTES), [large.length], 'reads are chunk-sized, the one large record whole');
  const img = run.images.get('img')!;
  assert.deepEqual([img.seen, img.items.length], [4000, 10]);
  assert.equal(img.items.at(-1)!.step, 999, 'the latest image is kept');
  const loss = run.scalars.get('loss')!;
  assert.deepEqual([loss.seen, loss.items.length], [4000, 1000]);
  assert.equal(loss.items.at(-1)![1], 999);
  assert.equal(run.images.get('large')!.items[0]!.encoded[0]!.length, 3 << 20);
  // Reading the file whole would add at least its 200 MiB; reading by chunks adds a few of them.
  assert.ok(peakAdded < 100 * 2 ** 20, `peak memory grew by ${(peakAdded / 2 ** 20).toFixed(0)} MiB`);
});

test('what a run keeps does not grow with its file: 400,000 scalars leave 1,000 in memory', () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const block = concat(Array.from({ length: 1000 }, (_, i) => record(scalarEvent('batch_loss', i, i))));
  const run = new RunData('r');
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 400; i++) {
    const result = run.feed('f', block, i * block.length);
    assert.equal(result.consumed, block.length);
  }
  gc();
  const retained = process.memoryUsage().heapUsed - before;
  const kept = run.scalars.get('batch_loss')!;
  assert.deepEqual([kept.seen, kept.items.length], [400_000, 1000]);
  // 400,000 points kept would take over 20 MB of heap; the sample takes about 100 KB.
  assert.ok(retained < 4 * 2 ** 20, `retained ${(retained / 2 ** 20).toFixed(1)} MiB`);
  const steps = kept.items.map((p) => p[0]);
  assert.equal(new Set(kept.items).size, 1000);
  assert.ok(steps.filter((step, i) => i > 0 && step < steps[i - 1]!).length < 450, 'the sample spans the 400 repetitions');
});

test('the sample keeps order and the latest item, is the same on every read, and its sizes are options', () => {
  const a = new s.board.Reservoir<number>(10);
  const b = new s.board.Reservoir<number>(10);
  for (let i = 0; i < 10_000; i++) {
    a.add(i);
    b.add(i);
  }
  assert.equal(a.items.length, 10);
  assert.deepEqual(a.items, [...a.items].sort((x, y) => x - y));
  assert.equal(a.items.at(-1), 9999);
  assert.deepEqual(a.items, b.items);
  assert.ok(a.items[0]! < 5000, 'early items stay in the sample');
  const run = new RunData('r', { scalars: 3 });
  run.feed('f', concat(Array.from({ length: 20 }, (_, i) => record(scalarEvent('x', i, i)))));
  assert.equal(run.scalars.get('x')!.items.length, 3);
  assert.throws(() => new RunData('r', { scalars: 0 }), (e) => e instanceof s.ValueError && /RunData: samples.scalars must be a positive integer, got 0/.test(e.message));
  assert.throws(() => new s.LogDirectory(tmp(), { samples: { scalar: 5 } as never }), (e) => e instanceof s.UnknownOptionError && /LogDirectory: samples: unknown option 'scalar' \(did you mean 'scalars'\?\)/.test(e.message));
});

test('a corrupt file marks only its run: CRC mismatch, a record cut in the middle, garbage, a length over the cap; the API stays 200', async (t) => {
  const dir = tmp();
  const first = record(scalarEvent('loss', 0, 3));
  const second = record(scalarEvent('loss', 1, 2));
  const good = concat([first, second]);
  const write = (run: string, bytes: Uint8Array): void => {
    mkdirSync(join(dir, run));
    writeFileSync(join(dir, run, 'events.out.tfevents.1.host'), bytes);
  };
  write('good', good);
  const flipped = good.slice();
  flipped[good.length - 2]! ^= 0x10;
  write('crc', flipped);
  // The first record's last 5 bytes are gone: the second record's bytes are read as its end.
  write('cut', concat([first.subarray(0, first.length - 5), second, record(scalarEvent('loss', 2, 1))]));
  write('garbage', new TextEncoder().encode('this is a text file, not TFRecords, and it is long enough'));
  const huge = new Uint8Array(12);
  new DataView(huge.buffer).setUint32(0, 2 ** 31 + 1, true);
  new DataView(huge.buffer).setUint32(8, s.board.maskedCrc32c(huge.subarray(0, 8)), true);
  write('huge', concat([good, huge]));
  // A record with valid CRCs whose data is not an Event.
  write('notevent', concat([good, encodeRecord(new Uint8Array([0x0a, 0xff, 0xff, 0xff]))]));

  const board = await s.runBoard({ logDir: dir, port: 0 });
  t.after(() => board.close());
  const { runs } = await json(board.url, '/api/runs');
  const error = Object.fromEntries(runs.map((r: s.board.RunInfo) => [r.name, r.error]));
  const name = 'events.out.tfevents.1.host';
  assert.equal(error.good, undefined);
  assert.equal(error.crc, `crc/${name}: record at byte ${first.length}: the CRC of its ${second.length - 16} data bytes does not match (the file is corrupt)`);
  assert.match(error.cut, /^cut\/events\.out\.tfevents\.1\.host: record at byte 0: the CRC of its \d+ data bytes does not match/);
  assert.match(error.garbage, /^garbage\/.*: record at byte 0: the CRC of its length does not match \(the file is corrupt or not a TensorFlow event file\)/);
  assert.match(error.huge, new RegExp(`^huge/.*: record at byte ${good.length} declares its data as: 2,147,483,649 bytes, more than the cap maxTensorBytes = 2,147,483,648 bytes\\. .*limits: \\{ maxTensorBytes`));
  assert.match(error.notevent, new RegExp(`^notevent/.*: record at byte ${good.length} is not a valid Event \\(`));
  const scalars = await json(board.url, '/api/scalars');
  assert.deepEqual(scalars.good.loss.map((p: number[]) => p[1]), [3, 2]);
  assert.deepEqual(scalars.crc.loss.map((p: number[]) => p[1]), [3], 'what came before the damage is kept');
  assert.deepEqual(scalars.huge.loss.map((p: number[]) => p[1]), [3, 2]);
  for (const run of ['good', 'crc', 'cut', 'garbage', 'huge', 'notevent']) assert.equal((await get(board.url, `/api/histograms?run=${run}`)).status, 200);
  // A corrupt file is not read again: appending good records to it changes nothing, and the other runs still update.
  appendFileSync(join(dir, 'crc', name), good);
  appendFileSync(join(dir, 'good', name), record(scalarEvent('loss', 2, 1)));
  const after = await json(board.url, '/api/scalars');
  assert.deepEqual(after.crc.loss.map((p: number[]) => p[1]), [3]);
  assert.deepEqual(after.good.loss.map((p: number[]) => p[1]), [3, 2, 1]);
  // A file that gets shorter than what was read (replaced or truncated) is an error of its run too.
  writeFileSync(join(dir, 'good', name), good.subarray(0, 10));
  assert.match((await json(board.url, '/api/runs')).runs.find((r: s.board.RunInfo) => r.name === 'good').error, /good\/.*: the file shrank to 10 bytes, below the \d+ already read/);
});

test('symbolic-link loops and second names in the log directory are followed once: each run and file appears once', async (t) => {
  const dir = tmp();
  mkdirSync(join(dir, 'exp', 'train'), { recursive: true });
  writeFileSync(join(dir, 'exp', 'train', 'events.out.tfevents.1.host'), concat([record(scalarEvent('loss', 0, 1)), record(scalarEvent('loss', 1, 0.5))]));
  symlinkSync(join(dir, 'exp'), join(dir, 'exp', 'train', 'loop'));
  symlinkSync('..', join(dir, 'exp', 'up'));
  symlinkSync(join(dir, 'exp', 'train'), join(dir, 'alias'));
  symlinkSync(join(dir, 'exp', 'train', 'events.out.tfevents.1.host'), join(dir, 'exp', 'events.out.tfevents.2.link'));
  // A link to a directory not otherwise reached (hidden) is followed, once.
  mkdirSync(join(dir, '.hidden'));
  writeFileSync(join(dir, '.hidden', 'events.out.tfevents.1.host'), record(scalarEvent('acc', 0, 0.75)));
  symlinkSync(join(dir, '.hidden'), join(dir, 'shown'));
  symlinkSync(join(dir, '.hidden'), join(dir, 'shown-again'));
  const board = await s.runBoard({ logDir: dir, port: 0 });
  t.after(() => board.close());
  const { runs } = await json(board.url, '/api/runs');
  assert.deepEqual(runs.map((r: s.board.RunInfo) => [r.name, r.error]), [['exp/train', undefined], ['shown', undefined]]);
  const scalars = await json(board.url, '/api/scalars');
  assert.deepEqual(scalars['exp/train'].loss.map((p: number[]) => p[1]), [1, 0.5], 'the file is read once, not once a name');
  assert.deepEqual(scalars.shown.acc.map((p: number[]) => p[1]), [0.75]);
});

/** Runs the compiled `strata` with `args`; resolves with its exit status and output. */
function strata(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function failsWithOneLine(r: { code: number | null; stderr: string }, pattern: RegExp): void {
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stderr.trimEnd().split('\n').length, 1, `one line: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.match(r.stderr.trimEnd(), pattern);
}

test('strata board: a port in use, a missing log directory and a file instead of one each give one line on stderr and exit 1', async (t) => {
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  t.after(() => busy.close());
  const port = (busy.address() as { port: number }).port;
  const dir = tmp();
  failsWithOneLine(await strata(['board', '--logdir', dir, '--port', String(port)]), new RegExp(`^strata: error: strata board: port ${port} is in use on 127\\.0\\.0\\.1; try --port 0 \\(any free port\\) or another port\\.$`));
  failsWithOneLine(await strata(['board', '--logdir', join(dir, 'missing')]), /^strata: error: strata board: the log directory '.*missing' does not exist\. Train with/);
  writeFileSync(join(dir, 'file'), 'x');
  failsWithOneLine(await strata(['board', '--logdir', join(dir, 'file')]), /^strata: error: strata board: '.*file' is not a directory: pass the log directory holding the runs/);
  await assert.rejects(s.runBoard({ logDir: dir, port }), (e) => e instanceof s.ValueError && /port \d+ is in use/.test(e.message));
});

test('the options objects of runBoard, LogDirectory and plotRun refuse unknown keys', async () => {
  const dir = tmp();
  await assert.rejects(s.runBoard({ logdir: dir } as never), (e) => e instanceof s.UnknownOptionError && /^runBoard: unknown option 'logdir' \(did you mean 'logDir'\?\)\. Known options: logDir, host, port, samples, limits\.$/.test(e.message));
  assert.throws(() => new s.LogDirectory(dir, { limit: {} } as never), (e) => e instanceof s.UnknownOptionError && /^LogDirectory: unknown option 'limit' \(did you mean 'limits'\?\)/.test(e.message));
  assert.throws(() => new s.LogDirectory(dir, { limits: { maxTensorByte: 1 } } as never), (e) => e instanceof s.UnknownOptionError && /LogDirectory: limits: unknown option 'maxTensorByte'/.test(e.message));
  await assert.rejects(s.plotRun({ run: dir, out: join(dir, 'a.svg'), metrics: 'loss' } as never), (e) => e instanceof s.UnknownOptionError && /^plotRun: unknown option 'metrics' \(did you mean 'metric'\?\)/.test(e.message));
  // A lower cap for one directory applies to its records.
  mkdirSync(join(dir, 'r'));
  writeFileSync(join(dir, 'r', 'events.out.tfevents.1'), record(imageEvent('img', 0, 1000)));
  const logs = new s.LogDirectory(dir, { limits: { maxTensorBytes: 100 } });
  logs.refresh();
  assert.match(logs.get('r')!.error!, /record at byte 0 declares its data as: 1,\d{3} bytes, more than the cap maxTensorBytes = 100 bytes/);
  assert.deepEqual(readdirSync(dir).sort(), ['r']);
});
