/**
 * FarmHash Fingerprint64 (farmhashna's Hash64), the string hash behind TensorFlow's
 * `to_hash_bucket_fast` and so Keras's Hashing layer: written from FarmHash's published
 * description, on the UTF-8 bytes of a string, with 64-bit arithmetic in BigInt.
 */

const MASK = (1n << 64n) - 1n;
const K0 = 0xc3a5c85c97cb3127n;
const K1 = 0xb492b66fbe98f273n;
const K2 = 0x9ae16a3b2f90404fn;

const encoder = new TextEncoder();

/** Wraps to 64 bits (the C++ code's unsigned overflow). */
const u64 = (x: bigint): bigint => x & MASK;
const mul = (a: bigint, b: bigint): bigint => (a * b) & MASK;
const rotate = (v: bigint, shift: bigint): bigint => (shift === 0n ? v : ((v >> shift) | (v << (64n - shift))) & MASK);
const shiftMix = (v: bigint): bigint => v ^ (v >> 47n);

/** The little-endian 64-bit word (or 32-bit with `bytes` 4) at `at`. */
function fetch(s: Uint8Array, at: number, bytes = 8): bigint {
  let v = 0n;
  for (let i = bytes - 1; i >= 0; i--) v = (v << 8n) | BigInt(s[at + i]!);
  return v;
}

function hashLen16(u: bigint, v: bigint, m: bigint): bigint {
  let a = mul(u ^ v, m);
  a ^= a >> 47n;
  let b = mul(v ^ a, m);
  b ^= b >> 47n;
  return mul(b, m);
}

function hashLen0to16(s: Uint8Array): bigint {
  const len = s.length;
  const m = u64(K2 + BigInt(len) * 2n);
  if (len >= 8) {
    const a = u64(fetch(s, 0) + K2);
    const b = fetch(s, len - 8);
    const c = u64(mul(rotate(b, 37n), m) + a);
    const d = mul(u64(rotate(a, 25n) + b), m);
    return hashLen16(c, d, m);
  }
  if (len >= 4) return hashLen16(u64(BigInt(len) + (fetch(s, 0, 4) << 3n)), fetch(s, len - 4, 4), m);
  if (len > 0) {
    const y = BigInt(s[0]! + (s[len >> 1]! << 8));
    const z = BigInt(len + (s[len - 1]! << 2));
    return mul(shiftMix(mul(y, K2) ^ mul(z, K0)), K2);
  }
  return K2;
}

/**
 * The mix of the first and last 16 bytes: for 17-32 bytes `z` is the hash; 33-64 bytes mix the
 * middle into it (FarmHash's HashLen17to32 and the first half of HashLen33to64 are this).
 */
function mixEnds(s: Uint8Array): { m: bigint; a: bigint; y: bigint; z: bigint } {
  const len = s.length;
  const m = u64(K2 + BigInt(len) * 2n);
  const a = mul(fetch(s, 0), len > 32 ? K2 : K1);
  const b = fetch(s, 8);
  const c = mul(fetch(s, len - 8), m);
  const d = mul(fetch(s, len - 16), K2);
  const y = u64(rotate(u64(a + b), 43n) + rotate(c, 30n) + d);
  return { m, a, y, z: hashLen16(y, u64(a + rotate(u64(b + K2), 18n) + c), m) };
}

function hashLen33to64(s: Uint8Array): bigint {
  const len = s.length;
  const { m, a, y, z } = mixEnds(s);
  const e = mul(fetch(s, 16), m);
  const f = fetch(s, 24);
  const g = mul(u64(y + fetch(s, len - 32)), m);
  const h = mul(u64(z + fetch(s, len - 24)), m);
  return hashLen16(u64(rotate(u64(e + f), 43n) + rotate(g, 30n) + h), u64(e + rotate(u64(f + a), 18n) + g), m);
}

/** Two 64-bit values from 32 bytes at `at` and two seeds (FarmHash's WeakHashLen32WithSeeds). */
function weakHash32(s: Uint8Array, at: number, seedA: bigint, seedB: bigint): [bigint, bigint] {
  const [w, x, y, z] = [fetch(s, at), fetch(s, at + 8), fetch(s, at + 16), fetch(s, at + 24)];
  let a = u64(seedA + w);
  let b = rotate(u64(seedB + a + z), 21n);
  const c = a;
  a = u64(a + x + y);
  b = u64(b + rotate(a, 44n));
  return [u64(a + z), u64(b + c)];
}

/** Inputs over 64 bytes: 64-byte blocks through a 56-byte state, then the last 64 bytes. */
function hashLong(s: Uint8Array): bigint {
  const len = s.length;
  const seed = 81n;
  let x = seed;
  let y = u64(seed * K1 + 113n);
  let z = mul(shiftMix(u64(mul(y, K2) + 113n)), K2);
  let v: [bigint, bigint] = [0n, 0n];
  let w: [bigint, bigint] = [0n, 0n];
  x = u64(mul(x, K2) + fetch(s, 0));
  const end = Math.floor((len - 1) / 64) * 64;
  const last64 = end + ((len - 1) & 63) - 63;
  for (let at = 0; at !== end; at += 64) {
    x = mul(rotate(u64(x + y + v[0] + fetch(s, at + 8)), 37n), K1);
    y = mul(rotate(u64(y + v[1] + fetch(s, at + 48)), 42n), K1);
    x ^= w[1];
    y = u64(y + v[0] + fetch(s, at + 40));
    z = mul(rotate(u64(z + w[0]), 33n), K1);
    v = weakHash32(s, at, mul(v[1], K1), u64(x + w[0]));
    w = weakHash32(s, at + 32, u64(z + w[1]), u64(y + fetch(s, at + 16)));
    [z, x] = [x, z];
  }
  const m = u64(K1 + ((z & 0xffn) << 1n));
  w[0] = u64(w[0] + BigInt((len - 1) & 63));
  v[0] = u64(v[0] + w[0]);
  w[0] = u64(w[0] + v[0]);
  x = mul(rotate(u64(x + y + v[0] + fetch(s, last64 + 8)), 37n), m);
  y = mul(rotate(u64(y + v[1] + fetch(s, last64 + 48)), 42n), m);
  x ^= mul(w[1], 9n);
  y = u64(y + mul(v[0], 9n) + fetch(s, last64 + 40));
  z = mul(rotate(u64(z + w[0]), 33n), m);
  v = weakHash32(s, last64, mul(v[1], m), u64(x + w[0]));
  w = weakHash32(s, last64 + 32, u64(z + w[1]), u64(y + fetch(s, last64 + 16)));
  [z, x] = [x, z];
  return hashLen16(u64(hashLen16(v[0], w[0], m) + mul(shiftMix(y), K0) + z), u64(hashLen16(v[1], w[1], m) + x), m);
}

/**
 * The FarmHash Fingerprint64 of a string's UTF-8 bytes (or of raw bytes), as an unsigned 64-bit
 * BigInt: the same on every platform and release, so hashed features stay put across saves.
 *
 * @example
 * fingerprint64('abc').toString(16); // '24a5b3a074e7f369'
 */
export function fingerprint64(input: string | Uint8Array): bigint {
  const s = typeof input === 'string' ? encoder.encode(input) : input;
  if (s.length <= 16) return hashLen0to16(s);
  if (s.length <= 32) return mixEnds(s).z;
  if (s.length <= 64) return hashLen33to64(s);
  return hashLong(s);
}
