import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as s from '../../src/index.js';
import { checkGrad, checkSecondOrder } from '../helpers/grad-check.js';

const int = (values: number[], shape = [values.length]): s.Tensor => s.tensor(values, shape, 'int32');

test('slice gradient', () => {
  checkGrad('slice', (x) => s.slice(x, [1, 0], [2, -1]), [{ shape: [4, 3] }]);
  checkGrad('slice', (x) => s.slice(x, [0, 1, 1], [1, 2, 1]), [{ shape: [2, 3, 3] }]);
});
test('concat gradient, several axes and sizes', () => {
  checkGrad('concat', (a, b) => s.concat([a!, b!], 0), [{ shape: [2, 3] }, { shape: [1, 3] }]);
  checkGrad('concat', (a, b, c) => s.concat([a!, b!, c!], -1), [{ shape: [2, 1] }, { shape: [2, 3] }, { shape: [2, 2] }]);
});
test('stack, split and unstack gradients', () => {
  checkGrad('stack', (a, b) => s.stack([a!, b!], 1), [{ shape: [3, 2] }, { shape: [3, 2] }]);
  checkGrad('split', (x) => s.mul(s.split(x, [1, -1], 1)[1]!, 2), [{ shape: [2, 5] }]);
  checkGrad('unstack', (x) => s.add(s.unstack(x)[0]!, s.unstack(x)[2]!), [{ shape: [3, 4] }]);
});
test('pad gradient', () => checkGrad('pad', (x) => s.pad(x, [[1, 2], [0, 1]], 3), [{ shape: [2, 3] }]));
test('tile gradient', () => {
  checkGrad('tile', (x) => s.tile(x, [2, 3]), [{ shape: [2, 3] }]);
  checkGrad('tile', (x) => s.tile(x, [1, 2, 1]), [{ shape: [3, 1, 2] }]);
});
test('gather gradient adds up repeated indices', () => {
  checkGrad('gather', (x) => s.gather(x, int([2, 0, 2, 1])), [{ shape: [3, 2] }]);
  checkGrad('gather', (x) => s.gather(x, int([1, 1, 0, 2], [2, 2]), 1), [{ shape: [2, 3, 2] }]);
  const g = s.grad((x) => s.sum(s.gather(x, int([0, 0, 0]))))(s.tensor([1, 2]));
  assert.deepEqual(g.arraySync(), [3, 0]);
});
test('cast gradient flows between floats and stops at int32', () => {
  checkGrad('cast', (x) => s.mul(s.cast(x, 'float64'), 3), [{ shape: [4] }]);
  const g = s.grad((x) => s.sum(s.mul(s.cast(s.cast(x, 'int32'), 'float32'), x)))(s.tensor([1.5, 2.5]));
  assert.deepEqual(g.arraySync(), [1, 2]);
});

test('values of slice, concat, stack, split, pad, tile, gather, oneHot', () => {
  const x = s.tensor([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(s.slice(x, [0, 1], [2, 2]).arraySync(), [[2, 3], [5, 6]]);
  assert.deepEqual(s.slice(x, [1]).arraySync(), [[4, 5, 6]]);
  assert.deepEqual(s.concat([x, x], 1).arraySync(), [[1, 2, 3, 1, 2, 3], [4, 5, 6, 4, 5, 6]]);
  assert.deepEqual(s.stack([s.tensor([1, 2]), s.tensor([3, 4])], 1).arraySync(), [[1, 3], [2, 4]]);
  assert.deepEqual(s.split(x, 3, 1).map((t) => t.arraySync()), [[[1], [4]], [[2], [5]], [[3], [6]]]);
  assert.deepEqual(s.pad(s.tensor([[1]]), [[1, 1], [0, 2]]).arraySync(), [[0, 0, 0], [1, 0, 0], [0, 0, 0]]);
  assert.deepEqual(s.tile(s.tensor([[1, 2]]), [2, 2]).arraySync(), [[1, 2, 1, 2], [1, 2, 1, 2]]);
  assert.deepEqual(s.gather(x, int([1, 0, 1])).arraySync(), [[4, 5, 6], [1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(s.gather(x, int([2, 0]), 1).arraySync(), [[3, 1], [6, 4]]);
  assert.deepEqual(s.oneHot(int([0, 2, 1]), 3).arraySync(), [[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
  assert.deepEqual(s.unstack(x, 1).map((t) => t.arraySync()), [[1, 4], [2, 5], [3, 6]]);
});

test('indexing errors are typed and name the values', () => {
  assert.throws(() => s.gather(s.zeros([3]), s.tensor([0, 1])), (e: unknown) => e instanceof s.DTypeError && /gather: indices must be int32, got float32/.test(e.message));
  assert.throws(() => s.gather(s.zeros([3, 2]), int([0, 3])), /gather: index 3 \(at flat position 1\) is out of range for axis 0 of shape \[3,2\]; indices must be in \[0, 2\]/);
  assert.throws(() => s.oneHot(int([0, 10]), 10), /oneHot: index 10 .* out of range for depth 10/);
  assert.throws(() => s.concat([s.zeros([2, 3]), s.zeros([3, 3])], 1), /concat: shapes \[2,3\], \[3,3\] differ outside axis 1/);
  assert.throws(() => s.slice(s.zeros([2, 3]), [1, 2], [2, 1]), /slice: begin \[1,2\] with size \[2,1\] does not fit in shape \[2,3\]/);
  assert.throws(() => s.split(s.zeros([5]), 2), /cannot be split into 2 equal parts/);
});

test('second derivatives through slice, concat, stack, split, pad, tile, gather and cast match finite differences', () => {
  checkSecondOrder('slice', (x) => s.slice(x, [1, 0], [2, -1]), [{ shape: [4, 3] }]);
  checkSecondOrder('concat', (a, b) => s.concat([a!, s.exp(b!)], 0), [{ shape: [2, 3] }, { shape: [1, 3] }]);
  checkSecondOrder('stack', (a, b) => s.stack([a!, b!], 1), [{ shape: [3, 2] }, { shape: [3, 2] }]);
  checkSecondOrder('split', (x) => s.mul(s.split(x, [1, -1], 1)[1]!, 2), [{ shape: [2, 5] }]);
  checkSecondOrder('pad', (x) => s.pad(x, [[1, 2], [0, 1]], 3), [{ shape: [2, 3] }]);
  checkSecondOrder('tile', (x) => s.tile(x, [2, 3]), [{ shape: [2, 3] }]);
  checkSecondOrder('gather', (x) => s.gather(x, int([2, 0, 2, 1])), [{ shape: [3, 2] }]);
  checkSecondOrder('gather', (x) => s.gather(s.sin(x), int([1, 1, 0, 2], [2, 2]), 1), [{ shape: [2, 3, 2] }]);
  checkSecondOrder('cast', (x) => s.mul(s.cast(x, 'float64'), 3), [{ shape: [4] }]);
});

test('tile equals indexing each output element back into x (rank 0 to 3, empty axes)', () => {
  const cases: [number[], number[]][] = [[[], []], [[3], [4]], [[2, 3], [3, 2]], [[2, 1, 3], [2, 3, 2]], [[1, 2, 2], [3, 1, 1]], [[2, 3], [0, 2]], [[0, 3], [2, 2]]];
  for (const [shape, reps] of cases) {
    const n = shape.reduce((a, d) => a * d, 1);
    const x = s.tensor(Float32Array.from({ length: n }, (_, i) => i + 1), shape);
    const outShape = shape.map((d, i) => d * reps[i]!);
    const got = s.tile(x, reps);
    assert.deepEqual(got.shape, outShape);
    const expected = Array.from({ length: outShape.reduce((a, d) => a * d, 1) }, (_, o) => {
      let src = 0;
      for (let a = 0, rest = o; a < shape.length; a++) {
        const inner = outShape.slice(a + 1).reduce((p, d) => p * d, 1);
        src = src * shape[a]! + (Math.floor(rest / inner) % shape[a]!);
        rest %= inner;
      }
      return src + 1;
    });
    assert.deepEqual(Array.from(got.dataSync()), expected, `tile ${JSON.stringify(shape)} by ${JSON.stringify(reps)}`);
  }
});
