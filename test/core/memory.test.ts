import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as s from '../../src/index.js';

test('tidy releases intermediates and keeps what is returned', () => {
  const before = s.memory();
  const x = s.tensor([1, 2, 3]);
  const y = s.tidy(() => {
    const a = s.mul(x, 2);
    const b = s.add(a, 1);
    return { b, list: [s.sum(b)] };
  });
  assert.equal(s.memory().numTensors, before.numTensors + 3);
  assert.deepEqual(y.b.arraySync(), [3, 5, 7]);
  assert.equal(y.list[0]!.item(), 15);
  s.dispose([x, y.b, y.list]);
  assert.deepEqual(s.memory(), before);
});

test('nested tidy, keep, and variables survive scopes', () => {
  const before = s.memory().numTensors;
  let kept: s.Tensor | undefined;
  const v = s.tidy(() => s.variable(s.zeros([2]), { name: 'v' }));
  s.tidy(() => {
    s.tidy(() => {
      kept = s.keep(s.ones([2]));
      v.assign(s.add(v, 1));
    });
    s.ones([5]);
  });
  assert.deepEqual(kept!.arraySync(), [1, 1]);
  assert.deepEqual(v.arraySync(), [1, 1]);
  assert.equal(s.memory().numTensors, before + 2);
  kept!.dispose();
  v.dispose();
  assert.equal(s.memory().numTensors, before);
});

test('memory() counts bytes by dtype, and shared storage once', () => {
  const before = s.memory();
  const a = s.zeros([10]);
  const b = s.zeros([10], 'float64');
  const c = s.reshape(a, [2, 5]);
  const now = s.memory();
  assert.equal(now.numBytes - before.numBytes, 40 + 80);
  assert.equal(now.numTensors - before.numTensors, 3);
  assert.equal(now.numDataBuffers - before.numDataBuffers, 2);
  s.dispose([a, b, c]);
  assert.deepEqual(s.memory(), before);
});

test('tidy rejects async functions and still cleans up after throwing', () => {
  const before = s.memory().numTensors;
  assert.throws(() => s.tidy((async () => s.zeros([1])) as unknown as () => s.Tensor), /tidy: the function returned a Promise/);
  assert.throws(() => s.tidy(() => {
    s.zeros([3]);
    throw new Error('boom');
  }), /boom/);
  assert.equal(s.memory().numTensors, before);
});

test('gradient computation releases everything it recorded', () => {
  const x = s.tensor([[0.5, -1], [2, 3]]);
  const before = s.memory();
  const g = s.grad((t) => s.mean(s.softmax(s.matMul(t, t))))(x);
  assert.equal(s.memory().numTensors, before.numTensors + 1);
  g.dispose();
  assert.deepEqual(s.memory(), before);
});

test('a nested tidy inside grad does not free what the backward pass needs', () => {
  const g = s.grad((t) => s.tidy(() => s.sum(s.exp(s.mul(t, 2)))))(s.tensor([0, 1]));
  assert.deepEqual(Array.from(g.dataSync(), (v) => Number(v.toFixed(4))), [2, Number((2 * Math.exp(2)).toFixed(4))]);
});

test('a two-layer network trained 1,000 steps holds the same memory after step 10 and after step 1,000', () => {
  s.setSeed(5);
  const x = s.randomNormal([16, 4]);
  const labels = s.tensor(Array.from({ length: 16 }, (_, i) => i % 3), [16], 'int32');
  const w1 = s.variable(s.randomNormal([4, 8], 0, 0.5));
  const b1 = s.variable(s.zeros([8]));
  const w2 = s.variable(s.randomNormal([8, 3], 0, 0.5));
  const params = [w1, b1, w2];
  const target = s.oneHot(labels, 3);
  const step = (): void => {
    s.tidy(() => {
      const { grads } = s.variableGrads(() => {
        const h = s.relu(s.add(s.matMul(x, w1), b1));
        return s.neg(s.mean(s.sum(s.mul(target, s.logSoftmax(s.matMul(h, w2))), -1)));
      }, params);
      params.forEach((p, i) => p.assign(s.sub(p, s.mul(grads[i]!, 0.05))));
    });
  };
  let at10: s.MemoryInfo | undefined;
  for (let i = 1; i <= 1000; i++) {
    step();
    if (i === 10) at10 = s.memory();
  }
  assert.deepEqual(s.memory(), at10);
});
