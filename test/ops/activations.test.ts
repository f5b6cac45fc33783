import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as s from '../../src/index.js';
import { assertClose, checkGrad, checkSecondOrder } from '../helpers/grad-check.js';

const fns: [string, (x: s.Tensor) => s.Tensor, number[]][] = [
  ['leakyRelu', (x) => s.leakyRelu(x, 0.1), [0]],
  ['elu', (x) => s.elu(x), [0]],
  ['selu', s.selu, [0]],
  ['gelu', (x) => s.gelu(x), []],
  ['gelu approximate', (x) => s.gelu(x, true), []],
  ['softplus', s.softplus, []],
  ['softsign', s.softsign, [0]],
  ['swish', s.swish, []],
  ['mish', s.mish, []],
  ['relu6', s.relu6, [0, 6]],
  ['hardSigmoid', s.hardSigmoid, [-3, 3]],
];
for (const [name, f, avoid] of fns) {
  for (const shape of [[7], [3, 5]]) {
    test(`${name} gradient, shape [${shape}]`, () => checkGrad(name, f, [{ shape, range: [-4, 8], avoid }]));
  }
}

for (const axis of [-1, 0, 1]) {
  test(`softmax gradient along axis ${axis}`, () => checkGrad('softmax', (x) => s.softmax(x, axis), [{ shape: [3, 5] }]));
  test(`logSoftmax gradient along axis ${axis}`, () => checkGrad('logSoftmax', (x) => s.logSoftmax(x, axis), [{ shape: [4, 3] }]));
}
test('softmax gradient on a rank-3 tensor with a size-1 axis', () => checkGrad('softmax', (x) => s.softmax(x), [{ shape: [2, 1, 4] }]));

test('softmax rows sum to 1 and match the closed form', () => {
  const y = s.softmax(s.tensor([[1, 2, 3], [0, 0, 0]]));
  const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
  const z = e[0]! + e[1]! + e[2]!;
  assertClose(y.dataSync(), [e[0]! / z, e[1]! / z, e[2]! / z, 1 / 3, 1 / 3, 1 / 3], 1e-6);
});

test('softmax and logSoftmax of large logits stay finite and exact', () => {
  assert.deepEqual(s.softmax(s.tensor([1000, 1000])).arraySync(), [0.5, 0.5]);
  assertClose(s.softmax(s.tensor([-1000, 0, 1000])).dataSync(), [0, 0, 1], 1e-7);
  assertClose(s.logSoftmax(s.tensor([1000, 1000])).dataSync(), [-Math.LN2, -Math.LN2], 1e-6);
  assertClose(s.logSoftmax(s.tensor([0, -1e4])).dataSync(), [0, -1e4], 1e-6);
});

test('activations at reference points', () => {
  const x = s.tensor([-1, 0, 2]);
  assertClose(s.elu(x).dataSync(), [Math.expm1(-1), 0, 2], 1e-6, 'elu');
  assertClose(s.leakyRelu(x).dataSync(), [-0.2, 0, 2], 1e-6, 'leakyRelu');
  assertClose(s.selu(x).dataSync(), [1.0507009873554805 * 1.6732632423543772 * Math.expm1(-1), 0, 2 * 1.0507009873554805], 1e-6, 'selu');
  assertClose(s.gelu(x).dataSync(), [-0.15865525393145707, 0, 1.9544997361036416], 1e-6, 'gelu');
  assertClose(s.softplus(x).dataSync(), [Math.log1p(Math.exp(-1)), Math.LN2, Math.log1p(Math.exp(2))], 1e-6, 'softplus');
  assertClose(s.swish(x).dataSync(), [-1 / (1 + Math.E), 0, 2 / (1 + Math.exp(-2))], 1e-6, 'swish');
  assertClose(s.hardSigmoid(x).dataSync(), [1 / 3, 0.5, 5 / 6], 1e-6, 'hardSigmoid');
  assertClose(s.relu6(s.tensor([-1, 3, 9])).dataSync(), [0, 3, 6], 0, 'relu6');
});

test('softplus and elu stay finite for huge inputs, with finite gradients', () => {
  const x = s.tensor([-1000, 1000]);
  assert.deepEqual(s.softplus(x).arraySync(), [0, 1000]);
  assert.deepEqual(s.grad((t) => s.sum(s.softplus(t)))(x).arraySync(), [0, 1]);
  assert.deepEqual(s.grad((t) => s.sum(s.elu(t)))(x).arraySync(), [0, 1]);
});

test('softplus stays finite for logits of ±1000', () => {
  assertClose(s.softplus(s.tensor([0, -1000, 1000])).dataSync(), [Math.LN2, 0, 1000], 1e-6);
});

test('softplus: the derivative is sigmoid(x), also at exactly 0 and at ±1000', () => {
  const g = s.grad((x) => s.sum(s.softplus(x)))(s.tensor([0, -1000, 1000, 2, -2]));
  assertClose(g.dataSync(), [0.5, 0, 1, 1 / (1 + Math.exp(-2)), 1 / (1 + Math.exp(2))], 1e-6);
});

test('second derivatives of activations, softmax and logSoftmax match finite differences of the gradient', () => {
  for (const [name, f, avoid] of fns) checkSecondOrder(name, f, [{ shape: [3, 4], range: [-4, 8], avoid }]);
  checkSecondOrder('relu', s.relu, [{ shape: [3, 4], avoid: [0] }]);
  for (const axis of [-1, 0]) {
    checkSecondOrder('softmax', (x) => s.softmax(x, axis), [{ shape: [3, 5] }]);
    checkSecondOrder('logSoftmax', (x) => s.logSoftmax(x, axis), [{ shape: [4, 3] }]);
  }
});
