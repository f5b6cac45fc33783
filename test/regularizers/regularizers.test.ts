import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValueError, grad, memory, regularizers, tensor, tidy } from '../../src/index.js';
import { assertClose } from '../helpers/grad-check.js';

const { getRegularizer } = regularizers;
const x = (): ReturnType<typeof tensor> => tensor([[1, -2], [3, -0.5]]);
// Σ|x| = 6.5, Σx² = 1 + 4 + 9 + 0.25 = 14.25

test('l1, l2 and l1l2 penalties, with Keras defaults 0.01', () => tidy(() => {
  assertClose([regularizers.l1().apply(x()).item()], [0.065]);
  assertClose([regularizers.l2().apply(x()).item()], [0.1425]);
  assertClose([regularizers.l1l2().apply(x()).item()], [0.065 + 0.1425]);
  assertClose([regularizers.l1({ l1: 0.5 }).apply(x()).item()], [3.25]);
  assertClose([regularizers.l2({ l2: 2 }).apply(x()).item()], [28.5]);
  // Given one factor, L1L2 leaves the other at 0 (Keras's rule).
  assertClose([regularizers.l1l2({ l2: 0.1 }).apply(x()).item()], [1.425]);
  assertClose([regularizers.l1l2({ l1: 0.1, l2: 0.1 }).apply(x()).item()], [0.65 + 1.425]);
  assert.deepEqual(regularizers.l1().apply(x()).shape, []);
}));

test('a penalty leaves only its value behind', () => {
  const w = x();
  const before = memory().numTensors;
  const p = regularizers.l1l2().apply(w);
  assert.equal(memory().numTensors, before + 1);
  p.dispose();
  w.dispose();
});

test('the penalty is differentiable: d/dx of l1 + l2 is l1·sign(x) + 2·l2·x', () => tidy(() => {
  const g = grad((w) => regularizers.l1l2({ l1: 0.1, l2: 0.5 }).apply(w))(x());
  assertClose(g.dataSync(), [0.1 + 1, -0.1 - 2, 0.1 + 3, -0.1 - 0.5]);
}));

test('getRegularizer: names, instances, configs, null', () => {
  assert.equal((getRegularizer('l2') as regularizers.L2).l2, 0.01);
  assert.equal((getRegularizer('L1') as regularizers.L1).l1, 0.01);
  const both = getRegularizer('l1_l2') as regularizers.L1L2;
  assert.deepEqual([both.l1, both.l2], [0.01, 0.01]);
  assert.equal(getRegularizer(null), null);
  assert.equal(getRegularizer(undefined), null);
  const r = regularizers.l1({ l1: 0.3 });
  assert.equal(getRegularizer(r), r);
  assert.throws(() => getRegularizer('l3'), (e: Error) => e instanceof ValueError && /unknown regularizer 'l3'. Known: L1, L2, L1L2/.test(e.message));
  assert.throws(() => regularizers.l2({ l2: -1 }), /L2 regularizer: l2 must be a non-negative number, got -1/);
});

test('config round trip', () => {
  for (const r of [regularizers.l1({ l1: 0.2 }), regularizers.l2({ l2: 0.3 }), regularizers.l1l2({ l1: 0.4 })]) {
    const copy = getRegularizer(JSON.parse(JSON.stringify(r.serialize())))!;
    assert.equal(copy.constructor, r.constructor);
    assert.deepEqual(copy.getConfig(), r.getConfig());
  }
  assert.deepEqual(regularizers.l1l2({ l1: 0.4 }).serialize(), { className: 'L1L2', config: { l1: 0.4, l2: 0 } });
});
