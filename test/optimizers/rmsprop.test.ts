import { test } from 'node:test';
import { RMSprop } from '../../src/optimizers/index.js';
import { assertClose } from '../helpers/grad-check.js';
import { expectedSteps, runSteps } from '../helpers/optimizer-steps.js';

const EPS = 1e-7;

test('RMSprop: v = 0.9 v + 0.1 g^2; w -= lr g / sqrt(v + eps)', () => {
  const expected = expectedSteps(() => ({ v: 0 }), (w, g, s) => {
    s.v = 0.9 * s.v + 0.1 * g * g;
    return w - (0.01 * g) / Math.sqrt(s.v + EPS);
  });
  // First element, first step: v = 0.025, step = 0.01 * 0.5 / sqrt(0.025) = 0.0316227...
  assertClose([expected[0]![0]!], [1 - 0.005 / Math.sqrt(0.025 + EPS)], 1e-12);
  runSteps(new RMSprop({ learningRate: 0.01 })).forEach((w, k) => assertClose(w, expected[k]!, 1e-6, `step ${k + 1}`));
});

test('RMSprop with momentum: m = momentum m + step; w -= m', () => {
  const expected = expectedSteps(() => ({ v: 0, m: 0 }), (w, g, s) => {
    s.v = 0.8 * s.v + 0.2 * g * g;
    s.m = 0.5 * s.m + (0.01 * g) / Math.sqrt(s.v + EPS);
    return w - s.m;
  });
  runSteps(new RMSprop({ learningRate: 0.01, rho: 0.8, momentum: 0.5 })).forEach((w, k) => assertClose(w, expected[k]!, 1e-6, `step ${k + 1}`));
});

test('RMSprop centered: divides by sqrt(v - a^2 + eps) with a the mean gradient', () => {
  const expected = expectedSteps(() => ({ v: 0, a: 0 }), (w, g, s) => {
    s.v = 0.9 * s.v + 0.1 * g * g;
    s.a = 0.9 * s.a + 0.1 * g;
    return w - (0.01 * g) / Math.sqrt(s.v - s.a * s.a + EPS);
  });
  runSteps(new RMSprop({ learningRate: 0.01, centered: true })).forEach((w, k) => assertClose(w, expected[k]!, 1e-6, `step ${k + 1}`));
});
