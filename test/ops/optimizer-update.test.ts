import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as s from '../../src/index.js';
import { applyUpdate } from '../../src/ops/optimizer-update.js';
import { assertClose } from '../helpers/grad-check.js';

const w = () => s.tensor([0.5, -1.25, 2, 0.001, -3]);
const g = () => s.tensor([0.1, 0.2, -0.3, 4, -0.05]);
const m = () => s.tensor([0.01, -0.02, 0.3, 0, 1]);
const v = () => s.tensor([0.001, 0.02, 0.5, 0, 2]);

test('applyUpdate (adam) equals the same formula op by op, bit for bit', () => {
  const [alpha, b1, b2, eps] = [0.0123, 0.9, 0.999, 1e-7];
  const [w2, m2, v2] = applyUpdate({ kind: 'adam', alpha, beta1: b1, beta2: b2, epsilon: eps, amsgrad: false }, w(), g(), [m(), v()]);
  const mRef = s.add(m(), s.mul(s.sub(g(), m()), 1 - b1));
  const vRef = s.add(v(), s.mul(s.sub(s.square(g()), v()), 1 - b2));
  const wRef = s.sub(w(), s.div(s.mul(mRef, alpha), s.add(s.sqrt(vRef), eps)));
  assertClose(m2!.dataSync(), mRef.dataSync(), 0, 'm');
  assertClose(v2!.dataSync(), vRef.dataSync(), 0, 'v');
  assertClose(w2!.dataSync(), wRef.dataSync(), 0, 'w');
});

test('applyUpdate (rmsprop, centered, momentum) equals the same formula op by op', () => {
  const [lr, rho, mom, eps] = [0.01, 0.9, 0.5, 1e-7];
  const [w2, vel2, mom2, avg2] = applyUpdate({ kind: 'rmsprop', learningRate: lr, rho, momentum: mom, epsilon: eps, centered: true }, w(), g(), [v(), m(), s.mul(m(), 0.1)]);
  const vel = s.add(s.mul(v(), rho), s.mul(s.square(g()), 1 - rho));
  const avg = s.add(s.mul(s.mul(m(), 0.1), rho), s.mul(g(), 1 - rho));
  const inc = s.div(s.mul(g(), lr), s.sqrt(s.sub(s.add(vel, eps), s.square(avg))));
  const momentum = s.add(s.mul(m(), mom), inc);
  assertClose(vel2!.dataSync(), vel.dataSync(), 0, 'velocity');
  assertClose(avg2!.dataSync(), avg.dataSync(), 0, 'averageGradient');
  assertClose(mom2!.dataSync(), momentum.dataSync(), 0, 'momentum');
  assertClose(w2!.dataSync(), s.sub(w(), momentum).dataSync(), 0, 'w');
});

test('applyUpdate checks slot counts, shapes and dtypes', () => {
  const rule = { kind: 'sgd', learningRate: 0.1, momentum: 0.9, nesterov: false } as const;
  assert.throws(() => applyUpdate(rule, w(), g(), []), /applyUpdate \(sgd\): expected 1 slots/);
  assert.throws(() => applyUpdate(rule, w(), s.tensor([1, 2]), [m()]), /parameter's shape \[5\], got \[2\]/);
  assert.throws(() => applyUpdate(rule, w(), g(), [s.cast(m(), 'float64')]), /float dtype, got float64 beside float32/);
});
