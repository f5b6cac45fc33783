// Softmax along rows: each row shifted by its maximum, exponentiated with the SIMD exp, then divided by its sum.
import { expVector } from './elementwise';

/** e^x of one value through the vector exp, so that a row's tail rounds exactly as its body. */
@inline function expOne(x: f32): f32 {
  return f32x4.extract_lane(expVector(f32x4.splat(x)), 0);
}

/** `out` = softmax of each of the `rows` rows of `cols` float32 values at `x`. */
export function softmaxF32(x: usize, out: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const row = x + ((<usize>r * <usize>cols) << 2);
    const dst = out + ((<usize>r * <usize>cols) << 2);
    let max = -Infinity as f32;
    for (let j = 0; j < cols; j++) max = Mathf.max(max, load<f32>(row + (<usize>j << 2)));
    // NOTE: an infinite maximum shifts by 0, as in the reference: a row of -Infinity keeps its exps at 0 (the sum 0
    // then gives NaN), a row holding Infinity gives NaN there and 0 elsewhere.
    const shift = isFinite<f32>(max) ? max : <f32>0;
    const vshift = f32x4.splat(shift);
    let vsum = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const e = expVector(f32x4.sub(v128.load(row + (<usize>j << 2)), vshift));
      v128.store(dst + (<usize>j << 2), e);
      vsum = f32x4.add(vsum, e);
    }
    let sum = f32x4.extract_lane(vsum, 0) + f32x4.extract_lane(vsum, 1) + f32x4.extract_lane(vsum, 2) + f32x4.extract_lane(vsum, 3);
    for (; j < cols; j++) {
      const e = expOne(load<f32>(row + (<usize>j << 2)) - shift);
      store<f32>(dst + (<usize>j << 2), e);
      sum += e;
    }
    const vs = f32x4.splat(sum);
    j = 0;
    for (; j + 4 <= cols; j += 4) v128.store(dst + (<usize>j << 2), f32x4.div(v128.load(dst + (<usize>j << 2)), vs));
    for (; j < cols; j++) store<f32>(dst + (<usize>j << 2), load<f32>(dst + (<usize>j << 2)) / sum);
  }
}
