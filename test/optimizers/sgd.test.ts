import { test } from 'node:test';
import { SGD, sgd } from '../../src/optimizers/index.js';
import { assertClose } from '../helpers/grad-check.js';
import { expectedSteps, runSteps } from '../helpers/optimizer-steps.js';

test('SGD: w -= lr * g', () => {
  const expected = expectedSteps(() => ({}), (w, g) => w - 0.1 * g);
  runSteps(new SGD({ learningRate: 0.1 })).forEach((w, k) => assertClose(w, expected[k]!, 1e-6, `step ${k + 1}`));
});

test('SGD: default learning rate 0.01', () => {
  const expected = expectedSteps(() => ({}), (w, g) => w - 0.01 * g);
  runSteps(sgd()).forEach((w, k) => assertClose(w, expected[k]!, 1e-6, `step ${k + 1}`));
});

test('SGD with momentum: m = 0.9 m - lr g; w += m', () => {
  const expected = expectedSteps(() => ({ m: 0 }), (w, g, s) => {
    s.m = 0.9 * s.m - 0.1 * g;
    return w + s.m;
  });
  // By hand for the first element: m1 = -0.05, w1 = 0.95; m2 = -0.045 + 0.03 = -0.015, w2 = 0.935.
  assertClose([expected[0]![0]!, expected[1]![0]!], [0.95, 0.935], 1e-12);
  runSteps(new SGD({ learningRate: 0.1, momentum: 0.9 })).forEach((w, k) => assertClose(w, expected[k]!, 1e-6, `step ${k + 1}`));
});

test('SGD with Nesterov momentum: w += 0.9 m - lr g', () => {
  const expected = expectedSteps(() => ({ m: 0 }), (w, g, s) => {
    s.m = 0.9 * s.m - 0.1 * g;
    return w + 0.9 * s.m - 0.1 * g;
  });
  runSteps(new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true })).forEach((w, k) => assertClose(w, expected[k]!, 1e-6, `step ${k + 1}`));
});

test('sgd(0.5) takes a bare learning rate', () => {
  const expected = expectedSteps(() => ({}), (w, g) => w - 0.5 * g);
  runSteps(sgd(0.5)).forEach((w, k) => assertClose(w, expected[k]!, 1e-6, `step ${k + 1}`));
});
