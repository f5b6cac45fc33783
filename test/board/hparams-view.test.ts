/**
 * The HParams tab in a real browser (Debian's chromium driven by playwright-core): two runs logged
 * with different hyperparameters, their table (rows, values, sorting by mouse and keyboard) and
 * their parallel coordinates, without console errors. Screenshot to test-output/board/hparams.png.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as s from '../../src/node/index.js';
import { openPage } from '../helpers/chromium.js';
import { twoRuns } from '../helpers/hparams-runs.js';
import { CHROMIUM, missing } from '../helpers/system-packages.js';

const OUT = join(process.env.TEST_OUTPUT_DIR ?? 'test-output', 'board');
/** How the page prints numbers (5 significant digits) of float32 values as logged. */
const shown = (v: number): string => String(Number(Math.fround(v).toPrecision(5)));

test('the HParams tab compares two runs: a sortable table of hyperparameters and final metrics, and parallel coordinates', { skip: missing(CHROMIUM), timeout: 60_000 }, async (t) => {
  mkdirSync(OUT, { recursive: true });
  // A value that would be markup if the page ever parsed what the logs hold.
  const note = '<img src=x onerror="document.title=\'pwned\'"><b>bold</b>';
  const { dir, histories } = await twoRuns({ note });
  const board = await s.runBoard({ logDir: dir, port: 0 });
  t.after(() => board.close());
  const { page, problems } = await openPage(t, { width: 1366, height: 900 });
  await page.goto(board.url);
  await page.click('nav button[data-view="hparams"]');
  await page.waitForSelector('table.hparams tbody tr[data-run="lr-0.1"]');

  const rows = (): Promise<string[][]> => page.$$eval('table.hparams tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent!.trim())));
  const column = async (key: string): Promise<number> => page.$$eval('table.hparams thead tr:last-child th', (ths, k) => ths.findIndex((th) => th.getAttribute('data-column') === k), key);
  const runsInOrder = async (): Promise<string[]> => (await rows()).map((r) => r[0]!);
  // Sorted by run name at first; each row holds the run's hyperparameters and its last epoch figures.
  assert.deepEqual(await runsInOrder(), ['lr-0.01', 'lr-0.1']);
  const table = await rows();
  for (const [i, run, lr, units] of [[0, 'lr-0.01', '0.01', '4'], [1, 'lr-0.1', '0.1', '8']] as const) {
    const h = histories[run]!.history;
    assert.equal(table[i]![await column('hparam:learning_rate')], lr);
    assert.equal(table[i]![await column('hparam:units')], units);
    assert.equal(table[i]![await column('hparam:shuffle')], String(run === 'lr-0.1'));
    assert.equal(table[i]![await column('metric:validation/epoch_loss')], shown(h.val_loss!.at(-1)!));
    assert.equal(table[i]![await column('metric:train/epoch_accuracy')], shown(h.accuracy!.at(-1)!));
    assert.equal(table[i]![await column('hparam:note')], note);
    assert.equal(table[i]!.at(-1), 'success');
  }
  assert.equal(await page.locator('main img, main b').count(), 0, 'logged strings are text, never markup');

  // A click on a metric's header sorts by it, a second click the other way.
  const byValLoss = Object.keys(histories).sort((a, b) => histories[a]!.history.val_loss!.at(-1)! - histories[b]!.history.val_loss!.at(-1)!);
  assert.notEqual(byValLoss[0], byValLoss[1]);
  await page.click('th[data-column="metric:validation/epoch_loss"] button');
  assert.deepEqual(await runsInOrder(), byValLoss);
  assert.equal(await page.getAttribute('th[data-column="metric:validation/epoch_loss"]', 'aria-sort'), 'ascending');
  await page.click('th[data-column="metric:validation/epoch_loss"] button');
  assert.deepEqual(await runsInOrder(), [...byValLoss].reverse());
  // The keyboard sorts too: Enter on a focused header.
  await page.focus('th[data-column="hparam:learning_rate"] button');
  await page.keyboard.press('Enter');
  assert.deepEqual(await runsInOrder(), ['lr-0.01', 'lr-0.1']);
  assert.equal(await page.getAttribute('th[data-column="hparam:learning_rate"]', 'aria-sort'), 'ascending');
  await page.keyboard.press('Enter');
  assert.deepEqual(await runsInOrder(), ['lr-0.1', 'lr-0.01']);

  // Parallel coordinates: an axis per column, a line per run through its values.
  await page.waitForSelector('.card[data-key="parallel"] canvas');
  const chart = await page.evaluate(() => {
    const option = (globalThis as any).echarts.getInstanceByDom(document.querySelector('.card[data-key="parallel"] .chart')).getOption();
    // Names with a slash are drawn on two lines (`validation/` above `epoch_loss`).
    return { axes: option.parallelAxis.map((a: any) => [a.name.replace(/\n/g, ''), a.type]), series: option.series.map((x: any) => [x.name, x.data[0]]) };
  });
  const columns = await page.$$eval('table.hparams thead tr:last-child th[data-column]:not([data-column="run"])', (ths) => ths.map((th) => th.getAttribute('data-column')!.replace(/^\w+:/, '')));
  // The per-layer gradient norms stay in the table; the chart has the hyperparameters and the epoch figures.
  assert.ok(columns.some((c) => c.startsWith('train/gradient_norm/')));
  assert.deepEqual(chart.axes.map((a: [string, string]) => a[0]), columns.filter((c) => !c.includes('/') || c.includes('/epoch_')));
  assert.deepEqual(chart.axes.find((a: [string, string]) => a[0] === 'optimizer'), ['optimizer', 'category']);
  const axes = chart.axes.map((a: [string, string]) => a[0]);
  const lr = axes.indexOf('learning_rate');
  const loss = axes.indexOf('validation/epoch_loss');
  assert.deepEqual(chart.series.map((x: [string, number[]]) => [x[0], x[1][lr], x[1][loss]]).sort(), Object.entries(histories).map(([run, h]) => [run, run === 'lr-0.1' ? 0.1 : 0.01, Math.fround(h.history.val_loss!.at(-1)!)]).sort());

  await page.screenshot({ path: join(OUT, 'hparams.png'), fullPage: true });
  assert.equal(await page.title(), 'Strata Board');
  assert.deepEqual(problems, []);
});
