/**
 * Event files fuzzed: mutations of valid files (bit flips, truncations, length fields set to 0,
 * 2^31, 2^53, records swapped, bytes inserted and deleted) read through the event reader must give
 * the run's values or an error on the run naming the file and the byte, never a throw, a hang or a
 * runaway allocation; and reading in small chunks must give exactly what one whole read gives.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as s from '../../src/node/index.js';
import { fuzzDecoder } from '../helpers/fuzz.js';

const { EventFileTail, RunData, decodeRecords, encodeRecord, maskedCrc32c } = s.board;

/** Valid event files as Strata writes them: scalars, a histogram, an image, text and a graph. */
function seedFiles(): Uint8Array[] {
  const dir = mkdtempSync(join(tmpdir(), 'strata-board-fuzz-'));
  const writer = s.createFileWriter(dir);
  writer.scalar('epoch_loss', 0.5, 0);
  writer.scalar('epoch_loss', 0.25, 1);
  writer.histogram('dense/kernel', [0, 1, 1, 2, 3], 1, 4);
  writer.image('filters', s.tensor([[0, 0.5], [1, 0.25]]), 1);
  writer.text('note', 'trained', 1);
  const model = new s.Sequential({ layers: [s.Input({ shape: [3] }), new s.layers.Dense({ units: 2, name: 'out' })] });
  writer.graph(model);
  writer.close();
  const whole = new Uint8Array(readFileSync(join(dir, readdirSync(dir)[0]!)));
  // Each record alone too, so that short files are mutated as well as the whole one.
  let at = 0;
  const parts: Uint8Array[] = [];
  for (const record of decodeRecords(whole).records) {
    parts.push(whole.subarray(at, at + 16 + record.length));
    at += 16 + record.length;
  }
  return [whole, ...parts.slice(1)];
}

/** What a run made of a file, to compare two reads of it (not its version, which counts the reads). */
const summary = (run: s.board.RunData) => ({
  info: { ...run.info(), version: 0 },
  scalars: [...run.scalars].map(([tag, r]) => [tag, r.items]),
  histograms: [...run.histograms].map(([tag, r]) => [tag, r.items]),
  images: [...run.images].map(([tag, r]) => [tag, r.items]),
  graph: run.graph,
});

/** Reads `bytes` as the file `f`, `chunkBytes` at a time, to its end; checks what every read must satisfy. */
function read(bytes: Uint8Array, chunkBytes: number): { run: s.board.RunData; offset: number } {
  const run = new RunData('fuzz');
  const tail = new EventFileTail('f', run, { chunkBytes });
  const readAt = (into: Uint8Array, position: number): number => {
    const piece = bytes.subarray(position, position + into.length);
    into.set(piece);
    return piece.length;
  };
  while (tail.follow(readAt, bytes.length, chunkBytes));
  assert.ok(tail.offset >= 0 && tail.offset <= bytes.length);
  if (run.error !== undefined) {
    assert.match(run.error, /^f: record at byte \d+(: the CRC of its| declares its data as| is not a valid Event)/);
    assert.equal(tail.failed, true);
  } else if (tail.offset < bytes.length) {
    // Only a record not written to its end yet may be left over.
    const rest = decodeRecords(bytes.subarray(tail.offset));
    assert.deepEqual([rest.records.length, rest.error], [0, undefined]);
  }
  return { run, offset: tail.offset };
}

/** The fuzzer's decoder: a read in 64-byte chunks, which must give what one whole read gives. */
function decodeFile(bytes: Uint8Array): s.board.RunData {
  const chunked = read(bytes, 64);
  const whole = read(bytes, 1 << 20);
  assert.deepEqual(summary(chunked.run), summary(whole.run));
  assert.equal(chunked.offset, whole.offset);
  return whole.run;
}

/** Rewrites the CRC of the length of the record starting at `at`, so that a mutated length gets past it. */
function fixLengthCrc(bytes: Uint8Array, at: number): Uint8Array {
  if (bytes.length < at + 12) return bytes;
  const out = bytes.slice();
  new DataView(out.buffer).setUint32(at + 8, maskedCrc32c(out.subarray(at, at + 8)), true);
  return out;
}

const seeds = seedFiles();
const lengthFields = (seed: Uint8Array) => {
  const first = decodeRecords(seed).records[0]!.length + 16;
  return [{ at: 0, width: 8 as const, littleEndian: true }, { at: first, width: 8 as const, littleEndian: true }];
};

test('event files: every mutation gives the values read or an error on the run, the same in 64-byte chunks as whole', { timeout: 300_000 }, async () => {
  const report = await fuzzDecoder({ name: 'event file', seeds, decode: decodeFile, sizeFields: lengthFields(seeds[0]!), seed: 7 });
  assert.equal(report.cases, report.accepted, 'the reader never throws');
});

test('event files whose length fields are mutated with their CRC fixed: hostile lengths are refused by the cap or wait for their bytes', { timeout: 300_000 }, async () => {
  const first = decodeRecords(seeds[0]!).records[0]!.length + 16;
  await fuzzDecoder({
    name: 'event file (length CRCs fixed)',
    seeds: [seeds[0]!],
    decode: (bytes) => decodeFile(fixLengthCrc(fixLengthCrc(bytes, 0), first)),
    sizeFields: lengthFields(seeds[0]!),
    seed: 8,
  });
});

test('Event messages: mutated protocol buffers in valid records give values or an error on the run', { timeout: 300_000 }, async () => {
  const payloads = decodeRecords(seeds[0]!).records.map((r) => r.slice());
  await fuzzDecoder({ name: 'Event message', seeds: payloads, decode: (bytes) => decodeFile(encodeRecord(bytes)), seed: 9 });
});
