import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Input, Model, ShapeError, ValueError, layers, tensor, tidy, type Tensor } from '../../src/index.js';
import { checkGrad } from '../helpers/grad-check.js';

const { Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dense } = layers;

test('elementwise merges by hand, with broadcasting; Concatenate along the features and along the steps', () => tidy(() => {
  const a = tensor([[1, 5], [3, -2]]);
  const b = tensor([[4, 2], [0, 1]]);
  const c = tensor([[1, 1]]);
  assert.deepEqual(new Add().apply([a, b, c]).arraySync(), [[6, 8], [4, 0]]);
  assert.deepEqual(new Subtract().apply([a, b]).arraySync(), [[-3, 3], [3, -3]]);
  assert.deepEqual(new Multiply().apply([a, b]).arraySync(), [[4, 10], [0, -2]]);
  assert.deepEqual(new Average().apply([a, b]).arraySync(), [[2.5, 3.5], [1.5, -0.5]]);
  assert.deepEqual(new Maximum().apply([a, b]).arraySync(), [[4, 5], [3, 1]]);
  assert.deepEqual(new Minimum().apply([a, b]).arraySync(), [[1, 2], [0, -2]]);
  assert.deepEqual(new Concatenate().apply([a, tensor([[9], [8]])]).arraySync(), [[1, 5, 9], [3, -2, 8]]);
  assert.deepEqual(new Concatenate({ axis: 1 }).apply([tensor([[[1]], [[2]]]), tensor([[[3], [4]], [[5], [6]]])]).shape, [2, 3, 1]);
}));

test('symbolic shapes, a functional model with two branches, and gradients', () => {
  const x = Input({ shape: [4] });
  const y = Input({ shape: [6] });
  const joined = new Concatenate().apply([new Dense({ units: 3 }).apply(x), y]);
  assert.deepEqual(joined.shape, [null, 9]);
  const summed = new Add().apply([new Dense({ units: 5 }).apply(x), new Dense({ units: 5 }).apply(y)]);
  assert.deepEqual(summed.shape, [null, 5]);
  const model = new Model({ inputs: [x, y], outputs: [joined, summed] });
  tidy(() => {
    const [j, s] = model.predict([tensor(new Float32Array(8), [2, 4]), tensor(new Float32Array(12), [2, 6])]) as Tensor[];
    assert.deepEqual([j!.shape, s!.shape], [[2, 9], [2, 5]]);
  });
  checkGrad('Concatenate', (p, q) => new Concatenate().apply([p, q]), [{ shape: [2, 3] }, { shape: [2, 2] }]);
  checkGrad('Average', (p, q) => new Average().apply([p, q]), [{ shape: [2, 3] }, { shape: [1, 3] }]);
  checkGrad('Maximum', (p, q) => new Maximum().apply([p, q]), [{ shape: [2, 3] }, { shape: [2, 3] }]);
});

test('merged masks: a step is real where every input says so; concatenating steps joins the masks', () => tidy(() => {
  const x = tensor(new Float32Array(2 * 3 * 2), [2, 3, 2]);
  const m1 = tensor([true, true, false, true, false, false], [2, 3], 'bool');
  const m2 = tensor([true, false, false, true, true, true], [2, 3], 'bool');
  assert.deepEqual((new Add().computeMask([x, x], [m1, m2]) as Tensor).arraySync(), [[true, false, false], [true, false, false]]);
  assert.deepEqual((new Concatenate().computeMask([x, x], [m1, null]) as Tensor).arraySync(), [[true, true, false], [true, false, false]]);
  assert.deepEqual((new Concatenate({ axis: 1 }).computeMask([x, x], [m1, null]) as Tensor).arraySync(), [[true, true, false, true, true, true], [true, false, false, true, true, true]]);
  assert.equal(new Add().computeMask([x, x], [null, null]), null);
}));

test('merge errors: shapes that do not fit, a single input', () => {
  assert.throws(() => new Add().apply([Input({ shape: [3] }), Input({ shape: [4] })]), (e: unknown) => e instanceof ShapeError && /the input shapes \[null,3\], \[null,4\] do not match/.test(e.message));
  assert.throws(() => new Concatenate().apply([Input({ shape: [3, 2] }), Input({ shape: [4, 2] })]), /cannot be joined along axis -1; all other dimensions must be equal/);
  assert.throws(() => new Add().apply(Input({ shape: [3] })), (e: unknown) => e instanceof ValueError && /merges a list of at least 2 inputs/.test(e.message));
  assert.throws(() => new Subtract().apply([Input({ shape: [3] }), Input({ shape: [3] }), Input({ shape: [3] })]), /takes exactly 2 inputs \[a, b\], got 3/);
});
