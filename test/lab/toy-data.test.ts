/** The playground's 2-D toy sets: shapes, balanced classes, separable at noise 0, reproducible from the seed. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValueError } from '../../src/core/errors.js';
import { splitToyData, TOY_SETS, toyData } from '../../src/lab/toy-data.js';

/** The class a simple rule gives each set's point at noise 0: the boundary each set is built around. */
const RULES: Record<string, (x: number, y: number) => number> = {
  circles: (x, y) => (Math.hypot(x, y) < 0.6 ? 1 : 0),
  xor: (x, y) => (x * y > 0 ? 1 : 0),
  gaussians: (x, y) => (x + y > 0 ? 1 : 0),
};

for (const name of TOY_SETS) {
  test(`toyData('${name}'): 2-D points in about [-1, 1], half of each class, the same for the same seed`, () => {
    const data = toyData(name, { size: 301, noise: 0.2, seed: 5 });
    assert.equal(data.size, 301);
    assert.equal(data.points.length, 602);
    assert.equal(data.labels.length, 301);
    assert.deepEqual([...new Set(data.labels)].sort(), [0, 1]);
    assert.equal(data.labels.reduce((n, l) => n + l, 0), 150, 'class 1 has half, class 0 the odd point');
    for (const v of data.points) assert.ok(Math.abs(v) < 1.5, `coordinate ${v}`);
    // Shuffled: the classes are not in two blocks.
    assert.ok(new Set(data.labels.subarray(0, 20)).size === 2);
    assert.deepEqual(toyData(name, { size: 301, noise: 0.2, seed: 5 }), data);
    assert.notDeepEqual(toyData(name, { size: 301, noise: 0.2, seed: 6 }).points, data.points);
  });
}

test('toyData at noise 0 is separated by the boundary each set is built around', () => {
  for (const [name, rule] of Object.entries(RULES)) {
    const { points, labels, size } = toyData(name as 'circles', { size: 400, seed: 3 });
    for (let i = 0; i < size; i++) assert.equal(rule(points[2 * i]!, points[2 * i + 1]!), labels[i], `${name} point ${i}`);
  }
  // Each spiral point lies on its class's arm: angle = 3.5π·(radius − 0.05)/0.9 + class·π, whole turns aside.
  const { points, labels } = toyData('spirals', { size: 400, seed: 3 });
  const radius = (i: number): number => Math.hypot(points[2 * i]!, points[2 * i + 1]!);
  for (let i = 0; i < 400; i++) {
    const turn = Math.atan2(points[2 * i]!, points[2 * i + 1]!) - (labels[i]! * Math.PI) - 3.5 * Math.PI * ((radius(i) - 0.05) / 0.9);
    assert.ok(Math.abs(Math.sin(turn / 2)) < 1e-3, `spiral point ${i} is off its arm`);
  }
});

test('splitToyData cuts at the ratio; bad arguments are ValueErrors naming what was expected', () => {
  const data = toyData('xor', { size: 500 });
  const { train, test: held } = splitToyData(data, 0.8);
  assert.deepEqual([train.size, train.points.length, held.size, held.labels.length], [400, 800, 100, 100]);
  assert.deepEqual([...train.labels, ...held.labels], [...data.labels]);
  assert.throws(() => splitToyData(data, 1), (e: unknown) => e instanceof ValueError && /at least one point on each side/.test(e.message));
  assert.throws(() => toyData('moons' as 'xor'), (e: unknown) => e instanceof ValueError && /expected one of circles, xor, gaussians, spirals/.test(e.message));
  assert.throws(() => toyData('circles', { noise: 2 }), /noise must be in \[0, 1\]/);
  assert.throws(() => toyData('circles', { size: 1 }), /size must be an integer of at least 2/);
});
