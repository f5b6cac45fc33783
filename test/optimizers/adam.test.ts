import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Adam, AdamW, adamw } from '../../src/optimizers/index.js';
import { assertClose } from '../helpers/grad-check.js';
import { expectedSteps, runSteps } from '../helpers/optimizer-steps.js';

/** Keras's Adam for one element: epsilon is added to sqrt(v) outside the bias correction. */
function adamStep(lr: number, b1: number, b2: number, eps: number, amsgrad = false, wd = 0) {
  return (w: number, g: number, s: { m: number; v: number; vHat: number }, t: number): number => {
    const decayed = w - w * wd * lr;
    const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
    s.m += (g - s.m) * (1 - b1);
    s.v += (g * g - s.v) * (1 - b2);
    s.vHat = Math.max(s.vHat, s.v);
    return decayed - (s.m * alpha) / (Math.sqrt(amsgrad ? s.vHat : s.v) + eps);
  };
}
const fresh = () => ({ m: 0, v: 0, vHat: 0 });

test('Adam: two steps match the bias-corrected Keras update', () => {
  const expected = expectedSteps(fresh, adamStep(0.1, 0.9, 0.999, 1e-7));
  // First step, first element: m = 0.05, v = 0.00025, alpha = 0.1 * sqrt(0.001) / 0.1, w = 1 - 0.1 * 0.05 / 0.1 * sqrt(0.001) / (sqrt(0.00025) + 1e-7).
  assertClose([expected[0]![0]!], [1 - (0.05 * Math.sqrt(0.001)) / (Math.sqrt(0.00025) + 1e-7)], 1e-12);
  runSteps(new Adam({ learningRate: 0.1 })).forEach((w, k) => assertClose(w, expected[k]!, 1e-6, `step ${k + 1}`));
});

test('Adam: non-default betas and epsilon', () => {
  const expected = expectedSteps(fresh, adamStep(0.01, 0.8, 0.99, 0.1));
  runSteps(new Adam({ learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 0.1 })).forEach((w, k) => assertClose(w, expected[k]!, 1e-6, `step ${k + 1}`));
});

test('Adam with AMSGrad uses the running maximum of v', () => {
  // A large then small gradient makes v shrink, so vHat differs from v at step 2.
  const grads = [[3, -2, 1], [0.1, 0.1, 0.1]];
  const expected = expectedSteps(fresh, adamStep(0.1, 0.9, 0.9, 1e-7, true), grads);
  const plain = expectedSteps(fresh, adamStep(0.1, 0.9, 0.9, 1e-7, false), grads);
  runSteps(new Adam({ learningRate: 0.1, beta2: 0.9, amsgrad: true }), grads).forEach((w, k) => assertClose(w, expected[k]!, 1e-6, `step ${k + 1}`));
  assert.ok(Math.abs(expected[1]![0]! - plain[1]![0]!) > 1e-3, 'the AMSGrad case differs from plain Adam');
});

test('AdamW: decays w by lr * weightDecay * w before the Adam step', () => {
  const expected = expectedSteps(fresh, adamStep(0.1, 0.9, 0.999, 1e-7, false, 0.05));
  runSteps(new AdamW({ learningRate: 0.1, weightDecay: 0.05 })).forEach((w, k) => assertClose(w, expected[k]!, 1e-6, `step ${k + 1}`));
});

test('AdamW: Keras defaults (learningRate 0.001, weightDecay 0.004)', () => {
  const expected = expectedSteps(fresh, adamStep(0.001, 0.9, 0.999, 1e-7, false, 0.004));
  const opt = adamw();
  assertClose([opt.currentLearningRate(), opt.weightDecay!], [0.001, 0.004], 0);
  runSteps(opt).forEach((w, k) => assertClose(w, expected[k]!, 1e-6, `step ${k + 1}`));
});

test('weightDecay works on any optimizer (here Adam)', () => {
  const expected = expectedSteps(fresh, adamStep(0.1, 0.9, 0.999, 1e-7, false, 0.2));
  runSteps(new Adam({ learningRate: 0.1, weightDecay: 0.2 })).forEach((w, k) => assertClose(w, expected[k]!, 1e-6, `step ${k + 1}`));
});
