/**
 * Downloads, against an HTTP server on 127.0.0.1 that the test starts: verified files, Keras-style
 * progress, checksum mismatches, interrupted responses (no half file left), HTTP errors, and
 * Fashion-MNIST fetched end to end with the checksums Strata records.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as s from '../../../src/node/index.js';
import { startServer, syntheticNpz, type TestServer } from '../../helpers/dataset-files.js';
import { FASHION_MNIST, missing } from '../../helpers/system-packages.js';

const { downloadFile, ImageDataset } = s.datasets;
const tmp = (): string => mkdtempSync(join(tmpdir(), 'strata-download-'));
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** 200 KB of varied bytes, sent in several chunks. */
const PAYLOAD = Buffer.from(Uint8Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 251));
const EXPECTED = { size: PAYLOAD.length, sha256: sha256(PAYLOAD) };
/** The payload with one byte flipped: right size, wrong checksum. */
const DAMAGED = Buffer.from(PAYLOAD);
DAMAGED[1234]! ^= 0xff;
const NPZ = Buffer.from(syntheticNpz(5, 2));

const DEBIAN = FASHION_MNIST.paths[0]!;
/**
 * The original Fashion-MNIST files, rebuilt from Debian's: the package keeps each file's
 * compressed data and drops the name and date from its gzip header. Putting back the header the
 * originals have (flag FNAME, their modification time, the file name) gives the exact files
 * Keras's mirror serves, whose sizes and SHA-256 Strata records.
 */
function originalFashionFile(name: string): Buffer {
  const debian = readFileSync(join(DEBIAN, name));
  const header = Buffer.alloc(10);
  header.set([0x1f, 0x8b, 0x08, 0x08]);
  header.writeUInt32LE(name.startsWith('train') ? 1504176606 : 1504176627, 4);
  header.set([0x00, 0x03], 8);
  return Buffer.concat([header, Buffer.from(`${name.slice(0, -3)}\0`, 'latin1'), debian.subarray(10)]);
}

let server: TestServer;
before(async () => {
  server = await startServer((req, res) => {
    const [, route, file] = (req.url ?? '').split('/');
    if (route === 'ok') {
      res.writeHead(200, { 'content-length': PAYLOAD.length });
      // Several writes, so that progress has several steps to show.
      for (let i = 0; i < PAYLOAD.length; i += 50_000) res.write(PAYLOAD.subarray(i, i + 50_000));
      res.end();
    } else if (route === 'bad') {
      res.writeHead(200, { 'content-length': DAMAGED.length }).end(DAMAGED);
    } else if (route === 'short') {
      res.writeHead(200, { 'content-length': 1000 }).end(PAYLOAD.subarray(0, 1000));
    } else if (route === 'cut') {
      res.writeHead(200, { 'content-length': PAYLOAD.length });
      res.write(PAYLOAD.subarray(0, 70_000), () => res.socket?.destroy());
    } else if (route === 'moved') {
      res.writeHead(302, { location: '/ok/payload' }).end();
    } else if (route === 'npz' && file === 'mnist.npz') {
      res.writeHead(200, { 'content-length': NPZ.length }).end(NPZ);
    } else if (route === 'fashion' && file && existsSync(join(DEBIAN, file))) {
      const bytes = originalFashionFile(file);
      res.writeHead(200, { 'content-length': bytes.length }).end(bytes);
    } else {
      res.writeHead(404).end('not found');
    }
  });
});
after(() => server.close());

/** A display that records what it is asked to draw. */
function recorder(interactive: boolean): s.ProgressDisplay & { events: string[] } {
  const events: string[] = [];
  return {
    interactive,
    events,
    line: (t) => void events.push(`line ${t}`),
    start: (total) => void events.push(`start ${total}`),
    update: (step, suffix) => void events.push(`update ${step} ${suffix}`),
    stop: (step, suffix) => void events.push(`stop ${step} ${suffix}`),
  };
}

test('a verified download lands under its name, with Keras-style progress and no temporary file left', async () => {
  const dir = tmp();
  const dest = join(dir, 'sub', 'payload.bin');
  const display = recorder(true);
  await downloadFile(`${server.url}ok/payload`, dest, EXPECTED, { display });
  assert.deepEqual(readFileSync(dest), PAYLOAD);
  assert.deepEqual(readdirSync(join(dir, 'sub')), ['payload.bin']);
  assert.equal(display.events[0], `line Downloading data from ${server.url}ok/payload`);
  assert.equal(display.events[1], `start ${PAYLOAD.length}`);
  const steps = display.events.filter((e) => e.startsWith('update')).map((e) => Number(e.split(' ')[1]));
  assert.ok(steps.length >= 2, `several updates: ${steps}`);
  assert.deepEqual(steps, [...steps].sort((a, b) => a - b), 'the byte count only grows');
  assert.equal(steps[steps.length - 1], PAYLOAD.length);
  assert.match(display.events[display.events.length - 1]!, new RegExp(`^stop ${PAYLOAD.length} \\d+s \\d+(us|ms|s)/step$`));

  // Off a terminal, one summary line as Keras's non-interactive bar prints.
  const plain = recorder(false);
  await downloadFile(`${server.url}moved/x`, join(dir, 'again.bin'), EXPECTED, { display: plain });
  assert.equal(plain.events.length, 2);
  assert.match(plain.events[1]!, new RegExp(`^line ${PAYLOAD.length}/${PAYLOAD.length} - \\d+s - \\d+(us|ms|s)/step$`));
  assert.deepEqual(readFileSync(join(dir, 'again.bin')), PAYLOAD, 'the redirect was followed');
});

test('a checksum mismatch, a short file, an interrupted response or an HTTP error leave nothing behind', async () => {
  const dir = tmp();
  const dest = join(dir, 'payload.bin');
  await assert.rejects(downloadFile(`${server.url}bad/payload`, dest, EXPECTED), (e: unknown) =>
    e instanceof s.ValueError && e.message.includes(`the SHA-256 checksum is ${sha256(DAMAGED)}, expected ${EXPECTED.sha256}`) && /was not kept/.test(e.message));
  await assert.rejects(downloadFile(`${server.url}short/payload`, dest, EXPECTED), new RegExp(`expected ${PAYLOAD.length} bytes, got 1000; the file was not kept`));
  await assert.rejects(downloadFile(`${server.url}cut/payload`, dest, EXPECTED), /the download was interrupted/);
  await assert.rejects(downloadFile(`${server.url}missing`, dest, EXPECTED), /the server answered HTTP 404/);
  await assert.rejects(downloadFile('ftp://127.0.0.1/x', dest, EXPECTED), /only http and https URLs can be downloaded/);
  assert.deepEqual(readdirSync(dir), [], 'no file and no partial file');
});

test('temporary files of an earlier, killed download are cleaned up', async () => {
  const dir = tmp();
  writeFileSync(join(dir, '.payload.bin.4242.1700000000000.part'), 'half');
  writeFileSync(join(dir, 'other.txt'), 'kept');
  await downloadFile(`${server.url}ok/payload`, join(dir, 'payload.bin'), EXPECTED);
  assert.deepEqual(readdirSync(dir).sort(), ['other.txt', 'payload.bin']);
});

test('loadData downloads into the cache once, then reads the cache', async () => {
  const cacheDir = tmp();
  const tiny = new ImageDataset({ name: 'tiny', title: 'Tiny', classNames: ['a'], npz: 'mnist.npz', remote: { 'mnist.npz': { size: NPZ.length, sha256: sha256(NPZ) } } });
  const display = recorder(false);
  const args = { cacheDir, systemDir: tmp(), baseUrl: `${server.url}npz`, display };
  const [[x, y]] = await tiny.loadData(args);
  assert.deepEqual([x.shape, y.shape], [[5, 28, 28], [5]]);
  assert.deepEqual(readdirSync(join(cacheDir, 'datasets', 'tiny')), ['mnist.npz']);
  assert.equal(display.events[0], `line Downloading data from ${server.url}npz/mnist.npz`);
  const asked = server.requests.length;
  await tiny.loadData(args);
  assert.equal(server.requests.length, asked, 'the second load does not download');
});

test('a failed download says so, with the ways to get the data set without it', async () => {
  const args = { cacheDir: tmp(), systemDir: tmp(), baseUrl: `${server.url}nothing-here/`, verbose: false };
  await assert.rejects(s.datasets.fashionMnist.loadData(args), (e: unknown) => {
    assert.ok(e instanceof s.NotFoundError);
    assert.match(e.message, /^Fashion-MNIST was not found \(looked in .*\) and the download failed: http:\/\/127\.0\.0\.1:\d+\/nothing-here\/train-labels-idx1-ubyte\.gz: the server answered HTTP 404/);
    assert.match(e.message, /To fix: install the package: apt-get install dataset-fashion-mnist; or put .* --data-dir DIR/);
    return true;
  });
  assert.deepEqual(readdirSync(join(args.cacheDir, 'datasets', 'fashion-mnist')), []);
});

test('Fashion-MNIST downloads end to end and matches the recorded sizes and SHA-256 of the originals', { skip: missing(FASHION_MNIST) }, async () => {
  const cacheDir = tmp();
  const [[x, y], [xt, yt]] = await s.datasets.fashionMnist.loadData({ cacheDir, systemDir: tmp(), baseUrl: `${server.url}fashion`, verbose: false });
  assert.deepEqual([x.shape, y.shape, xt.shape, yt.shape], [[60000, 28, 28], [60000], [10000, 28, 28], [10000]]);
  const dir = join(cacheDir, 'datasets', 'fashion-mnist');
  assert.deepEqual(readdirSync(dir).sort(), ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz', 'train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz']);
  assert.equal(readFileSync(join(dir, 'train-images-idx3-ubyte.gz')).length, 26421880);
  s.dispose([x, y, xt, yt]);
});
