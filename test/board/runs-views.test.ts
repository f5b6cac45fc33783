/**
 * The Board's run tools and Evaluation view in chromium: the regular-expression run filter (an
 * invalid one reported, never thrown), a scalar series downloaded as CSV from its link, the
 * horizontal-axis switch (step, relative hours, wall time) and the PR curves tab.
 * Screenshots go to test-output/board/.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import * as s from '../../src/node/index.js';
import { prCurve, prCurveValue } from '../../src/board/pr-curve.js';
import { encodeRecord } from '../../src/board/records.js';
import { encodeEvent, type EventMessage } from '../../src/board/tf-protos.js';
import { openPage } from '../helpers/chromium.js';
import { CHROMIUM, missing } from '../helpers/system-packages.js';

const OUT = join(process.env.TEST_OUTPUT_DIR ?? 'test-output', 'board');
/** Run alpha's first event; its steps come every half hour. */
const T0 = 1_700_000_000;
const LOSS = [1.5, 1, 0.75];

/** An event file of `events`, with wall times chosen by the test. */
function writeEvents(dir: string, events: EventMessage[]): void {
  mkdirSync(dir, { recursive: true });
  const bytes = [{ wallTime: T0, fileVersion: 'brain.Event:2' }, ...events].map((e) => encodeRecord(encodeEvent(e)));
  writeFileSync(join(dir, 'events.out.tfevents.1.test'), Buffer.concat(bytes));
}

const loss = (start: number): EventMessage[] => LOSS.map((v, step) => ({ wallTime: start + step * 1800, step, summary: { value: [{ tag: 'epoch_loss', simpleValue: v }] } }));

/** The x values of the series named `name` in the chart of card `key`. */
async function xs(page: Page, key: string, name: string): Promise<number[]> {
  return page.evaluate(([k, n]) => {
    const chart = (globalThis as any).echarts.getInstanceByDom(document.querySelector(`.card[data-key="${k}"] .chart`));
    return chart.getOption().series.filter((x: any) => x.name === n)[0].data.map((p: number[]) => p[0]);
  }, [key, name]);
}

async function seriesNames(page: Page, key: string): Promise<string[]> {
  return page.evaluate((k) => (globalThis as any).echarts.getInstanceByDom(document.querySelector(`.card[data-key="${k}"] .chart`)).getOption().series.map((x: any) => x.name), key);
}

test('the run filter, CSV downloads, the axis switch and the PR curves tab work in chromium without console errors', { skip: missing(CHROMIUM), timeout: 60_000 }, async (t) => {
  mkdirSync(OUT, { recursive: true });
  const logDir = mkdtempSync(join(tmpdir(), 'strata-runs-views-'));
  writeEvents(join(logDir, 'alpha'), loss(T0));
  writeEvents(join(logDir, 'beta'), loss(T0 + 100));
  const cat = prCurve([1, 0, 1, 0, 1], [0.9, 0.8, 0.6, 0.3, 0.2], 3);
  const catLater = prCurve([1, 0, 1, 0, 1], [0.9, 0.1, 0.6, 0.3, 0.7], 3);
  writeEvents(join(logDir, 'eval'), [0, 1].map((step) => ({ wallTime: T0 + step, step, summary: { value: [prCurveValue('pr_curves/cat', step ? catLater : cat), prCurveValue('pr_curves/dog', cat)] } })));

  const board = await s.runBoard({ logDir, port: 0 });
  t.after(() => board.close());
  const { page, problems } = await openPage(t, { width: 1366, height: 768 });
  await page.goto(board.url);
  await page.waitForSelector('.card[data-key="epoch_loss"] canvas');
  assert.deepEqual(await seriesNames(page, 'epoch_loss'), ['alpha', 'beta']);

  // The filter: a regular expression keeps the matching runs, in the list and in the charts.
  await page.fill('#run-filter', '^al');
  await page.waitForFunction(() => document.querySelectorAll('.runs .run').length === 1);
  assert.equal((await page.textContent('.runs'))!.trim(), 'alpha');
  assert.deepEqual(await seriesNames(page, 'epoch_loss'), ['alpha']);
  // An invalid one says so and filters nothing.
  await page.fill('#run-filter', 'al(');
  await page.waitForSelector('#run-filter-error:not(:empty)');
  assert.match((await page.textContent('#run-filter-error'))!, /^Not a regular expression: /);
  assert.equal(await page.getAttribute('#run-filter', 'aria-invalid'), 'true');
  assert.equal(await page.$$eval('.runs .run', (els) => els.length), 3);
  await page.fill('#run-filter', 'ALPHA|eval');
  await page.waitForFunction(() => document.querySelectorAll('.runs .run').length === 2);

  // The CSV link of alpha's loss gives its rows: wall time, step, value.
  const href = await page.getAttribute('.card[data-key="epoch_loss"] a[aria-label="alpha as CSV"]', 'href');
  assert.ok(href, 'a CSV link per series');
  const csv = await page.evaluate(async (u) => (await fetch(u)).text(), href!);
  assert.equal(csv, `Wall time,Step,Value\n${LOSS.map((v, step) => `${T0 + step * 1800},${step},${v}`).join('\n')}\n`);
  assert.ok(await page.$('.card[data-key="epoch_loss"] a[aria-label="alpha as JSON"]'));

  // The horizontal axis: steps, hours since the run's first event, wall time (ms for the chart).
  assert.deepEqual(await xs(page, 'epoch_loss', 'alpha'), [0, 1, 2]);
  await page.selectOption('#x-axis', 'relative');
  await page.waitForFunction(() => (globalThis as any).echarts.getInstanceByDom(document.querySelector('.card[data-key="epoch_loss"] .chart')).getOption().xAxis[0].type === 'value' && document.querySelector<HTMLSelectElement>('#x-axis')!.value === 'relative');
  await page.waitForFunction(() => (globalThis as any).echarts.getInstanceByDom(document.querySelector('.card[data-key="epoch_loss"] .chart')).getOption().series[0].data[1][0] === 0.5);
  assert.deepEqual(await xs(page, 'epoch_loss', 'alpha'), [0, 0.5, 1]);
  await page.selectOption('#x-axis', 'wall');
  await page.waitForFunction(() => (globalThis as any).echarts.getInstanceByDom(document.querySelector('.card[data-key="epoch_loss"] .chart')).getOption().xAxis[0].type === 'time');
  assert.deepEqual(await xs(page, 'epoch_loss', 'alpha'), [0, 1, 2].map((k) => (T0 + k * 1800) * 1000));
  await page.screenshot({ path: join(OUT, 'runs-filter-wall-time.png') });

  // PR curves: a chart per tag at the latest step, a slider back to the first.
  await page.click('nav button[data-view="pr-curves"]');
  await page.waitForSelector('.card[data-key="pr_curves/cat"] canvas');
  assert.deepEqual(await page.$$eval('.pr-card h3', (els) => els.map((e) => e.textContent)), ['pr_curves/cat', 'pr_curves/dog']);
  const curve = (): Promise<number[][]> => page.evaluate(() => (globalThis as any).echarts.getInstanceByDom(document.querySelector('.card[data-key="pr_curves/cat"] .chart')).getOption().series[0].data);
  const points = (c: ReturnType<typeof prCurve>): number[][] => c.recall.map((r, i) => [Math.fround(r), Math.fround(c.precision[i]!), c.thresholds[i]!]).filter((_, i) => c.truePositives[i]! + c.falsePositives[i]! > 0);
  assert.deepEqual(await curve(), points(catLater));
  assert.match((await page.textContent('.card[data-key="pr_curves/cat"] .sub'))!, /^step 1 · 3 thresholds/);
  await page.focus('.card[data-key="pr_curves/cat"] input[type=range]');
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => document.querySelector('.card[data-key="pr_curves/cat"] .sub')!.textContent!.startsWith('step 0'));
  assert.deepEqual(await curve(), points(cat));
  await page.screenshot({ path: join(OUT, 'pr-curves.png') });
  assert.deepEqual(problems, [], 'no console errors or warnings');
});
