// Float32 matrix product C = A·B with a 4×8 register tile: B is packed into 8-column panels (k-major) and
// A into slivers of 4 interleaved rows, both read through their strides, so transposed operands cost nothing extra.
// NOTE: the tile uses eight f32x4 accumulators; wider tiles exceed V8's 16 SIMD registers and spill.

export const MR = 4;
export const NR = 8;
/** Depth of one pass over K: a panel (KC × 8 floats) stays in L1, a row tile of A too. */
const KC = 512;
/** Columns of B packed at once: KC × NC floats (512 KiB) stay in L2. */
const NC = 256;

/** Bytes of scratch memory one call of `gemm` needs (packed B, a sliver of A and one tile). */
export function gemmScratchBytes(): i32 {
  return (KC * NC + MR * KC + MR * NR) * 4;
}

// Reads 4 floats at each of s0..s3 (four rows) and writes the 4 columns to d, d + dStep, d + 2·dStep, d + 3·dStep.
@inline function transpose4x4(s0: usize, s1: usize, s2: usize, s3: usize, d: usize, dStep: usize): void {
  const r0 = v128.load(s0);
  const r1 = v128.load(s1);
  const r2 = v128.load(s2);
  const r3 = v128.load(s3);
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(d, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  v128.store(d + dStep, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
  v128.store(d + 2 * dStep, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
  v128.store(d + 3 * dStep, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
}

// Packs B(p, j) for p in [p0, p0 + kc), j in [j0, j0 + nc) into panels of 8 columns, padding with zeros.
function packB(b: usize, rowStride: i32, colStride: i32, p0: i32, kc: i32, j0: i32, nc: i32, dst: usize): void {
  for (let jp = 0; jp < nc; jp += NR) {
    const width = min(NR, nc - jp);
    const panel = dst + (<usize>(jp * kc) << 2);
    if (width == NR && colStride == 1) {
      for (let p = 0; p < kc; p++) {
        const src = b + (<usize>((p0 + p) * rowStride + j0 + jp) << 2);
        const to = panel + (<usize>(p * NR) << 2);
        v128.store(to, v128.load(src));
        v128.store(to, v128.load(src, 16), 16);
      }
    } else if (width == NR && rowStride == 1) {
      // B transposed in memory: each column is contiguous in p, so transpose 4×4 blocks.
      const step = <usize>colStride << 2;
      const col = b + (<usize>(p0 + (j0 + jp) * colStride) << 2);
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const src = col + (<usize>p << 2);
        const to = panel + (<usize>(p * NR) << 2);
        transpose4x4(src, src + step, src + 2 * step, src + 3 * step, to, NR << 2);
        const src4 = src + 4 * step;
        transpose4x4(src4, src4 + step, src4 + 2 * step, src4 + 3 * step, to + 16, NR << 2);
      }
      for (; p < kc; p++) {
        for (let j = 0; j < NR; j++) {
          store<f32>(panel + (<usize>(p * NR + j) << 2), load<f32>(col + <usize>j * step + (<usize>p << 2)));
        }
      }
    } else {
      for (let j = 0; j < NR; j++) {
        let to = panel + (<usize>j << 2);
        if (j < width) {
          let src = b + (<usize>(p0 * rowStride + (j0 + jp + j) * colStride) << 2);
          const step = <usize>rowStride << 2;
          for (let p = 0; p < kc; p++) {
            store<f32>(to, load<f32>(src));
            src += step;
            to += NR << 2;
          }
        } else {
          for (let p = 0; p < kc; p++) {
            store<f32>(to, 0);
            to += NR << 2;
          }
        }
      }
    }
  }
}

// Stores one row of the tile (two vectors), adding to C when accumulating, for the first `width` columns.
@inline function storeRow(c: usize, lo: v128, hi: v128, width: i32, accumulate: bool, tmp: usize): void {
  if (width == NR) {
    if (accumulate) {
      lo = f32x4.add(lo, v128.load(c));
      hi = f32x4.add(hi, v128.load(c, 16));
    }
    v128.store(c, lo);
    v128.store(c, hi, 16);
    return;
  }
  v128.store(tmp, lo);
  v128.store(tmp, hi, 16);
  for (let j = 0; j < width; j++) {
    const at = <usize>j << 2;
    const v = load<f32>(tmp + at);
    store<f32>(c + at, accumulate ? load<f32>(c + at) + v : v);
  }
}

// Copies rows [i, i + rows) of A over p in [p0, p0 + kc) into a sliver of 4 interleaved rows (k-major),
// repeating the last row where rows < 4, so the tile reads A through one pointer.
// NOTE: A transposed in memory already holds 4 adjacent rows side by side, but reading it in place costs
// the tile a cache line per step of k (~15% slower on a filter gradient than packing it).
function packA(a: usize, aRow: i32, aCol: i32, i: i32, rows: i32, p0: i32, kc: i32, dst: usize): void {
  const step = <usize>aCol << 2;
  if (aRow == 1 && rows == MR) {
    let src = a + (<usize>(i + p0 * aCol) << 2);
    for (let p = 0; p < kc; p++) {
      v128.store(dst + (<usize>p << 4), v128.load(src));
      src += step;
    }
    return;
  }
  if (aCol == 1 && rows == MR) {
    // Rows contiguous in p: transpose 4×4 blocks.
    const rowBytes = <usize>aRow << 2;
    const src = a + (<usize>(i * aRow + p0) << 2);
    let p = 0;
    for (; p + 4 <= kc; p += 4) {
      const s0 = src + (<usize>p << 2);
      transpose4x4(s0, s0 + rowBytes, s0 + 2 * rowBytes, s0 + 3 * rowBytes, dst + (<usize>p << 4), MR << 2);
    }
    for (; p < kc; p++) {
      for (let r = 0; r < MR; r++) store<f32>(dst + (<usize>(p * MR + r) << 2), load<f32>(src + <usize>r * rowBytes + (<usize>p << 2)));
    }
    return;
  }
  for (let r = 0; r < MR; r++) {
    let src = a + (<usize>((i + min(r, rows - 1)) * aRow + p0 * aCol) << 2);
    let to = dst + (<usize>r << 2);
    for (let p = 0; p < kc; p++) {
      store<f32>(to, load<f32>(src));
      src += step;
      to += MR << 2;
    }
  }
}

// c + a·b per lane: one fused multiply-add in the relaxed-SIMD build (rounded once where the CPU has FMA),
// a multiply then an add (rounded twice) in the plain one. ASC_FEATURE_RELAXED_SIMD is a compile-time
// constant (`--enable relaxed-simd`), so each build holds only its own branch.
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_madd<f32>(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

// C[0..rows, 0..width] (+)= A-sliver · panel over kc steps, where A(r, p) is at a + 16p + 4r bytes
// (also the products of kernels/winograd.ts, whose transforms write these layouts directly).
export function tile(a: usize, panel: usize, kc: i32, c: usize, cRow: usize, rows: i32, width: i32, accumulate: bool, tmp: usize): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  let pa = a;
  let pb = panel;
  const end = panel + (<usize>(kc * NR) << 2);
  // NOTE: unrolling this loop makes V8 hoist the loads and spill accumulators; it runs slower.
  while (pb < end) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let av = v128.load32_splat(pa);
    c00 = madd(av, b0, c00);
    c01 = madd(av, b1, c01);
    av = v128.load32_splat(pa, 4);
    c10 = madd(av, b0, c10);
    c11 = madd(av, b1, c11);
    av = v128.load32_splat(pa, 8);
    c20 = madd(av, b0, c20);
    c21 = madd(av, b1, c21);
    av = v128.load32_splat(pa, 12);
    c30 = madd(av, b0, c30);
    c31 = madd(av, b1, c31);
    pa += MR << 2;
    pb += NR << 2;
  }
  storeRow(c, c00, c01, width, accumulate, tmp);
  if (rows > 1) storeRow(c + cRow, c10, c11, width, accumulate, tmp);
  if (rows > 2) storeRow(c + 2 * cRow, c20, c21, width, accumulate, tmp);
  if (rows > 3) storeRow(c + 3 * cRow, c30, c31, width, accumulate, tmp);
}

/**
 * Rows [rowBegin, rowEnd) of C (m × n, contiguous) = A·B, where A(i, p) = a[i·aRow + p·aCol] and
 * B(p, j) = b[p·bRow + j·bCol] (element strides). `scratch` holds gemmScratchBytes() bytes.
 */
export function gemm(
  a: usize, aRow: i32, aCol: i32, b: usize, bRow: i32, bCol: i32, c: usize,
  n: i32, k: i32, rowBegin: i32, rowEnd: i32, scratch: usize,
): void {
  const cRow = <usize>n << 2;
  if (k == 0) {
    memory.fill(c + <usize>rowBegin * cRow, 0, <usize>(rowEnd - rowBegin) * cRow);
    return;
  }
  const sliver = scratch + (<usize>(KC * NC) << 2);
  const tmp = sliver + (<usize>(MR * KC) << 2);
  // Equal passes over K (784 = 2 × 392 rather than 512 + 272).
  const passes = (k + KC - 1) / KC;
  const kc0 = (k + passes - 1) / passes;
  for (let p0 = 0; p0 < k; p0 += kc0) {
    const kc = min(kc0, k - p0);
    for (let j0 = 0; j0 < n; j0 += NC) {
      const nc = min(NC, n - j0);
      packB(b, bRow, bCol, p0, kc, j0, nc, scratch);
      for (let i = rowBegin; i < rowEnd; i += MR) {
        const rows = min(MR, rowEnd - i);
        packA(a, aRow, aCol, i, rows, p0, kc, sliver);
        const cTile = c + <usize>i * cRow + (<usize>j0 << 2);
        for (let jp = 0; jp < nc; jp += NR) {
          const panel = scratch + (<usize>(jp * kc) << 2);
          tile(sliver, panel, kc, cTile + (<usize>jp << 2), cRow, rows, min(NR, nc - jp), p0 > 0, tmp);
        }
      }
    }
  }
}
