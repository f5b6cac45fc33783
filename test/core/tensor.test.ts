import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as s from '../../src/index.js';

test('tensor infers shape and dtype from nested arrays and typed arrays', () => {
  const t = s.tensor([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(t.shape, [2, 3]);
  assert.equal(t.dtype, 'float32');
  assert.equal(t.rank, 2);
  assert.equal(t.size, 6);
  assert.deepEqual(t.arraySync(), [[1, 2, 3], [4, 5, 6]]);
  assert.equal(s.tensor([true, false]).dtype, 'bool');
  assert.deepEqual(s.tensor([true, false]).arraySync(), [true, false]);
  assert.equal(s.tensor(new Int32Array([1, 2])).dtype, 'int32');
  assert.equal(s.tensor(new Uint8Array([255, 0])).dtype, 'int32');
  assert.deepEqual(s.tensor(new Uint8Array([255, 0])).arraySync(), [255, 0]);
  assert.deepEqual(s.tensor(new Float32Array(6), [2, 3]).shape, [2, 3]);
  assert.equal(s.scalar(3).rank, 0);
  assert.equal(s.scalar(3).item(), 3);
  assert.deepEqual(s.tensor([]).shape, [0]);
  assert.deepEqual(s.tensor([1.7, -1.7], [2], 'int32').arraySync(), [1, -1]);
});

test('data access returns copies in row-major order', async () => {
  const t = s.tensor([[1, 2], [3, 4]]);
  const d = t.dataSync();
  assert.ok(d instanceof Float32Array);
  assert.deepEqual([...d], [1, 2, 3, 4]);
  d[0] = 100;
  assert.deepEqual([...t.dataSync()], [1, 2, 3, 4]);
  assert.deepEqual([...(await t.data())], [1, 2, 3, 4]);
  assert.deepEqual(await t.array(), [[1, 2], [3, 4]]);
  assert.match(t.toString(), /Tensor\(float32 \[2,2\]\) \[\[1, 2\], \[3, 4\]\]/);
});

test('creation functions', () => {
  assert.deepEqual(s.zeros([2, 2]).arraySync(), [[0, 0], [0, 0]]);
  assert.deepEqual(s.ones([3], 'int32').arraySync(), [1, 1, 1]);
  assert.deepEqual(s.fill([2], 7).arraySync(), [7, 7]);
  assert.deepEqual(s.range(0, 5).arraySync(), [0, 1, 2, 3, 4]);
  assert.deepEqual(s.range(1, 0, -0.25).arraySync(), [1, 0.75, 0.5, 0.25]);
  assert.deepEqual(s.range(3, 3).arraySync(), []);
  assert.deepEqual(s.eye(2, 3).arraySync(), [[1, 0, 0], [0, 1, 0]]);
  assert.deepEqual(s.zerosLike(s.tensor([1, 2], [2], 'int32')).dtype, 'int32');
});

test('random draws are reproducible with setSeed and have the right statistics', () => {
  s.setSeed(123);
  const a = s.randomNormal([10000]).dataSync();
  s.setSeed(123);
  const b = s.randomNormal([10000]).dataSync();
  assert.deepEqual(a, b);
  const meanOf = (v: ArrayLike<number>): number => Array.from(v).reduce((p, q) => p + q, 0) / v.length;
  const std = (v: ArrayLike<number>): number => Math.sqrt(meanOf(Array.from(v).map((x) => (x - meanOf(v)) ** 2)));
  assert.ok(Math.abs(meanOf(a)) < 0.03 && Math.abs(std(a) - 1) < 0.03, `normal mean ${meanOf(a)} std ${std(a)}`);
  const u = s.randomUniform([10000], 2, 4).dataSync();
  assert.ok(Math.min(...u) >= 2 && Math.max(...u) < 4 && Math.abs(meanOf(u) - 3) < 0.03);
  const t = s.truncatedNormal([10000], 1, 0.5).dataSync();
  assert.ok(Math.min(...t) >= 0 && Math.max(...t) <= 2, 'truncated within two standard deviations');
  assert.deepEqual(s.randomUniform([5], 0, 1, { seed: 9 }).dataSync(), s.randomUniform([5], 0, 1, { seed: 9 }).dataSync());
  assert.notDeepEqual(s.randomUniform([5]).dataSync(), s.randomUniform([5]).dataSync());
});

test('dtype promotion: int32 with float32 gives float32; numbers adopt the tensor dtype', () => {
  const i = s.tensor([1, 2], [2], 'int32');
  assert.equal(s.add(i, s.tensor([0.5, 0.5])).dtype, 'float32');
  assert.equal(s.add(i, 1).dtype, 'int32');
  assert.equal(s.add(i, 0.5).dtype, 'float32');
  assert.deepEqual(s.add(i, 0.5).arraySync(), [1.5, 2.5]);
  assert.equal(s.div(i, 2).dtype, 'float32');
  assert.deepEqual(s.div(i, 2).arraySync(), [0.5, 1]);
  assert.equal(s.add(s.tensor([1], [1], 'float64'), s.tensor([1])).dtype, 'float64');
});

test('broadcasting follows NumPy', () => {
  assert.deepEqual(s.add(s.tensor([[1], [2]]), s.tensor([10, 20, 30])).arraySync(), [[11, 21, 31], [12, 22, 32]]);
  assert.deepEqual(s.mul(s.zeros([4, 1, 3]), s.zeros([2, 1])).shape, [4, 2, 3]);
  assert.throws(
    () => s.add(s.zeros([2, 3]), s.zeros([4])),
    (e: unknown) => e instanceof s.ShapeError && e.message.startsWith('add: shapes [2,3] and [4] cannot be broadcast together: dimension -1 is 3 in one and 4 in the other'),
  );
});

test('comparisons return bool and where selects with broadcasting', () => {
  const x = s.tensor([-1, 0, 2]);
  assert.equal(s.greater(x, 0).dtype, 'bool');
  assert.deepEqual(s.greater(x, 0).arraySync(), [false, false, true]);
  assert.deepEqual(s.lessEqual(x, 0).arraySync(), [true, true, false]);
  assert.deepEqual(s.equal(x, s.tensor([-1, 1, 2])).arraySync(), [true, false, true]);
  assert.deepEqual(s.notEqual(x, 0).arraySync(), [true, false, true]);
  assert.deepEqual(s.logicalNot(s.greater(x, 0)).arraySync(), [true, true, false]);
  assert.deepEqual(s.logicalAnd(s.greater(x, -1), s.less(x, 2)).arraySync(), [false, true, false]);
  assert.deepEqual(s.where(s.greater(x, 0), x, s.tensor([[7], [8]])).arraySync(), [[7, 7, 2], [8, 8, 2]]);
  assert.deepEqual(s.clip(s.tensor([-2, 0.5, 3]), 0, 1).arraySync(), [0, 0.5, 1]);
  assert.deepEqual(s.pow(s.tensor([1, 2, 3]), 2).arraySync(), [1, 4, 9]);
  assert.deepEqual(s.mod(s.tensor([5, -5]), 3).arraySync(), [2, 1]);
  assert.deepEqual(s.floorDiv(s.tensor([5, -5]), 3).arraySync(), [1, -2]);
});

test('ragged arrays, size mismatches and bad arguments give typed errors', () => {
  assert.throws(() => s.tensor([[1, 2], [3]]), (e: unknown) => e instanceof s.ShapeError && /ragged: at depth 1 expected an array of length 2, found one of length 1/.test(e.message));
  assert.throws(() => s.tensor([1, 2, 3], [2, 2]), /tensor: 3 values cannot fill shape \[2,2\], which holds 4/);
  assert.throws(() => s.zeros([2, -1]), (e: unknown) => e instanceof s.ValueError && /every dimension must be a non-negative integer, got shape \[2,-1\]/.test(e.message));
  assert.throws(() => s.zeros([1.5]), s.ValueError);
  assert.throws(() => s.setSeed(NaN), (e: unknown) => e instanceof s.ValueError && /setSeed: the seed must be a finite number, got NaN/.test(e.message));
  assert.throws(() => s.randomNormal([2], 0, 1, { seed: NaN }), /randomNormal: the seed must be a finite number/);
  assert.throws(() => s.cast(s.zeros([1]), 'float16' as s.DType), (e: unknown) => e instanceof s.DTypeError && /cast: unknown dtype 'float16'/.test(e.message));
  assert.throws(() => s.add(s.zeros([1]), [1, 2] as unknown as number), /add: 'b' must be a Tensor or a number, got object/);
  assert.throws(() => s.range(0, 1, 0), /range: step must be a finite non-zero number/);
  assert.throws(() => s.clip(s.zeros([1]), 1, 0), /clip: min \(1\) must not be greater than max \(0\)/);
  assert.throws(() => s.setBackend('gpu'), (e: unknown) => e instanceof s.NotFoundError && /setBackend: no backend named 'gpu'/.test(e.message));
  assert.throws(() => s.scalar(1).item.call(s.zeros([2])), /item: the tensor must hold exactly one element, but its shape is \[2\]/);
});

test('using a disposed tensor gives a DisposedError, never a raw TypeError', () => {
  const t = s.tensor([1, 2]);
  t.dispose();
  t.dispose();
  assert.equal(t.isDisposed, true);
  assert.throws(() => s.add(t, 1), (e: unknown) => e instanceof s.DisposedError && /add: tensor \d+ \(float32 \[2\]\) was disposed/.test(e.message));
  assert.throws(() => t.dataSync(), s.DisposedError);
  const kept = s.tidy(() => s.tensor([1]));
  const lost = [] as s.Tensor[];
  s.tidy(() => {
    lost.push(s.tensor([1]));
  });
  assert.throws(() => lost[0]!.arraySync(), /return it from tidy\(\) or call keep\(\)/);
  assert.deepEqual(kept.arraySync(), [1]);
});
