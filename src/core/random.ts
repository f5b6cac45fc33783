/**
 * Seeded pseudo-random numbers. One global generator, reset by `setSeed`, makes every random
 * result of a program reproducible; a call may also pass its own seed.
 */
import { ValueError } from './errors.js';

/** A fast 32-bit generator (xoshiro128**) with 128 bits of state. */
export class RandomGenerator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spareNormal: number | undefined;

  constructor(seed: number) {
    this.reseed(seed);
  }

  /** Restarts the sequence from `seed` (any finite number). */
  reseed(seed: number): void {
    if (!Number.isFinite(seed)) throw new ValueError(`setSeed: the seed must be a finite number, got ${seed}.`);
    // splitmix32 spreads the seed's bits over the whole state so that nearby seeds give unrelated streams.
    let x = (Math.trunc(seed) ^ Math.trunc(seed / 2 ** 32)) >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    this.spareNormal = undefined;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform number in [0, 1) with 32 random bits. */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** A standard normal number (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const v = this.spareNormal;
      this.spareNormal = undefined;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

const DEFAULT_SEED = 42;
const globalGenerator = new RandomGenerator(DEFAULT_SEED);

/**
 * Sets the global seed: every random result after this call (initial weights, dropout masks,
 * shuffling) is reproducible.
 *
 * @example
 * setSeed(1);
 * const a = randomNormal([3]).arraySync();
 * setSeed(1);
 * const b = randomNormal([3]).arraySync(); // equal to a
 */
export function setSeed(seed: number): void {
  globalGenerator.reseed(seed);
}

/** The generator a random op should use: its own when a seed is given, else the global one. */
export function generatorFor(seed: number | undefined): RandomGenerator {
  return seed === undefined ? globalGenerator : new RandomGenerator(seed);
}
