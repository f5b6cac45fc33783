/** trainTestSplit: sizes, the same rows across arrays, seeded reproducibility, and exact class ratios with stratify. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as s from '../../src/index.js';

const { trainTestSplit } = s.datasets;

/** 100 samples whose x row i is [i, 10 i] and whose label is i % 4 (25 per class). */
function data(): { x: s.Tensor; y: s.Tensor } {
  const x = s.tensor(Float32Array.from({ length: 200 }, (_, k) => (k % 2 === 0 ? k / 2 : 5 * k - 5)), [100, 2]);
  const y = s.tensor(Int32Array.from({ length: 100 }, (_, i) => i % 4), [100], 'int32');
  return { x, y };
}

const rowsOf = (t: s.Tensor): number[] => (t.arraySync() as number[][]).map((r) => r[0]!);

test('fractions and counts give the sizes scikit-learn gives; every array is cut along the same rows', () => {
  const { x, y } = data();
  const [xTrain, xTest, yTrain, yTest] = trainTestSplit([x, y], { testSize: 0.25, seed: 1 });
  assert.deepEqual([xTrain!.shape, xTest!.shape, yTrain!.shape, yTest!.shape], [[75, 2], [25, 2], [75], [25]]);
  // Row i holds [i, 10 i] and label i % 4 wherever it lands.
  for (const [xs, ys] of [[xTrain!, yTrain!], [xTest!, yTest!]] as const) {
    const rows = xs.arraySync() as number[][];
    const labels = ys.arraySync() as number[];
    rows.forEach(([i, ten], k) => {
      assert.equal(ten, 10 * i!);
      assert.equal(labels[k], i! % 4);
    });
  }
  const all = [...rowsOf(xTrain!), ...rowsOf(xTest!)].sort((a, b) => a - b);
  assert.deepEqual(all, Array.from({ length: 100 }, (_, i) => i), 'each sample lands in exactly one part');
  assert.deepEqual(trainTestSplit([x], { testSize: 0.33 }).map((t) => t.shape[0]), [67, 33], 'the test share is rounded up');
  assert.deepEqual(trainTestSplit([x], { trainSize: 0.33 }).map((t) => t.shape[0]), [33, 67], 'the train share is rounded down');
  assert.deepEqual(trainTestSplit([x], {}).map((t) => t.shape[0]), [75, 25], 'the default test share is 0.25');
  assert.deepEqual(trainTestSplit([x], { trainSize: 30, testSize: 20 }).map((t) => t.shape[0]), [30, 20]);
});

test('the same seed gives the same split; another seed another; without shuffle the order is kept', () => {
  const { x } = data();
  const a = rowsOf(trainTestSplit([x], { testSize: 10, seed: 7 })[1]!);
  const b = rowsOf(trainTestSplit([x], { testSize: 10, seed: 7 })[1]!);
  const c = rowsOf(trainTestSplit([x], { testSize: 10, seed: 8 })[1]!);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  const [train, testPart] = trainTestSplit([x], { trainSize: 90, testSize: 10, shuffle: false });
  assert.deepEqual(rowsOf(train!), Array.from({ length: 90 }, (_, i) => i));
  assert.deepEqual(rowsOf(testPart!), Array.from({ length: 10 }, (_, i) => 90 + i));
});

test('stratify keeps the class ratios exactly when the counts allow, and within one sample otherwise', () => {
  const { x, y } = data();
  const count = (t: s.Tensor): number[] => {
    const c = [0, 0, 0, 0];
    for (const v of t.dataSync()) c[v]!++;
    return c;
  };
  // 25 per class; 80 / 20 gives exactly 20 / 5 per class.
  const [, , yTrain, yTest] = trainTestSplit([x, y], { testSize: 20, seed: 3, stratify: y });
  assert.deepEqual(count(yTrain!), [20, 20, 20, 20]);
  assert.deepEqual(count(yTest!), [5, 5, 5, 5]);
  // 90 / 10 cannot split 4 ways evenly. The training part is apportioned first, 22.5 per class:
  // 23, 23, 22, 22 (ties go to the earlier class); the test part gets the rest, 2, 2, 3, 3.
  const [unevenTrain, unevenTest] = trainTestSplit([y], { testSize: 10, seed: 3, stratify: y });
  assert.deepEqual(count(unevenTrain!), [23, 23, 22, 22]);
  assert.deepEqual(count(unevenTest!), [2, 2, 3, 3]);
  // Unbalanced classes: 70 of class 0, 30 of class 1; a 10% test part is 7 and 3.
  const z = s.tensor(Int32Array.from({ length: 100 }, (_, i) => (i < 70 ? 0 : 1)), [100], 'int32');
  const [zTrain, zTest] = trainTestSplit([z], { testSize: 0.1, seed: 5, stratify: z });
  assert.deepEqual([...zTest!.dataSync()].sort(), [0, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
  assert.equal(zTrain!.dataSync().filter((v) => v === 1).length, 27);
});

test('bad arguments say what is wrong', () => {
  const { x, y } = data();
  assert.throws(() => trainTestSplit([x, s.slice(y, 0, 50)]), /same number of samples, but array 0 is \[100,2\] and array 1 is \[50\]/);
  assert.throws(() => trainTestSplit([x], { testSize: 1.5 }), /testSize must be a fraction in \(0, 1\) or a positive whole number of samples, got 1\.5/);
  assert.throws(() => trainTestSplit([x], { testSize: 101 }), /testSize 101 asks for 101 samples but there are only 100/);
  assert.throws(() => trainTestSplit([x], { trainSize: 80, testSize: 30 }), /80 training and 30 test samples do not fit in 100/);
  assert.throws(() => trainTestSplit([x], { stratify: y, shuffle: false }), /stratify needs shuffle/);
  assert.throws(() => trainTestSplit([x], { stratify: s.slice(y, 0, 10) }), /stratify must hold one label per sample, shape \[100\], got \[10\]/);
  assert.throws(() => trainTestSplit([]), /non-empty array of tensors/);
});

test('the split leaves its inputs alone and leaks nothing', () => {
  const { x, y } = data();
  const before = s.memory().numTensors;
  const parts = trainTestSplit([x, y], { testSize: 0.2, seed: 1, stratify: y });
  assert.equal(s.memory().numTensors, before + 4);
  s.dispose(parts);
  assert.equal(x.shape[0], 100);
});
