import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as s from '../../src/index.js';
import { add, div, maximum, minimum, mod, mul, pow, reluGrad, sub } from '../../src/index.js';
import { checkGrad, checkSecondOrder } from '../helpers/grad-check.js';

const pairs: [number[], number[]][] = [
  [[3, 4], [3, 4]],
  [[2, 3, 5], [5]],
  [[1, 3], [4, 1]],
  [[7], []],
  [[2, 1, 3], [1, 4, 1]],
];

for (const [sa, sb] of pairs) {
  const shapes = `[${sa}] and [${sb}]`;
  test(`add gradient, ${shapes}`, () => checkGrad('add', add, [{ shape: sa }, { shape: sb }]));
  test(`sub gradient, ${shapes}`, () => checkGrad('sub', sub, [{ shape: sa }, { shape: sb }]));
  test(`mul gradient, ${shapes}`, () => checkGrad('mul', mul, [{ shape: sa }, { shape: sb }]));
  test(`div gradient, ${shapes}`, () => checkGrad('div', div, [{ shape: sa }, { shape: sb, range: [0.5, 2] }]));
  test(`pow gradient, ${shapes}`, () => checkGrad('pow', pow, [{ shape: sa, range: [0.5, 2] }, { shape: sb }]));
  test(`maximum gradient, ${shapes}`, () => checkGrad('maximum', maximum, [{ shape: sa }, { shape: sb }]));
  test(`minimum gradient, ${shapes}`, () => checkGrad('minimum', minimum, [{ shape: sa }, { shape: sb }]));
  test(`reluGrad gradient, ${shapes}`, () => checkGrad('reluGrad', reluGrad, [{ shape: sa }, { shape: sb, avoid: [0] }]));
  test(`mod gradient, ${shapes}`, () => checkGrad('mod', mod, [{ shape: sa, range: [0.1, 5], avoid: [1, 2, 3, 4] }, { shape: sb, range: [0.95, 1.05] }]));
}

test('where gradient flows to the chosen branch, with broadcasting', () => {
  const cond = s.greater(s.tensor([[1, -1, 2], [-2, 3, -3]]), 0);
  checkGrad('where', (a, b) => s.where(cond, a!, b!), [{ shape: [2, 3] }, { shape: [3] }]);
  checkGrad('where', (a, b) => s.where(cond, a!, b!), [{ shape: [2, 1] }, { shape: [] }]);
});
test('clip gradient is 1 inside the range and 0 outside', () => {
  checkGrad('clip', (x) => s.clip(x, -0.5, 0.7), [{ shape: [4, 5], avoid: [-0.5, 0.7] }]);
  assert.deepEqual(s.grad((x) => s.sum(s.clip(x, 0, 1)))(s.tensor([-1, 0.5, 2])).arraySync(), [0, 1, 0]);
});
test('reluGrad passes dy where x > 0, 0 elsewhere (x = 0 included), and NaN for an infinite dy at x <= 0', () => {
  assert.deepEqual(reluGrad(s.tensor([[1, 2, 3], [4, 5, 6]]), s.tensor([-1, 0, 2])).arraySync(), [[0, 0, 3], [0, 0, 6]]);
  assert.deepEqual(Array.from(reluGrad(s.tensor([Infinity, Infinity]), s.tensor([-1, 1])).dataSync()), [NaN, Infinity]);
});
test('neg gradient', () => checkGrad('neg', (x) => s.neg(x), [{ shape: [3, 2] }]));

test('second derivatives of the binary ops, where, clip and neg match finite differences of the gradient', () => {
  for (const [sa, sb] of [[[2, 3], [2, 3]], [[2, 1, 3], [4, 1]]] as [number[], number[]][]) {
    checkSecondOrder('add', add, [{ shape: sa }, { shape: sb }]);
    checkSecondOrder('sub', sub, [{ shape: sa }, { shape: sb }]);
    checkSecondOrder('mul', mul, [{ shape: sa }, { shape: sb }]);
    checkSecondOrder('div', div, [{ shape: sa }, { shape: sb, range: [0.5, 2] }]);
    checkSecondOrder('pow', pow, [{ shape: sa, range: [0.5, 2] }, { shape: sb }]);
    checkSecondOrder('maximum', maximum, [{ shape: sa }, { shape: sb }]);
    checkSecondOrder('minimum', minimum, [{ shape: sa }, { shape: sb }]);
    checkSecondOrder('reluGrad', reluGrad, [{ shape: sa }, { shape: sb, avoid: [0] }]);
    checkSecondOrder('mod', mod, [{ shape: sa, range: [0.1, 5], avoid: [1, 2, 3, 4] }, { shape: sb, range: [0.95, 1.05] }]);
  }
  const cond = s.greater(s.tensor([[1, -1, 2], [-2, 3, -3]]), 0);
  checkSecondOrder('where', (a, b) => s.where(cond, s.mul(a!, a!), b!), [{ shape: [2, 3] }, { shape: [3] }]);
  checkSecondOrder('clip', (x) => s.clip(s.mul(x, x), -0.5, 0.7), [{ shape: [4, 5], avoid: [-0.7, 0, 0.7] }]);
  checkSecondOrder('neg', (x) => s.neg(x), [{ shape: [3, 2] }]);
});
