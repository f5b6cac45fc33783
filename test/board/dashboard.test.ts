/**
 * The dashboard in a real browser (Debian's chromium driven by playwright-core): a model is
 * trained with the TensorBoard callback, `strata board` serves its logs, and each view must show
 * that run's real values. Screenshots go to test-output/board/.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { chromium, type Page } from 'playwright-core';
import * as s from '../../src/node/index.js';
import { TinyConv2D } from '../helpers/tiny-conv.js';
import { CHROMIUM as CHROMIUM_NEED, missing } from '../helpers/system-packages.js';

const CHROMIUM = CHROMIUM_NEED.paths[0]!;
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

test('strata board shows the run\'s scalars, distributions, graph and images in chromium, live, without console errors', { skip: missing(CHROMIUM_NEED), timeout: 60_000 }, async (t) => {
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

  const board = await s.runBoard({ logDir, port: 0 });
  t.after(() => board.close());
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // Nothing may be fetched from anywhere but the board itself.
  const foreign: string[] = [];
  page.on('request', (r) => { if (!r.url().startsWith(board.url) && !r.url().startsWith('data:')) foreign.push(r.url()); });

  await page.goto(board.url);
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
  assert.deepEqual(images, [['conv/filters', 54, 'epoch 3 · 54×54 px · 4 of 4'], ['conv/feature_maps', 54, 'epoch 3 · 54×54 px · 4 of 4']]);
  await page.screenshot({ path: join(OUT, 'images.png') });

  assert.deepEqual(problems, [], 'no console errors or warnings');
  assert.deepEqual(foreign, [], 'no request leaves the board');
});
