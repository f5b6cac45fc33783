import { test } from 'node:test';
import { grad, mish, softplus, sum, tensor } from '../../src/index.js';
import { assertClose, checkGrad } from '../helpers/grad-check.js';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

test('softplus: values stay finite for large |x|', () => {
  assertClose(softplus(tensor([0, -1000, 1000, 2, -2])).dataSync(), [Math.LN2, 0, 1000, Math.log1p(Math.exp(2)), Math.log1p(Math.exp(-2))], 1e-6);
});

test('softplus: the derivative is sigmoid(x), 1/2 at exactly 0, and finite at ±1000', () => {
  const g = grad((x) => sum(softplus(x)))(tensor([0, -1000, 1000, 2, -2]));
  assertClose(g.dataSync(), [0.5, 0, 1, sigmoid(2), sigmoid(-2)], 1e-6);
});

test('softplus gradient', () => checkGrad('softplus', softplus, [{ shape: [3, 4], range: [-5, 5] }]));
test('mish gradient', () => checkGrad('mish', mish, [{ shape: [3, 4], range: [-3, 3] }]));
