/** scaleImages: uint8 pixels to float32 in [0, 1], exactly x / 255. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as s from '../../src/index.js';

test('uint8 pixels become float32 x / 255, shape kept; another maximum can be given', () => {
  const x = s.tensor(new Uint8Array([0, 1, 128, 255]), [1, 2, 2]);
  const y = s.datasets.scaleImages(x);
  assert.equal(y.dtype, 'float32');
  assert.deepEqual(y.shape, [1, 2, 2]);
  assert.deepEqual([...y.dataSync()], [0, 1 / 255, 128 / 255, 1].map(Math.fround));
  assert.deepEqual([...s.datasets.scaleImages(x, 128).dataSync()], [0, 1 / 128, 1, 255 / 128].map(Math.fround));
  assert.equal(x.dtype, 'uint8', 'the input is unchanged');
  assert.throws(() => s.datasets.scaleImages(x, 0), /maxValue must be a positive number, got 0/);
});
