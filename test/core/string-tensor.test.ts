import assert from 'node:assert/strict';
import test from 'node:test';
import { ShapeError, StringTensor, ValueError, strings } from '../../src/index.js';

test('strings() infers the shape of nested arrays and keeps row-major order', () => {
  const t = strings([['a cat', 'a dog'], ['', 'the end']]);
  assert.ok(t instanceof StringTensor);
  assert.equal(t.dtype, 'string');
  assert.deepEqual(t.shape, [2, 2]);
  assert.deepEqual(t.dataSync(), ['a cat', 'a dog', '', 'the end']);
  assert.deepEqual(t.arraySync(), [['a cat', 'a dog'], ['', 'the end']]);
  assert.deepEqual(strings('x').shape, []);
  assert.equal(strings('x').arraySync(), 'x');
  assert.deepEqual(strings([]).shape, [0]);
  assert.deepEqual(strings(['a', 'b', 'c', 'd'], [2, 2]).arraySync(), [['a', 'b'], ['c', 'd']]);
});

test('rows are gathered, sliced and reshaped without touching the source', () => {
  const t = strings(['a', 'b', 'c', 'd', 'e', 'f'], [3, 2]);
  assert.deepEqual(t.gather([2, 0]).arraySync(), [['e', 'f'], ['a', 'b']]);
  assert.deepEqual(t.sliceRows(1, 2).arraySync(), [['c', 'd'], ['e', 'f']]);
  assert.deepEqual(t.reshape([-1]).shape, [6]);
  assert.deepEqual(t.reshape([2, -1]).shape, [2, 3]);
  assert.deepEqual(t.shape, [3, 2]);
  assert.throws(() => (t.dataSync() as string[]).push('g'), TypeError);
});

test('strings() refuses ragged arrays, non-strings, wrong sizes and rows out of range', () => {
  assert.throws(() => strings([['a'], ['b', 'c']]), (e: Error) => e instanceof ShapeError && /ragged/.test(e.message));
  assert.throws(() => strings(['b', ['a']]), (e: Error) => e instanceof ShapeError && /ragged/.test(e.message));
  assert.throws(() => strings([1 as unknown as string]), (e: Error) => e instanceof ValueError && /element 0 is number/.test(e.message));
  assert.throws(() => strings(['a', 'b', 'c'], [2, 2]), (e: Error) => e instanceof ShapeError && /3 values cannot fill shape \[2,2\]/.test(e.message));
  assert.throws(() => strings(['a', 'b']).gather([2]), (e: Error) => e instanceof ValueError && /row 2 is out of range \[0, 2\)/.test(e.message));
});
