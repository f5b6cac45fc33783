import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as s from '../../src/index.js';
import { assertClose, checkGrad, checkSecondOrder } from '../helpers/grad-check.js';

const cases: [number[], number[], boolean, boolean][] = [
  [[3, 4], [4, 5], false, false],
  [[4, 3], [4, 5], true, false],
  [[3, 4], [5, 4], false, true],
  [[4, 3], [5, 4], true, true],
  [[2, 3, 4], [4, 2], false, false],
  [[3, 4], [2, 4, 5], false, false],
  [[2, 1, 3, 4], [3, 4, 1], false, false],
  [[1, 1], [1, 7], false, false],
  [[5, 1], [1, 3], false, false],
];
for (const [sa, sb, ta, tb] of cases) {
  test(`matMul gradient [${sa}]${ta ? 'ᵀ' : ''} x [${sb}]${tb ? 'ᵀ' : ''}`, () => {
    checkGrad('matMul', (a, b) => s.matMul(a!, b!, ta, tb), [{ shape: sa }, { shape: sb }]);
  });
}

test('matMul values, transposes and batch broadcasting', () => {
  const a = s.tensor([[1, 2], [3, 4]]);
  const b = s.tensor([[5, 6], [7, 8]]);
  assert.deepEqual(s.matMul(a, b).arraySync(), [[19, 22], [43, 50]]);
  assert.deepEqual(s.matMul(a, b, true).arraySync(), [[26, 30], [38, 44]]);
  assert.deepEqual(s.matMul(a, b, false, true).arraySync(), [[17, 23], [39, 53]]);
  assert.deepEqual(s.matMul(a, b, true, true).arraySync(), [[23, 31], [34, 46]]);
  const batch = s.stack([a, b]);
  const out = s.matMul(batch, s.eye(2));
  assert.deepEqual(out.arraySync(), [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
  assert.deepEqual(s.matMul(s.zeros([3, 1, 2, 4]), s.zeros([5, 4, 6])).shape, [3, 5, 2, 6]);
  assertClose(s.matMul(s.eye(3, 3, 'float64'), s.tensor([[0.1], [0.2], [0.3]], undefined, 'float64')).dataSync(), [0.1, 0.2, 0.3], 0);
});

test('matMul inner-dimension error names both shapes and suggests Flatten', () => {
  assert.throws(
    () => s.matMul(s.zeros([32, 28, 28]), s.zeros([784, 100])),
    (e: unknown) => e instanceof s.ShapeError && e.message === "matMul: inner dimensions differ: a is [32,28,28] and b is [784,100]; a's last dimension (28) must equal b's first (784). Did you forget to flatten the input?",
  );
  assert.throws(() => s.matMul(s.zeros([2, 3]), s.zeros([2, 3]), false, false), /a's last dimension \(3\) must equal b's first \(2\)\.$/);
  assert.throws(() => s.matMul(s.zeros([3]), s.zeros([3, 2])), /matMul: both operands need at least 2 dimensions, but a is \[3\]/);
  assert.throws(() => s.matMul(s.zeros([2, 2, 3]), s.zeros([3, 3, 1])), /matMul: shapes \[2\] and \[3\] cannot be broadcast together/);
});

test('second derivatives of matMul (transposed, batched, broadcast) match finite differences of the gradient', () => {
  for (const [sa, sb, ta, tb] of cases.slice(0, 7)) checkSecondOrder('matMul', (a, b) => s.matMul(a!, b!, ta, tb), [{ shape: sa }, { shape: sb }]);
});
