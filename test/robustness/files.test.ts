/**
 * Files and sizes (issue 12): special files and oversized files are refused before reading,
 * hostile headers before allocating, a flipped bit in a model file is detected, and saving keeps
 * modes and links, never leaves temporary files, and names a full disk.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { deflateRawSync, gzipSync } from 'node:zlib';
import CRC32C from 'crc-32/crc32c.js';
import { encode } from 'fast-png';
import { decodeGrayImage, readPng } from '../../src/cli/image.js';
import { resolveLimits } from '../../src/core/limits.js';
import { gunzipBounded } from '../../src/datasets/node/gunzip.js';
import { decodeArtifacts, encodeArtifacts, type Artifacts } from '../../src/io/format.js';
import { readFileBytes, writeFileAtomic } from '../../src/io/node/atomic-file.js';
import * as s from '../../src/node/index.js';
import { idxBytes, npyBytes, zipBytes } from '../helpers/dataset-files.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'strata-files-'));
const MiB = 2 ** 20;
const posix = process.platform !== 'win32';

/** Runs `fn` and returns how much memory it added at its peak (RSS) or still holds in array buffers. */
function memoryAdded(fn: () => void): number {
  const rss = process.resourceUsage().maxRSS * 1024;
  const held = process.memoryUsage().arrayBuffers;
  fn();
  return Math.max(process.resourceUsage().maxRSS * 1024 - rss, process.memoryUsage().arrayBuffers - held);
}

/** Asserts that `fn` throws an instance of `type` whose message matches every pattern. */
function throwsWith(fn: () => unknown, type: new (...args: never[]) => Error, ...patterns: RegExp[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof type, `expected ${type.name}, got ${String(e)}`);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

// ---- reading: special files and caps --------------------------------------------------------

test('/dev/zero is refused as a character device, before a byte is read', { skip: !existsSync('/dev/zero') && 'no /dev/zero on this system', timeout: 10_000 }, () => {
  throwsWith(() => readFileBytes('/dev/zero'), s.ValueError, /^cannot load '\/dev\/zero': it is a character device, not a regular file\.$/);
  throwsWith(() => s.datasets.readIdxFile('/dev/zero'), s.ValueError, /'\/dev\/zero': it is a character device/);
});

test('a FIFO is refused at once, without waiting for a writer', { skip: !posix && 'no FIFOs on Windows', timeout: 10_000 }, () => {
  const path = join(tmp(), 'pipe');
  execFileSync('mkfifo', [path]);
  throwsWith(() => readFileBytes(path), s.ValueError, /cannot load '.*pipe': it is a FIFO \(named pipe\), not a regular file\./);
});

test('a directory and a socket are refused, naming what they are', { skip: !posix && 'no Unix sockets on Windows', timeout: 10_000 }, async () => {
  const dir = tmp();
  throwsWith(() => readFileBytes(dir), s.ValueError, /it is a directory, not a regular file/);
  const path = join(dir, 'sock');
  const server = createServer();
  await new Promise<void>((done) => server.listen(path, done));
  try {
    throwsWith(() => readFileBytes(path), s.ValueError, /cannot load '.*sock': it is a socket, not a regular file/);
  } finally {
    server.close();
  }
});

test('a file over maxFileBytes is refused before reading, naming the cap and the option', () => {
  const path = join(tmp(), 'big.idx');
  writeFileSync(path, idxBytes([100], new Uint8Array(100)));
  const cap = [/big\.idx': its size: 108 bytes, more than the cap maxFileBytes = 100 bytes/, /\{ limits: \{ maxFileBytes: \.\.\. \} \}/, /setLimits\(\{ maxFileBytes/];
  throwsWith(() => readFileBytes(path, resolveLimits({ maxFileBytes: 100 }, 'test')), s.LimitError, ...cap);
  throwsWith(() => s.datasets.readIdxFile(path, { limits: { maxFileBytes: 100 } }), s.LimitError, ...cap);
  assert.deepEqual(s.datasets.readIdxFile(path, { limits: { maxFileBytes: 108 } }).shape, [100]);
  const previous = s.setLimits({ maxFileBytes: 100 });
  try {
    throwsWith(() => s.datasets.readIdxFile(path), s.LimitError, ...cap);
  } finally {
    s.setLimits(previous);
  }
  throwsWith(() => s.datasets.readIdxFile(path, { limits: { maxFileByte: 1 } } as never), s.UnknownOptionError, /did you mean 'maxFileBytes'/);
});

// ---- decoders: declared sizes checked before allocating ---------------------------------------

test('a gzip bomb inside an IDX file stops at the size the IDX header declares', () => {
  const dir = tmp();
  // 64 MiB of zeros behind a header that declares 1000 bytes: 64 KiB on disk.
  const bomb = join(dir, 'bomb.idx.gz');
  writeFileSync(bomb, gzipSync(Buffer.concat([idxBytes([1000], new Uint8Array(0)), Buffer.alloc(64 * MiB)])));
  const added = memoryAdded(() =>
    throwsWith(() => s.datasets.readIdxFile(bomb), s.ValueError, /bomb\.idx\.gz: cannot decompress this gzip file: it decompresses to more than the 1008 bytes its header declares/),
  );
  assert.ok(added < 16 * MiB, `the bomb added ${added} bytes`);
  // A header that declares more than the cap, or more than the compressed bytes could hold, is refused before decompressing.
  const huge = join(dir, 'huge.idx.gz');
  writeFileSync(huge, gzipSync(idxBytes([60000, 60000, 28], new Uint8Array(10))));
  throwsWith(() => s.datasets.readIdxFile(huge), s.LimitError, /huge\.idx\.gz: its IDX header declares shape \[60000,60000,28\], that is: 100,800,000,000 bytes, more than the cap maxTensorBytes/);
  const liar = join(dir, 'liar.idx.gz');
  writeFileSync(liar, gzipSync(idxBytes([100_000_000], new Uint8Array(40))));
  throwsWith(() => s.datasets.readIdxFile(liar), s.ValueError, /liar\.idx\.gz: cannot decompress this gzip file: its header declares 100000008 bytes, more than \d+ bytes of gzip data can hold/);
  // Without a format header, the cap bounds the output.
  throwsWith(() => gunzipBounded(gzipSync(Buffer.alloc(4 * MiB)), 'zeros.gz', resolveLimits({ maxDecompressedBytes: MiB }, 'test')), s.LimitError,
    /zeros\.gz: the gzip data decompresses to more than 1,048,576 bytes \(the cap maxDecompressedBytes/, /\{ limits: \{ maxDecompressedBytes: \.\.\. \} \}/);
});

test('an IDX header that does not match its data is refused before the data is used', () => {
  throwsWith(() => s.parseIdx(idxBytes([3, 4], new Uint8Array(11)), 'short.idx'), s.ValueError, /short\.idx: not a valid IDX file: its header declares shape \[3,4\] \(24 bytes with the header\) but it has 23 bytes — the file is truncated/);
  throwsWith(() => s.parseIdx(idxBytes([2 ** 31, 2 ** 31], new Uint8Array(4)), 'wide.idx'), s.LimitError, /wide\.idx: its IDX header declares shape \[2147483648,2147483648\].*maxTensorBytes/);
  throwsWith(() => s.parseIdx(idxBytes([10], new Uint8Array(10)), 'x.idx', { limits: { maxTensorBytes: 5 } }), s.LimitError, /maxTensorBytes = 5 bytes/);
});

test('npz entries are checked against their declared sizes and the caps before inflating', () => {
  const npy = npyBytes([4], Uint8Array.from([1, 2, 3, 4]));
  const good = zipBytes({ 'x.npy': npy });
  assert.deepEqual([...s.datasets.readNpz(good, 'g.npz').get('x')!.data], [1, 2, 3, 4]);
  throwsWith(() => s.datasets.readNpz(good, 'g.npz', { limits: { maxDecompressedBytes: 10 } }), s.LimitError, /g\.npz: 'x\.npy' declares a decompressed size of: \d+ bytes, more than the cap maxDecompressedBytes = 10 bytes/);
  // The size in the central directory (offset 24 of its entry) set to 2 GB: it must agree with the local header's (offset 22)...
  const lying = Buffer.from(good);
  const central = lying.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  lying.writeUInt32LE(2_000_000_000, central + 24);
  throwsWith(() => s.datasets.readNpz(lying, 'l.npz'), s.ValueError, /l\.npz: not a valid \.npz \(zip\) file: the sizes of 'x\.npy' in its local header \(\d+ compressed, 132 bytes\) disagree with the directory's \(\d+, 2000000000\)/);
  // ... and, set in both, be possible for the compressed bytes.
  lying.writeUInt32LE(2_000_000_000, 22);
  throwsWith(() => s.datasets.readNpz(lying, 'l.npz'), s.ValueError, /l\.npz: not a valid \.npz \(zip\) file: 'x\.npy' declares 2000000000 bytes once decompressed, more than its \d+ compressed bytes can hold/);
  // A deflate bomb declaring a small size stops at that size.
  const bomb = Buffer.from(zipBytes({ 'x.npy': Buffer.alloc(32 * MiB) }));
  const at = bomb.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  bomb.writeUInt32LE(100, at + 24);
  bomb.writeUInt32LE(100, 22);
  const added = memoryAdded(() => throwsWith(() => s.datasets.readNpz(bomb, 'b.npz'), s.ValueError, /b\.npz: .*'x\.npy' decompresses to more than the 100 bytes it declares/));
  assert.ok(added < 16 * MiB, `the bomb added ${added} bytes`);
  assert.equal(deflateRawSync(Buffer.alloc(32 * MiB)).length < MiB, true, 'the bomb is small on disk');
});

/** A valid PNG whose header (IHDR) is rewritten to declare `width` × `height` (its CRC left stale: the check comes first). */
function pngDeclaring(width: number, height: number): Uint8Array {
  const bytes = encode({ width: 2, height: 2, data: new Uint8Array(4), channels: 1, depth: 8 });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setUint32(16, width);
  view.setUint32(20, height);
  return bytes;
}

test('a PNG declaring more pixels than the cap or than its data holds is refused before decoding', () => {
  const added = memoryAdded(() => {
    throwsWith(() => decodeGrayImage(pngDeclaring(10_000, 10_000), "'big.png'", false), s.ValueError, /cannot decode 'big\.png' as a PNG image: it declares 10000×10000 pixels \(100010000 bytes uncompressed\), more than its \d+ bytes can hold/);
    throwsWith(() => decodeGrayImage(pngDeclaring(20_000, 20_000), "'huge.png'", false), s.LimitError, /'huge\.png' declares 20000×20000 pixels, that is: 400,000,000 pixels, more than the cap maxImagePixels = 100,000,000 pixels/);
  });
  assert.ok(added < 16 * MiB, `the hostile headers added ${added} bytes`);
  const path = join(tmp(), 'photo.png');
  writeFileSync(path, encode({ width: 100, height: 50, data: new Uint8Array(5000), channels: 1, depth: 8 }));
  assert.equal(readPng(path, false).width, 100);
  throwsWith(() => readPng(path, false, resolveLimits({ maxImagePixels: 4999 }, 'test')), s.LimitError, /'.*photo\.png' declares 100×50 pixels, that is: 5,000 pixels, more than the cap maxImagePixels = 4,999/);
});

// ---- .strata integrity -------------------------------------------------------------------------

function tinyModel(): s.Sequential {
  const model = new s.Sequential({ layers: [new s.layers.Dense({ units: 3, inputShape: [4] }), new s.layers.Dense({ units: 2 })] });
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  return model;
}

/** The header of a version-2 file, and where its data section starts. */
function layout(bytes: Uint8Array): { header: { weights: { name: string; offset: number }[] }; dataStart: number } {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true);
  return { header: JSON.parse(Buffer.from(bytes.subarray(20, 20 + length)).toString()), dataStart: Math.ceil((20 + length) / 8) * 8 };
}

test('a flipped bit in a saved model is detected and the section named', async () => {
  const dir = tmp();
  const path = join(dir, 'm.strata');
  await tinyModel().save(path);
  const good = readFileSync(path);
  const { header, dataStart } = layout(good);
  const kernel = header.weights.findIndex((w) => w.name.endsWith('kernel'));
  const flipped = Buffer.from(good);
  flipped[dataStart + header.weights[kernel]!.offset + 5]! ^= 0x10;
  writeFileSync(path, flipped);
  await assert.rejects(s.loadModel(path), (e: unknown) =>
    e instanceof s.ValueError && new RegExp(`m\\.strata: cannot load: weights\\[${kernel}\\] \\('${header.weights[kernel]!.name}'\\) fails its checksum`).test(e.message));
  const inHeader = Buffer.from(good);
  inHeader[30]! ^= 0x01;
  writeFileSync(path, inHeader);
  await assert.rejects(s.loadModel(path), /m\.strata: cannot load: its header \(version, description length or description\) fails its checksum/);
  // Every single-bit flip anywhere in the file is caught.
  for (let bit = 0; bit < good.length * 8; bit += 7) {
    const copy = Buffer.from(good);
    copy[bit >> 3]! ^= 1 << (bit & 7);
    assert.throws(() => decodeArtifacts(copy, 'm.strata'), s.ValueError, `bit ${bit}`);
  }
});

/** The same artifacts in format version 1: no checksums, the description at byte 16. */
function encodeVersion1(bytes: Uint8Array): Uint8Array {
  const { header, dataStart } = layout(bytes);
  for (const table of ['weights', 'optimizerWeights'] as const) for (const e of (header as unknown as Record<string, { crc32c?: number }[]>)[table]!) delete e.crc32c;
  const json = Buffer.from(JSON.stringify(header));
  const start = Math.ceil((16 + json.length) / 8) * 8;
  const out = Buffer.alloc(start + bytes.length - dataStart);
  out.set(bytes.subarray(0, 8));
  out.writeUInt32LE(1, 8);
  out.writeUInt32LE(json.length, 12);
  out.set(json, 16);
  out.set(bytes.subarray(dataStart), start);
  return out;
}

test('a version-1 file (without checksums) still loads, with the same predictions', async () => {
  const dir = tmp();
  const model = tinyModel();
  await model.save(join(dir, 'v2.strata'));
  writeFileSync(join(dir, 'v1.strata'), encodeVersion1(readFileSync(join(dir, 'v2.strata'))));
  const loaded = await s.loadModel(join(dir, 'v1.strata'));
  const x = s.tensor([[1, 2, 3, 4]]);
  assert.deepEqual((loaded.predict(x) as s.Tensor).dataSync(), (model.predict(x) as s.Tensor).dataSync());
});

/** A version-2 file whose description is `edit`ed, with the header checksum made right again. */
function withDescription(artifacts: Artifacts, edit: (header: { weights: Record<string, unknown>[] }) => void): Uint8Array {
  const bytes = encodeArtifacts(artifacts);
  const { header, dataStart } = layout(bytes);
  edit(header as unknown as { weights: Record<string, unknown>[] });
  const json = Buffer.from(JSON.stringify(header));
  const start = Math.ceil((20 + json.length) / 8) * 8;
  const out = Buffer.alloc(start + bytes.length - dataStart);
  out.set(bytes.subarray(0, 12));
  out.writeUInt32LE(json.length, 12);
  out.set(json, 20);
  out.writeUInt32LE(CRC32C.buf(json, CRC32C.buf(out.subarray(8, 16))) >>> 0, 16);
  out.set(bytes.subarray(dataStart), start);
  return out;
}

test('dtypes, offsets (aligned, in range, not overlapping) and tensor sizes are validated, naming the section', () => {
  const two: Artifacts = {
    header: { kind: 'weights', generatedBy: 'test' },
    weights: [
      { name: 'a', shape: [4], dtype: 'float32', values: new Float32Array(4) },
      { name: 'b', shape: [4], dtype: 'float32', values: new Float32Array(4) },
    ],
    optimizerWeights: [],
  };
  const fails = (bytes: Uint8Array, type: new (...args: never[]) => Error, pattern: RegExp, limits = resolveLimits(undefined, 'test')): void =>
    throwsWith(() => decodeArtifacts(bytes, 'w.strata', limits), type, /^w\.strata: /, pattern);
  fails(withDescription(two, (h) => { h.weights[1]!.dtype = 'float16'; }), s.ValueError, /weights\[1\] \('b'\) has unknown dtype "float16" \(expected one of float32, float64, int32, uint8, bool\)/);
  fails(withDescription(two, (h) => { h.weights[1]!.offset = 12; }), s.ValueError, /weights\[1\] \('b'\) \(shape \[4\], float32\) has an invalid offset 12 \(expected a non-negative multiple of 8\)/);
  fails(withDescription(two, (h) => { h.weights[1]!.offset = 8; }), s.ValueError, /weights\[1\] \('b'\) \(bytes 8–24\) overlaps weights\[0\] \('a'\) \(bytes 0–16\)/);
  fails(withDescription(two, (h) => { h.weights[1]!.offset = 2 ** 53; }), s.ValueError, /weights\[1\] \('b'\) \(shape \[4\], float32\) has an invalid offset 9007199254740992/);
  fails(withDescription(two, (h) => { h.weights[1]!.shape = [-1]; }), s.ValueError, /weights\[1\] \('b'\) has an invalid shape \[-1\]/);
  fails(withDescription(two, (h) => { h.weights[0]!.crc32c = 'x'; }), s.ValueError, /weights\[0\] \('a'\) has no valid checksum/);
  fails(encodeArtifacts(two), s.LimitError, /w\.strata: weights\[0\] \('a'\) \(shape \[4\], float32\) declares: 16 bytes, more than the cap maxTensorBytes = 8 bytes/, resolveLimits({ maxTensorBytes: 8 }, 'test'));
  const appended = Buffer.concat([encodeArtifacts(two), Buffer.alloc(8)]);
  fails(appended, s.ValueError, /its data section has 40 bytes but its tensors fill 32 \(the file is corrupt, or has bytes appended\)/);
});

// ---- atomic saves ------------------------------------------------------------------------------

test('re-saving keeps the file mode', { skip: !posix && 'no POSIX modes on Windows' }, () => {
  const path = join(tmp(), 'secret.strata');
  writeFileSync(path, 'old');
  chmodSync(path, 0o600);
  writeFileAtomic(path, new Uint8Array([1, 2]));
  assert.equal(statSync(path).mode & 0o777, 0o600);
  chmodSync(path, 0o640);
  writeFileAtomic(path, new Uint8Array([3]));
  assert.equal(statSync(path).mode & 0o777, 0o640);
  assert.deepEqual([...readFileSync(path)], [3]);
});

test('saving through a symbolic link writes its target and keeps the link', { skip: !posix && 'symbolic links need privileges on Windows' }, async () => {
  const dir = tmp();
  mkdirSync(join(dir, 'store'));
  const target = join(dir, 'store', 'real.strata');
  writeFileSync(target, 'old');
  const link = join(dir, 'latest.strata');
  symlinkSync('store/real.strata', link);
  const model = tinyModel();
  await model.save(link);
  assert.ok(lstatSync(link).isSymbolicLink(), 'the link is still a link');
  assert.equal(readlinkSync(link), 'store/real.strata');
  assert.deepEqual(readFileSync(target).subarray(0, 8), Buffer.from('STRATA\r\n'));
  assert.deepEqual(readdirSync(dir).sort(), ['latest.strata', 'store']);
  assert.deepEqual(readdirSync(join(dir, 'store')), ['real.strata']);
  // A dangling link gets its target created.
  const dangling = join(dir, 'next.strata');
  symlinkSync('store/new.strata', dangling);
  writeFileAtomic(dangling, new Uint8Array([9]));
  assert.ok(lstatSync(dangling).isSymbolicLink());
  assert.deepEqual([...readFileSync(join(dir, 'store', 'new.strata'))], [9]);
});

test('a failed save removes its temporary file and leaves the earlier file', () => {
  const dir = tmp();
  // The rename fails: the path is a directory that is not empty.
  const path = join(dir, 'model.strata');
  mkdirSync(path);
  writeFileSync(join(path, 'inside'), 'x');
  throwsWith(() => writeFileAtomic(path, new Uint8Array(1000)), s.ValueError, /^cannot save to '.*model\.strata': /);
  assert.deepEqual(readdirSync(dir), ['model.strata']);
  assert.deepEqual(readdirSync(path), ['inside']);
});

test('a read-only directory gives a permission error and no temporary file', { skip: (!posix || process.getuid?.() === 0) && 'root (or Windows) ignores directory permissions' }, () => {
  const dir = tmp();
  const path = join(dir, 'model.strata');
  writeFileSync(path, 'old');
  chmodSync(dir, 0o500);
  try {
    throwsWith(() => writeFileAtomic(path, new Uint8Array(10)), s.ValueError, /cannot save to '.*model\.strata': permission denied \(EACCES\)/);
  } finally {
    chmodSync(dir, 0o700);
  }
  assert.deepEqual(readdirSync(dir), ['model.strata']);
  assert.equal(readFileSync(path, 'utf8'), 'old');
});

test('a temporary file left by a killed run is ignored on load and removed by the next save', async () => {
  const dir = tmp();
  const path = join(dir, 'm.strata');
  const model = tinyModel();
  await model.save(path);
  // A dead writer's (a process id beyond any pid_max), a day-old one, and a live one's (this process, now).
  const dead = `.m.strata.${2 ** 30}.${Date.now()}.tmp`;
  const old = `.m.strata.${process.pid}.${Date.now() - 2 * 24 * 3600 * 1000}.tmp`;
  const live = `.m.strata.${process.pid}.${Date.now()}.tmp`;
  const other = '.other.strata.1.1.tmp';
  for (const name of [dead, old, live, other]) writeFileSync(join(dir, name), 'half a model');
  const loaded = await s.loadModel(path);
  assert.equal(loaded.layers.length, 2);
  await model.save(path);
  assert.deepEqual(readdirSync(dir).sort(), [live, other, 'm.strata'].sort());
});

test('a full disk is named (ENOSPC) with a hint, and the earlier file is kept', { skip: !canMountTmpfs() && 'needs root and tmpfs to fill a disk' }, () => {
  const dir = tmp();
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]);
  try {
    const path = join(dir, 'm.strata');
    writeFileSync(path, 'old');
    throwsWith(() => writeFileAtomic(path, new Uint8Array(1024 * 1024)), s.ValueError, /^cannot save to '.*m\.strata': no space left on device \(ENOSPC\)\. Free some space or save to another disk; the earlier file, if any, is unchanged\.$/);
    assert.deepEqual(readdirSync(dir), ['m.strata']);
    assert.equal(readFileSync(path, 'utf8'), 'old');
  } finally {
    execFileSync('umount', [dir]);
  }
});

function canMountTmpfs(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  const probe = tmp();
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
