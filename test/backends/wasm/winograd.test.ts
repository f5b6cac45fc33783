/**
 * The wasm backend's Winograd F(2×2, 3×3) convolutions (kernels/winograd.ts: 3×3 at stride 1, 8 channels
 * or more), their input and filter gradients against the reference cpu backend, each output within a
 * float32 error bound of its own; NaN and infinities as the reference gives them.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CpuBackend } from '../../../src/backends/cpu/cpu-backend.js';
import { nodeWorkerSupport } from '../../../src/backends/wasm/node/spawn-worker.js';
import { WasmBackend, setWorkerSupport } from '../../../src/backends/wasm/wasm-backend.js';
import type { Backend, Pads, TensorInfo } from '../../../src/core/backend.js';
import { RandomGenerator } from '../../../src/core/random.js';
import { windowCount } from '../../../src/core/windows.js';

const wasm = new WasmBackend();
const cpu = new CpuBackend();

/** A convolution: input [batch, h, w, cin], cout filters of 3×3, pads [top, bottom, left, right]. */
interface Case {
  x: [number, number, number, number];
  cout: number;
  pads: Pads;
}

// Odd and even sizes, 1×1 images and outputs, valid, same, asymmetric and wide padding (wider than the
// window: the input gradient's padding 2 - pad is then negative), channels that are not multiples of 4
// or 8, batch 1 and several, images of several blocks of tiles (the last one partial).
const cases: Case[] = [
  { x: [1, 1, 1, 8], cout: 8, pads: [1, 1, 1, 1] },
  { x: [2, 5, 5, 8], cout: 8, pads: [0, 0, 0, 0] },
  { x: [3, 6, 7, 9], cout: 11, pads: [1, 1, 1, 1] },
  { x: [2, 7, 6, 12], cout: 8, pads: [0, 0, 0, 0] },
  { x: [1, 8, 9, 8], cout: 13, pads: [2, 1, 0, 2] },
  { x: [2, 4, 5, 10], cout: 9, pads: [3, 3, 3, 3] },
  { x: [1, 3, 3, 8], cout: 8, pads: [0, 0, 0, 0] },
  { x: [4, 2, 9, 16], cout: 8, pads: [1, 1, 1, 1] },
  { x: [2, 14, 14, 32], cout: 64, pads: [1, 1, 1, 1] },
  { x: [1, 16, 17, 64], cout: 64, pads: [1, 1, 1, 1] },
  { x: [2, 30, 30, 9], cout: 13, pads: [1, 1, 1, 1] },
];

/** Seeded random values (failures reproduce): uniform in [-1, 1), or, with `wide`, ±10^u for u uniform in [-4, 4] (1e-4 beside 1e4). */
function randomValues(n: number, seed: number, wide = false): Float32Array {
  const random = new RandomGenerator(seed);
  return Float32Array.from({ length: n }, () => {
    const sign = random.uniform() < 0.5 ? -1 : 1;
    return wide ? sign * 10 ** (8 * random.uniform() - 4) : 2 * random.uniform() - 1;
  });
}

function outSize(c: Case): [number, number] {
  return [windowCount(c.x[1], 3, 1, c.pads[0], c.pads[1], 1), windowCount(c.x[2], 3, 1, c.pads[2], c.pads[3], 1)];
}

/** The filter [3, 3, cout, cin] that convolves dy into the input gradient of `filter` [3, 3, cin, cout]: rotated 180°, channels swapped. */
function flipFilter(filter: Float32Array, cin: number, cout: number): Float32Array {
  const out = new Float32Array(filter.length);
  for (let t = 0; t < 9; t++) {
    for (let ci = 0; ci < cin; ci++) {
      for (let co = 0; co < cout; co++) out[((8 - t) * cout + co) * cin + ci] = filter[(t * cin + ci) * cout + co]!;
    }
  }
  return out;
}

// |Bᵀ|, |G| and |Aᵀ| of F(2×2, 3×3).
const absBT = [[1, 0, 1, 0], [0, 1, 1, 0], [0, 1, 1, 0], [0, 1, 0, 1]];
const absG = [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, 0.5, 0.5], [0, 0, 1]];
const absAT = [[1, 1, 1, 0], [0, 1, 1, 1]];
const absA = [[1, 0], [1, 1], [1, 1], [0, 1]];
const absGT = [[1, 0.5, 0.5, 0], [0, 0.5, 0.5, 0], [0, 0.5, 0.5, 1]];

/** P Q Rᵀ for small dense matrices. */
function sandwich(p: number[][], q: number[][], r: number[][]): number[][] {
  return p.map((pRow) => r.map((rRow) => q.reduce((sum, qRow, a) => sum + pRow[a]! * qRow.reduce((s, v, b) => s + v * rRow[b]!, 0), 0)));
}

/**
 * The error bound of each output of the Winograd convolution of x [batch, inH, inW, cin] by `filter`
 * [3, 3, cin, cout] at stride 1 (padTop, padLeft before each axis, output [outH, outW]): (cin + 12) · 2⁻²³ · Ŵ,
 * where Ŵ is the same computation on absolute values, |Aᵀ| Σ_ci (|G| |g| |G|ᵀ ⊙ |Bᵀ| |d| |B|) |A|.
 * Rounding error analysis bounds the error of a computed sum by γ_n · (the sum of the magnitudes of its
 * terms), γ_n ≈ n · 2⁻²⁴ for n roundings on the longest path: 4 in the filter transform, 2 in the input
 * transform, 1 product and cin - 1 additions, 4 in the output transform, and 2 more for the reference's own
 * float32 products and rounded sum: cin + 12. The factor 2⁻²³ (twice the unit roundoff) covers γ_n's
 * higher-order terms. A wrong transform or tile misses it by orders of magnitude: errors of order Ŵ itself.
 */
function winogradBound(x: Float32Array, xShape: readonly number[], filter: Float32Array, cout: number, padTop: number, padLeft: number, outH: number, outW: number): Float64Array {
  const [batch, , , cin] = xShape as [number, number, number, number];
  const absU: number[][][] = [];
  for (let ci = 0; ci < cin; ci++) {
    for (let co = 0; co < cout; co++) {
      const g = [0, 1, 2].map((ky) => [0, 1, 2].map((kx) => Math.abs(filter[((ky * 3 + kx) * cin + ci) * cout + co]!)));
      absU[ci * cout + co] = sandwich(absG, g, absG);
    }
  }
  const bound = new Float64Array(batch * outH * outW * cout);
  for (let b = 0; b < batch; b++) {
    for (let ty = 0; ty < Math.ceil(outH / 2); ty++) {
      for (let tx = 0; tx < Math.ceil(outW / 2); tx++) {
        const m = Array.from({ length: cout }, () => [0, 1, 2, 3].map(() => [0, 0, 0, 0]));
        for (let ci = 0; ci < cin; ci++) {
          const absV = absInputTransform(x, xShape, b, 2 * ty - padTop, 2 * tx - padLeft, ci);
          for (let co = 0; co < cout; co++) {
            const u = absU[ci * cout + co]!;
            for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) m[co]![i]![j]! += u[i]![j]! * absV[i]![j]!;
          }
        }
        for (let co = 0; co < cout; co++) {
          const y = sandwich(absAT, m[co]!, absAT);
          for (let a = 0; a < 2; a++) {
            for (let c = 0; c < 2; c++) {
              const oy = 2 * ty + a;
              const ox = 2 * tx + c;
              if (oy < outH && ox < outW) bound[((b * outH + oy) * outW + ox) * cout + co] = (cin + 12) * 2 ** -23 * y[a]![c]!;
            }
          }
        }
      }
    }
  }
  return bound;
}

/** |Bᵀ| |d| |B| of the 4×4 patch of channel `ci` at input (y0, x0) of image b (zeros outside). */
function absInputTransform(x: Float32Array, xShape: readonly number[], b: number, y0: number, x0: number, ci: number): number[][] {
  const [, inH, inW, cin] = xShape as [number, number, number, number];
  const d = [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => {
    const iy = y0 + i;
    const ix = x0 + j;
    return iy >= 0 && iy < inH && ix >= 0 && ix < inW ? Math.abs(x[((b * inH + iy) * inW + ix) * cin + ci]!) : 0;
  }));
  return sandwich(absBT, d, absBT);
}

/**
 * The error bound of each element of the Winograd filter gradient of the convolution of x by a filter of
 * `cout` channels given dy [batch, outH, outW, cout]: (K + 12) · 2⁻²³ · Ŵ, where Ŵ = |Gᵀ| Σ_tiles (|Bᵀ||d||B| ⊙
 * |A||dy||A|ᵀ) |G| and K = batch · tiles, the terms each sum adds. The count, as for winogradBound: 2
 * roundings in each of the two transforms, 1 product, K - 1 additions (within a thread, then of the
 * threads' partials: at most K in all), 4 in the transform back, 2 for the reference.
 */
function winogradFilterGradBound(x: Float32Array, xShape: readonly number[], dy: Float32Array, cout: number, padTop: number, padLeft: number, outH: number, outW: number): Float64Array {
  const [batch, , , cin] = xShape as [number, number, number, number];
  const tilesY = Math.ceil(outH / 2);
  const tilesX = Math.ceil(outW / 2);
  const sums = Array.from({ length: cin * cout }, () => [0, 1, 2, 3].map(() => [0, 0, 0, 0]));
  for (let b = 0; b < batch; b++) {
    for (let ty = 0; ty < tilesY; ty++) {
      for (let tx = 0; tx < tilesX; tx++) {
        const absW = Array.from({ length: cout }, (_, co) => sandwich(absA, [0, 1].map((a) => [0, 1].map((c) => {
          const oy = 2 * ty + a;
          const ox = 2 * tx + c;
          return oy < outH && ox < outW ? Math.abs(dy[((b * outH + oy) * outW + ox) * cout + co]!) : 0;
        })), absA));
        for (let ci = 0; ci < cin; ci++) {
          const absV = absInputTransform(x, xShape, b, 2 * ty - padTop, 2 * tx - padLeft, ci);
          for (let co = 0; co < cout; co++) {
            const sum = sums[ci * cout + co]!;
            for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) sum[i]![j]! += absV[i]![j]! * absW[co]![i]![j]!;
          }
        }
      }
    }
  }
  const k = batch * tilesY * tilesX;
  const bound = new Float64Array(9 * cin * cout);
  for (let ci = 0; ci < cin; ci++) {
    for (let co = 0; co < cout; co++) {
      const g = sandwich(absGT, sums[ci * cout + co]!, absGT);
      for (let t = 0; t < 9; t++) bound[(t * cin + ci) * cout + co] = (k + 12) * 2 ** -23 * g[Math.floor(t / 3)]![t % 3]!;
    }
  }
  return bound;
}

function tensor(b: Backend, values: Float32Array, shape: number[]): TensorInfo {
  return { dataId: b.write(values, shape, 'float32'), shape, dtype: 'float32' };
}

/** Runs `kernel` on both backends and asserts each output within `bound` of the reference's (NaN and infinities equal). */
function compare(what: string, inputs: [Float32Array, number[]][], kernel: (b: Backend, xs: TensorInfo[]) => TensorInfo, bound: (i: number, want: number) => number, b: Backend = wasm): void {
  const got = kernel(b, inputs.map(([v, shape]) => tensor(b, v, shape)));
  const want = kernel(cpu, inputs.map(([v, shape]) => tensor(cpu, v, shape)));
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  const g = b.read(got.dataId);
  const w = cpu.read(want.dataId);
  for (let i = 0; i < w.length; i++) {
    const ok = Number.isFinite(w[i]!) ? Math.abs(g[i]! - w[i]!) <= bound(i, w[i]!) : Object.is(g[i], w[i]) || (Number.isNaN(g[i]!) && Number.isNaN(w[i]!));
    assert.ok(ok, `${what}[${i}] = ${g[i]}, reference ${w[i]} (bound ${bound(i, w[i]!)})`);
  }
  b.disposeData(got.dataId);
}

/** conv2d and both of its gradients of `c` on `b` against the reference, within winogradBound and winogradFilterGradBound. */
function checkCase(c: Case, seed: number, wide = false, b: Backend = wasm): void {
  const [batch, inH, inW, cin] = c.x;
  const [outH, outW] = outSize(c);
  const x = randomValues(batch * inH * inW * cin, seed, wide);
  const filter = randomValues(9 * cin * c.cout, seed + 1, wide);
  const dy = randomValues(batch * outH * outW * c.cout, seed + 2, wide);
  const fShape = [3, 3, cin, c.cout];
  const name = `x ${c.x} cout ${c.cout} pads ${c.pads}${wide ? ' (1e-4 to 1e4)' : ''}`;
  const forward = winogradBound(x, c.x, filter, c.cout, c.pads[0], c.pads[2], outH, outW);
  compare(`conv2d ${name}`, [[x, c.x], [filter, fShape]], (k, [xi, f]) => k.conv2d(xi!, f!, [1, 1], c.pads, [1, 1], 1), (i) => forward[i]!, b);
  // The input gradient is the convolution of dy by the flipped filter, padded by 2 - pad: bounded as that convolution.
  const backward = winogradBound(dy, [batch, outH, outW, c.cout], flipFilter(filter, cin, c.cout), cin, 2 - c.pads[0], 2 - c.pads[2], inH, inW);
  compare(`conv2dBackpropInput ${name}`, [[dy, [batch, outH, outW, c.cout]], [filter, fShape]],
    (k, [d, f]) => k.conv2dBackpropInput(d!, f!, c.x, [1, 1], c.pads, [1, 1], 1), (i) => backward[i]!, b);
  const filterGrad = winogradFilterGradBound(x, c.x, dy, c.cout, c.pads[0], c.pads[2], outH, outW);
  compare(`conv2dBackpropFilter ${name}`, [[x, c.x], [dy, [batch, outH, outW, c.cout]]],
    (k, [xi, d]) => k.conv2dBackpropFilter(xi!, d!, fShape, [1, 1], c.pads, [1, 1], 1), (i) => filterGrad[i]!, b);
}

describe('wasm Winograd convolutions', () => {
  test('conv2d, conv2dBackpropInput and conv2dBackpropFilter match the reference within the Winograd error bounds', () => {
    cases.forEach((c, i) => checkCase(c, 100 + 7 * i));
  });

  test('on values from 1e-4 to 1e4 in magnitude, mixed, within the same bound', () => {
    cases.forEach((c, i) => checkCase(c, 300 + 7 * i, true));
  });

  test('split across two threads by images (shares of 3 and 2, 4 and 3 images)', async () => {
    setWorkerSupport(nodeWorkerSupport);
    const threaded = new WasmBackend({ threads: 2 });
    await threaded.setThreads(2);
    checkCase({ x: [5, 20, 20, 16], cout: 8, pads: [1, 1, 1, 1] }, 500, false, threaded);
    checkCase({ x: [7, 14, 14, 32], cout: 64, pads: [1, 1, 1, 1] }, 510, false, threaded);
    await threaded.setThreads(1);
  });

  test('NaN and infinities reach the outputs they reach in the reference, and ±Infinity stays ±Infinity', () => {
    const c: Case = { x: [2, 6, 7, 8], cout: 9, pads: [1, 1, 1, 1] };
    const [batch, inH, inW, cin] = c.x;
    const [outH, outW] = outSize(c);
    const fShape = [3, 3, cin, c.cout];
    // Positive inputs and filters: the reference's sums over a window holding +Infinity are +Infinity, where
    // Winograd's transforms would meet +Infinity with -Infinity and give NaN.
    const positive = (n: number, seed: number): Float32Array => randomValues(n, seed).map((v) => 0.5 + Math.abs(v));
    // Where one input is not finite, the whole call is computed the direct way (float32 sums of 9·cin terms).
    const finiteBound = (_: number, want: number): number => 1e-5 * Math.max(1, Math.abs(want));
    const specials: [string, number, number][] = [['+Infinity', 17, Infinity], ['-Infinity', 40, -Infinity], ['NaN', 75, NaN]];
    const same = (v: number, value: number): boolean => Object.is(v, value) || (Number.isNaN(v) && Number.isNaN(value));
    for (const [label, at, value] of specials) {
      const x = positive(batch * inH * inW * cin, 1);
      x[at] = value;
      const filter = positive(9 * cin * c.cout, 2);
      const want = cpu.read(cpu.conv2d(tensor(cpu, x, c.x), tensor(cpu, filter, fShape), [1, 1], c.pads, [1, 1], 1).dataId);
      assert.ok(Array.from(want).some((v) => same(v, value)), `the reference has ${label} outputs`);
      compare(`conv2d with ${label} in x`, [[x, c.x], [filter, fShape]], (k, [xi, f]) => k.conv2d(xi!, f!, [1, 1], c.pads, [1, 1], 1), finiteBound);
      const dy = positive(batch * outH * outW * c.cout, 3);
      dy[at] = value;
      compare(`conv2dBackpropInput with ${label} in dy`, [[dy, [batch, outH, outW, c.cout]], [filter, fShape]],
        (k, [d, f]) => k.conv2dBackpropInput(d!, f!, c.x, [1, 1], c.pads, [1, 1], 1), finiteBound);
      const badFilter = positive(9 * cin * c.cout, 4);
      badFilter[at] = value;
      // NOTE: without padding: the reference skips taps outside the image, where a product form multiplies
      // the filter by padding zeros (0 · Infinity is NaN), with or without Winograd.
      compare(`conv2d with ${label} in the filter`, [[x.map((v) => (Number.isFinite(v) ? v : 1)), c.x], [badFilter, fShape]],
        (k, [xi, f]) => k.conv2d(xi!, f!, [1, 1], [0, 0, 0, 0], [1, 1], 1), finiteBound);
      compare(`conv2dBackpropFilter with ${label} in x`, [[x, c.x], [dy.map((v) => (Number.isFinite(v) ? v : 1)), [batch, outH, outW, c.cout]]],
        (k, [xi, d]) => k.conv2dBackpropFilter(xi!, d!, fShape, [1, 1], c.pads, [1, 1], 1), finiteBound);
      // NOTE: without padding, for the same reason as below.
      const valid = [batch, inH - 2, inW - 2, c.cout];
      compare(`conv2dBackpropFilter with ${label} in dy`, [[x.map((v) => (Number.isFinite(v) ? v : 1)), c.x], [dy.subarray(0, valid.reduce((a, n) => a * n, 1)), valid]],
        (k, [xi, d]) => k.conv2dBackpropFilter(xi!, d!, fShape, [1, 1], [0, 0, 0, 0], [1, 1], 1), finiteBound);
      compare(`conv2dBackpropInput with ${label} in the filter`, [[dy.map((v) => (Number.isFinite(v) ? v : 1)), [batch, outH, outW, c.cout]], [badFilter, fShape]],
        (k, [d, f]) => k.conv2dBackpropInput(d!, f!, c.x, [1, 1], c.pads, [1, 1], 1), finiteBound);
    }
  });
});
