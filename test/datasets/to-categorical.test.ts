/** toCategorical: one-hot float32 rows from class ids of any integer dtype. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as s from '../../src/index.js';

const { toCategorical } = s.datasets;

test('class ids become one-hot float32 rows; numClasses defaults to the largest id plus one', () => {
  const oneHot = toCategorical(s.tensor(new Uint8Array([0, 2, 1])));
  assert.equal(oneHot.dtype, 'float32');
  assert.deepEqual(oneHot.arraySync(), [[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
  assert.deepEqual(toCategorical(s.tensor([[1], [0]], [2, 1], 'int32'), 4).arraySync(), [[0, 1, 0, 0], [1, 0, 0, 0]]);
  assert.deepEqual(toCategorical(s.tensor([3, 0])).shape, [2, 4], 'float ids holding whole numbers are accepted');
});

test('ids that are negative, fractional or too large for numClasses are refused', () => {
  assert.throws(() => toCategorical(s.tensor([0, 5], [2], 'int32'), 3), /class id 5 does not fit in numClasses 3 \(ids must be in \[0, 2\]\)/);
  assert.throws(() => toCategorical(s.tensor([1.5])), /whole numbers >= 0, got 1\.5 at index 0/);
  assert.throws(() => toCategorical(s.tensor([-1, 0], [2], 'int32')), /got -1 at index 0/);
  assert.throws(() => toCategorical(s.zeros([2, 2])), /shape \[n\] or \[n, 1\], got \[2,2\]/);
});
