/**
 * The dashboard in a real browser (Debian's chromium driven by playwright-core): a model is
 * trained with the TensorBoard callback, `strata board` serves its logs, and each view must show
 * that run's real values; logs TensorFlow 2, Keras and tf.summary wrote (shared/fixtures) must show
 * too. Screenshots go to test-output/board/.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, type TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import * as s from '../../src/node/index.js';
import { openPage } from '../helpers/chromium.js';
import { TinyConv2D } from '../helpers/tiny-conv.js';
import { CHROMIUM, missing } from '../helpers/system-packages.js';

const OUT = join(process.env.TEST_OUTPUT_DIR ?? 'test-output', 'board');
/** How the page prints numbers (5 significant digits) of float32 values as logged. */
const shown = (v: number): string => String(Number(Math.fround(v).toPrecision(5)));

async function trainRun(logDir: string): Promise<{ history: s.History; model: s.Sequential }> {
  s.setSeed(7);
  const x = s.randomUniform([48, 8, 8, 1], 0, 1, { seed: 7 });
  const y = s.tensor(Array.from({ length: 48 }, (_, i) => i % 3), [48], 'int32');
  const model = new s.Sequential({ layers: [s.Input({ shape: [8, 8, 1] }), new TinyConv2D(4, 3, { name: 'conv' }), new s.layers.Flatten({ name: 'flat' }), new s.layers.Dense({ units: 12, activation: 'sigmoid', name: 'hidden' }), new s.layers.Dense({ units: 3, activation: 'softmax', name: 'out' })] });
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const history = await model.fit(x, y, { epochs: 4, batchSize: 12, validationSplit: 0.25, verbose: 0, callbacks: [new s.TensorBoard({ logDir, featureMaps: { sample: x } })] });
  return { history, model };
}

/** The data of the series named `name` in the chart of the card `key`. */
async function chartSeries(page: Page, key: string): Promise<{ name: string; data: number[][] }[]> {
  return page.evaluate((k) => {
    const el = document.querySelector(`.card[data-key="${k}"] .chart`) as HTMLElement;
    const chart = (globalThis as any).echarts.getInstanceByDom(el);
    return chart.getOption().series.map((x: any) => ({ name: x.name, data: x.data }));
  }, key);
}

/** `strata board` on `logDir` in headless Chromium, with the console's errors and any request leaving the board collected. */
async function openBoard(t: TestContext, logDir: string): Promise<{ page: Page; problems: string[]; foreign: string[] }> {
  const board = await s.runBoard({ logDir, port: 0 });
  t.after(() => board.close());
  const { page, problems } = await openPage(t, { width: 1366, height: 768 });
  // Nothing may be fetched from anywhere but the board itself.
  const foreign: string[] = [];
  page.on('request', (r) => { if (!r.url().startsWith(board.url) && !r.url().startsWith('data:')) foreign.push(r.url()); });
  await page.goto(board.url);
  return { page, problems, foreign };
}

test('strata board shows the run\'s scalars, distributions, graph and images in chromium, live, without console errors', { skip: missing(CHROMIUM), timeout: 60_000 }, async (t) => {
  mkdirSync(OUT, { recursive: true });
  const logDir = mkdtempSync(join(tmpdir(), 'strata-dashboard-'));
  const { history, model } = await trainRun(join(logDir, 'exp'));
  // A run whose event file is damaged must show its error without hiding the others.
  const w = s.createFileWriter(join(logDir, 'broken'));
  w.scalar('epoch_loss', 1, 0);
  w.close();
  const brokenFile = join(logDir, 'broken', readdirSync(join(logDir, 'broken'))[0]!);
  const bytes = readFileSync(brokenFile);
  bytes[bytes.length - 2]! ^= 0xff;
  writeFileSync(brokenFile, bytes);

  const { page, problems, foreign } = await openBoard(t, logDir);
  // Scalars: train and validation on one chart per metric, with the values History recorded.
  await page.waitForSelector('.card[data-key="epoch_loss"] canvas');
  const valLoss = history.history.val_loss!;
  const lossCard = await page.textContent('.card[data-key="epoch_loss"]');
  assert.match(lossCard!, new RegExp(`exp/validation ${shown(valLoss.at(-1)!).replace('.', '\\.')}`), 'the last validation loss is shown');
  assert.match(lossCard!, new RegExp(`exp/train ${shown(history.history.loss!.at(-1)!).replace('.', '\\.')}`));
  const series = await chartSeries(page, 'epoch_loss');
  const raw = (name: string) => series.filter((x) => x.name === name)[0]!.data.map((p) => [p[0], p[1]]);
  assert.deepEqual(raw('exp/validation'), valLoss.map((v, i) => [i, Math.fround(v)]), 'the raw validation curve is the logged one');
  assert.deepEqual(raw('exp/train'), history.history.loss!.map((v, i) => [i, Math.fround(v)]));
  for (const key of ['epoch_accuracy', 'epoch_learning_rate', 'gradient_norm']) assert.ok(await page.$(`.card[data-key="${key}"] canvas`), `chart ${key}`);
  assert.deepEqual((await chartSeries(page, 'gradient_norm')).map((x) => x.name).filter((n, i, a) => a.indexOf(n) === i), ['exp/train · conv', 'exp/train · hidden', 'exp/train · out']);
  // The damaged run: its error in the side bar and the banner, the other runs drawn.
  assert.match((await page.textContent('.run-error'))!, /broken\/events\.out\.tfevents\.\S+: record at byte \d+: the CRC of its \d+ data bytes does not match/);
  assert.match((await page.textContent('.banner'))!, /Run 'broken' could not be read completely/);
  await page.screenshot({ path: join(OUT, 'scalars.png') });

  // Options: the log scale, and unticking a run removes its curves.
  await page.check('#log-scale');
  await page.waitForFunction(() => (globalThis as any).echarts.getInstanceByDom(document.querySelector('.card[data-key="epoch_loss"] .chart')).getOption().yAxis[0].type === 'log');
  await page.uncheck('#log-scale');
  await page.locator('.run', { hasText: 'exp/validation' }).locator('input').uncheck();
  await page.waitForFunction(() => !(globalThis as any).echarts.getInstanceByDom(document.querySelector('.card[data-key="epoch_loss"] .chart')).getOption().series.some((x: any) => x.name === 'exp/validation'));
  await page.locator('.run', { hasText: 'exp/validation' }).locator('input').check();

  // Live: a run that appears while the page is open shows up without reloading.
  const live = s.createFileWriter(join(logDir, 'later'));
  live.scalar('epoch_loss', 0.123, 0);
  live.close();
  await page.waitForSelector('.run:has-text("later")', { timeout: 10_000 });

  // Distributions: every weight of the model, over the 4 epochs.
  await page.click('nav button[data-view="distributions"]');
  await page.waitForSelector('.card[data-key="conv/kernel/histogram"] canvas');
  const titles = await page.$$eval('.grid .card h3', (hs) => hs.map((x) => x.textContent));
  assert.deepEqual(titles, model.weights.map((w) => w.name));
  assert.match((await page.textContent('.card[data-key="conv/kernel/histogram"] .sub'))!, /^36 values · 4 epochs logged$/);
  const median = (await chartSeries(page, 'hidden/kernel/histogram')).find((x) => x.name === 'median')!;
  assert.deepEqual(median.data.map((p) => p[0]), [0, 1, 2, 3]);
  await page.screenshot({ path: join(OUT, 'distributions.png') });
  await page.selectOption('.toolbar label:has-text("Show") select', 'overlay');
  await page.waitForFunction(() => (globalThis as any).echarts.getInstanceByDom(document.querySelector('.card[data-key="conv/kernel/histogram"] .chart')).getOption().series.length === 4);
  await page.screenshot({ path: join(OUT, 'distributions-overlay.png') });

  // Graph: every layer with its type, output shape and parameter count, and the totals.
  await page.click('nav button[data-view="graph"]');
  await page.waitForSelector('svg g.layer');
  assert.deepEqual(await page.$$eval('svg g.layer', (gs) => gs.map((g) => g.getAttribute('data-layer'))), ['input_layer', 'conv', 'flat', 'hidden', 'out']);
  const rows = await page.$$eval('table.layers tbody tr', (trs) => trs.map((tr) => Array.from(tr.children).map((td) => td.textContent)));
  assert.deepEqual(rows, [
    ['input_layer (InputLayer)', '(None, 8, 8, 1)', '0', '—'],
    ['conv (TinyConv2D)', '(None, 6, 6, 4)', '40', 'input_layer'],
    ['flat (Flatten)', '(None, 144)', '0', 'conv'],
    ['hidden (Dense)', '(None, 12)', '1,740', 'flat'],
    ['out (Dense)', '(None, 3)', '39', 'hidden'],
  ]);
  assert.equal(model.countParams(), 1819);
  assert.match((await page.textContent('.totals'))!, /1,819total params1,819trainable params0non-trainable params/);
  await page.screenshot({ path: join(OUT, 'graph.png'), fullPage: true });

  // Images: the first layer's filters and the feature maps, as logged at the last epoch.
  await page.click('nav button[data-view="images"]');
  await page.waitForFunction(() => Array.from(document.querySelectorAll<HTMLImageElement>('.image-card img')).filter((i) => i.complete && i.naturalWidth > 0).length === 2);
  const images = await page.$$eval('.image-card', (cs) => cs.map((c) => [c.querySelector('h3')!.textContent, (c.querySelector('img') as HTMLImageElement).naturalWidth, c.querySelector('.sub')!.textContent]));
  assert.deepEqual(images, [['conv/filters', 54, 'step 3 · 54×54 px · 4 of 4'], ['conv/feature_maps', 54, 'step 3 · 54×54 px · 4 of 4']]);
  await page.screenshot({ path: join(OUT, 'images.png') });

  assert.deepEqual(problems, [], 'no console errors or warnings');
  assert.deepEqual(foreign, [], 'no request leaves the board');
});

/**
 * Stands in for the wasm backend's fusion: the first elementwise node read only by the next one is merged
 * with it into one `call` node, as a graph compiler does (drawing needs only the marker).
 */
function fuseFirstPair(graph: s.Graph): void {
  const elementwise = (n: s.GraphNode): boolean => /^(unary|binary):|^cast$/.test(s.opLabel(n));
  const readers = (n: s.GraphNode) => graph.nodes.filter((m) => m.inputs.some((r) => r.value.source.kind === 'node' && r.value.source.node === n));
  const i = graph.nodes.findIndex((a, k) => elementwise(a) && readers(a).length === 1 && readers(a)[0] === graph.nodes[k + 1] && elementwise(graph.nodes[k + 1]!));
  assert.ok(i >= 0, 'the step has two elementwise nodes in a row');
  const [a, b] = [graph.nodes[i]!, graph.nodes[i + 1]!];
  const fused: s.GraphNode = {
    id: b.id,
    op: { kind: 'call', name: 'fusedElementwise', run: () => [], fusedFrom: [s.opLabel(a), s.opLabel(b)] },
    inputs: [...a.inputs, ...b.inputs.filter((r) => !(r.value.source.kind === 'node' && r.value.source.node === a))],
    outputs: b.outputs,
    inPlace: b.inPlace,
    dynamic: [],
  };
  for (const v of b.outputs) v.source = { kind: 'node', node: fused, index: 0 };
  graph.nodes.splice(i, 2, fused);
}

test('strata board switches the graph view between the layers and the ops of the jitted training step, fused nodes marked, over 100 ops laid out without overlap', { skip: missing(CHROMIUM), timeout: 60_000 }, async (t) => {
  mkdirSync(OUT, { recursive: true });
  const logDir = mkdtempSync(join(tmpdir(), 'strata-dashboard-ops-'));
  s.setSeed(9);
  const x = s.randomUniform([24, 8, 8, 1], 0, 1, { seed: 9 });
  const y = s.tensor(Array.from({ length: 24 }, (_, i) => i % 3), [24], 'int32');
  let opGraph: s.Graph | undefined;
  // The model answers with a jitted function of four training steps, to try the layout on a graph larger
  // than one step of this small model. Unoptimised, so that the graph (and the one pair fused below) is the
  // same on every backend.
  class GraphModel extends s.Sequential {
    override stepGraph(): s.Graph | undefined {
      const steps = s.jit((a: s.Tensor, b: s.Tensor) => { for (let k = 0; k < 4; k++) this.trainStep({ x: a, y: b }); }, { name: 'train_step', optimize: false });
      steps(s.slice(x, [0], [12]), s.slice(y, [0], [12]));
      opGraph = steps.lastGraph!;
      fuseFirstPair(opGraph);
      return opGraph;
    }
  }
  const model = new GraphModel({ layers: [s.Input({ shape: [8, 8, 1] }), new TinyConv2D(4, 3, { name: 'conv' }), new s.layers.Flatten({ name: 'flat' }), new s.layers.Dense({ units: 12, activation: 'relu', name: 'hidden' }), new s.layers.Dropout({ rate: 0.25, name: 'drop' }), new s.layers.Dense({ units: 3, activation: 'softmax', name: 'out' })] });
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
  await model.fit(x, y, { epochs: 1, batchSize: 12, verbose: 0, callbacks: [new s.TensorBoard({ logDir: join(logDir, 'cnn'), histogramFreq: 0 })] });
  const def = s.board.opGraphDef(opGraph!);
  assert.ok(def.node.length > 100, `${def.node.length} nodes`);

  const { page, problems, foreign } = await openBoard(t, logDir);
  await page.click('nav button[data-view="graph"]');
  await page.waitForSelector('svg g.layer');
  assert.deepEqual(await page.$$eval('.switch button', (bs) => bs.map((b) => [b.textContent, b.classList.contains('active')])), [['Layers', true], ['Ops', false]]);
  await page.click('.switch button[data-graph="ops:train_step"]');
  await page.waitForSelector('svg g.op');
  // Every node but the scalar constants (set aside): an op labelled with its op, output shape and name (or what a fused node replaces), an input or variable with its name, shape and op.
  const shape = (n: (typeof def.node)[number]): string => {
    const shapes = n.attr!['_output_shapes']!.list!.shape!;
    return shapes.length > 2 ? `${shapes.length} outputs` : shapes.map((sh) => `[${sh.dim!.map((d) => d.size).join(', ')}]`).join(' ');
  };
  const drawn = await page.$$eval('svg g.op', (gs) => gs.map((g) => [g.getAttribute('data-op'), ...Array.from(g.querySelectorAll('text')).map((x) => x.textContent)]));
  const fusedNode = def.node.find((n) => n.op === 'fusedElementwise')!;
  const fusedOps = fusedNode.attr!['fused_ops']!.list!.s!.map((b) => new TextDecoder().decode(b).split(':').pop());
  const byName = (a: (string | null)[], b: (string | null)[]): number => a[0]!.localeCompare(b[0]!);
  const scalarConstant = (n: (typeof def.node)[number]): boolean => n.op === 'Const' && shape(n) === '[]';
  assert.ok(def.node.some(scalarConstant));
  assert.deepEqual(drawn.sort(byName), def.node.filter((n) => !scalarConstant(n)).map((n) => {
    const fit = (t: string): string => (t.length > 26 ? `${t.slice(0, 25)}…` : t);
    if (n === fusedNode) return [n.name, n.op, shape(n), `fused: ${fusedOps.join(' → ')}`];
    return Object.values(s.board.OP_GRAPH_ENDPOINTS).includes(n.op as never) ? [n.name, fit(n.name), shape(n), n.op] : [n.name, n.op, shape(n), fit(n.name)];
  }).sort(byName));
  assert.deepEqual(await page.$$eval('svg g.op.fused', (gs) => gs.map((g) => [g.getAttribute('data-op'), g.querySelector('rect')!.getAttribute('stroke')])), [[fusedNode.name, '#e65100']]);
  assert.match((await page.textContent('.totals'))!, new RegExp(`^${opGraph!.nodes.length}ops1fused ops2ops fused into them`));
  // Readable: no two boxes overlap.
  const overlaps = await page.$$eval('svg g.op rect', (rs) => {
    const boxes = rs.map((r) => r.getBoundingClientRect());
    let n = 0;
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i]!, boxes[j]!];
      if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) n++;
    }
    return n;
  });
  assert.equal(overlaps, 0);
  // Wide rows wrap: the diagram needs no sideways scrolling at this window size.
  assert.ok(await page.$eval('.diagram', (d) => d.scrollWidth <= d.clientWidth), 'no sideways scrolling');
  await page.setViewportSize({ width: 1366, height: await page.$eval('.diagram svg', (e) => Math.ceil(e.getBoundingClientRect().height) + 400) });
  await page.locator('.diagram svg').screenshot({ path: join(OUT, 'graph-ops.png') });
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.click('.switch button[data-graph="layers"]');
  await page.waitForSelector('svg g.layer');
  assert.deepEqual((await page.$$eval('svg g.layer', (gs) => gs.map((g) => g.getAttribute('data-layer')))).slice(1), ['conv', 'flat', 'hidden', 'drop', 'out']);
  assert.deepEqual(problems, [], 'no console errors or warnings');
  assert.deepEqual(foreign, [], 'no request leaves the board');
});

const FIXTURES = fileURLToPath(new URL('../../../../shared/fixtures/tensorboard/', import.meta.url));
const noFixtures = !existsSync(join(FIXTURES, 'generated', 'expected.json')) && `no fixtures at ${FIXTURES}`;

test('strata board shows logs Keras 3 and tf.summary wrote (TensorFlow 2\'s tensors): histograms, image samples, text, the Keras graph, and a TensorFlow op graph folded by scope', { skip: missing(CHROMIUM) || noFixtures, timeout: 60_000 }, async (t) => {
  mkdirSync(OUT, { recursive: true });
  const { page, problems, foreign } = await openBoard(t, join(FIXTURES, 'generated'));
  await page.waitForSelector('.run:has-text("keras3.15-tf2.21-cnn/train")');
  const pick = async (run: string): Promise<void> => {
    await page.selectOption('.toolbar label:has-text("Run") select', run);
  };

  // Distributions: Keras's six weight histograms ([k, 3] bucket tensors), each drawn.
  await page.click('nav button[data-view="distributions"]');
  await pick('keras3.15-tf2.21-cnn/train');
  const weights = ['conv/kernel', 'conv/bias', 'hidden/kernel', 'hidden/bias', 'out/kernel', 'out/bias'].map((w) => `sequential/${w}/histogram`);
  for (const tag of weights) await page.waitForSelector(`.card[data-key="${tag}"] canvas`);
  assert.deepEqual((await chartSeries(page, weights[2]!)).find((x) => x.name === 'median')!.data.map((p) => p[0]), [0, 1, 2]);
  await page.screenshot({ path: join(OUT, 'tf2-distributions.png') });

  // Images: the weights as pictures (six tags, the convolution's kernel in three samples), and tf.summary.image's four samples, a card each.
  await page.click('nav button[data-view="images"]');
  await pick('keras3.15-tf2.21-cnn/train');
  await page.waitForFunction(() => Array.from(document.querySelectorAll<HTMLImageElement>('.image-card img')).filter((i) => i.complete && i.naturalWidth > 0).length === 8);
  await pick('tf2.21-summary-api/run');
  await page.waitForFunction(() => Array.from(document.querySelectorAll<HTMLImageElement>('.image-card img')).filter((i) => i.complete && i.naturalWidth > 0).length === 4);
  assert.deepEqual(await page.$$eval('.image-card h3', (hs) => hs.map((x) => x.textContent)), [1, 2, 3, 4].map((k) => `samples · sample ${k} of 4`));
  await page.screenshot({ path: join(OUT, 'tf2-images.png') });

  // Text: the Markdown as written, as text.
  await page.click('nav button[data-view="text"]');
  await pick('tf2.21-summary-api/run');
  await page.waitForSelector('.entries-card[data-tag="notes"] pre.text');
  assert.equal(await page.$$eval('.entries-card script, .entries-card img', (els) => els.length), 0);

  // Graph: Keras's conceptual graph as layers.
  await page.click('nav button[data-view="graph"]');
  await pick('keras3.15-tf2.21-cnn/train');
  await page.waitForSelector('svg g.layer');
  assert.deepEqual(await page.$$eval('svg g.layer', (gs) => gs.map((g) => g.getAttribute('data-layer'))), ['input_layer', 'conv', 'pool', 'flatten', 'hidden', 'out']);
  await page.screenshot({ path: join(OUT, 'tf2-keras-graph.png'), fullPage: true });
  assert.deepEqual(problems, [], 'no console errors or warnings');
  assert.deepEqual(foreign, [], 'no request leaves the board');
});

test('a TensorFlow op graph of a Keras 2 run opens on its layers\' scopes, and a scope opens and closes on a click', { skip: missing(CHROMIUM) || noFixtures, timeout: 60_000 }, async (t) => {
  const { page, problems } = await openBoard(t, join(FIXTURES, 'github', 'keras_2_2_4_tf_write_images'));
  await page.click('nav button[data-view="graph"]');
  await page.selectOption('.toolbar label:has-text("Run") select', '20200409-142247/train');
  await page.click('button[data-graph="ops:graph_def"]');
  await page.waitForSelector('svg g.scope[data-scope="conv2d"]');
  const scopes = await page.$$eval('svg g.scope', (gs) => gs.map((g) => g.getAttribute('data-scope')));
  // `keras_learning_phase` is left as an op: the scalar constant under it is set aside, as in every op graph.
  assert.deepEqual(scopes, ['conv2d', 'max_pooling2d', 'conv2d_1', 'max_pooling2d_1', 'conv2d_2', 'flatten', 'dense', 'dense_1', 'metrics', 'loss']);
  await page.screenshot({ path: join(OUT, 'op-graph-scopes.png'), fullPage: true });
  await page.click('svg g.scope[data-scope="conv2d"]');
  // Opened: its ops, and the scopes within it (`conv2d/Conv2D/` holds the op and the read of its kernel).
  await page.waitForSelector('svg g.op[data-op="conv2d/Relu"]');
  assert.ok(await page.$('svg g.scope[data-scope="conv2d/Conv2D"]'));
  await page.click('.scopes button[data-scope="conv2d"]');
  await page.waitForSelector('svg g.scope[data-scope="conv2d"]');
  assert.deepEqual(problems, [], 'no console errors or warnings');
});
