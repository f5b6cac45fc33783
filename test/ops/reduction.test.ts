import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as s from '../../src/index.js';
import { assertClose, checkGrad, checkSecondOrder } from '../helpers/grad-check.js';

const axesCases: [number[], number | number[] | undefined][] = [
  [[3, 4], undefined],
  [[3, 4], 0],
  [[3, 4], -1],
  [[2, 3, 5], [0, 2]],
  [[2, 1, 3], 1],
  [[7], 0],
];
for (const [shape, axis] of axesCases) {
  for (const keepDims of [false, true]) {
    const label = `shape [${shape}], axis ${JSON.stringify(axis)}, keepDims ${keepDims}`;
    test(`sum gradient, ${label}`, () => checkGrad('sum', (x) => s.sum(x, axis, keepDims), [{ shape }]));
    test(`mean gradient, ${label}`, () => checkGrad('mean', (x) => s.mean(x, axis, keepDims), [{ shape }]));
    test(`max gradient, ${label}`, () => checkGrad('max', (x) => s.max(x, axis, keepDims), [{ shape }]));
    test(`min gradient, ${label}`, () => checkGrad('min', (x) => s.min(x, axis, keepDims), [{ shape }]));
    test(`variance gradient, ${label}`, () => checkGrad('variance', (x) => s.variance(x, axis, keepDims), [{ shape }]));
    test(`logSumExp gradient, ${label}`, () => checkGrad('logSumExp', (x) => s.logSumExp(x, axis, keepDims), [{ shape }]));
  }
}

test('reduction values', () => {
  const x = s.tensor([[1, 5, 3], [4, 2, 6]]);
  assert.deepEqual(s.sum(x).arraySync(), 21);
  assert.deepEqual(s.sum(x, 0).arraySync(), [5, 7, 9]);
  assert.deepEqual(s.sum(x, 1, true).arraySync(), [[9], [12]]);
  assert.deepEqual(s.mean(x, -1).arraySync(), [3, 4]);
  assert.deepEqual(s.max(x, 1).arraySync(), [5, 6]);
  assert.deepEqual(s.min(x, 0).arraySync(), [1, 2, 3]);
  assert.deepEqual(s.argmax(x).arraySync(), [1, 2]);
  assert.deepEqual(s.argmin(x, 0).arraySync(), [0, 1, 0]);
  assert.equal(s.argmax(x).dtype, 'int32');
  assertClose(s.variance(x, 1).dataSync(), [8 / 3, 8 / 3], 1e-6);
  assertClose(s.logSumExp(x, 1).dataSync(), [Math.log(Math.exp(1) + Math.exp(5) + Math.exp(3)), Math.log(Math.exp(4) + Math.exp(2) + Math.exp(6))], 1e-6);
});

test('reductions over no axes are the identity; over an empty axis give the identity element', () => {
  const x = s.tensor([[1, 2], [3, 4]]);
  assert.deepEqual(s.sum(x, []).arraySync(), [[1, 2], [3, 4]]);
  assert.deepEqual(s.max(x, []).arraySync(), [[1, 2], [3, 4]]);
  const empty = s.zeros([2, 0]);
  assert.deepEqual(s.sum(empty, 1).arraySync(), [0, 0]);
  assert.deepEqual(s.max(empty, 1).arraySync(), [-Infinity, -Infinity]);
  assert.deepEqual(s.min(empty, 1).arraySync(), [Infinity, Infinity]);
  assert.ok(Number.isNaN(s.mean(empty, 1).dataSync()[0]!));
  assert.throws(() => s.argmax(empty, 1), /argmax: axis 1 of shape \[2,0\] is empty/);
});

test('max shares its gradient equally between ties', () => {
  assert.deepEqual(s.grad((t) => s.max(t))(s.tensor([3, 1, 3])).arraySync(), [0.5, 0, 0.5]);
});

test('logSumExp is stable for large and -Infinity inputs', () => {
  assertClose(s.logSumExp(s.tensor([1000, 1000])).dataSync(), [1000 + Math.LN2], 1e-6);
  assert.equal(s.logSumExp(s.tensor([-Infinity, -Infinity])).item(), -Infinity);
  assertClose(s.logSumExp(s.tensor([-Infinity, 0])).dataSync(), [0], 1e-7);
});

test('sum and mean of int32 and bool', () => {
  const b = s.greater(s.tensor([1, -1, 2]), 0);
  assert.equal(s.sum(b).item(), 2);
  assert.equal(s.sum(b).dtype, 'int32');
  const m = s.mean(s.tensor([1, 2], [2], 'int32'));
  assert.equal(m.dtype, 'float32');
  assert.equal(m.item(), 1.5);
});

test('axis errors name the op, the axis and the rank', () => {
  assert.throws(() => s.sum(s.zeros([2, 3]), 2), (e: unknown) => e instanceof s.ValueError && /sum: axis 2 is out of range for a tensor of rank 2; expected an integer in \[-2, 1\]/.test(e.message));
  assert.throws(() => s.sum(s.zeros([2, 3]), [1, -1]), /names the same axis twice/);
});

test('second derivatives of the reductions match finite differences of the gradient', () => {
  for (const [shape, axis] of axesCases.slice(0, 4)) {
    checkSecondOrder('sum', (x) => s.sum(x, axis, true), [{ shape }]);
    checkSecondOrder('mean', (x) => s.mean(x, axis), [{ shape }]);
    checkSecondOrder('max', (x) => s.max(x, axis), [{ shape }]);
    checkSecondOrder('min', (x) => s.min(x, axis, true), [{ shape }]);
    checkSecondOrder('variance', (x) => s.variance(x, axis), [{ shape }]);
    checkSecondOrder('logSumExp', (x) => s.logSumExp(x, axis), [{ shape }]);
  }
});
