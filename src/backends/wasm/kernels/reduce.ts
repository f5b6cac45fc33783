// Float32 reductions of the middle axis of x viewed as [outer, r, inner]: sum and product accumulate in
// float64 (as the reference does), max and min propagate NaN; and the arg-extreme of each row.
import { MAX, MIN, PROD, SUM } from './codes';

@inline function initial(op: i32): f32 {
  if (op == MAX) return -Infinity;
  if (op == MIN) return Infinity;
  return op == PROD ? 1 : 0;
}

@inline function combine(op: i32, acc: f32, v: f32): f32 {
  // Wasm's min and max return NaN when either operand is NaN, as the reference does.
  return op == MAX ? max(acc, v) : min(acc, v);
}

@inline function combineVector(op: i32, acc: v128, v: v128): v128 {
  return op == MAX ? f32x4.max(acc, v) : f32x4.min(acc, v);
}

// Marker types: reduceLoop is instantiated once per op, so each copy is compiled with its op fixed.
// NOTE: an op passed as a constant to an @inline loop gets merged back into one loop that tests it.
class Sum {}
class Prod {}
class Max {}
class Min {}

@inline function codeOf<O>(): i32 {
  if (idof<O>() == idof<Sum>()) return SUM;
  if (idof<O>() == idof<Prod>()) return PROD;
  if (idof<O>() == idof<Max>()) return MAX;
  return MIN;
}

// A contiguous run of n values (the case inner == 1: softmax rows, the last axis).
@inline function reduceRun(op: i32, x: usize, n: i32): f32 {
  let i = 0;
  if (op == SUM) {
    let lo = f64x2.splat(0);
    let hi = f64x2.splat(0);
    for (; i + 4 <= n; i += 4) {
      const v = v128.load(x + (<usize>i << 2));
      lo = f64x2.add(lo, f64x2.promote_low_f32x4(v));
      hi = f64x2.add(hi, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)));
    }
    const both = f64x2.add(lo, hi);
    let s = f64x2.extract_lane(both, 0) + f64x2.extract_lane(both, 1);
    for (; i < n; i++) s += <f64>load<f32>(x + (<usize>i << 2));
    return <f32>s;
  }
  if (op == PROD) {
    let p: f64 = 1;
    for (; i < n; i++) p *= <f64>load<f32>(x + (<usize>i << 2));
    return <f32>p;
  }
  let acc = f32x4.splat(initial(op));
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    acc = combineVector(op, acc, v);
  }
  let s = combine(op, combine(op, f32x4.extract_lane(acc, 0), f32x4.extract_lane(acc, 1)),
    combine(op, f32x4.extract_lane(acc, 2), f32x4.extract_lane(acc, 3)));
  for (; i < n; i++) s = combine(op, s, load<f32>(x + (<usize>i << 2)));
  return s;
}

// Reduces r rows of stride `inner` for `width` adjacent columns (width <= 4), storing `width` results.
@inline function reduceColumns(op: i32, x: usize, out: usize, r: i32, inner: i32, width: i32): void {
  const rowBytes = <usize>inner << 2;
  if (width == 4 && op != PROD) {
    if (op == SUM) {
      let lo = f64x2.splat(0);
      let hi = f64x2.splat(0);
      for (let j = 0; j < r; j++) {
        const v = v128.load(x + <usize>j * rowBytes);
        lo = f64x2.add(lo, f64x2.promote_low_f32x4(v));
        hi = f64x2.add(hi, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)));
      }
      v128.store(out, v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5));
      return;
    }
    let acc = f32x4.splat(initial(op));
    for (let j = 0; j < r; j++) {
      const v = v128.load(x + <usize>j * rowBytes);
      acc = combineVector(op, acc, v);
    }
    v128.store(out, acc);
    return;
  }
  for (let c = 0; c < width; c++) {
    const col = x + (<usize>c << 2);
    let s: f32;
    if (op == SUM || op == PROD) {
      let acc: f64 = op == SUM ? 0 : 1;
      for (let j = 0; j < r; j++) {
        const v = <f64>load<f32>(col + <usize>j * rowBytes);
        acc = op == SUM ? acc + v : acc * v;
      }
      s = <f32>acc;
    } else {
      s = initial(op);
      for (let j = 0; j < r; j++) s = combine(op, s, load<f32>(col + <usize>j * rowBytes));
    }
    store<f32>(out + (<usize>c << 2), s);
  }
}

function reduceLoop<O>(x: usize, out: usize, outer: i32, r: i32, inner: i32): void {
  const op = codeOf<O>();
  if (inner == 1) {
    for (let o = 0; o < outer; o++) store<f32>(out + (<usize>o << 2), reduceRun(op, x + (<usize>(o * r) << 2), r));
    return;
  }
  for (let o = 0; o < outer; o++) {
    const block = x + (<usize>o * <usize>r * <usize>inner << 2);
    const dst = out + (<usize>(o * inner) << 2);
    let i = 0;
    for (; i + 4 <= inner; i += 4) reduceColumns(op, block + (<usize>i << 2), dst + (<usize>i << 2), r, inner, 4);
    if (i < inner) reduceColumns(op, block + (<usize>i << 2), dst + (<usize>i << 2), r, inner, inner - i);
  }
}

/** `out[o, i] = op over j of x[o, j, i]` for float32 x viewed as [outer, r, inner]. */
export function reduceF32(op: i32, x: usize, out: usize, outer: i32, r: i32, inner: i32): void {
  switch (op) {
    case SUM: reduceLoop<Sum>(x, out, outer, r, inner); break;
    case PROD: reduceLoop<Prod>(x, out, outer, r, inner); break;
    case MAX: reduceLoop<Max>(x, out, outer, r, inner); break;
    default: reduceLoop<Min>(x, out, outer, r, inner);
  }
}

/**
 * The index of the largest (`max`) or smallest value of each of the `rows` rows of `cols` float32 values at
 * `x`, as int32: the first one wins ties, and the first NaN wins outright (max and min of its row are NaN),
 * as in the reference.
 */
export function argExtremeRowsF32(x: usize, out: usize, rows: i32, cols: i32, max: bool): void {
  for (let r = 0; r < rows; r++) {
    const row = x + ((<usize>r * <usize>cols) << 2);
    let best = load<f32>(row);
    let bestIndex = 0;
    for (let j = 1; j < cols && best == best; j++) {
      const v = load<f32>(row + (<usize>j << 2));
      if ((max ? v > best : v < best) || v != v) {
        best = v;
        bestIndex = j;
      }
    }
    store<i32>(out + (<usize>r << 2), bestIndex);
  }
}
