import { test } from 'node:test';
import { Adagrad } from '../../src/optimizers/index.js';
import { assertClose } from '../helpers/grad-check.js';
import { expectedSteps, runSteps } from '../helpers/optimizer-steps.js';

test('Adagrad: acc += g^2; w -= lr g / sqrt(acc + eps), accumulators start at 0.1', () => {
  const expected = expectedSteps(() => ({ acc: 0.1 }), (w, g, s) => {
    s.acc += g * g;
    return w - (0.1 * g) / Math.sqrt(s.acc + 1e-7);
  });
  runSteps(new Adagrad({ learningRate: 0.1 })).forEach((w, k) => assertClose(w, expected[k]!, 1e-6, `step ${k + 1}`));
});

test('Adagrad: initialAccumulatorValue and epsilon are used', () => {
  const expected = expectedSteps(() => ({ acc: 1 }), (w, g, s) => {
    s.acc += g * g;
    return w - (0.5 * g) / Math.sqrt(s.acc + 0.01);
  });
  runSteps(new Adagrad({ learningRate: 0.5, initialAccumulatorValue: 1, epsilon: 0.01 })).forEach((w, k) => assertClose(w, expected[k]!, 1e-6, `step ${k + 1}`));
});
