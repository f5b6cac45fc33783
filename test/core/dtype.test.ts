/** The uint8 dtype: promotion, weakly typed numbers, which ops widen it, and that scaling images allocates nothing but the result. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as s from '../../src/index.js';
import { dtypeOfArray, promoteTypes } from '../../src/core/dtype.js';
import { decodeArtifacts, encodeArtifacts } from '../../src/io/format.js';

const bytes = (values: number[], shape?: number[]): s.Tensor => s.tensor(new Uint8Array(values), shape);

test('uint8 sits between bool and int32 in the promotion order; byte arrays are uint8', () => {
  assert.equal(promoteTypes('bool', 'uint8'), 'uint8');
  assert.equal(promoteTypes('uint8', 'int32'), 'int32');
  assert.equal(promoteTypes('uint8', 'float32'), 'float32');
  assert.equal(promoteTypes('float64', 'uint8'), 'float64');
  assert.equal(dtypeOfArray(new Uint8Array(1)), 'uint8');
  assert.equal(dtypeOfArray(new Uint8ClampedArray(1)), 'uint8');
  assert.equal(dtypeOfArray(Buffer.from([1])), 'uint8');
  assert.equal(dtypeOfArray(new Int16Array(1)), 'int32');
  const t = bytes([0, 7, 255], [3]);
  assert.equal(t.dtype, 'uint8');
  assert.ok(t.dataSync() instanceof Uint8Array);
  assert.deepEqual(t.arraySync(), [0, 7, 255]);
  assert.equal(s.zeros([2], 'uint8').dtype, 'uint8');
  assert.equal(s.tensor(Buffer.from([3, 4])).dtype, 'uint8');
});

test('arithmetic that can leave [0, 255] computes uint8 in int32; the rest stays uint8', () => {
  const a = bytes([200, 10, 0]);
  const b = bytes([100, 20, 255]);
  const check = (t: s.Tensor, dtype: s.DType, values: unknown): void => {
    assert.equal(t.dtype, dtype);
    assert.deepEqual(t.arraySync(), values);
  };
  check(s.add(a, b), 'int32', [300, 30, 255]);
  check(s.sub(a, b), 'int32', [100, -10, -255]);
  check(s.mul(a, b), 'int32', [20000, 200, 0]);
  check(s.pow(a, 2), 'int32', [40000, 100, 0]);
  check(s.neg(a), 'int32', [-200, -10, 0]);
  check(s.square(b), 'int32', [10000, 400, 65025]);
  check(s.maximum(a, b), 'uint8', [200, 20, 255]);
  check(s.minimum(a, b), 'uint8', [100, 10, 0]);
  check(s.mod(a, 7), 'uint8', [4, 3, 0]);
  check(s.floorDiv(a, 7), 'uint8', [28, 1, 0]);
  check(s.abs(a), 'uint8', [200, 10, 0]);
  check(s.relu(a), 'uint8', [200, 10, 0]);
  check(s.sum(b), 'int32', 375);
  check(s.sum(bytes([255, 255, 255, 255], [2, 2]), 0), 'int32', [510, 510]);
  check(s.max(b), 'uint8', 255);
  check(s.argmax(b), 'int32', 2);
  check(s.matMul(bytes([16, 16], [1, 2]), bytes([16, 16], [2, 1])), 'int32', [[512]]);
  assert.ok(Math.abs((s.mean(a).item() as number) - 70) < 1e-6);
  assert.equal(s.mean(a).dtype, 'float32');
  check(s.exp(bytes([0])), 'float32', [1]);
});

test('numbers adopt uint8 when they fit, and promote it when they do not', () => {
  const a = bytes([250, 5]);
  assert.equal(s.add(a, 3).dtype, 'int32'); // add widens anyway
  assert.equal(s.maximum(a, 3).dtype, 'uint8');
  assert.deepEqual(s.maximum(a, 300).arraySync(), [300, 300]);
  assert.equal(s.maximum(a, 300).dtype, 'int32');
  assert.deepEqual(s.maximum(a, -1).arraySync(), [250, 5]);
  assert.equal(s.maximum(a, -1).dtype, 'int32');
  assert.equal(s.maximum(a, 0.5).dtype, 'float32');
  assert.deepEqual(s.greater(a, 255).arraySync(), [false, false]);
  assert.deepEqual(s.less(a, 256).arraySync(), [true, true]);
  assert.deepEqual(s.greater(a, -1).arraySync(), [true, true]);
  assert.deepEqual(s.equal(a, 5).arraySync(), [false, true]);
  const w = s.where(s.tensor([true, false]), a, 0);
  assert.equal(w.dtype, 'uint8');
  assert.deepEqual(w.arraySync(), [250, 0]);
  assert.equal(s.mul(a, 0.5).dtype, 'float32');
  assert.deepEqual(s.mul(a, 0.5).arraySync(), [125, 2.5]);
});

test('casts to uint8 truncate and wrap modulo 256; casts from uint8 are exact', () => {
  assert.deepEqual(s.cast(s.tensor([300, -1, 1.7, 255.9, 256]), 'uint8').arraySync(), [44, 255, 1, 255, 0]);
  assert.deepEqual(s.cast(s.tensor([-3, 7], [2], 'int32'), 'uint8').arraySync(), [253, 7]);
  assert.deepEqual(s.cast(bytes([0, 2]), 'bool').arraySync(), [false, true]);
  assert.deepEqual(s.cast(bytes([0, 255]), 'float32').arraySync(), [0, 255]);
  assert.deepEqual(s.cast(bytes([0, 255]), 'int32').arraySync(), [0, 255]);
});

test('shape ops, slicing and gather keep uint8', () => {
  const x = bytes([1, 2, 3, 4, 5, 6], [2, 3]);
  const keeps = (t: s.Tensor, values: unknown): void => {
    assert.equal(t.dtype, 'uint8');
    assert.deepEqual(t.arraySync(), values);
  };
  keeps(s.reshape(x, [3, 2]), [[1, 2], [3, 4], [5, 6]]);
  keeps(s.transpose(x), [[1, 4], [2, 5], [3, 6]]);
  keeps(s.slice(x, [1, 1], [1, 2]), [[5, 6]]);
  keeps(s.gather(x, s.tensor([1, 0], [2], 'int32')), [[4, 5, 6], [1, 2, 3]]);
  keeps(s.concat([x, x], 0), [[1, 2, 3], [4, 5, 6], [1, 2, 3], [4, 5, 6]]);
  keeps(s.pad(s.slice(x, [0, 0], [1, 1]), [[1, 0], [0, 1]], 9), [[9, 9], [1, 9]]);
  keeps(s.tile(s.slice(x, [0, 0], [1, 2]), [1, 2]), [[1, 2, 1, 2]]);
  keeps(s.expandDims(x, 0), [[[1, 2, 3], [4, 5, 6]]]);
  assert.equal(s.concat([x, s.cast(x, 'int32')], 0).dtype, 'int32');
});

test('div(uint8 images, 255) gives float32 in [0, 1] straight from the bytes, with no intermediate array', () => {
  const x = bytes([0, 51, 128, 255], [1, 2, 2]);
  const backend = s.getBackend();
  const calls: string[] = [];
  const { binary, cast } = backend;
  backend.binary = function (a, b, op, shape, out) {
    calls.push(`binary ${a.dtype} ${op} ${b.dtype} -> ${out}`);
    return binary.call(this, a, b, op, shape, out);
  };
  backend.cast = function (t, dtype) {
    calls.push(`cast ${t.dtype} -> ${dtype}`);
    return cast.call(this, t, dtype);
  };
  let y: s.Tensor;
  try {
    y = s.div(x, 255);
  } finally {
    backend.binary = binary;
    backend.cast = cast;
  }
  assert.deepEqual(calls, ['binary uint8 div uint8 -> float32']);
  assert.equal(y.dtype, 'float32');
  assert.deepEqual(y.shape, [1, 2, 2]);
  assert.deepEqual([...y.dataSync()], [0, 0.2, 128 / 255, 1].map(Math.fround));
  // A divisor beyond a byte is an int32 scalar, not 256 wrapped to 0.
  assert.deepEqual([...s.div(x, 256).dataSync()], [0, 51 / 256, 0.5, 255 / 256].map(Math.fround));
  assert.equal(s.grad((t: s.Tensor) => s.sum(s.div(t, s.tensor(2))))(s.tensor([1, 2])).dtype, 'float32');
});

test('the Strata file format stores uint8 tensors', () => {
  const bytesOut = encodeArtifacts({
    header: { kind: 'weights', generatedBy: 'test' },
    weights: [{ name: 'pixels', shape: [2], dtype: 'uint8', values: new Uint8Array([3, 250]) }],
    optimizerWeights: [],
  });
  const back = decodeArtifacts(bytesOut, 'x.strata').weights[0]!;
  assert.equal(back.dtype, 'uint8');
  assert.deepEqual([...(back.values as Uint8Array)], [3, 250]);
});
