/** Logistic regression by hand in float64: logits, softmax, and the multinomial and binary logistic losses on known values. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { binaryLogisticLoss, linearLogits, multinomialLogisticLoss, softmaxRows } from '../../src/lab/logistic-loss.js';

test('linearLogits is x · kernel + bias for each sample, zero pixels included', () => {
  // Two samples of three inputs, two units: kernel [[1, 2], [3, 4], [5, 6]], bias [0.5, -1].
  const logits = linearLogits([1, 0, 2, 0, 1, 0], { kernel: [1, 2, 3, 4, 5, 6], bias: [0.5, -1] });
  assert.deepEqual(Array.from(logits), [1 + 10 + 0.5, 2 + 12 - 1, 3 + 0.5, 4 - 1]);
});

test('the multinomial logistic loss is log(units) for equal logits and stays exact for huge ones', () => {
  assert.ok(Math.abs(multinomialLogisticLoss(new Float64Array(10), 10, [3]) - Math.log(10)) < 1e-15);
  // −log softmax([1000, 0])[y]: 0 (to e^-1000) for the winning class, 1000 for the other.
  assert.equal(multinomialLogisticLoss(new Float64Array([1000, 0]), 2, [0]), 0);
  assert.equal(multinomialLogisticLoss(new Float64Array([1000, 0]), 2, [1]), 1000);
  const p = softmaxRows(new Float64Array([1, 2, 3, -700, 0, 700]), 3);
  assert.ok(Math.abs(p[0]! + p[1]! + p[2]! - 1) < 1e-15 && Math.abs(p[5]! - 1) < 1e-15);
});

test('the binary logistic loss is the two-class softmax loss with logits (0, z), for margins of every size', () => {
  const z = [-800, -3, -0.5, 0, 0.25, 4, 800];
  for (const label of [0, 1]) {
    for (const v of z) {
      const binary = binaryLogisticLoss(new Float64Array([v]), [label]);
      const multinomial = multinomialLogisticLoss(new Float64Array([0, v]), 2, [label]);
      assert.ok(Math.abs(binary - multinomial) <= 1e-12 * Math.max(1, multinomial), `z ${v}, label ${label}: ${binary} against ${multinomial}`);
    }
  }
  assert.equal(binaryLogisticLoss(new Float64Array([0, 2]), [1, 0]), (Math.log(2) + Math.log1p(Math.exp(2))) / 2);
});
