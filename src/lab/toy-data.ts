/**
 * The 2-D toy sets of TensorFlow Playground — circles, xor, gaussians and spirals — as points in
 * [-1, 1]² with two balanced classes, seeded (with Strata's generator) so that a set can be drawn
 * again point for point.
 * Browser-safe: plain arrays, no tensors, so a page can draw the points before Strata loads.
 */
import { ValueError } from '../core/errors.js';
import { RandomGenerator } from '../core/random.js';

/**
 * The names of the toy sets, in TensorFlow Playground's order.
 *
 * @example
 * for (const name of TOY_SETS) console.log(name, toyData(name).size);
 */
export const TOY_SETS = ['circles', 'xor', 'gaussians', 'spirals'] as const;

/** One of {@link TOY_SETS}. */
export type ToySetName = (typeof TOY_SETS)[number];

/** Options of {@link toyData}. */
export interface ToyDataArgs {
  /** Points in all, half of each class (default 500; an odd count gives class 0 the extra point). */
  size?: number;
  /**
   * How much the classes overlap, from 0 (cleanly separable) to 0.5 (TensorFlow Playground's
   * range): points are moved by up to this share of the plane (circles, xor, spirals) or the two
   * blobs spread wider (gaussians). Default 0.
   */
  noise?: number;
  /** Seed of the points (default 1). */
  seed?: number;
}

/** A toy set: `size` points, their coordinates interleaved, and a class (0 or 1) for each. */
export interface ToyData {
  /** `[x0, y0, x1, y1, ...]`, `2 · size` values in about [-1, 1]. */
  points: Float32Array;
  /** The class of each point, 0 or 1. */
  labels: Int32Array;
  /** How many points. */
  size: number;
}

/** A point of class `label`, drawn with `random` at noise level `noise`. */
type PointMaker = (label: number, random: RandomGenerator, noise: number) => [number, number];

/** Moves a point by up to `noise` in each coordinate. */
function jitter([x, y]: [number, number], random: RandomGenerator, noise: number): [number, number] {
  return [x + noise * (2 * random.uniform() - 1), y + noise * (2 * random.uniform() - 1)];
}

const MAKERS: Record<ToySetName, PointMaker> = {
  // Class 1 inside a disc of radius 0.5, class 0 on a ring from 0.7 to 1: only a curved boundary separates them.
  circles: (label, random, noise) => {
    const radius = label === 1 ? 0.5 * random.uniform() : 0.7 + 0.3 * random.uniform();
    const angle = 2 * Math.PI * random.uniform();
    return jitter([radius * Math.cos(angle), radius * Math.sin(angle)], random, noise);
  },
  // Class 1 where x and y have the same sign; a margin keeps points off the axes so that noise 0 separates cleanly.
  xor: (label, random, noise) => {
    const away = (): number => 0.05 + 0.95 * random.uniform();
    const sign = random.uniform() < 0.5 ? 1 : -1;
    const x = sign * away();
    return jitter([x, (label === 1 ? sign : -sign) * away()], random, noise);
  },
  // Two blobs at (±0.35, ±0.35); their spread grows with the noise, from well apart to overlapping.
  gaussians: (label, random, noise) => {
    const centre = label === 1 ? 0.35 : -0.35;
    const spread = 0.08 + 0.5 * noise;
    return [centre + spread * random.normal(), centre + spread * random.normal()];
  },
  // Two interleaved arms of one spiral, each turning 1.75 times around the origin.
  spirals: (label, random, noise) => {
    const t = random.uniform();
    const radius = 0.05 + 0.9 * t;
    const angle = 1.75 * 2 * Math.PI * t + label * Math.PI;
    return jitter([radius * Math.sin(angle), radius * Math.cos(angle)], random, noise);
  },
};

/**
 * Draws a toy set: `size` points, half of each class, in shuffled order.
 *
 * @example
 * const { points, labels, size } = toyData('circles', { size: 200, noise: 0.1, seed: 7 });
 * // points: Float32Array(400) [x0, y0, ...], labels: Int32Array(200) of 0 and 1
 */
export function toyData(name: ToySetName, args: ToyDataArgs = {}): ToyData {
  const make = MAKERS[name];
  if (!make) throw new ValueError(`toyData: no toy set named ${JSON.stringify(name)}; expected one of ${TOY_SETS.join(', ')}.`);
  const { size = 500, noise = 0, seed = 1 } = args;
  if (!Number.isInteger(size) || size < 2) throw new ValueError(`toyData: size must be an integer of at least 2 (one point of each class), got ${size}.`);
  if (!(noise >= 0 && noise <= 1)) throw new ValueError(`toyData: noise must be in [0, 1] (TensorFlow Playground uses 0 to 0.5), got ${noise}.`);
  const random = new RandomGenerator(seed);
  const points = new Float32Array(2 * size);
  const labels = new Int32Array(size);
  // Point i goes to slot order[i], so that the classes are interleaved at random rather than in two halves.
  const order = shuffled(size, random);
  for (let i = 0; i < size; i++) {
    const label = i < Math.floor(size / 2) ? 1 : 0;
    const [x, y] = make(label, random, noise);
    const slot = order[i]!;
    points[2 * slot] = x;
    points[2 * slot + 1] = y;
    labels[slot] = label;
  }
  return { points, labels, size };
}

/** 0 … n-1 in a random order (Fisher–Yates). */
function shuffled(n: number, random: RandomGenerator): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random.uniform() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/**
 * Splits a toy set into a training and a test part, the first `round(trainRatio · size)` points
 * training (the points are already in random order).
 *
 * @example
 * const { train, test } = splitToyData(toyData('xor', { size: 500 }), 0.8);
 * // train.size === 400, test.size === 100
 */
export function splitToyData(data: ToyData, trainRatio: number): { train: ToyData; test: ToyData } {
  const cut = Math.round(trainRatio * data.size);
  if (!(cut >= 1 && cut < data.size)) throw new ValueError(`splitToyData: trainRatio ${trainRatio} leaves ${cut} of ${data.size} points for training; expected a ratio that leaves at least one point on each side, e.g. 0.5.`);
  const part = (from: number, to: number): ToyData => ({ points: data.points.slice(2 * from, 2 * to), labels: data.labels.slice(from, to), size: to - from });
  return { train: part(0, cut), test: part(cut, data.size) };
}
