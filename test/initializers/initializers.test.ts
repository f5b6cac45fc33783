import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValueError, initializers, matMul, setSeed, tidy, type Tensor } from '../../src/index.js';
import { assertClose } from '../helpers/grad-check.js';

const { computeFans, getInitializer } = initializers;

function stats(t: Tensor): { mean: number; std: number; min: number; max: number } {
  const v = t.dataSync();
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const x of v) {
    sum += x;
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  const mean = sum / v.length;
  let sq = 0;
  for (const x of v) sq += (x - mean) ** 2;
  return { mean, std: Math.sqrt(sq / v.length), min, max };
}

/** Asserts mean ≈ 0 (within 4 standard errors), the standard deviation within 1.5 %, and the bounds. */
function assertDistribution(name: string, t: Tensor, std: number, bound: number): void {
  const s = stats(t);
  assert.ok(Math.abs(s.mean) < (4 * std) / Math.sqrt(t.size), `${name}: mean ${s.mean}`);
  assert.ok(Math.abs(s.std / std - 1) < 0.015, `${name}: std ${s.std}, expected ${std}`);
  assert.ok(s.max <= bound && s.min >= -bound, `${name}: range [${s.min}, ${s.max}] exceeds ±${bound}`);
  // The draws reach close to the bound (uniform, truncated normal), so a wrong (too large) limit would be seen.
  assert.ok(s.max > 0.97 * bound && s.min < -0.97 * bound, `${name}: range [${s.min}, ${s.max}] does not reach ±${bound}`);
}

test('computeFans follows Keras for matrices, conv kernels, vectors and scalars', () => {
  assert.deepEqual(computeFans([784, 100]), [784, 100]);
  assert.deepEqual(computeFans([3, 3, 16, 32]), [144, 288]);
  assert.deepEqual(computeFans([5, 16, 32]), [80, 160]);
  assert.deepEqual(computeFans([7]), [7, 7]);
  assert.deepEqual(computeFans([]), [1, 1]);
});

const TRUNC = 0.87962566103423978;
const shape = [400, 600];
// fanIn 400, fanOut 600, fanAvg 500.
const cases: [string, () => Tensor, number, number][] = [
  // uniform on ±limit has std limit/√3
  ['glorotUniform', () => initializers.glorotUniform({ seed: 1 }).apply(shape), Math.sqrt(6 / 1000) / Math.sqrt(3), Math.sqrt(6 / 1000)],
  ['heUniform', () => initializers.heUniform({ seed: 2 }).apply(shape), Math.sqrt(6 / 400) / Math.sqrt(3), Math.sqrt(6 / 400)],
  ['lecunUniform', () => initializers.lecunUniform({ seed: 3 }).apply(shape), Math.sqrt(3 / 400) / Math.sqrt(3), Math.sqrt(3 / 400)],
  // truncated normals: std after truncation is sqrt(scale / fan); values lie within 2 · sqrt(scale / fan) / 0.8796
  ['glorotNormal', () => initializers.glorotNormal({ seed: 4 }).apply(shape), Math.sqrt(1 / 500), (2 * Math.sqrt(1 / 500)) / TRUNC],
  ['heNormal', () => initializers.heNormal({ seed: 5 }).apply(shape), Math.sqrt(2 / 400), (2 * Math.sqrt(2 / 400)) / TRUNC],
  ['lecunNormal', () => initializers.lecunNormal({ seed: 6 }).apply(shape), Math.sqrt(1 / 400), (2 * Math.sqrt(1 / 400)) / TRUNC],
  ['randomUniform (±0.05)', () => initializers.randomUniform({ seed: 7 }).apply(shape), 0.05 / Math.sqrt(3), 0.05],
  ['truncatedNormal (0.05)', () => initializers.truncatedNormal({ seed: 8 }).apply(shape), 0.05 * TRUNC, 0.1],
];
for (const [name, make, std, bound] of cases) {
  test(`${name}: statistics of 240,000 draws match the formula`, () => tidy(() => assertDistribution(name, make(), std, bound)));
}

test('randomNormal has Keras defaults mean 0, stddev 0.05, and honours mean and stddev', () => tidy(() => {
  const a = stats(initializers.randomNormal({ seed: 1 }).apply(shape));
  assert.ok(Math.abs(a.std / 0.05 - 1) < 0.015 && Math.abs(a.mean) < 0.001, JSON.stringify(a));
  const b = stats(initializers.randomNormal({ seed: 1, mean: 3, stddev: 2 }).apply(shape));
  assert.ok(Math.abs(b.std / 2 - 1) < 0.015 && Math.abs(b.mean - 3) < 0.02, JSON.stringify(b));
}));

test('glorotUniform on a conv kernel [3,3,16,32] uses the receptive field: limit sqrt(6 / 432)', () => tidy(() => {
  const s = stats(initializers.glorotUniform({ seed: 1 }).apply([3, 3, 16, 32]));
  const limit = Math.sqrt(6 / 432);
  assert.ok(s.max <= limit && s.min >= -limit && s.max > 0.99 * limit, JSON.stringify(s));
}));

test('varianceScaling: fanOut mode and untruncated normal', () => tidy(() => {
  const s = stats(initializers.varianceScaling({ scale: 3, mode: 'fanOut', distribution: 'untruncatedNormal', seed: 1 }).apply(shape));
  assert.ok(Math.abs(s.std / Math.sqrt(3 / 600) - 1) < 0.015, JSON.stringify(s));
  // Keras's snake_case values are accepted.
  const k = initializers.varianceScaling({ mode: 'fan_avg', distribution: 'truncated_normal' });
  assert.equal(k.mode, 'fanAvg');
  assert.equal(k.distribution, 'truncatedNormal');
  assert.throws(() => initializers.varianceScaling({ mode: 'fan_sideways' as 'fanIn' }), /mode must be 'fanIn', 'fanOut' or 'fanAvg', got "fan_sideways"/);
}));

test('zeros, ones and constant', () => tidy(() => {
  assert.deepEqual(initializers.zeros().apply([2]).arraySync(), [0, 0]);
  assert.deepEqual(initializers.ones().apply([2], 'int32').arraySync(), [1, 1]);
  assert.deepEqual(initializers.constant({ value: 2.5 }).apply([1, 2]).arraySync(), [[2.5, 2.5]]);
  assert.deepEqual(initializers.constant().apply([1]).arraySync(), [0]);
}));

test('orthogonal: orthonormal columns (tall), rows (wide), times gain', () => tidy(() => {
  const eye = (n: number, g = 1): number[] => Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? g * g : 0));
  const tall = initializers.orthogonal({ seed: 1 }).apply([6, 4], 'float64');
  assertClose(matMul(tall, tall, true).dataSync(), eye(4), 1e-12, 'QᵀQ');
  const wide = initializers.orthogonal({ seed: 2 }).apply([4, 6], 'float64');
  assertClose(matMul(wide, wide, false, true).dataSync(), eye(4), 1e-12, 'QQᵀ');
  const scaled = initializers.orthogonal({ seed: 3, gain: 2 }).apply([5, 5], 'float64');
  assertClose(matMul(scaled, scaled, true).dataSync(), eye(5, 2), 1e-12, 'gain 2');
  assert.throws(() => initializers.orthogonal().apply([5]), /Orthogonal initializer: the weight must have at least 2 dimensions, got shape \[5\]/);
}));

test('reproducible with setSeed, and with an own seed; unseeded initializers differ', () => tidy(() => {
  setSeed(11);
  const a = initializers.glorotUniform().apply([20, 30]).dataSync();
  setSeed(11);
  const init = initializers.glorotUniform();
  assert.deepEqual(init.apply([20, 30]).dataSync(), a);
  // As in Keras 3, one initializer gives the same values each time it is applied.
  assert.deepEqual(init.apply([20, 30]).dataSync(), a);
  assert.notDeepEqual(initializers.glorotUniform().apply([20, 30]).dataSync(), a);
  const s1 = initializers.heNormal({ seed: 5 }).apply([10]).dataSync();
  setSeed(99);
  assert.deepEqual(initializers.heNormal({ seed: 5 }).apply([10]).dataSync(), s1);
}));

test('getInitializer accepts Keras snake_case, camelCase and class names, instances and configs', () => {
  assert.ok(getInitializer('glorot_uniform') instanceof initializers.GlorotUniform);
  assert.ok(getInitializer('glorotUniform') instanceof initializers.GlorotUniform);
  assert.ok(getInitializer('HeNormal') instanceof initializers.HeNormal);
  assert.ok(getInitializer('random_normal') instanceof initializers.RandomNormal);
  assert.ok(getInitializer('zeros') instanceof initializers.Zeros);
  const inst = initializers.ones();
  assert.equal(getInitializer(inst), inst);
  assert.equal((getInitializer({ className: 'Constant', config: { value: 3 } }) as initializers.Constant).value, 3);
  assert.throws(() => getInitializer('glorot_unifrom'), (e: Error) => e instanceof ValueError && /unknown initializer 'glorot_unifrom'. Known: .*GlorotUniform/.test(e.message));
});

test('config round trip through JSON rebuilds every initializer with the same values', () => tidy(() => {
  const all = [
    initializers.zeros(), initializers.ones(), initializers.constant({ value: 0.5 }),
    initializers.randomNormal({ mean: 1, stddev: 0.2, seed: 1 }), initializers.randomUniform({ minval: -1, maxval: 2, seed: 2 }),
    initializers.truncatedNormal({ stddev: 0.3, seed: 3 }), initializers.varianceScaling({ scale: 2, mode: 'fanOut', distribution: 'uniform', seed: 4 }),
    initializers.glorotUniform({ seed: 5 }), initializers.glorotNormal({ seed: 6 }), initializers.heNormal({ seed: 7 }),
    initializers.heUniform({ seed: 8 }), initializers.lecunNormal({ seed: 9 }), initializers.lecunUniform({ seed: 10 }),
    initializers.orthogonal({ gain: 1.5, seed: 11 }),
  ];
  for (const init of all) {
    const json = JSON.parse(JSON.stringify(init.serialize()));
    const copy = getInitializer(json);
    assert.equal(copy.constructor, init.constructor);
    assert.deepEqual(copy.getConfig(), init.getConfig());
    assert.deepEqual(copy.apply([4, 3]).dataSync(), init.apply([4, 3]).dataSync(), json.className);
  }
  assert.deepEqual(initializers.glorotUniform({ seed: 5 }).serialize(), { className: 'GlorotUniform', config: { seed: 5 } });
  assert.deepEqual(initializers.glorotUniform().getConfig(), { seed: null });
}));
