/** examples/data-pipeline runs on a slice: the CSV pipeline and the image-folder pipeline both learn their task. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

test('examples/data-pipeline: a CSV streamed into fit, and an image folder decoded, cached and learned', () => {
  const path = fileURLToPath(new URL('../../examples/data-pipeline.js', import.meta.url));
  const out = execFileSync(process.execPath, [path, '--rows', '600', '--images', '64', '--epochs', '4'], { encoding: 'utf8' });
  const csv = /csv: 480 training rows, 120 held out; validation accuracy (\d\.\d+)/.exec(out);
  assert.ok(csv, out);
  assert.ok(Number(csv[1]) >= 0.9, out);
  const images = /images: 64 files, classes horizontal, vertical; accuracy (\d\.\d+)/.exec(out);
  assert.ok(images, out);
  assert.ok(Number(images[1]) >= 0.9, out);
});
