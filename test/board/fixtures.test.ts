/**
 * Strata Board's readers against event files written by the real TensorFlow, Keras, PyTorch and
 * tensorboardX (shared/fixtures/tensorboard, with the facts an independent reader recorded in each
 * expected.json): every record framed and checksummed as found there, in one piece or in small
 * chunks, and the scalars a run logged counted and valued alike. Skips when the fixtures are absent.
 */
import assert from 'node:assert/strict';
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { RunData } from '../../src/board/event-reader.js';
import { EventFileTail } from '../../src/board/event-tail.js';
import { decodeRecords } from '../../src/board/records.js';
import { LogDirectory } from '../../src/node/index.js';

const FIXTURES = fileURLToPath(new URL('../../../../shared/fixtures/tensorboard/', import.meta.url));
const skip = !existsSync(join(FIXTURES, 'github', 'expected.json')) && `no fixtures at ${FIXTURES} (the shared/ folder beside the repository)`;

interface GithubFile {
  path: string;
  bytes: number;
  records: number;
  crc_ok: boolean;
  problems: string[];
}
interface GeneratedRun {
  tags: Record<string, { kind: string; count: number }>;
  last: Record<string, number>;
}

test('every event file of 13 public runs is framed as an independent reader found it, whole and in 4 KiB chunks', { skip }, () => {
  const runs = JSON.parse(readFileSync(join(FIXTURES, 'github', 'expected.json'), 'utf8')).runs as Record<string, { files: GithubFile[] }>;
  let files = 0;
  for (const [runDir, { files: expected }] of Object.entries(runs)) {
    for (const f of expected) {
      const path = join(FIXTURES, 'github', runDir, f.path);
      const bytes = readFileSync(path);
      assert.equal(bytes.length, f.bytes, path);
      const whole = decodeRecords(bytes);
      assert.equal(whole.error, undefined, `${path}: ${whole.error}`);
      assert.equal(whole.records.length, f.records, `${path}: records`);
      const clean = f.crc_ok && f.problems.length === 0;
      // A file cut inside a record (as its writer was killed) leaves that record for a later read, as a live file would.
      assert.equal(whole.consumed === bytes.length, clean, `${path}: consumed ${whole.consumed} of ${bytes.length}`);
      const run = new RunData(runDir);
      const tail = new EventFileTail(f.path, run, { chunkBytes: 4096 });
      const fd = openSync(path, 'r');
      try {
        tail.follow((into, position) => readSync(fd, into, 0, into.length, position), fstatSync(fd).size);
      } finally {
        closeSync(fd);
      }
      assert.equal(run.error, undefined, `${path}: ${run.error}`);
      assert.equal(tail.offset, whole.consumed, `${path}: offset after a chunked read`);
      files++;
    }
  }
  assert.ok(files >= 13, `${files} files read`);
});

test('scalars logged by PyTorch 2.13 are read with their counts and last values', { skip }, () => {
  const runs = JSON.parse(readFileSync(join(FIXTURES, 'generated', 'expected.json'), 'utf8')).runs as Record<string, GeneratedRun>;
  const dir = new LogDirectory(join(FIXTURES, 'generated'));
  dir.refresh();
  let checked = 0;
  for (const [name, expected] of Object.entries(runs)) {
    const run = dir.get(name);
    assert.ok(run, `run '${name}' found (runs: ${dir.list().map((r) => r.name).join(', ')})`);
    assert.equal(run.error, undefined, `${name}: ${run.error}`);
    for (const [tag, { kind, count }] of Object.entries(expected.tags)) {
      if (kind !== 'simple_value' || !tag.startsWith('./')) continue;
      const scalars = run.scalars.get(tag.slice(2));
      assert.ok(scalars, `${name}: scalar tag '${tag.slice(2)}' (tags: ${[...run.scalars.keys()].join(', ')})`);
      assert.equal(scalars.items.length, count, `${name} ${tag}: count`);
      assert.equal(Math.fround(scalars.items.at(-1)![1]), Math.fround(expected.last[tag]!), `${name} ${tag}: last value`);
      checked++;
    }
  }
  assert.ok(checked >= 5, `${checked} scalar tags checked`);
});

test('op graphs TensorFlow wrote as RunMetadata summaries (a Keras 2.3 profiled batch, tf.summary.trace_export) are read as TensorBoard reads them', { skip }, () => {
  const dir = new LogDirectory(join(FIXTURES, 'github'));
  dir.refresh();
  const keras = dir.get('keras_2_3_0_tf_profile_runmeta/20200516-125033/train')!;
  assert.deepEqual(keras.info().opGraphTags, ['batch_7']);
  const nodes = keras.opGraphs.get('batch_7')!;
  assert.equal(nodes.length, 83);
  assert.deepEqual([nodes[0]!.name, nodes[0]!.op], ['iterator', '_Arg']);
  const names = new Set(nodes.map((n) => n.name));
  // Data inputs (`name` or `name:k`) and control inputs (`^name`) all name nodes of the function graph.
  for (const n of nodes) for (const input of n.inputs) assert.ok(names.has(input.replace(/^\^/, '').replace(/:\d+$/, '')), `${n.name} reads ${input}`);
  assert.ok(nodes.some((n) => n.op === 'MatMul'));
  // A trace exported without a graph holds an empty RunMetadata: the tag is listed, its graph empty (TensorBoard too shows nothing).
  const custom = dir.get('tf2_custom_loop_tensors/20200328-162351')!;
  assert.deepEqual([custom.info().opGraphTags, custom.opGraphs.get('logitic_graph')], [['logitic_graph'], []]);
});
