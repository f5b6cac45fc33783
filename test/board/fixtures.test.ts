/**
 * Strata Board's readers against event files written by the real TensorFlow, Keras, PyTorch and
 * tensorboardX (shared/fixtures/tensorboard, with the facts an independent reader recorded in each
 * expected.json): every record framed and checksummed as found there, in one piece or in small
 * chunks, and every tag a run logged (scalars, histograms, images, text, graphs; TensorFlow 1's
 * fields and TensorFlow 2's tensors) read as its kind, counted and valued alike. Skips when the
 * fixtures are absent.
 */
import assert from 'node:assert/strict';
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import type { GraphNode, HistogramPoint, ImageEntry, RunInfo, ScalarPoint, TextEntry } from '../../src/board/api-types.js';
import { RUN_OP_GRAPH_TAG, RunData, type StoredImage } from '../../src/board/event-reader.js';
import { EventFileTail } from '../../src/board/event-tail.js';
import { HPARAMS_TAGS } from '../../src/board/hparams.js';
import { sniffMediaType } from '../../src/board/media-type.js';
import { decodeRecords } from '../../src/board/records.js';
import { LogDirectory, runBoard } from '../../src/node/index.js';

const FIXTURES = fileURLToPath(new URL('../../../../shared/fixtures/tensorboard/', import.meta.url));
const skip = !existsSync(join(FIXTURES, 'github', 'expected.json')) && `no fixtures at ${FIXTURES} (the shared/ folder beside the repository)`;

interface GithubFile {
  path: string;
  bytes: number;
  records: number;
  crc_ok: boolean;
  problems: string[];
}
/** What an independent reader found of one tag: its kind, how many events carry it, and the last value's facts. */
interface ExpectedTag {
  kind: string;
  count: number;
  last?: number;
  /** `min` and `max` are null where the writer left them out (read as 0, their default). */
  histo?: { num: number; min: number | null; max: number | null };
  tensor_histogram?: { buckets: number; total_count: number; min_left: number; max_right: number };
  image?: { width: number; height: number };
  tensor_images?: { width: number; height: number; n_images: number };
  text?: string[];
  keras?: { n_layers: number };
}

/** Enough room for every value of these small runs, so that counts compare exactly. */
const KEEP_ALL = { scalars: 1e6, histograms: 1e6, images: 1e6, text: 1e6, audio: 1e6 };

/** The values a run keeps of a tag of `kind` as the Board shows it, or undefined for kinds it does not show. */
function kept(run: RunData, tag: string, kind: string): { step: number }[] | [number, number, number][] | undefined {
  const view = {
    simple_value: run.scalars, 'tensor:scalars': run.scalars,
    histo: run.histograms, 'tensor:histograms': run.histograms,
    image: run.images, 'tensor:images': run.images,
    'tensor:text': run.text, audio: run.audio, 'tensor:audio': run.audio,
  }[kind];
  return view?.get(tag)?.items;
}

/** Checks one tag of `run` against what the independent reader recorded; returns whether the Board shows that kind. */
function checkTag(run: RunData, tag: string, e: ExpectedTag, where: string): boolean {
  if (e.kind === 'tensor:graph_keras_model') {
    assert.ok(run.graph, `${where}: the Keras graph`);
    if (e.keras) assert.equal(run.graph.length, e.keras.n_layers, `${where}: layers`);
    return true;
  }
  if (e.kind.startsWith('tensor:graph_run_metadata')) {
    assert.ok(run.opGraphs.has(tag), `${where}: op graph (tags: ${[...run.opGraphs.keys()].join(', ')})`);
    return true;
  }
  // A session's start and end are read into the run's session (test/board/hparams.test.ts checks their values); an experiment adds nothing.
  if (e.kind === 'tensor:hparams') {
    if (tag === HPARAMS_TAGS.sessionStart) assert.ok(run.session?.hparams, `${where}: the session's hyperparameters`);
    if (tag === HPARAMS_TAGS.sessionEnd) assert.ok(run.session?.status, `${where}: the session's status`);
    return tag !== '_hparams_/experiment';
  }
  const items = kept(run, tag, e.kind);
  if (e.kind === 'tensor:pr_curves') return false;
  assert.ok(items, `${where}: read as ${e.kind} (${JSON.stringify(run.info())})`);
  assert.equal(items.length, e.count, `${where}: count`);
  const last = items.at(-1)!;
  if (e.last !== undefined) assert.equal(Math.fround((last as ScalarPoint)[1]), Math.fround(e.last), `${where}: last value`);
  const h = last as HistogramPoint;
  if (e.histo) assert.deepEqual([h.num, h.min, h.max], [e.histo.num, e.histo.min ?? 0, e.histo.max ?? 0], `${where}: last histogram`);
  if (e.tensor_histogram) {
    const t = e.tensor_histogram;
    assert.deepEqual([h.buckets.length, h.num, h.min, h.max], [t.buckets, t.total_count, t.min_left, t.max_right], `${where}: last histogram`);
  }
  const image = last as StoredImage;
  if (e.image) assert.deepEqual([image.width, image.height, image.samples], [e.image.width, e.image.height, 1], `${where}: last image`);
  if (e.tensor_images) assert.deepEqual([image.width, image.height, image.samples], [e.tensor_images.width, e.tensor_images.height, e.tensor_images.n_images], `${where}: last image`);
  if (e.image || e.tensor_images) assert.equal(sniffMediaType(image.encoded[0]!), 'image/png', `${where}: a PNG`);
  if (e.text) assert.ok((last as TextEntry).values[0]!.startsWith(e.text[0]!), `${where}: text`);
  return true;
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

test('every tag TensorFlow 2.21, Keras 3.15 and PyTorch 2.13 logged is read as its kind, with its count and last value', { skip }, () => {
  const runs = JSON.parse(readFileSync(join(FIXTURES, 'generated', 'expected.json'), 'utf8')).runs as Record<string, { tags: Record<string, ExpectedTag>; last: Record<string, number> }>;
  const dir = new LogDirectory(join(FIXTURES, 'generated'), { samples: KEEP_ALL });
  dir.refresh();
  const shown = new Set<string>();
  for (const [name, expected] of Object.entries(runs)) {
    const run = dir.get(name);
    assert.ok(run, `run '${name}' found (runs: ${dir.list().map((r) => r.name).join(', ')})`);
    assert.equal(run.error, undefined, `${name}: ${run.error}`);
    // Tags below `./` are the run's own; the others belong to its sub-runs, checked as runs of their own.
    for (const [key, e] of Object.entries(expected.tags)) {
      if (!key.startsWith('./')) continue;
      const tag = key.slice(2);
      if (checkTag(run, tag, { ...e, ...(key in expected.last ? { last: expected.last[key] } : {}) }, `${name} ${tag}`)) shown.add(e.kind);
    }
  }
  assert.deepEqual([...shown].sort(), ['histo', 'image', 'simple_value', 'tensor:graph_keras_model', 'tensor:histograms', 'tensor:hparams', 'tensor:images', 'tensor:scalars', 'tensor:text']);
  // tf.summary.image with max_outputs=4 logs four samples in one step; text keeps its Markdown.
  const api = dir.get('tf2.21-summary-api/run')!;
  assert.equal(api.images.get('samples')!.items[0]!.samples, 4);
  const keras = dir.get('keras3.15-tf2.21-cnn/train')!.graph!;
  assert.deepEqual(keras.map((n) => [n.op, n.inputs]), [['InputLayer', []], ['Conv2D', ['input_layer']], ['MaxPooling2D', ['conv']], ['Flatten', ['pool']], ['Dense', ['flatten']], ['Dense', ['hidden']]].map(([op, inputs]) => [op, inputs]));
});

test('every tag of 13 public runs (Keras 2.2 to 2.15, TF 1 and 2, PyTorch 1.x to 2.2, tensorboardX) is read as its kind, with its count and last value', { skip }, () => {
  const runs = JSON.parse(readFileSync(join(FIXTURES, 'github', 'expected.json'), 'utf8')).runs as Record<string, { files: GithubFile[]; tags: Record<string, ExpectedTag> }>;
  const dir = new LogDirectory(join(FIXTURES, 'github'), { samples: KEEP_ALL });
  dir.refresh();
  let checked = 0;
  for (const [set, { files, tags }] of Object.entries(runs)) {
    // A tag is recorded as `<its run's directory>/<tag>`; the longest directory holding event files is its run.
    const dirs = [...new Set(files.map((f) => dirname(f.path)))].sort((a, b) => b.length - a.length);
    for (const [key, e] of Object.entries(tags)) {
      const runDir = dirs.find((d) => d === '.' || key.startsWith(`${d}/`))!;
      const name = runDir === '.' ? set : `${set}/${runDir}`;
      const run = dir.get(name);
      assert.ok(run, `run '${name}' found`);
      if (checkTag(run, runDir === '.' ? key : key.slice(runDir.length + 1), e, `${name} ${key}`)) checked++;
    }
  }
  assert.ok(checked >= 180, `${checked} tags checked`);
});

test('op graphs TensorFlow wrote as RunMetadata summaries (a Keras 2.3 profiled batch, tf.summary.trace_export) are read as TensorBoard reads them', { skip }, () => {
  const dir = new LogDirectory(join(FIXTURES, 'github'));
  dir.refresh();
  const keras = dir.get('keras_2_3_0_tf_profile_runmeta/20200516-125033/train')!;
  // The op-level GraphDef Keras wrote in Event.graph_def comes first, then the profiled batch's.
  assert.deepEqual(keras.info().opGraphTags, [RUN_OP_GRAPH_TAG, 'batch_7']);
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

test('the server\'s JSON API serves a TensorFlow 2 run\'s histograms, image samples, text and Keras graph', { skip }, async (t) => {
  const board = await runBoard({ logDir: join(FIXTURES, 'generated'), port: 0 });
  t.after(() => board.close());
  const get = async (path: string): Promise<Response> => {
    const response = await fetch(new URL(path, board.url));
    assert.equal(response.status, 200, path);
    return response;
  };
  const json = async (path: string): Promise<any> => (await get(path)).json();
  const q = (run: string): string => `run=${encodeURIComponent(run)}`;
  const runs = (await json('/api/runs')).runs as RunInfo[];
  const api = runs.find((r) => r.name === 'tf2.21-summary-api/run')!;
  assert.deepEqual([api.scalarTags, api.histogramTags, api.imageTags, api.textTags], [['custom/lr'], ['custom/noise'], ['samples'], ['notes']]);
  const images = await json(`/api/images?${q(api.name)}`);
  assert.deepEqual(images.samples.map((e: ImageEntry) => e.samples), [4]);
  for (let sample = 0; sample < 4; sample++) assert.equal((await get(`/api/image?${q(api.name)}&tag=samples&index=0&sample=${sample}`)).headers.get('content-type'), 'image/png');
  assert.equal((await fetch(new URL(`/api/image?${q(api.name)}&tag=samples&index=0&sample=4`, board.url))).status, 404);
  const text = await json(`/api/text?${q(api.name)}`);
  assert.equal(text.notes.length, 1);
  assert.ok(text.notes[0].values[0].length > 0);
  const histograms = await json(`/api/histograms?${q(api.name)}`);
  assert.equal(histograms['custom/noise'].length, 5);
  const train = 'keras3.15-tf2.21-cnn/train';
  const weights = await json(`/api/histograms?${q(train)}`);
  assert.deepEqual(Object.values(weights).map((h) => (h as HistogramPoint[]).length), [3, 3, 3, 3, 3, 3]);
  const { nodes } = await json(`/api/graph?${q(train)}`);
  assert.deepEqual(nodes.map((n: GraphNode) => n.name), ['input_layer', 'conv', 'pool', 'flatten', 'hidden', 'out']);
});

test('the layers of Keras\'s conceptual graphs count as many parameters as Keras logged weights (the totals of their histograms)', { skip }, () => {
  const runs: [string, string, string][] = [
    ['generated', 'keras3.15-tf2.21-cnn/train', 'sequential/'],
    ['github', 'keras_2_13_multi_file_lstm/logs/train', ''],
    ['github', 'keras_2_15_tensor_histograms/logs/fit/20240213-132033/train', ''],
  ];
  let counted = 0;
  for (const [set, name, prefix] of runs) {
    const dir = new LogDirectory(join(FIXTURES, set));
    dir.refresh();
    const run = dir.get(name)!;
    for (const layer of run.graph!) {
      const weights = [...run.histograms].filter(([tag]) => tag.startsWith(`${prefix}${layer.name}/`)).map(([, h]) => h.items.at(-1)!.num);
      assert.equal(layer.parameters, weights.reduce((a, b) => a + b, 0), `${name} ${layer.name} (${layer.op})`);
      if (layer.parameters > 0) counted++;
    }
  }
  assert.ok(counted >= 9, `${counted} layers with weights`);
});
