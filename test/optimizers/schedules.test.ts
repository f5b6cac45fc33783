import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValueError } from '../../src/index.js';
import { CosineDecay, ExponentialDecay, PiecewiseConstantDecay, SGD, deserializeSchedule, serializeSchedule } from '../../src/optimizers/index.js';
import { assertClose } from '../helpers/grad-check.js';

test('ExponentialDecay: 0.1 * 0.5^(step/10)', () => {
  const s = new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 });
  assertClose([0, 5, 10, 15].map((t) => s.call(t)), [0.1, 0.1 * Math.SQRT1_2, 0.05, 0.05 * Math.SQRT1_2], 1e-12);
});

test('ExponentialDecay with staircase drops once per period', () => {
  const s = new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: true });
  assertClose([0, 5, 9, 10, 15, 20].map((t) => s.call(t)), [0.1, 0.1, 0.1, 0.05, 0.05, 0.025], 1e-12);
});

test('PiecewiseConstantDecay: values[i] up to and including boundaries[i]', () => {
  const s = new PiecewiseConstantDecay({ boundaries: [10, 20], values: [1, 0.5, 0.1] });
  assertClose([0, 10, 11, 20, 21, 1000].map((t) => s.call(t)), [1, 1, 0.5, 0.5, 0.1, 0.1], 0);
  assert.throws(() => new PiecewiseConstantDecay({ boundaries: [10], values: [1] }), (e: Error) => e instanceof ValueError && /one more entry than boundaries/.test(e.message));
  assert.throws(() => new PiecewiseConstantDecay({ boundaries: [10, 5], values: [1, 2, 3] }), /strictly increasing/);
});

test('CosineDecay: decays from 1 to alpha over decaySteps, then stays', () => {
  const s = new CosineDecay({ initialLearningRate: 1, decaySteps: 10, alpha: 0.1 });
  // step 5: cosine factor 0.5 * (1 + cos(pi/2)) = 0.5, scaled into [0.1, 1]: 0.9 * 0.5 + 0.1.
  assertClose([0, 5, 10, 20].map((t) => s.call(t)), [1, 0.55, 0.1, 0.1], 1e-12);
});

test('CosineDecay with warmup: linear rise to warmupTarget, then cosine decay', () => {
  const s = new CosineDecay({ initialLearningRate: 0, warmupTarget: 1, warmupSteps: 4, decaySteps: 10 });
  assertClose([0, 2, 4, 9, 14, 30].map((t) => s.call(t)), [0, 0.5, 1, 0.5, 0, 0], 1e-12);
});

test('schedules round-trip through serializeSchedule / deserializeSchedule', () => {
  for (const s of [
    new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 7, decayRate: 0.9, staircase: true }),
    new PiecewiseConstantDecay({ boundaries: [3, 8], values: [0.3, 0.2, 0.1] }),
    new CosineDecay({ initialLearningRate: 0.01, decaySteps: 50, alpha: 0.2, warmupTarget: 0.1, warmupSteps: 5 }),
  ]) {
    const back = deserializeSchedule(JSON.parse(JSON.stringify(serializeSchedule(s))));
    assert.equal(back.className, s.className);
    assert.deepEqual(back.getConfig(), JSON.parse(JSON.stringify(s.getConfig())));
    assertClose([0, 4, 6, 30].map((t) => back.call(t)), [0, 4, 6, 30].map((t) => s.call(t)), 0, s.className);
  }
  assert.throws(() => deserializeSchedule({ className: 'Nope', config: {} }), /unknown schedule class 'Nope'; known: ExponentialDecay/);
});

test('ExponentialDecay rejects decaySteps <= 0', () => {
  assert.throws(() => new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.5 }), /decaySteps must be a positive number, got 0/);
});

test('an optimizer keeps its schedule as learningRate and evaluates it at iterations', () => {
  const schedule = new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 });
  const opt = new SGD({ learningRate: schedule });
  assert.equal(opt.learningRate, schedule);
  assert.equal(opt.currentLearningRate(), 0.1);
});
