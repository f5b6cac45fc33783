/** Bit-for-bit comparison of tensor values, for rewrites that promise the very numbers eager computes. */
import assert from 'node:assert/strict';
import type { TypedArray } from '../../src/core/dtype.js';

/** Where two arrays first differ bit for bit (so -0 and 0 differ, and a NaN equals the same NaN), or -1; 0 when their lengths or types differ. */
export function firstDifference(a: TypedArray, b: TypedArray): number {
  if (a.length !== b.length || a.constructor !== b.constructor) return 0;
  const ab = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const bb = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < ab.length; i++) if (ab[i] !== bb[i]) return Math.floor(i / a.BYTES_PER_ELEMENT);
  return -1;
}

/** Fails, naming the first element that differs, unless `got` and `want` hold the same bits. */
export function assertSameBits(got: TypedArray, want: TypedArray, label: string): void {
  const at = firstDifference(got, want);
  assert.equal(at, -1, `${label}: differs at element ${at}: ${got[at]} vs ${want[at]} (${got.length} vs ${want.length} elements)`);
}
