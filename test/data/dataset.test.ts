/** The Dataset chain: each stage's elements in order, seeded shuffles, batching of every kind of element, and no tensor left behind. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as s from '../../src/index.js';

const { data } = s;

/** The plain values of an element (tensors as nested arrays), for comparing. */
function plain(e: unknown): unknown {
  if (e instanceof s.Tensor) {
    const v = e.arraySync();
    e.dispose();
    return v;
  }
  if (e instanceof s.StringTensor) return e.arraySync();
  if (Array.isArray(e)) return e.map(plain);
  if (e !== null && typeof e === 'object') return Object.fromEntries(Object.entries(e).map(([k, v]) => [k, plain(v)]));
  return e;
}

async function values(ds: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const e of ds) out.push(plain(e));
  return out;
}

/** Runs `fn` and checks it leaves as many live tensors as it found. */
async function noLeak(fn: () => Promise<void>): Promise<void> {
  const before = s.memory().numTensors;
  await fn();
  assert.equal(s.memory().numTensors, before, 'live tensors after the pipeline');
}

test('array: rows of a tensor, of [x, y] and of {xs, ys}; items of a plain array; the given tensors stay the caller\'s', async () => {
  const x = s.tensor([[1, 2], [3, 4], [5, 6]]);
  const y = s.tensor([0, 1, 0], [3], 'int32');
  await noLeak(async () => {
    assert.deepEqual(await values(data.array(x)), [[1, 2], [3, 4], [5, 6]]);
    assert.deepEqual(await values(data.array([x, y])), [[[1, 2], 0], [[3, 4], 1], [[5, 6], 0]]);
    assert.deepEqual(await values(data.array({ xs: x, ys: y }).take(1)), [{ xs: [1, 2], ys: 0 }]);
    assert.deepEqual(await values(data.array([1, 'a', { k: [2, 'b'] }])), [1, 'a', { k: [2, 'b'] }]);
    // Tensors inside plain items are copied each iteration: two passes both read them.
    const items = data.array([[x, 1]]);
    assert.deepEqual(await values(items), [[[[1, 2], [3, 4], [5, 6]], 1]]);
    assert.deepEqual(await values(items), [[[[1, 2], [3, 4], [5, 6]], 1]]);
  });
  assert.deepEqual(x.arraySync(), [[1, 2], [3, 4], [5, 6]]);
  assert.throws(() => data.array({ xs: x, ys: s.tensor([1, 2]) }), /same number of rows, but xs has 3 and ys has 2/);
  x.dispose();
  y.dispose();
});

test('batch stacks numbers, tensors, strings and string tensors in their structure; dropRemainder drops the short batch', async () => {
  const items = () => [0, 1, 2, 3, 4].map((i) => ({ v: i, name: `n${i}`, pair: [s.tensor([i, -i]), s.strings(['a', `${i}`])] }));
  await noLeak(async () => {
    const batches = await values(data.generator(() => items().values()).batch(2));
    assert.deepEqual(batches, [
      { v: [0, 1], name: ['n0', 'n1'], pair: [[[0, -0], [1, -1]], [['a', '0'], ['a', '1']]] },
      { v: [2, 3], name: ['n2', 'n3'], pair: [[[2, -2], [3, -3]], [['a', '2'], ['a', '3']]] },
      { v: [4], name: ['n4'], pair: [[[4, -4]], [['a', '4']]] },
    ]);
  });
  assert.deepEqual(await values(data.array([1, 2, 3, 4, 5]).batch(2, { dropRemainder: true })), [[1, 2], [3, 4]]);
  await assert.rejects(values(data.array([1, 'a']).batch(2)), /one structure, but the element is a number in one element and a string in another/);
});

test('paddedBatch pads each tensor at the end to the longest, or to paddedShapes, with paddingValue', async () => {
  const seqs = () => data.generator(function* () {
    yield [s.tensor([1, 2, 3]), 0];
    yield [s.tensor([4]), 1];
    yield [s.tensor([5, 6]), 0];
  });
  await noLeak(async () => {
    assert.deepEqual(await values(seqs().paddedBatch(2)), [[[[1, 2, 3], [4, 0, 0]], [0, 1]], [[[5, 6]], [0]]]);
    assert.deepEqual(await values(seqs().paddedBatch(3, { paddedShapes: [[4], []], paddingValue: -1 })), [[[[1, 2, 3, -1], [4, -1, -1, -1], [5, 6, -1, -1]], [0, 1, 0]]]);
  });
  await assert.rejects(values(seqs().paddedBatch(3, { paddedShapes: [[2], []] })), /has shape \[3\], longer than the padded shape \[2\]/);
});

test('map (sync in a tidy scope, async with parallel calls in order), filter, take, skip, repeat', async () => {
  const [four, six, five] = [s.tensor([1, 2, 3, 4]), s.tensor([1, 2, 3, 4, 5, 6]), s.tensor([1, 2, 3, 4, 5])];
  await noLeak(async () => {
    const squares = data.array(four).map((x) => s.mul(s.add(x as s.Tensor, 0), x as s.Tensor));
    assert.deepEqual(await values(squares), [1, 4, 9, 16]);
    const slow = data.array([30, 10, 20, 0]).map(async (ms) => {
      await new Promise((r) => setTimeout(r, ms as number));
      return s.tensor([ms as number]);
    }, { numParallelCalls: 4 });
    assert.deepEqual(await values(slow), [[30], [10], [20], [0]]);
    const evens = data.array(six).filter((x) => (x as s.Tensor).item() % 2 === 0);
    assert.deepEqual(await values(evens), [2, 4, 6]);
    assert.deepEqual(await values(data.array(five).skip(1).take(3)), [2, 3, 4]);
    assert.deepEqual(await values(data.array([1, 2]).repeat(3)), [1, 2, 1, 2, 1, 2]);
    assert.deepEqual(await values(data.array([]).repeat()), []);
    assert.deepEqual(await values(data.array([1, 2, 3]).repeat().take(5)), [1, 2, 3, 1, 2]);
  });
  s.dispose([four, six, five]);
});

test('shuffle: a permutation; the same seed gives the same orders; reshuffleEachIteration false repeats the order', async () => {
  const range = (n: number) => data.array(Array.from({ length: n }, (_, i) => i));
  const a = range(20).shuffle(5, { seed: 3 });
  const first = (await values(a)) as number[];
  const second = (await values(a)) as number[];
  assert.deepEqual([...first].sort((p, q) => p - q), Array.from({ length: 20 }, (_, i) => i));
  assert.notDeepEqual(first, second);
  assert.deepEqual(await values(range(20).shuffle(5, { seed: 3 })), first);
  const fixed = range(20).shuffle(20, { seed: 3, reshuffleEachIteration: false });
  assert.deepEqual(await values(fixed), await values(fixed));
  // A buffer of 5 moves an element at most 4 places earlier than it came.
  first.forEach((v, i) => assert.ok(i >= v - 4, `element ${v} at ${i}`));
  const fifty = s.tensor(Array.from({ length: 50 }, (_, i) => i));
  await noLeak(async () => {
    // Stopping early frees what the buffer and the read-ahead hold.
    const ds = data.array(fifty).shuffle(10, { seed: 1 }).prefetch(4);
    for await (const e of ds) {
      (e as s.Tensor).dispose();
      break;
    }
  });
  fifty.dispose();
});

test('zip stops at the shortest; prefetch keeps the order; cache replays the first complete iteration', async () => {
  const tens = s.tensor([10, 20]);
  await noLeak(async () => {
    assert.deepEqual(await values(data.zip([data.array([1, 2, 3]), data.array(tens)])), [[1, 10], [2, 20]]);
    assert.deepEqual(await values(data.zip({ a: data.array(['x', 'y']), b: data.array([1, 2]) }).prefetch(2)), [{ a: 'x', b: 1 }, { a: 'y', b: 2 }]);
  });
  tens.dispose();
  let reads = 0;
  const cached = data.generator(function* () {
    reads++;
    for (let i = 0; i < 3; i++) yield [s.tensor([i, i]), `s${i}`];
  }).cache();
  await noLeak(async () => {
    assert.deepEqual(await values(cached.take(1)), [[[0, 0], 's0']]);
    assert.deepEqual(await values(cached), [[[0, 0], 's0'], [[1, 1], 's1'], [[2, 2], 's2']]);
    assert.deepEqual(await values(cached), [[[0, 0], 's0'], [[1, 1], 's1'], [[2, 2], 's2']]);
  });
  // The early stop cached nothing; the complete pass did, and the third pass read the cache.
  assert.equal(reads, 2);
});

test('the chain checks its arguments', () => {
  const ds = data.array([1]);
  assert.throws(() => ds.batch(0), /Dataset.batch: size must be a positive integer, got 0/);
  assert.throws(() => ds.shuffle(10, { sed: 1 } as never), /sed/);
  assert.throws(() => ds.take(-1), /non-negative integer/);
  assert.throws(() => data.generator(5 as never), /expected a function returning an iterator/);
});
