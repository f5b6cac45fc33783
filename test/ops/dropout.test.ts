import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ShapeError, ValueError, dropout, ones, tensor, tidy } from '../../src/index.js';
import { checkGrad } from '../helpers/grad-check.js';

test('dropout zeroes a fraction `rate` and scales the rest by 1 / (1 - rate)', () => tidy(() => {
  const n = 100_000;
  const y = dropout(ones([200, 500]), 0.3, { seed: 1 }).dataSync();
  const scaled = Math.fround(1 / 0.7);
  let zeros = 0;
  for (const v of y) {
    if (v === 0) zeros++;
    else assert.equal(v, scaled);
  }
  // Within 4 standard errors of a Binomial(n, 0.3) fraction.
  assert.ok(Math.abs(zeros / n - 0.3) < 4 * Math.sqrt((0.3 * 0.7) / n), `dropped ${zeros / n}`);
}));

test('the same seed gives the same mask; noiseShape drops whole rows', () => tidy(() => {
  const x = ones([50, 8]);
  assert.deepEqual(dropout(x, 0.5, { seed: 4 }).dataSync(), dropout(x, 0.5, { seed: 4 }).dataSync());
  for (const noiseShape of [[50, 1], [null, 1]]) {
    const rows = dropout(x, 0.5, { seed: 5, noiseShape }).arraySync() as number[][];
    for (const row of rows) assert.ok(row.every((v) => v === 0) || row.every((v) => v === 2), JSON.stringify(row));
    assert.ok(rows.some((r) => r[0] === 0) && rows.some((r) => r[0] === 2));
  }
}));

test('dropout gradient is the same mask and scale (checkGrad with a fixed seed)', () => {
  checkGrad('dropout', (x) => dropout(x, 0.4, { seed: 9 }), [{ shape: [6, 5] }]);
});

test('rate 0 is the identity; bad rates and noise shapes are refused', () => tidy(() => {
  const x = tensor([1, 2, 3]);
  assert.equal(dropout(x, 0), x);
  assert.throws(() => dropout(x, 1), (e: Error) => e instanceof ValueError && /dropout: rate must be in \[0, 1\), got 1/.test(e.message));
  assert.throws(() => dropout(x, -0.1), ValueError);
  assert.throws(() => dropout(ones([4, 3]), 0.5, { noiseShape: [4, 2] }), (e: Error) => e instanceof ShapeError && /noiseShape \[4,2\] does not fit input shape \[4,3\]/.test(e.message));
}));
