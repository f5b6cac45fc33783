import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ShapeError, tensor } from '../../src/index.js';
import { Huber, huber, meanAbsoluteError, meanSquaredError } from '../../src/losses/index.js';
import { assertClose } from '../helpers/grad-check.js';

const T = [[1.5, -2, 0.5], [3, 0, -1]];
const P = [[1, -1, 2], [2.5, 0.5, -1]];
const rowMean = (rows: number[][], f: (t: number, p: number) => number): number[] => rows.map((r, i) => r.reduce((a, t, j) => a + f(t, P[i]![j]!), 0) / r.length);

test('meanSquaredError: mean of squared errors over the last axis', () => {
  // Row 0: (0.25 + 1 + 2.25) / 3; row 1: (0.25 + 0.25 + 0) / 3.
  assertClose(meanSquaredError(tensor(T), tensor(P)).dataSync(), [3.5 / 3, 0.5 / 3], 1e-6);
  assertClose(meanSquaredError(tensor(T), tensor(P)).dataSync(), rowMean(T, (t, p) => (t - p) ** 2), 1e-6);
});

test('meanAbsoluteError: mean of absolute errors over the last axis', () => {
  assertClose(meanAbsoluteError(tensor(T), tensor(P)).dataSync(), [3 / 3, 1 / 3], 1e-6);
});

test('rank-1 inputs give one loss per element (each element is a sample)', () => {
  assertClose(meanSquaredError(tensor([1, 2, 3]), tensor([1.5, 2, 2])).dataSync(), [0.25, 0, 1], 1e-6);
  assertClose(meanAbsoluteError(tensor([1, 2, 3]), tensor([1.5, 2, 2])).dataSync(), [0.5, 0, 1], 1e-6);
});

test('labels [batch] meet predictions [batch, 1]', () => {
  const out = meanSquaredError(tensor([1, 2, 3]), tensor([[1.5], [2], [2]]));
  assert.deepEqual(out.shape, [3]);
  assertClose(out.dataSync(), [0.25, 0, 1], 1e-6);
  assertClose(meanSquaredError(tensor([[1], [2], [3]]), tensor([1.5, 2, 2])).dataSync(), [0.25, 0, 1], 1e-6);
});

test('int32 labels are cast to the predictions dtype', () => {
  assertClose(meanSquaredError(tensor([[1, 2]], undefined, 'int32'), tensor([[0.5, 2.5]])).dataSync(), [0.25], 1e-6);
});

test('huber: quadratic within delta, linear beyond', () => {
  const h = (delta: number) => (t: number, p: number): number => {
    const e = Math.abs(p - t);
    return e <= delta ? 0.5 * e * e : delta * e - 0.5 * delta * delta;
  };
  // Keras's documented example: [0.18, 0.13], mean 0.155.
  assertClose(huber(tensor([[0, 1], [0, 0]]), tensor([[0.6, 0.4], [0.4, 0.6]])).dataSync(), [0.18, 0.13], 1e-6);
  // Errors 0.5, 1, 1.5 / 0.5, 0.5, 0: both regions for delta 1 and 0.75.
  assertClose(huber(tensor(T), tensor(P)).dataSync(), rowMean(T, h(1)), 1e-6);
  assertClose(new Huber({ delta: 0.75 }).call(tensor(T), tensor(P)).dataSync(), rowMean(T, h(0.75)), 1e-6);
  assert.throws(() => new Huber({ delta: 0 }), /delta must be a positive number, got 0/);
});

test('shapes that do not broadcast give a ShapeError naming both', () => {
  assert.throws(
    () => meanSquaredError(tensor([[1, 2, 3]]), tensor([[1, 2]])),
    (e: Error) => e instanceof ShapeError && e.message === 'meanSquaredError: yTrue has shape [1,3] but yPred has shape [1,2]; they must be equal or broadcast to one another.',
  );
});
