/**
 * The playground in a real browser (Debian's chromium driven by playwright-core): served cross-origin
 * isolated by `servePlayground` it trains a toy set to 95% test accuracy on the wasm backend's
 * threads, reached from the keyboard, and every view shows the run; written as static files by
 * `strata lab --build-static` and served without the isolation headers it trains on one thread.
 * Screenshots go to test-output/playground/.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import * as s from '../../src/node/index.js';
import { openPage, serveFiles } from '../helpers/chromium.js';
import { runCli } from '../helpers/run-cli.js';
import { CHROMIUM, FASHION_MNIST, missing } from '../helpers/system-packages.js';

const OUT = join(process.env.TEST_OUTPUT_DIR ?? 'test-output', 'playground');
/** The playground needs the browser build that `npm run build` makes. */
const BUILD = new URL('../../browser/playground.js', import.meta.url);
const skip = missing(CHROMIUM, FASHION_MNIST) || (existsSync(BUILD) ? false : 'the browser build (dist/browser/) is missing: run `npm run build`');
/** A small slice of Fashion-MNIST, so that an epoch of it takes a second or two. */
const SLICE = { trainSize: 1000, testSize: 300 };

/** Opens `url` in headless Chromium and waits for the playground to be ready; collects console problems and any request leaving `url`. */
async function open(t: TestContext, url: string): Promise<{ page: Page; problems: string[]; foreign: string[] }> {
  const { page, problems } = await openPage(t, { width: 1400, height: 1000 });
  const foreign: string[] = [];
  page.on('request', (r) => { if (!r.url().startsWith(url) && !r.url().startsWith('data:')) foreign.push(r.url()); });
  await page.goto(url);
  await page.waitForFunction(() => document.getElementById('status')!.textContent!.startsWith('Ready'), null, { timeout: 20_000 });
  return { page, problems, foreign };
}

const text = async (page: Page, selector: string): Promise<string> => (await page.textContent(selector)) ?? '';
const accuracy = async (page: Page): Promise<number> => Number(await text(page, '#test-accuracy'));

/**
 * Trains until the test accuracy shown reaches `target`, and pauses right then: the check runs in the
 * page and presses Pause in the same turn, before another epoch can replace the numbers.
 */
async function trainTo(page: Page, target: number): Promise<void> {
  await page.waitForFunction((want) => {
    if (!(Number(document.getElementById('test-accuracy')!.textContent) >= want)) return false;
    document.getElementById('pause')!.click();
    return true;
  }, target, { timeout: 30_000 });
}

test('the playground trains a toy set to 95% in chromium, cross-origin isolated on the wasm backend\'s threads, reached by keyboard, every view updated', { skip, timeout: 90_000 }, async (t) => {
  mkdirSync(OUT, { recursive: true });
  const playground = await s.lab.servePlayground({ port: 0, ...SLICE });
  t.after(() => playground.close());
  const { page, problems, foreign } = await open(t, playground.url);
  assert.equal(await page.evaluate(() => crossOriginIsolated), true);
  assert.match(await text(page, '#status'), /^Ready: 250 training and 250 test examples · wasm backend, [2-4] threads$/);

  // XOR with a small ReLU network, and the Train button reached and pressed from the keyboard.
  await page.selectOption('#dataset', 'xor');
  await page.waitForFunction(() => document.getElementById('status')!.textContent!.startsWith('Ready'));
  for (const [id, v] of [['hidden-layers', '2'], ['units', '8']]) await page.fill(`#${id}`, v!);
  await page.selectOption('#activation', 'relu');
  await page.waitForFunction(() => document.getElementById('status')!.textContent!.startsWith('Ready'));
  const boundaryBefore = await page.evaluate(() => (document.getElementById('boundary') as HTMLCanvasElement).toDataURL());
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  let focused = '';
  for (let presses = 0; presses < 20 && focused !== 'train'; presses++) {
    await page.keyboard.press('Tab');
    focused = await page.evaluate(() => document.activeElement?.id ?? '');
  }
  assert.equal(focused, 'train', 'Tab reaches the Train button');
  assert.equal(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle), 'solid', 'the focus is visible');
  await page.keyboard.press('Enter');
  await trainTo(page, 0.95);

  const epochs = Number(await text(page, '#epoch'));
  assert.ok(epochs >= 1 && (await accuracy(page)) >= 0.95, `test accuracy ${await accuracy(page)} after ${epochs} epochs`);
  assert.match(await text(page, '#status'), /^Paused after epoch \d+, test accuracy 0\.9\d+$/);
  // The curves: one point per epoch, their last values those printed beside the controls.
  const lossLabel = (await page.getAttribute('#loss-chart', 'aria-label'))!;
  assert.match(lossLabel, new RegExp(`^Loss per epoch: ${epochs} epochs?, last train loss ${await text(page, '#train-loss')}, test loss ${await text(page, '#test-loss')}$`));
  assert.ok(Number(await text(page, '#test-loss')) < 0.5, `test loss ${await text(page, '#test-loss')}`);
  // The boundary was redrawn from the trained model.
  assert.notEqual(await page.evaluate(() => (document.getElementById('boundary') as HTMLCanvasElement).toDataURL()), boundaryBefore);
  // A histogram per layer: 2·8, 8·8 and 8·2 weights.
  const histograms = await page.$$eval('#histograms figcaption', (cs) => cs.map((c) => c.textContent!));
  assert.deepEqual(histograms.map((c) => c.split(',')[0]), ['hidden_1: 16 weights', 'hidden_2: 64 weights', 'output: 16 weights']);
  for (const c of histograms) assert.match(c, /mean -?\d\.\d{3}, sd \d\.\d{3}$/);
  // The gradient norm of each layer, a positive finite number.
  const norms = (await text(page, '#gradient-values')).split(' · ').map((e) => e.split(': '));
  assert.deepEqual(norms.map(([layer]) => layer), ['hidden_1', 'hidden_2', 'output']);
  for (const [layer, norm] of norms) assert.ok(Number(norm) > 0 && Number.isFinite(Number(norm)), `${layer}: ${norm}`);
  assert.equal(await page.isHidden('#view-confusion'), true);
  await page.screenshot({ path: join(OUT, 'xor.png') });

  // Fashion-MNIST: the confusion matrix and the misclassified images after an epoch.
  await page.selectOption('#dataset', 'fashion-mnist');
  await page.waitForFunction(() => document.getElementById('status')!.textContent!.startsWith('Ready'), null, { timeout: 20_000 });
  assert.match(await text(page, '#status'), /^Ready: 1000 training and 300 test examples/);
  assert.equal(await page.isHidden('#view-boundary'), true);
  await page.click('#train');
  await page.waitForFunction(() => Number(document.getElementById('epoch')!.textContent) >= 2, null, { timeout: 30_000 });
  await page.click('#pause');
  assert.ok((await accuracy(page)) > 0.5, `Fashion-MNIST test accuracy after 2 epochs: ${await accuracy(page)}`);
  const mistakes = await page.$$eval('#mistakes figcaption', (cs) => cs.map((c) => c.textContent!));
  assert.equal(mistakes.length, 12);
  for (const m of mistakes) {
    const [truth, predicted] = m.split(' → ');
    assert.ok(s.datasets.fashionMnist.classNames.includes(truth!) && s.datasets.fashionMnist.classNames.includes(predicted!) && truth !== predicted, m);
  }
  await page.screenshot({ path: join(OUT, 'fashion-mnist.png') });
  assert.deepEqual(problems, [], 'no console errors or warnings');
  assert.deepEqual(foreign, [], 'no request leaves the playground');
});

test('strata lab --build-static writes the playground as static files that train in chromium served without isolation headers, on one thread', { skip, timeout: 60_000 }, async (t) => {
  mkdirSync(OUT, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'strata-playground-'));
  const built = await runCli(['lab', '--build-static', dir, '--train-size', String(SLICE.trainSize), '--test-size', String(SLICE.testSize)]);
  assert.equal(built.code, 0, built.stderr);
  assert.match(built.stdout, new RegExp(`^Wrote the playground to ${dir} \\(\\d+ files\\)`));
  for (const name of ['index.html', 'strata.js', 'worker.js', 'playground.js', '_headers', 'data/fashion-mnist.json']) assert.ok(existsSync(join(dir, name)), name);
  assert.equal(statSync(join(dir, 'data/fashion-mnist.bin')).size, (784 + 1) * (SLICE.trainSize + SLICE.testSize));
  assert.match(readFileSync(join(dir, '_headers'), 'utf8'), /^\/\*\n\s+Cross-Origin-Opener-Policy: same-origin\n\s+Cross-Origin-Embedder-Policy: require-corp\n/);
  const url = await serveFiles(t, { root: dir, routes: { '/': readFileSync(join(dir, 'index.html')) }, isolated: false });
  const { page, problems } = await open(t, url);
  assert.equal(await page.evaluate(() => crossOriginIsolated), false);
  assert.match(await text(page, '#status'), /wasm backend, 1 thread \(the page is not cross-origin isolated\)$/);
  await page.click('#train');
  await trainTo(page, 0.95);
  assert.ok((await accuracy(page)) >= 0.95);
  await page.screenshot({ path: join(OUT, 'static-circles.png') });
  assert.deepEqual(problems, []);
});

test('servePlayground sends the isolation headers, the page, the build and the slice, and nothing else', { skip: missing(FASHION_MNIST) || (existsSync(BUILD) ? false : 'the browser build (dist/browser/) is missing: run `npm run build`'), timeout: 30_000 }, async (t) => {
  const playground = await s.lab.servePlayground({ port: 0, ...SLICE });
  t.after(() => playground.close());
  assert.match(playground.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const page = await fetch(playground.url);
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('cross-origin-opener-policy'), 'same-origin');
  assert.equal(page.headers.get('cross-origin-embedder-policy'), 'require-corp');
  assert.match(await page.text(), /<script type="module" src="playground.js"><\/script>/);
  const script = await fetch(`${playground.url}strata.js`);
  assert.deepEqual([script.status, script.headers.get('content-type')], [200, 'text/javascript; charset=utf-8']);
  assert.deepEqual(await (await fetch(`${playground.url}data/fashion-mnist.json`)).json(), { ...SLICE, classNames: [...s.datasets.fashionMnist.classNames] });
  const bytes = new Uint8Array(await (await fetch(`${playground.url}data/fashion-mnist.bin`)).arrayBuffer());
  assert.equal(bytes.length, 785 * (SLICE.trainSize + SLICE.testSize));
  // The first training image and label are Fashion-MNIST's own.
  const [[xTrain, yTrain]] = await s.datasets.fashionMnist.loadData();
  assert.deepEqual(bytes.subarray(0, 784), Uint8Array.from(xTrain.dataSync().subarray(0, 784)));
  assert.equal(bytes[784 * SLICE.trainSize], yTrain.dataSync()[0]);
  for (const path of ['%2e%2e/package.json', 'src/index.js', 'data/other.bin', 'worker.ts']) assert.equal((await fetch(`${playground.url}${path}`)).status, 404, path);
  const foreignHost = await new Promise<number>((resolve) => {
    const url = new URL(playground.url);
    request({ host: url.hostname, port: url.port, path: '/', headers: { host: 'attacker.example' } }, (res) => resolve(res.statusCode!)).end();
  });
  assert.equal(foreignHost, 403, 'a page reaching the server through another host name is refused');
  await assert.rejects(s.lab.servePlayground({ port: 0, trainSize: 70_000 }), (e: unknown) => e instanceof s.ValueError && /^servePlayground: trainSize must be an integer from 1 to 60000 \(Fashion-MNIST's images\), got 70000\.$/.test(e.message));
});
