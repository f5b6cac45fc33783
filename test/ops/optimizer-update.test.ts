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

/** Every rule's variants: the slots each keeps, and the rule. */
const RULES: { rule: s.UpdateRule; slots: number }[] = [
  { rule: { kind: 'adam', alpha: 0.0123, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false }, slots: 2 },
  { rule: { kind: 'adam', alpha: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-3, amsgrad: true }, slots: 3 },
  { rule: { kind: 'sgd', learningRate: 0.1, momentum: 0, nesterov: false }, slots: 0 },
  { rule: { kind: 'sgd', learningRate: 0.1, momentum: 0.9, nesterov: false }, slots: 1 },
  { rule: { kind: 'sgd', learningRate: 0.05, momentum: 0.5, nesterov: true }, slots: 1 },
  { rule: { kind: 'rmsprop', learningRate: 0.01, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false }, slots: 1 },
  { rule: { kind: 'rmsprop', learningRate: 0.01, rho: 0.9, momentum: 0.5, epsilon: 1e-7, centered: true }, slots: 3 },
];

/** A variable that alone holds its storage (so that updateVariables may write it in place). */
function ownVariable(make: () => s.Tensor): s.Variable {
  const t = make();
  const v = s.variable(t);
  t.dispose();
  return v;
}

/** Random values in [lo, hi) of `shape`; `seed` picks them. */
const random = (shape: number[], seed: number, dtype: 'float32' | 'float64', lo = -1, hi = 1): s.Tensor => s.cast(s.randomUniform(shape, lo, hi, { seed }), dtype);

// Shapes with SIMD tails, an empty one, and one large enough to be split across threads on its own.
const SHAPES = [[5], [3, 7], [16], [0], [1 << 18]];

for (const dtype of ['float32', 'float64'] as const) {
  for (const { rule, slots } of RULES) {
    test(`updateVariables (${JSON.stringify(rule)}, ${dtype}) writes in place exactly what applyUpdate returns`, () => {
      const shapes = dtype === 'float32' ? SHAPES : SHAPES.slice(0, 4);
      const vars = shapes.map((shape, i) => ownVariable(() => random(shape, 10 + i, dtype)));
      // Slots are non-negative where a rule takes their root (second moments, velocities).
      const slotVars = shapes.map((shape, i) => Array.from({ length: slots }, (_, k) => ownVariable(() => random(shape, 100 * i + k, dtype, 0, 1))));
      const grads = shapes.map((shape, i) => random(shape, 50 + i, dtype));
      const expected = vars.map((v, i) => applyUpdate(rule, v, grads[i]!, slotVars[i]!).map((t) => Array.from(t.dataSync())));
      const storage = vars.map((v) => v.dataId);
      const before = s.memory();
      s.updateVariables(rule, vars.map((v, i) => ({ variable: v, grad: grads[i]!, slots: slotVars[i]! })));
      assert.deepEqual(s.memory(), before);
      vars.forEach((v, i) => {
        assert.equal(v.dataId, storage[i], `variable ${i} was updated in place`);
        assertClose(v.dataSync(), expected[i]![0]!, 0, `variable ${i}`);
        slotVars[i]!.forEach((slot, k) => assertClose(slot.dataSync(), expected[i]![k + 1]!, 0, `variable ${i}, slot ${k}`));
      });
    });
  }
}

test('updateVariables leaves a tensor sharing a variable\'s storage unchanged, and starts from `from` when given', () => {
  const rule = { kind: 'sgd', learningRate: 0.5, momentum: 0.9, nesterov: false } as const;
  const shared = ownVariable(() => s.tensor([1, 2, 3]));
  const snapshot = s.reshape(shared, [3]);
  const sharedSlot = ownVariable(() => s.tensor([0.1, 0.2, 0.3]));
  const slotSnapshot = s.reshape(sharedSlot, [3]);
  const decayed = ownVariable(() => s.tensor([4, 5]));
  const from = s.tensor([3.5, 4.5]);
  const slot = ownVariable(() => s.tensor([1, -1]));
  const g = s.tensor([1, 1, 1]);
  const expectedShared = applyUpdate(rule, shared, g, [sharedSlot]).map((t) => Array.from(t.dataSync()));
  const expectedDecayed = applyUpdate(rule, from, s.tensor([2, 2]), [slot]).map((t) => Array.from(t.dataSync()));
  s.updateVariables(rule, [
    { variable: shared, grad: g, slots: [sharedSlot] },
    { variable: decayed, grad: s.tensor([2, 2]), slots: [slot], from },
  ]);
  assert.deepEqual(Array.from(snapshot.dataSync()), [1, 2, 3]);
  assert.deepEqual(Array.from(slotSnapshot.dataSync()), [0.1, 0.2, 0.3].map(Math.fround));
  assertClose(shared.dataSync(), expectedShared[0]!, 0, 'shared variable');
  assertClose(sharedSlot.dataSync(), expectedShared[1]!, 0, 'shared slot');
  assertClose(decayed.dataSync(), expectedDecayed[0]!, 0, 'decayed variable');
  assertClose(slot.dataSync(), expectedDecayed[1]!, 0, 'decayed slot');
  assert.deepEqual(Array.from(from.dataSync()), [3.5, 4.5]);
});

test('updateVariables checks each update as applyUpdate does', () => {
  const rule = { kind: 'sgd', learningRate: 0.1, momentum: 0.9, nesterov: false } as const;
  const v = ownVariable(() => s.tensor([1, 2]));
  assert.throws(() => s.updateVariables(rule, [{ variable: v, grad: s.tensor([1, 2]), slots: [] }]), /updateVariables \(sgd\): expected 1 slots/);
  assert.throws(() => s.updateVariables(rule, [{ variable: v, grad: s.tensor([1]), slots: [v] }]), /parameter's shape \[2\], got \[1\]/);
});
