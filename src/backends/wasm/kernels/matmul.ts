// Float32 matrix product C = A·B with a 4×8 register tile: B is packed into 8-column panels (k-major),
// A is read in place through its strides, so transposed operands cost nothing extra.
// NOTE: the tile uses eight f32x4 accumulators; wider tiles exceed V8's 16 SIMD registers and spill.

const MR = 4;
const NR = 8;
/** Depth of one pass over K: a panel (KC × 8 floats) stays in L1, a row tile of A too. */
const KC = 512;
/** Columns of B packed at once: KC × NC floats (512 KiB) stay in L2. */
const NC = 256;

/** Bytes of scratch memory one call of `gemm` needs (packed B plus one tile). */
export function gemmScratchBytes(): i32 {
  return (KC * NC + MR * NR) * 4;
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

// C[0..rows, 0..width] (+)= A-tile · panel over kc steps. Rows past `rows` repeat row 0 and are not stored.
function tile(a: usize, aRow: usize, aCol: usize, panel: usize, kc: i32, c: usize, cRow: usize, rows: i32, width: i32, accumulate: bool, tmp: usize): void {
  const a0 = a;
  const a1 = rows > 1 ? a + aRow : a;
  const a2 = rows > 2 ? a + 2 * aRow : a;
  const a3 = rows > 3 ? a + 3 * aRow : a;
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  let off: usize = 0;
  let bp = panel;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let av = v128.load32_splat(a0 + off);
    c00 = f32x4.add(c00, f32x4.mul(av, b0));
    c01 = f32x4.add(c01, f32x4.mul(av, b1));
    av = v128.load32_splat(a1 + off);
    c10 = f32x4.add(c10, f32x4.mul(av, b0));
    c11 = f32x4.add(c11, f32x4.mul(av, b1));
    av = v128.load32_splat(a2 + off);
    c20 = f32x4.add(c20, f32x4.mul(av, b0));
    c21 = f32x4.add(c21, f32x4.mul(av, b1));
    av = v128.load32_splat(a3 + off);
    c30 = f32x4.add(c30, f32x4.mul(av, b0));
    c31 = f32x4.add(c31, f32x4.mul(av, b1));
    off += aCol;
    bp += NR << 2;
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
  const tmp = scratch + (<usize>(KC * NC) << 2);
  const aRowBytes = <usize>aRow << 2;
  const aColBytes = <usize>aCol << 2;
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
        const aTile = a + <usize>i * aRowBytes + <usize>p0 * aColBytes;
        const cTile = c + <usize>i * cRow + (<usize>j0 << 2);
        for (let jp = 0; jp < nc; jp += NR) {
          const panel = scratch + (<usize>(jp * kc) << 2);
          tile(aTile, aRowBytes, aColBytes, panel, kc, cTile + (<usize>jp << 2), cRow, rows, min(NR, nc - jp), p0 > 0, tmp);
        }
      }
    }
  }
}
