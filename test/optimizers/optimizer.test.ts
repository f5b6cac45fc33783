import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ShapeError, ValueError, memory, tensor, tidy, variable, zeros, type Variable } from '../../src/index.js';
import {
  Adagrad, Adam, AdamW, ExponentialDecay, RMSprop, SGD, deserializeOptimizer, getOptimizer, serializeOptimizer, type Optimizer,
} from '../../src/optimizers/index.js';
import { assertClose } from '../helpers/grad-check.js';
import { GRADS, W0, expectedSteps, runSteps } from '../helpers/optimizer-steps.js';

const norm = (g: number[]): number => Math.sqrt(g.reduce((a, x) => a + x * x, 0));

test('clipValue clips each gradient element before the update', () => {
  const expected = expectedSteps(() => ({}), (w, g) => w - Math.max(-0.6, Math.min(0.6, g)));
  runSteps(new SGD({ learningRate: 1, clipValue: 0.6 })).forEach((w, k) => assertClose(w, expected[k]!, 1e-6, `step ${k + 1}`));
});

test('clipNorm rescales each gradient tensor to norm at most clipNorm', () => {
  // |g1| = sqrt(5.25) = 2.29 and |g2| = sqrt(2.38) = 1.54 both exceed 1, so both are rescaled.
  const scaled = GRADS.map((g) => g.map((x) => x / norm(g)));
  const expected = expectedSteps(() => ({}), (w, g) => w - g, scaled);
  runSteps(new SGD({ learningRate: 1, clipNorm: 1 })).forEach((w, k) => assertClose(w, expected[k]!, 1e-6, `step ${k + 1}`));
  // Below the threshold, and for a zero gradient, nothing changes (no NaN from 0/0).
  const unclipped = expectedSteps(() => ({}), (w, g) => w - g, [...GRADS, [0, 0, 0]]);
  runSteps(new SGD({ learningRate: 1, clipNorm: 10 }), [...GRADS, [0, 0, 0]]).forEach((w, k) => assertClose(w, unclipped[k]!, 1e-6, `step ${k + 1}`));
});

function twoVariableStep(opt: Optimizer, gw: number[], gb: number[]): [number[], number[]] {
  const w = variable(tensor(W0), { name: 'w' });
  const b = variable(tensor([0.5]), { name: 'b' });
  tidy(() => opt.applyGradients([[tensor(gw), w], [tensor(gb), b]]));
  const out: [number[], number[]] = [Array.from(w.dataSync()), Array.from(b.dataSync())];
  w.dispose();
  b.dispose();
  return out;
}

test('globalClipNorm rescales all gradients by one factor; clipNorm rescales each alone', () => {
  const gw = GRADS[0]!;
  const gb = [3];
  const scale = 2 / Math.sqrt(5.25 + 9); // the joint norm is sqrt(|gw|² + |gb|²) = sqrt(14.25) > 2
  const [w, b] = twoVariableStep(new SGD({ learningRate: 1, globalClipNorm: 2 }), gw, gb);
  assertClose(w, W0.map((x, i) => x - gw[i]! * scale), 1e-6, 'w');
  assertClose(b, [0.5 - 3 * scale], 1e-6, 'b');
  const [w2, b2] = twoVariableStep(new SGD({ learningRate: 1, clipNorm: 2 }), gw, gb);
  assertClose(w2, W0.map((x, i) => x - (gw[i]! * 2) / norm(gw)), 1e-6, 'w');
  assertClose(b2, [0.5 - 2], 1e-6, 'b');
});

test('only one clipping option may be set', () => {
  assert.throws(() => new SGD({ clipNorm: 1, clipValue: 1 }), (e: Error) => e instanceof ValueError && /only one of clipNorm, clipValue and globalClipNorm/.test(e.message));
  assert.throws(() => new Adam({ clipNorm: -1 }), /clipNorm must be a positive number, got -1/);
});

test('applyGradients checks the gradient shape and names the variable', () => {
  const w = variable(zeros([2, 3]), { name: 'dense/kernel' });
  assert.throws(
    () => tidy(() => new SGD().applyGradients([[zeros([3, 2]), w]])),
    (e: Error) => e instanceof ShapeError && e.message.includes("variable 'dense/kernel'") && e.message.includes('[3,2]') && e.message.includes('[2,3]'),
  );
  w.dispose();
});

test('hyperparameters are validated', () => {
  assert.throws(() => new SGD({ momentum: 1.5 }), /SGD: momentum must be in \[0, 1\], got 1.5/);
  assert.throws(() => new RMSprop({ rho: -0.1 }), /rho must be in \[0, 1\]/);
  assert.throws(() => new Adam({ learningRate: Number.NaN }), /learningRate must be a non-negative number/);
  assert.throws(() => new Adam({ name: 'a/b' }), /contain no '\/'/);
});

test('iterations counts updates, and a float64 variable stays float64', () => {
  const opt = new SGD({ learningRate: 0.25 });
  const w = variable(tensor(W0, undefined, 'float64'), { name: 'w64' });
  for (const g of GRADS) tidy(() => opt.applyGradients([[tensor(g, undefined, 'float64'), w]]));
  assert.equal(opt.iterations, 2);
  assert.equal(w.dtype, 'float64');
  assertClose(w.dataSync(), W0.map((x, i) => x - 0.25 * GRADS[0]![i]! - 0.25 * GRADS[1]![i]!), 1e-12);
  w.dispose();
});

test('the learning rate can be set to a number later (as ReduceLROnPlateau does)', () => {
  const opt = new SGD({ learningRate: 0.1 });
  const w = variable(tensor(W0), { name: 'w' });
  tidy(() => opt.applyGradients([[tensor(GRADS[0]!), w]]));
  opt.learningRate = 0.0005;
  assert.equal(opt.learningRate, 0.0005);
  tidy(() => opt.applyGradients([[tensor(GRADS[1]!), w]]));
  assertClose(w.dataSync(), W0.map((x, i) => x - 0.1 * GRADS[0]![i]! - 0.0005 * GRADS[1]![i]!), 1e-6);
  assert.equal(opt.getConfig()['learningRate'], 0.0005);
  w.dispose();
});

test('a schedule is evaluated at iterations before each update; a number cannot replace it', () => {
  const opt = new SGD({ learningRate: new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 }) });
  const expected = expectedSteps(() => ({}), (w, g, _s, t) => w - 0.1 * 0.5 ** (t - 1) * g);
  const w = variable(tensor(W0), { name: 'w' });
  GRADS.forEach((g, k) => {
    tidy(() => opt.applyGradients([[tensor(g), w]]));
    assertClose(w.dataSync(), expected[k]!, 1e-6, `step ${k + 1}`);
  });
  assert.equal(opt.currentLearningRate(), 0.025);
  assert.throws(() => (opt.learningRate = 0.01), (e: Error) => e instanceof ValueError && /is a schedule \(ExponentialDecay\)/.test(e.message));
  w.dispose();
});

test('no tensors leak across 100 applyGradients calls', () => {
  const opt = new Adam({ learningRate: 0.01, amsgrad: true, weightDecay: 0.01, clipNorm: 1 });
  const w = variable(tensor([[1, 2], [3, 4]]), { name: 'w' });
  const b = variable(tensor([0.1, 0.2]), { name: 'b' });
  const step = (): void => tidy(() => opt.applyGradients([[tensor([[0.1, -0.2], [0.3, 0.4]]), w], [tensor([1, -1]), b]]));
  step();
  const before = memory().numTensors;
  for (let i = 0; i < 100; i++) step();
  assert.equal(memory().numTensors, before);
  assert.equal(opt.iterations, 101);
  opt.dispose();
  w.dispose();
  b.dispose();
  assert.equal(memory().numTensors, before - 2 - 3 * 2, 'dispose() releases the 3 slots of each variable');
});

interface Model {
  kernel: Variable;
  bias: Variable;
}

function model(kernel: number[], bias: number[]): Model {
  return { kernel: variable(tensor(kernel), { name: 'dense/kernel' }), bias: variable(tensor(bias), { name: 'dense/bias' }) };
}

function train(opt: Optimizer, m: Model, grads: [number[], number[]][]): void {
  for (const [gk, gb] of grads) tidy(() => opt.applyGradients([[tensor(gk), m.kernel], [tensor(gb), m.bias]]));
}

const STEPS: [number[], number[]][] = [
  [[0.5, -1, 2], [0.3]],
  [[-0.3, 0.2, 1.5], [-0.7]],
  [[1, 1, -1], [0.2]],
];

test('after the first step a fused optimizer updates in place: the same storage, no bytes allocated, a snapshot untouched', () => {
  for (const make of [() => new Adam({ learningRate: 0.01 }), () => new SGD({ learningRate: 0.1, momentum: 0.9 }), () => new RMSprop({ centered: true })]) {
    const opt = make();
    const w = variable(zeros([3, 5]), { name: 'w' });
    const b = variable(zeros([5]), { name: 'b' });
    const step = (): void => tidy(() => opt.applyGradients([[tensor(Array.from({ length: 15 }, (_, i) => i - 7), [3, 5]), w], [tensor([1, -1, 2, -2, 0.5]), b]]));
    step();
    const storage = [w.dataId, b.dataId];
    const before = memory();
    for (let i = 0; i < 5; i++) step();
    assert.deepEqual(memory(), before, `${opt.className}: no tensor or byte more`);
    assert.deepEqual([w.dataId, b.dataId], storage, `${opt.className}: the variables keep their storage`);
    const [iterations, ...slots] = opt.getWeights();
    iterations!.tensor.dispose();
    const snapshot = slots.map((nt) => nt.tensor);
    const saved = snapshot.map((t) => Array.from(t.dataSync()));
    const wSaved = Array.from(w.dataSync());
    step();
    assert.deepEqual(snapshot.map((t) => Array.from(t.dataSync())), saved, `${opt.className}: getWeights' snapshots keep their values`);
    assert.notDeepEqual(Array.from(w.dataSync()), wSaved, `${opt.className}: the variable moved`);
    for (const t of snapshot) t.dispose();
    opt.dispose();
    w.dispose();
    b.dispose();
  }
});

test('getWeights names iterations and every slot after the variable', () => {
  const opt = new Adam({ learningRate: 0.1 });
  const m = model(W0, [0.5]);
  train(opt, m, STEPS.slice(0, 2));
  const weights = opt.getWeights();
  assert.deepEqual(weights.map((w) => w.name), ['adam/iterations', 'adam/dense/kernel/m', 'adam/dense/kernel/v', 'adam/dense/bias/m', 'adam/dense/bias/v']);
  assert.equal(weights[0]!.tensor.item(), 2);
  // m after two steps: 0.1 * g1 * 0.9 + 0.1 * g2.
  assertClose(weights[1]!.tensor.dataSync(), STEPS[0]![0].map((g, i) => 0.09 * g + 0.1 * STEPS[1]![0][i]!), 1e-6);
});

for (const make of [
  () => new SGD({ learningRate: 0.1, momentum: 0.9 }),
  () => new Adagrad({ learningRate: 0.1 }),
  () => new RMSprop({ learningRate: 0.01, momentum: 0.5, centered: true }),
  () => new Adam({ learningRate: 0.1, amsgrad: true }),
  () => new AdamW({ learningRate: new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.9 }) }),
]) {
  const kind = make().className;
  test(`${kind}: setWeights restores state so that training resumes exactly`, () => {
    const original = make();
    const a = model(W0, [0.5]);
    train(original, a, STEPS.slice(0, 2));
    const saved = original.getWeights();
    const values = [Array.from(a.kernel.dataSync()), Array.from(a.bias.dataSync())] as [number[], number[]];

    // Restored into a fresh optimizer, before its slots exist.
    const fresh = make();
    const b = model(...values);
    fresh.setWeights(saved);
    assert.equal(fresh.iterations, 2);
    // Restored into an optimizer that already has (different) state.
    const used = make();
    const c = model([9, 9, 9], [9]);
    train(used, c, [STEPS[2]!]);
    c.kernel.assign(tensor(values[0]));
    c.bias.assign(tensor(values[1]));
    used.setWeights(saved);

    train(original, a, [STEPS[2]!]);
    train(fresh, b, [STEPS[2]!]);
    train(used, c, [STEPS[2]!]);
    for (const other of [b, c]) {
      assert.deepEqual(Array.from(other.kernel.dataSync()), Array.from(a.kernel.dataSync()));
      assert.deepEqual(Array.from(other.bias.dataSync()), Array.from(a.bias.dataSync()));
    }
    assert.deepEqual(fresh.getWeights().map((w) => Array.from(w.tensor.dataSync())), original.getWeights().map((w) => Array.from(w.tensor.dataSync())));
  });

  test(`${kind}: getConfig / deserializeOptimizer round trip through JSON`, () => {
    const opt = make();
    const json = JSON.parse(JSON.stringify(serializeOptimizer(opt)));
    const back = deserializeOptimizer(json);
    assert.equal(back.className, opt.className);
    assert.deepEqual(back.getConfig(), JSON.parse(JSON.stringify(opt.getConfig())));
    const a = model(W0, [0.5]);
    const b = model(W0, [0.5]);
    train(opt, a, STEPS);
    train(back, b, STEPS);
    assert.deepEqual(Array.from(b.kernel.dataSync()), Array.from(a.kernel.dataSync()));
  });
}

test('setWeights rejects a slot of the wrong shape', () => {
  const opt = new Adam();
  opt.setWeights([{ name: 'adam/dense/kernel/m', tensor: zeros([2]) }]);
  const m = model(W0, [0.5]);
  assert.throws(() => train(opt, m, [STEPS[0]!]), (e: Error) => e instanceof ShapeError && /'dense\/kernel\/m' has shape \[2\] but variable 'dense\/kernel' has shape \[3\]/.test(e.message));
});

test('getOptimizer resolves names case-insensitively with Keras defaults', () => {
  const cases: [string, string, number][] = [['sgd', 'SGD', 0.01], ['Adam', 'Adam', 0.001], ['RMSprop', 'RMSprop', 0.001], ['adagrad', 'Adagrad', 0.001], ['ADAMW', 'AdamW', 0.001]];
  for (const [name, className, lr] of cases) {
    const opt = getOptimizer(name);
    assert.equal(opt.className, className);
    assert.equal(opt.learningRate, lr);
    assert.equal(opt.currentLearningRate(), lr);
  }
  const adam = getOptimizer('adam') as Adam;
  assert.deepEqual([adam.beta1, adam.beta2, adam.epsilon, adam.amsgrad], [0.9, 0.999, 1e-7, false]);
  const instance = new SGD();
  assert.equal(getOptimizer(instance), instance);
  assert.throws(
    () => getOptimizer('adamax'),
    (e: Error) => e instanceof ValueError && e.message.includes("unknown optimizer 'adamax'; valid names are 'sgd', 'adagrad', 'rmsprop', 'adam', 'adamw'"),
  );
});

test('minimize fits a least-squares line with a loss from getLoss', async () => {
  const { getLoss } = await import('../../src/losses/index.js');
  const { add, matMul } = await import('../../src/index.js');
  // y = 2x + 1 exactly, so full-batch descent must reach w = 2, b = 1.
  const x = tensor([[0], [1], [2], [3]]);
  const y = tensor([[1], [3], [5], [7]]);
  const w = variable(zeros([1, 1]), { name: 'w' });
  const b = variable(zeros([1]), { name: 'b' });
  const loss = getLoss('mse');
  const opt = new SGD({ learningRate: 0.1, momentum: 0.5 });
  let last = Infinity;
  for (let i = 0; i < 300; i++) last = opt.minimize(() => loss.compute(y, add(matMul(x, w), b)), [w, b]);
  assertClose([w.item(), b.item(), last], [2, 1, 0], 1e-4);
  opt.dispose();
  w.dispose();
  b.dispose();
});

test('ReduceLROnPlateau lowers the rate of a real optimizer, and refuses one driven by a schedule', async () => {
  const { CallbackList, ReduceLROnPlateau } = await import('../../src/index.js');
  const modelWith = (optimizer: Optimizer) => ({ stopTraining: false, getWeights: () => [], setWeights: () => undefined, optimizer });
  const opt = new SGD({ learningRate: 0.1 });
  const list = new CallbackList([new ReduceLROnPlateau({ factor: 0.5, patience: 1 })], modelWith(opt), { epochs: 3, verbose: 0 });
  await list.trainBegin();
  for (let e = 0; e < 3; e++) await list.epochEnd(e, { val_loss: 1 });
  assert.equal(opt.currentLearningRate(), 0.025);
  const scheduled = new SGD({ learningRate: new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 }) });
  const list2 = new CallbackList([new ReduceLROnPlateau({ patience: 1 })], modelWith(scheduled), { epochs: 1, verbose: 0 });
  await list2.trainBegin();
  await assert.rejects(async () => list2.epochEnd(0, { val_loss: 1 }), /learning rate is a schedule/);
});
