// Winograd F(2×2, 3×3) convolutions of channels-last float32 images (3×3 filters, stride 1, no dilation):
// each 2×2 block of outputs ("tile") comes from the 4×4 input patch under it as Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A,
// summed over input channels, so that the 16 elementwise products over channels become 16 matrix
// products [tiles × cin] · [cin × cout] — 16 multiplies per 4 outputs where the direct form has 36.
//   Bᵀ = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]   G = [1 0 0; ½ ½ ½; ½ -½ ½; 0 0 1]   Aᵀ = [1 1 1 0; 0 1 -1 -1]
// The transforms are written as sums of the terms they hold (never a product by 0), so a NaN or an
// infinity reaches exactly the outputs whose window holds it, as in the direct form; but an infinity
// meets its own negation inside the transforms, so where the direct form gives ±Infinity this may
// give NaN: the kernel reports any output that is not finite, and the caller computes those calls directly.
import { MR, NR, tile } from './matmul';

// Float32 lanes [0, lanes) of `p`, zeros in the others (lanes ≤ 4): a partial group of channels.
@inline function loadLanes(p: usize, lanes: i32): v128 {
  if (lanes >= 4) return v128.load(p);
  let v = f32x4.replace_lane(f32x4.splat(0), 0, load<f32>(p));
  if (lanes > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (lanes > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

// Stores lanes [0, lanes) of `v` at p, p + step, p + 2·step, p + 3·step.
@inline function storeLanes(v: v128, p: usize, step: usize, lanes: i32): void {
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (lanes > 1) store<f32>(p + step, f32x4.extract_lane(v, 1));
  if (lanes > 2) store<f32>(p + 2 * step, f32x4.extract_lane(v, 2));
  if (lanes > 3) store<f32>(p + 3 * step, f32x4.extract_lane(v, 3));
}

// Stores lanes [0, lanes) of `v` at p (contiguous).
@inline function storeRun(v: v128, p: usize, lanes: i32): void {
  if (lanes >= 4) v128.store(p, v);
  else storeLanes(v, p, 4, lanes);
}

// Tap t = 3·ky + kx of a filter whose first tap is at `first` (taps `step` bytes apart), read rotated 180° (tap 8 - t) when flipped.
@inline function filterTap(first: usize, t: i32, flip: bool, step: usize): f32 {
  return load<f32>(first + <usize>(flip ? 8 - t : t) * step);
}

/**
 * `u` = the 16 transformed filters G g Gᵀ of `filter` [3, 3, cin, cout], as the 8-column panels the
 * matrix tile reads: for each of the 16 positions, ⌈n/8⌉ panels of [k × 8] floats (zeros past n). With
 * `flip`, the filter is rotated 180° and its channels swapped (k = cout, n = cin: the filter an input
 * gradient convolves dy with); else k = cin, n = cout.
 */
export function winogradFilterF32(filter: usize, u: usize, cin: i32, cout: i32, flip: bool): void {
  const k = flip ? cout : cin;
  const n = flip ? cin : cout;
  const panels = (n + NR - 1) / NR;
  const matrix = <usize>(panels * k * NR) << 2;
  memory.fill(u, 0, 16 * matrix);
  const tapStep = <usize>(cin * cout) << 2;
  for (let ci = 0; ci < cin; ci++) {
    for (let co = 0; co < cout; co++) {
      const first = filter + (<usize>(ci * cout + co) << 2);
      const row = flip ? co : ci;
      const col = flip ? ci : co;
      const at = u + (<usize>(((col / NR) * k + row) * NR + col % NR) << 2);
      // G g (4 × 3) row by row, each row then times Gᵀ: (a, ½(a + b + c), ½(a - b + c), c).
      for (let i = 0; i < 4; i++) {
        let a: f32, b: f32, c: f32;
        if (i == 0 || i == 3) {
          const r = i == 0 ? 0 : 6;
          a = filterTap(first, r, flip, tapStep);
          b = filterTap(first, r + 1, flip, tapStep);
          c = filterTap(first, r + 2, flip, tapStep);
        } else {
          const s: f32 = i == 1 ? 1 : -1;
          a = 0.5 * (filterTap(first, 0, flip, tapStep) + filterTap(first, 6, flip, tapStep) + s * filterTap(first, 3, flip, tapStep));
          b = 0.5 * (filterTap(first, 1, flip, tapStep) + filterTap(first, 7, flip, tapStep) + s * filterTap(first, 4, flip, tapStep));
          c = 0.5 * (filterTap(first, 2, flip, tapStep) + filterTap(first, 8, flip, tapStep) + s * filterTap(first, 5, flip, tapStep));
        }
        const e = <usize>(4 * i) * matrix;
        store<f32>(at + e, a);
        store<f32>(at + e + matrix, 0.5 * (a + c + b));
        store<f32>(at + e + 2 * matrix, 0.5 * (a + c - b));
        store<f32>(at + e + 3 * matrix, c);
      }
    }
  }
}

/**
 * The input transform Bᵀ d B of tiles [t0, t0 + count) of one image, written to `v` as 16 matrices (one
 * per position, `block` tiles each) in a layout the matrix tile reads. Either as its left operand with a
 * row per tile ([tiles × c], the forward product): groups of 4 tiles, channel-major, the 4 tiles of a group
 * side by side; or, with `tilesInner`, as its left operand with a row per channel ([c × tiles], the filter
 * gradient's product): groups of 4 channels (zeros past c), tile-major, the 4 channels side by side.
 * Tiles past the image's last read zeros.
 */
@inline function transformInput(
  tilesInner: bool, image: usize, v: usize, inH: i32, inW: i32, c: i32, tilesX: i32, padTop: i32, padLeft: i32, t0: i32, count: i32, block: i32,
): void {
  const pixel = <usize>c << 2;
  const matrix = <usize>(block * (tilesInner ? (c + 3) & ~3 : c)) << 2;
  const zero = f32x4.splat(0);
  // Rows of the forward product are read in 4s, so the last group is filled; rows per channel are read as many as there are.
  const rounded = tilesInner ? count : (count + MR - 1) & ~(MR - 1);
  for (let t = 0; t < rounded; t++) {
    const y0 = ((t0 + t) / tilesX) * 2 - padTop;
    const x0 = ((t0 + t) % tilesX) * 2 - padLeft;
    const in0 = y0 >= 0 && y0 < inH;
    const in1 = y0 + 1 >= 0 && y0 + 1 < inH;
    const in2 = y0 + 2 >= 0 && y0 + 2 < inH;
    const in3 = y0 + 3 >= 0 && y0 + 3 < inH;
    const from = image + <usize>(y0 * inW + x0) * pixel;
    const to = v + <usize>(tilesInner ? t * MR : (t >> 2) * c * MR + (t & 3)) * 4;
    for (let k = 0; k < c; k += 4) {
      const lanes = min(4, c - k);
      const at = from + (<usize>k << 2);
      // Each row of the patch transformed along x (d B), then the rows combined (Bᵀ (d B)).
      let r00 = zero, r01 = zero, r02 = zero, r03 = zero;
      let r10 = zero, r11 = zero, r12 = zero, r13 = zero;
      let r20 = zero, r21 = zero, r22 = zero, r23 = zero;
      let r30 = zero, r31 = zero, r32 = zero, r33 = zero;
      for (let j = 0; j < 4; j++) {
        const x = x0 + j;
        if (x < 0 || x >= inW) continue;
        const col = at + <usize>j * pixel;
        const row = <usize>inW * pixel;
        const d0 = in0 ? loadLanes(col, lanes) : zero;
        const d1 = in1 ? loadLanes(col + row, lanes) : zero;
        const d2 = in2 ? loadLanes(col + 2 * row, lanes) : zero;
        const d3 = in3 ? loadLanes(col + 3 * row, lanes) : zero;
        if (j == 0) { r00 = d0; r10 = d1; r20 = d2; r30 = d3; }
        else if (j == 1) { r01 = d0; r11 = d1; r21 = d2; r31 = d3; }
        else if (j == 2) { r02 = d0; r12 = d1; r22 = d2; r32 = d3; }
        else { r03 = d0; r13 = d1; r23 = d2; r33 = d3; }
      }
      // Bᵀ d: rows (d0 - d2, d1 + d2, d2 - d1, d1 - d3), column by column.
      const c00 = f32x4.sub(r00, r20), c10 = f32x4.add(r10, r20), c20 = f32x4.sub(r20, r10), c30 = f32x4.sub(r10, r30);
      const c01 = f32x4.sub(r01, r21), c11 = f32x4.add(r11, r21), c21 = f32x4.sub(r21, r11), c31 = f32x4.sub(r11, r31);
      const c02 = f32x4.sub(r02, r22), c12 = f32x4.add(r12, r22), c22 = f32x4.sub(r22, r12), c32 = f32x4.sub(r12, r32);
      const c03 = f32x4.sub(r03, r23), c13 = f32x4.add(r13, r23), c23 = f32x4.sub(r23, r13), c33 = f32x4.sub(r13, r33);
      const out = to + <usize>(tilesInner ? (k >> 2) * block : k) * (MR * 4);
      const step = <usize>MR << 2;
      // (Bᵀ d) B: the same along each row; position e = 4i + j is matrix e.
      storeV(tilesInner, f32x4.sub(c00, c02), out, step, lanes);
      storeV(tilesInner, f32x4.add(c01, c02), out + matrix, step, lanes);
      storeV(tilesInner, f32x4.sub(c02, c01), out + 2 * matrix, step, lanes);
      storeV(tilesInner, f32x4.sub(c01, c03), out + 3 * matrix, step, lanes);
      storeV(tilesInner, f32x4.sub(c10, c12), out + 4 * matrix, step, lanes);
      storeV(tilesInner, f32x4.add(c11, c12), out + 5 * matrix, step, lanes);
      storeV(tilesInner, f32x4.sub(c12, c11), out + 6 * matrix, step, lanes);
      storeV(tilesInner, f32x4.sub(c11, c13), out + 7 * matrix, step, lanes);
      storeV(tilesInner, f32x4.sub(c20, c22), out + 8 * matrix, step, lanes);
      storeV(tilesInner, f32x4.add(c21, c22), out + 9 * matrix, step, lanes);
      storeV(tilesInner, f32x4.sub(c22, c21), out + 10 * matrix, step, lanes);
      storeV(tilesInner, f32x4.sub(c21, c23), out + 11 * matrix, step, lanes);
      storeV(tilesInner, f32x4.sub(c30, c32), out + 12 * matrix, step, lanes);
      storeV(tilesInner, f32x4.add(c31, c32), out + 13 * matrix, step, lanes);
      storeV(tilesInner, f32x4.sub(c32, c31), out + 14 * matrix, step, lanes);
      storeV(tilesInner, f32x4.sub(c31, c33), out + 15 * matrix, step, lanes);
    }
  }
}

// One transformed value of 4 channels: side by side (a row per channel), or `step` bytes apart (a row per tile).
@inline function storeV(tilesInner: bool, v: v128, p: usize, step: usize, lanes: i32): void {
  if (tilesInner) v128.store(p, v);
  else storeLanes(v, p, step, lanes);
}

// Lanes of `y` [0, lanes) that are NaN or infinite, as all-ones lanes (y - y is NaN exactly there).
@inline function notFinite(y: v128, lanes: i32): v128 {
  const bad = f32x4.ne(f32x4.sub(y, y), f32x4.splat(0));
  return lanes >= 4 ? bad : v128.and(bad, i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(lanes)));
}

/**
 * The output transform Aᵀ m A of tiles [t0, t0 + count) from `m` (16 matrices [block × c], row-major),
 * writing the 2×2 outputs of each tile that lie inside the image [outH, outW, c]. Returns whether some
 * output written is NaN or infinite.
 */
function transformOutput(m: usize, image: usize, outH: i32, outW: i32, c: i32, tilesX: i32, t0: i32, count: i32, block: i32): bool {
  const pixel = <usize>c << 2;
  const matrix = <usize>(block * c) << 2;
  let bad = i32x4.splat(0);
  for (let t = 0; t < count; t++) {
    const oy = ((t0 + t) / tilesX) * 2;
    const ox = ((t0 + t) % tilesX) * 2;
    const right = ox + 1 < outW;
    const below = oy + 1 < outH;
    const to = image + <usize>(oy * outW + ox) * pixel;
    for (let k = 0; k < c; k += 4) {
      const lanes = min(4, c - k);
      const at = m + (<usize>(t * c + k) << 2);
      // Aᵀ m, column by column: (m0 + m1 + m2, m1 - m2 - m3).
      let s00 = f32x4.splat(0), s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00, s12 = s00, s13 = s00;
      for (let j = 0; j < 4; j++) {
        const col = at + <usize>j * matrix;
        const m0 = loadLanes(col, lanes);
        const m1 = loadLanes(col + 4 * matrix, lanes);
        const m2 = loadLanes(col + 8 * matrix, lanes);
        const m3 = loadLanes(col + 12 * matrix, lanes);
        const top = f32x4.add(f32x4.add(m0, m1), m2);
        const bottom = f32x4.sub(f32x4.sub(m1, m2), m3);
        if (j == 0) { s00 = top; s10 = bottom; }
        else if (j == 1) { s01 = top; s11 = bottom; }
        else if (j == 2) { s02 = top; s12 = bottom; }
        else { s03 = top; s13 = bottom; }
      }
      // (Aᵀ m) A, row by row.
      const y00 = f32x4.add(f32x4.add(s00, s01), s02);
      const y01 = f32x4.sub(f32x4.sub(s01, s02), s03);
      const y10 = f32x4.add(f32x4.add(s10, s11), s12);
      const y11 = f32x4.sub(f32x4.sub(s11, s12), s13);
      const out = to + (<usize>k << 2);
      storeRun(y00, out, lanes);
      bad = v128.or(bad, notFinite(y00, lanes));
      if (right) {
        storeRun(y01, out + pixel, lanes);
        bad = v128.or(bad, notFinite(y01, lanes));
      }
      if (below) {
        const next = out + <usize>outW * pixel;
        storeRun(y10, next, lanes);
        bad = v128.or(bad, notFinite(y10, lanes));
        if (right) {
          storeRun(y11, next + pixel, lanes);
          bad = v128.or(bad, notFinite(y11, lanes));
        }
      }
    }
  }
  return v128.any_true(bad);
}

/**
 * `out` [batch, outH, outW, cout] = the convolution of `x` [batch, inH, inW, cin] by the 3×3 filter whose
 * transform `u` holds (winogradFilterF32, k = cin, n = cout), stride 1, output (oy, ox) reading input rows
 * oy - padTop .. oy - padTop + 2 (zeros outside). Tiles go `block` (a multiple of 4) at a time through
 * `scratch` (16·block·(cin + cout) + 8 floats): the input transform, 16 products with the 4×8 matrix
 * tile, the output transform. Sets the i32 at `notFiniteFlag` to 1 where some output is NaN or infinite.
 */
export function winogradConvF32(
  u: usize, notFiniteFlag: usize, x: usize, out: usize, scratch: usize,
  batch: i32, inH: i32, inW: i32, cin: i32, outH: i32, outW: i32, cout: i32, padTop: i32, padLeft: i32, block: i32,
): void {
  const tilesX = (outW + 1) >> 1;
  const tiles = ((outH + 1) >> 1) * tilesX;
  const v = scratch;
  const m = v + (<usize>(16 * block * cin) << 2);
  const tmp = m + (<usize>(16 * block * cout) << 2);
  const panels = (cout + NR - 1) / NR;
  const cRow = <usize>cout << 2;
  let bad = false;
  for (let b = 0; b < batch; b++) {
    const image = x + (<usize>(b * inH * inW * cin) << 2);
    const outImage = out + (<usize>(b * outH * outW * cout) << 2);
    for (let t0 = 0; t0 < tiles; t0 += block) {
      const count = min(block, tiles - t0);
      transformInput(false, image, v, inH, inW, cin, tilesX, padTop, padLeft, t0, count, block);
      for (let e = 0; e < 16; e++) {
        const ve = v + (<usize>(e * block * cin) << 2);
        const me = m + (<usize>(e * block * cout) << 2);
        for (let p = 0; p < panels; p++) {
          const panel = u + (<usize>((e * panels + p) * cin * NR) << 2);
          const width = min(NR, cout - p * NR);
          for (let g = 0; g < count; g += MR) {
            tile(ve + (<usize>(g * cin) << 2), panel, cin, me + <usize>g * cRow + (<usize>(p * NR) << 2), cRow, min(MR, count - g), width, false, tmp);
          }
        }
      }
      if (transformOutput(m, outImage, outH, outW, cout, tilesX, t0, count, block)) bad = true;
    }
  }
  if (bad) store<i32>(notFiniteFlag, 1);
}

/**
 * The transform A dy Aᵀ (4×4 from each 2×2 tile of dy, zeros past the image's edge) of tiles [t0, t0 + count)
 * of one image of dy [outH, outW, c], written to `w` as 16 matrices [tiles × c] in the 8-column panels the
 * matrix tile reads its right operand from, `block` tiles each.  A = [1 0; 1 1; 1 -1; 0 -1].
 */
function transformDy(dy: usize, w: usize, outH: i32, outW: i32, c: i32, tilesX: i32, t0: i32, count: i32, block: i32): void {
  const pixel = <usize>c << 2;
  const matrix = <usize>(block * ((c + NR - 1) & ~(NR - 1))) << 2;
  const zero = f32x4.splat(0);
  for (let t = 0; t < count; t++) {
    const oy = ((t0 + t) / tilesX) * 2;
    const ox = ((t0 + t) % tilesX) * 2;
    const right = ox + 1 < outW;
    const below = oy + 1 < outH;
    const from = dy + <usize>(oy * outW + ox) * pixel;
    for (let k = 0; k < c; k += 4) {
      const lanes = min(4, c - k);
      const at = from + (<usize>k << 2);
      const y00 = loadLanes(at, lanes);
      const y01 = right ? loadLanes(at + pixel, lanes) : zero;
      const y10 = below ? loadLanes(at + <usize>outW * pixel, lanes) : zero;
      const y11 = right && below ? loadLanes(at + <usize>(outW + 1) * pixel, lanes) : zero;
      // A dy: rows (y0, y0 + y1, y0 - y1, -y1) for each of the two columns; then the same along each row.
      const r00 = y00, r10 = f32x4.add(y00, y10), r20 = f32x4.sub(y00, y10), r30 = f32x4.neg(y10);
      const r01 = y01, r11 = f32x4.add(y01, y11), r21 = f32x4.sub(y01, y11), r31 = f32x4.neg(y11);
      const out = w + (<usize>(((k / NR) * block + t) * NR + (k % NR)) << 2);
      v128.store(out, r00);
      v128.store(out + matrix, f32x4.add(r00, r01));
      v128.store(out + 2 * matrix, f32x4.sub(r00, r01));
      v128.store(out + 3 * matrix, f32x4.neg(r01));
      v128.store(out + 4 * matrix, r10);
      v128.store(out + 5 * matrix, f32x4.add(r10, r11));
      v128.store(out + 6 * matrix, f32x4.sub(r10, r11));
      v128.store(out + 7 * matrix, f32x4.neg(r11));
      v128.store(out + 8 * matrix, r20);
      v128.store(out + 9 * matrix, f32x4.add(r20, r21));
      v128.store(out + 10 * matrix, f32x4.sub(r20, r21));
      v128.store(out + 11 * matrix, f32x4.neg(r21));
      v128.store(out + 12 * matrix, r30);
      v128.store(out + 13 * matrix, f32x4.add(r30, r31));
      v128.store(out + 14 * matrix, f32x4.sub(r30, r31));
      v128.store(out + 15 * matrix, f32x4.neg(r31));
    }
  }
}

// partial [16, cin, cout] (+)= the products of the `kc` transformed tiles in v (rows per channel) and w (panels).
function filterGradProducts(v: usize, w: usize, partial: usize, cin: i32, cout: i32, block: i32, kc: i32, accumulate: bool, tmp: usize): void {
  const groups = (cin + MR - 1) / MR;
  const panels = (cout + NR - 1) / NR;
  const cRow = <usize>cout << 2;
  for (let e = 0; e < 16; e++) {
    const ve = v + (<usize>(e * block * groups * MR) << 2);
    const we = w + (<usize>(e * block * panels * NR) << 2);
    const pe = partial + (<usize>(e * cin * cout) << 2);
    for (let g = 0; g < groups; g++) {
      for (let p = 0; p < panels; p++) {
        tile(ve + (<usize>(g * block * MR) << 2), we + (<usize>(p * block * NR) << 2), kc,
          pe + <usize>(g * MR) * cRow + (<usize>(p * NR) << 2), cRow, min(MR, cin - g * MR), min(NR, cout - p * NR), accumulate, tmp);
      }
    }
  }
}

/**
 * The filter gradient in the transformed domain, for the images of `x` [batch, inH, inW, cin] and `dy`
 * [batch, outH, outW, cout] (the geometry of winogradConvF32): `partial` [16, cin, cout] = Σ over their
 * tiles of (Bᵀ d B)ᵀ (A dy Aᵀ), position by position — y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A summed over
 * channels, so ∂/∂(G g Gᵀ) is (A dy Aᵀ) ⊙ (Bᵀ d B) summed over tiles. Sets the i32 at `used` to 1, so that
 * the caller knows which images began a thread's share. Tiles go `block` at a time, across images (the
 * products' depth), through `scratch` (16·block·(⌈cin⌉₄ + ⌈cout⌉₈) + 8 floats).
 */
export function winogradFilterGradF32(
  x: usize, dy: usize, scratch: usize, partial: usize, used: usize,
  batch: i32, inH: i32, inW: i32, cin: i32, outH: i32, outW: i32, cout: i32, padTop: i32, padLeft: i32, block: i32,
): void {
  const tilesX = (outW + 1) >> 1;
  const tiles = ((outH + 1) >> 1) * tilesX;
  const v = scratch;
  const w = v + (<usize>(16 * block * ((cin + MR - 1) & ~(MR - 1))) << 2);
  const tmp = w + (<usize>(16 * block * ((cout + NR - 1) & ~(NR - 1))) << 2);
  let filled = 0;
  let accumulate = false;
  for (let b = 0; b < batch; b++) {
    const image = x + (<usize>(b * inH * inW * cin) << 2);
    const dyImage = dy + (<usize>(b * outH * outW * cout) << 2);
    for (let t0 = 0; t0 < tiles;) {
      const count = min(block - filled, tiles - t0);
      transformInput(true, image, v + (<usize>(filled * MR) << 2), inH, inW, cin, tilesX, padTop, padLeft, t0, count, block);
      transformDy(dyImage, w + (<usize>(filled * NR) << 2), outH, outW, cout, tilesX, t0, count, block);
      filled += count;
      t0 += count;
      if (filled == block || (b == batch - 1 && t0 == tiles)) {
        filterGradProducts(v, w, partial, cin, cout, block, filled, accumulate, tmp);
        accumulate = true;
        filled = 0;
      }
    }
  }
  store<i32>(used, 1);
}

// Element (i, j) of Gᵀ du (3 × 4) for one channel pair, whose du (4 × 4) element (r, j) is at `du` + (4r + j)·matrix.
@inline function transposedGTimes(du: usize, i: i32, j: i32, matrix: usize): f32 {
  const u1 = load<f32>(du + <usize>(4 + j) * matrix);
  const u2 = load<f32>(du + <usize>(8 + j) * matrix);
  if (i == 1) return 0.5 * (u1 - u2);
  const half: f32 = 0.5 * (u1 + u2);
  return i == 0 ? load<f32>(du + <usize>j * matrix) + half : half + load<f32>(du + <usize>(12 + j) * matrix);
}

/**
 * `out` [3, 3, cin, cout] = Gᵀ du G for each channel pair of `du` [16, cin, cout] (the gradient with respect
 * to the transformed filter, summed from winogradFilterGradF32's partials): the gradient with respect to
 * the filter. Returns whether some value is NaN or infinite.  Gᵀ = [1 ½ ½ 0; 0 ½ -½ 0; 0 ½ ½ 1].
 */
export function winogradUntransformF32(du: usize, out: usize, cin: i32, cout: i32): bool {
  const matrix = <usize>(cin * cout) << 2;
  let bad = false;
  for (let at: usize = 0; at < matrix; at += 4) {
    // Each row (a, b, c, d) of Gᵀ du times G: (a + ½(b + c), ½(b - c), ½(b + c) + d).
    for (let i = 0; i < 3; i++) {
      const a = transposedGTimes(du + at, i, 0, matrix);
      const b = transposedGTimes(du + at, i, 1, matrix);
      const c = transposedGTimes(du + at, i, 2, matrix);
      const d = transposedGTimes(du + at, i, 3, matrix);
      const bc: f32 = 0.5 * (b + c);
      const g0 = a + bc;
      const g1: f32 = 0.5 * (b - c);
      const g2 = bc + d;
      const to = out + at + <usize>(3 * i) * matrix;
      store<f32>(to, g0);
      store<f32>(to + matrix, g1);
      store<f32>(to + 2 * matrix, g2);
      if (!isFinite(g0) || !isFinite(g1) || !isFinite(g2)) bad = true;
    }
  }
  return bad;
}
