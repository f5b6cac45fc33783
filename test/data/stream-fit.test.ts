/** Memory stays bounded by the pipeline's buffers: a child process with a small heap streams several times its heap through map, shuffle and batch into fit. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const HEAP_MB = 24;
const ROWS = 10_000;
const FEATURES = 768;

test(`fit streams ${ROWS} rows of ${FEATURES} numbers (${((ROWS * FEATURES * 8) / 2 ** 20).toFixed(0)} MiB as JS arrays) with a ${HEAP_MB} MiB heap`, () => {
  const child = fileURLToPath(new URL('../helpers/stream-fit-child.js', import.meta.url));
  const run = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, '--max-semi-space-size=1', child], {
    encoding: 'utf8',
    env: { ...process.env, STREAM_FIT_ROWS: String(ROWS), STREAM_FIT_FEATURES: String(FEATURES) },
  });
  assert.equal(run.status, 0, `the child failed:\n${run.stderr.slice(-2000)}`);
  const seen = JSON.parse(run.stdout) as { made: number; steps: number; leaked: number; heapLimit: number };
  assert.equal(seen.made, ROWS);
  assert.equal(seen.steps, ROWS / 100);
  assert.equal(seen.leaked, 0);
  // The data streamed is more than twice the whole heap the child had (old and young spaces).
  assert.ok(ROWS * FEATURES * 8 > 2 * seen.heapLimit, `heap limit ${seen.heapLimit}`);
});
