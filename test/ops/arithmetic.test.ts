import { test } from 'node:test';
import { add, div, maximum, minimum, mod, mul, pow, sub } from '../../src/index.js';
import { checkGrad } from '../helpers/grad-check.js';

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
  test(`mod gradient, ${shapes}`, () => checkGrad('mod', mod, [{ shape: sa, range: [0.1, 0.9] }, { shape: sb, range: [1.1, 2] }]));
}
