import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as s from '../../src/index.js';
import { assertClose, checkGrad, checkSecondOrder, type InputSpec } from '../helpers/grad-check.js';

const shapes = [[5], [3, 4], [2, 1, 3], []];
type Unary = (x: s.Tensor) => s.Tensor;
const cases: [string, Unary, Omit<InputSpec, 'shape'>][] = [
  ['neg', s.neg, {}],
  ['abs', s.abs, { avoid: [0] }],
  ['sqrt', s.sqrt, { range: [0.2, 3] }],
  ['square', s.square, {}],
  ['reciprocal', s.reciprocal, { range: [0.3, 3] }],
  ['exp', s.exp, {}],
  ['expm1', s.expm1, {}],
  ['log', s.log, { range: [0.2, 3] }],
  ['log1p', s.log1p, { range: [-0.5, 3] }],
  ['erf', s.erf, {}],
  ['sin', s.sin, {}],
  ['cos', s.cos, {}],
  ['relu', s.relu, { avoid: [0] }],
  ['sigmoid', s.sigmoid, { range: [-6, 6] }],
  ['tanh', s.tanh, {}],
];

for (const [name, f, spec] of cases) {
  for (const shape of shapes) {
    test(`${name} gradient, shape [${shape}]`, () => checkGrad(name, f, [{ shape, ...spec }]));
  }
}

test('unary forward values against Math', () => {
  const xs = [0.25, 0.5, 1, 2.5];
  const expect = (f: Unary, g: (v: number) => number): void => assertClose(f(s.tensor(xs)).dataSync(), xs.map(g), 1e-6, f.name);
  expect(s.sqrt, Math.sqrt);
  expect(s.exp, Math.exp);
  expect(s.log, Math.log);
  expect(s.log1p, Math.log1p);
  expect(s.tanh, Math.tanh);
  expect(s.sigmoid, (v) => 1 / (1 + Math.exp(-v)));
  expect(s.reciprocal, (v) => 1 / v);
});

test('erf matches reference values to 1e-15 in float64', () => {
  const xs = [0, 0.1, 0.5, 1, 2, 2.5, 3, 4, -1];
  const expected = [0, 0.1124629160182849, 0.5204998778130465, 0.8427007929497149, 0.9953222650189527, 0.999593047982555, 0.9999779095030014, 0.9999999845827421, -0.8427007929497149];
  assertClose(s.erf(s.tensor(xs, [xs.length], 'float64')).dataSync(), expected, 1e-15, 'erf');
});

test('log of 0 is -Infinity, sqrt of a negative is NaN, no crash', () => {
  assert.deepEqual(s.log(s.tensor([0])).arraySync(), [-Infinity]);
  assert.ok(Number.isNaN(s.sqrt(s.tensor([-1])).item()));
  assert.deepEqual(s.exp(s.tensor([1000])).arraySync(), [Infinity]);
});

test('sigmoid of ±300 is exactly 1 and 0 and its gradient is finite', () => {
  const x = s.tensor([-300, 300]);
  assert.deepEqual(s.sigmoid(x).arraySync(), [0, 1]);
  assert.deepEqual(s.grad((t) => s.sum(s.sigmoid(t)))(x).arraySync(), [0, 0]);
});

test('round halves to even; floor, ceil, sign have no gradient', () => {
  assert.deepEqual(s.round(s.tensor([0.5, 1.5, 2.5, -0.5, -1.5, 1.4])).arraySync(), [0, 2, 2, -0, -2, 1]);
  assert.deepEqual(s.floor(s.tensor([1.5, -1.5])).arraySync(), [1, -2]);
  assert.deepEqual(s.ceil(s.tensor([1.5, -1.5])).arraySync(), [2, -1]);
  assert.deepEqual(s.sign(s.tensor([-3, 0, 2])).arraySync(), [-1, 0, 1]);
  for (const f of [s.floor, s.ceil, s.round, s.sign]) {
    assert.deepEqual(s.grad((t) => s.sum(f(t)))(s.tensor([1.3, -2.7])).arraySync(), [0, 0]);
  }
});

test('relu gradient at exactly 0 is 0, as in TensorFlow', () => {
  assert.deepEqual(s.grad((t) => s.sum(s.relu(t)))(s.tensor([-1, 0, 2])).arraySync(), [0, 0, 1]);
});

test('real functions of int32 tensors compute in float32', () => {
  const y = s.sqrt(s.tensor([4, 9], [2], 'int32'));
  assert.equal(y.dtype, 'float32');
  assert.deepEqual(y.arraySync(), [2, 3]);
  assert.equal(s.abs(s.tensor([-4], [1], 'int32')).dtype, 'int32');
});

test('second derivatives of every unary op match finite differences of the gradient', () => {
  for (const [name, f, spec] of cases) checkSecondOrder(name, f, [{ shape: [2, 3], ...spec }]);
});
