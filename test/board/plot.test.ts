/** strata plot: the train and validation curves of a logged metric, to PNG or SVG. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { decode as decodePng } from 'fast-png';
import * as s from '../../src/node/index.js';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

function logs(): string {
  const dir = mkdtempSync(join(tmpdir(), 'strata-plot-'));
  const train = s.createFileWriter(join(dir, 'train'));
  const validation = s.createFileWriter(join(dir, 'validation'));
  [0.9, 0.5, 0.25].forEach((v, i) => train.scalar('epoch_loss', v, i));
  [1.0, 0.75].forEach((v, i) => validation.scalar('epoch_loss', v, i));
  train.scalar('epoch_accuracy', 0.5, 0);
  train.close();
  validation.close();
  return dir;
}

test('plotRun draws the train and validation loss to PNG and SVG, with the logged values', async () => {
  const dir = logs();
  const png = await s.plotRun({ run: dir, metric: 'loss', out: join(dir, 'loss.png') });
  assert.equal(png.tag, 'epoch_loss');
  assert.deepEqual(png.series.map((x) => [x.name, x.points.map((p) => [p[0], p[1]])]), [['train', [[0, 0.9], [1, 0.5], [2, 0.25]].map(([a, b]) => [a, Math.fround(b!)])], ['validation', [[0, 1], [1, 0.75]]]]);
  const image = decodePng(readFileSync(join(dir, 'loss.png')));
  assert.deepEqual([image.width, image.height], [800, 480]);
  // The train curve's colour is drawn somewhere in the plot area.
  const pixels = image.data;
  let blue = 0;
  for (let i = 0; i < pixels.length; i += image.channels) if (pixels[i] === 0x1f && pixels[i + 1] === 0x77 && pixels[i + 2] === 0xb4) blue++;
  assert.ok(blue > 200, `train line pixels: ${blue}`);

  await s.plotRun({ run: dir, out: join(dir, 'loss.svg') });
  const svg = readFileSync(join(dir, 'loss.svg'), 'utf8');
  assert.match(svg, /^<svg [^>]*width="800" height="480"/);
  assert.match(svg, />train</);
  assert.match(svg, />validation</);
  assert.match(svg, /stroke="#1f77b4"/);
});

test('plot errors name what is logged; the standalone command writes the file', async () => {
  const dir = logs();
  await assert.rejects(s.plotRun({ run: dir, metric: 'auc', out: join(dir, 'x.png') }), /no 'auc' in .*\. Logged there: loss, accuracy\./);
  await assert.rejects(s.plotRun({ run: dir, out: join(dir, 'x.jpg') }), /must end in \.png or \.svg/);
  await assert.rejects(s.plotRun({ run: dir, out: join(dir, 'x.png'), font: join(dir, 'none.ttf') }), /the font '.*none\.ttf' does not exist/);
  const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
  const out = execFileSync(process.execPath, [cli, 'plot', dir, '--metric', 'accuracy', '--out', join(dir, 'acc.svg')], { encoding: 'utf8' });
  assert.ok(existsSync(join(dir, 'acc.svg')));
  assert.match(out, /^Wrote .*acc\.svg: epoch_accuracy of train\n$/);
});
