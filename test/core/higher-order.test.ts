/** Gradients of gradients: grad(grad(f)), Hessian-vector products and a gradient penalty, against exact values and finite differences. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as s from '../../src/index.js';
import { assertClose, checkSecondOrder } from '../helpers/grad-check.js';

const at = (values: number[]): s.Tensor => s.tensor(values, [values.length], 'float64');

test('grad(grad(f)) of x³ is 6x and of sin is -sin; grad(grad(grad(f))) is 6 and -cos', () => {
  const before = s.memory().numTensors;
  s.tidy(() => {
    const xs = [-1.5, 0.25, 2];
    const cube = (x: s.Tensor): s.Tensor => s.sum(s.mul(s.mul(x, x), x));
    const sine = (x: s.Tensor): s.Tensor => s.sum(s.sin(x));
    const d2 = (f: (x: s.Tensor) => s.Tensor) => s.grad((x) => s.sum(s.grad(f)(x)));
    const d3 = (f: (x: s.Tensor) => s.Tensor) => s.grad((x) => s.sum(d2(f)(x)));
    assertClose(d2(cube)(at(xs)).dataSync(), xs.map((x) => 6 * x), 1e-12, "(x³)''");
    assertClose(d2(sine)(at(xs)).dataSync(), xs.map((x) => -Math.sin(x)), 1e-12, "sin''");
    assertClose(d3(cube)(at(xs)).dataSync(), [6, 6, 6], 1e-12, "(x³)'''");
    assertClose(d3(sine)(at(xs)).dataSync(), xs.map((x) => -Math.cos(x)), 1e-12, "sin'''");
    // pow's own gradient (through log for the exponent) is differentiable too.
    assertClose(s.grad((x) => s.sum(s.grad((y) => s.sum(s.pow(y, 3)))(x)))(at(xs)).dataSync(), xs.map((x) => 6 * x), 1e-12, "pow''");
  });
  assert.equal(s.memory().numTensors, before, 'nested gradients leak nothing');
});

test('the inner value and gradient stay usable by the outer gradient after the inner scope ends', () => {
  const before = s.memory().numTensors;
  // valueAndGrad returns exp(x), which the outer tape saved (exp's output): it must outlive the inner call.
  const x = at([0.5, -1]);
  const g = s.grad((t) => {
    const { value, grad } = s.valueAndGrad((y) => s.sum(s.exp(y)))(t);
    return s.add(value, s.sum(s.mul(grad, grad)));
  })(x);
  // d/dx [Σ e^x + Σ e^2x] = e^x + 2 e^2x
  assertClose(g.dataSync(), [0.5, -1].map((x) => Math.exp(x) + 2 * Math.exp(2 * x)), 1e-12);
  g.dispose();
  x.dispose();
  assert.equal(s.memory().numTensors, before);
});

test('Hessian-vector product of a small MLP loss matches finite differences of its gradient', () => {
  const x = s.randomNormal([6, 3], 0, 1, { dtype: 'float64', seed: 3 });
  const y = s.randomNormal([6, 2], 0, 1, { dtype: 'float64', seed: 4 });
  const mlp = (w1: s.Tensor, b1: s.Tensor, w2: s.Tensor): s.Tensor =>
    s.mean(s.square(s.sub(s.matMul(s.tanh(s.add(s.matMul(s.cast(x, w1.dtype), w1), b1)), w2), s.cast(y, w1.dtype))));
  checkSecondOrder('mlp', (w1, b1, w2) => mlp(w1!, b1!, w2!), [{ shape: [3, 4] }, { shape: [4] }, { shape: [4, 2] }]);
  x.dispose();
  y.dispose();
});

test('a gradient penalty ‖∇ₓD(x)‖ inside variableGrads: parameter gradients match finite differences, a training step runs, nothing leaks', () => {
  const d = s.sequential([
    s.layers.dense({ units: 5, activation: 'tanh', inputShape: [3], dtype: 'float64' }),
    s.layers.dense({ units: 1, dtype: 'float64' }),
  ]);
  const real = s.randomNormal([4, 3], 0, 1, { dtype: 'float64', seed: 5 });
  const fake = s.randomNormal([4, 3], 1, 1, { dtype: 'float64', seed: 6 });
  const mixed = s.randomNormal([4, 3], 0.5, 1, { dtype: 'float64', seed: 7 });
  // WGAN-GP's critic loss: E[D(fake)] - E[D(real)] + 10 · E[(‖∇ₓD(x)‖ - 1)²], the norm per sample.
  const criticLoss = (): s.Tensor => {
    const dx = s.grad((t) => s.sum(d.apply(t) as s.Tensor))(mixed);
    const norms = s.sqrt(s.sum(s.square(dx), -1));
    const penalty = s.mean(s.square(s.sub(norms, 1)));
    return s.add(s.sub(s.mean(d.apply(fake) as s.Tensor), s.mean(d.apply(real) as s.Tensor)), s.mul(penalty, 10));
  };
  const weights = d.trainableWeights;
  const before = s.memory().numTensors;
  s.tidy(() => {
    const { value, grads } = s.variableGrads(criticLoss, weights);
    assert.ok(Number.isFinite(value.item()));
    const h = 1e-6;
    weights.forEach((w, k) => {
      const original = w.dataSync() as Float64Array;
      const numeric = Float64Array.from(original, (_, j) => {
        const lossAt = (delta: number): number => s.tidy(() => {
          const shifted = Float64Array.from(original);
          shifted[j]! += delta;
          w.assign(s.tensor(shifted, w.shape, 'float64'));
          return criticLoss().item();
        });
        const slope = (lossAt(h) - lossAt(-h)) / (2 * h);
        w.assign(s.tensor(original, w.shape, 'float64'));
        return slope;
      });
      assertClose(grads[k]!.dataSync(), numeric, 1e-6, `d loss / d ${w.name}`);
    });
  });
  assert.equal(s.memory().numTensors, before, 'the gradient check leaked tensors');
  const optimizer = new s.SGD({ learningRate: 0.05 });
  const step = (): number => s.tidy(() => {
    const { value, grads } = s.variableGrads(criticLoss, weights);
    optimizer.applyGradients(grads.map((g, i) => [g, weights[i]!] as const));
    return value.item();
  });
  const first = step();
  step();
  const after = s.tidy(() => criticLoss().item());
  assert.ok(after < first, `the critic loss went from ${first} to ${after}`);
  const steady = s.memory().numTensors;
  step();
  assert.equal(s.memory().numTensors, steady, 'a training step with a gradient penalty leaks nothing');
  optimizer.dispose();
  d.dispose();
  for (const t of [real, fake, mixed]) t.dispose();
});
