import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as s from '../../src/index.js';
import { assertClose } from '../helpers/grad-check.js';

test('grad, grads, valueAndGrad, valueAndGrads', () => {
  assert.deepEqual(s.grad((x) => s.sum(s.square(x)))(s.tensor([1, 2, 3])).arraySync(), [2, 4, 6]);
  const [da, db] = s.grads((a, b) => s.sum(s.mul(a!, b!)))([s.tensor([1, 2]), s.tensor([3, 4])]);
  assert.deepEqual(da!.arraySync(), [3, 4]);
  assert.deepEqual(db!.arraySync(), [1, 2]);
  const { value, grad } = s.valueAndGrad((x) => s.sum(s.square(x)))(s.tensor([3]));
  assert.equal(value.item(), 9);
  assert.deepEqual(grad.arraySync(), [6]);
  const r = s.valueAndGrads((a, b) => s.sum(s.div(a!, b!)))([s.tensor([1]), s.tensor([2])]);
  assert.equal(r.value.item(), 0.5);
  assert.deepEqual(r.grads.map((g) => g.arraySync()), [[0.5], [-0.25]]);
});

test('an output gradient dy weights a non-scalar function', () => {
  const g = s.grad((x) => s.mul(x, x))(s.tensor([1, 2]), s.tensor([10, 100]));
  assert.deepEqual(g.arraySync(), [20, 400]);
});

test('plain JavaScript control flow is differentiated as it runs', () => {
  const f = (x: s.Tensor): s.Tensor => {
    let y = x;
    for (let i = 0; i < 3; i++) y = s.mul(y, x);
    return s.sum(s.greater(s.sum(x), 0).item() ? y : s.neg(y));
  };
  assert.deepEqual(s.grad(f)(s.tensor([2])).arraySync(), [32]);
  assert.deepEqual(s.grad(f)(s.tensor([-1])).arraySync(), [4]);
});

test('a variable used several times accumulates its gradient; unused ones get zeros', () => {
  const w = s.variable(s.tensor([1, 2]));
  const unused = s.variable(s.tensor([5]));
  const { value, grads } = s.variableGrads(() => s.sum(s.add(s.mul(w, w), s.mul(w, 3))), [w, unused]);
  assert.equal(value.item(), 1 + 4 + 3 + 6);
  assert.deepEqual(grads[0]!.arraySync(), [5, 7]);
  assert.deepEqual(grads[1]!.arraySync(), [0]);
});

test('int32 ops carry no gradient', () => {
  const g = s.grad((x) => {
    const idx = s.argmax(x);
    const picked = s.gather(x, s.reshape(idx, [1]));
    return s.add(s.sum(picked), s.sum(s.cast(s.cast(x, 'int32'), 'float32')));
  })(s.tensor([0.5, 3.7, 1.2]));
  assert.deepEqual(g.arraySync(), [0, 1, 0]);
  assert.throws(() => s.grad((x) => s.sum(x))(s.tensor([1], [1], 'int32')), (e: unknown) => e instanceof s.DTypeError && /grad: cannot differentiate with respect to argument 0, a int32 tensor/.test(e.message));
});

test('gradient errors name what is wrong', () => {
  assert.throws(() => s.grad((x) => s.mul(x, 2))(s.tensor([1, 2])), /grad: the function must return a scalar \(one element\) when no output gradient dy is given, but it returned shape \[2\]/);
  assert.throws(() => s.grad(() => 3 as unknown as s.Tensor)(s.tensor([1])), /grad: the function must return a Tensor, but it returned number/);
});

test('gradients through broadcasting are reduced back to each input shape', () => {
  const [da, db] = s.grads((a, b) => s.sum(s.mul(a!, b!)))([s.ones([2, 3]), s.tensor([[1], [2]])]);
  assert.deepEqual(da!.arraySync(), [[1, 1, 1], [2, 2, 2]]);
  assert.deepEqual(db!.arraySync(), [[3], [3]]);
});

test('the gradient of a softmax cross-entropy is softmax minus the one-hot label', () => {
  const logits = s.tensor([[2, 1, 0.1]]);
  const g = s.grad((z) => s.neg(s.sum(s.mul(s.oneHot(s.tensor([0], [1], 'int32'), 3), s.logSoftmax(z)))))(logits);
  const e = [Math.exp(2), Math.exp(1), Math.exp(0.1)];
  const total = e[0]! + e[1]! + e[2]!;
  assertClose(g.dataSync(), [e[0]! / total - 1, e[1]! / total, e[2]! / total], 1e-6);
});
