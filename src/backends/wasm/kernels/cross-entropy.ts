// Softmax cross-entropy of float32 logits, per row, and its gradient with respect to the logits, computed in
// float64 in the reference's order (each row's logSumExp, then the labels' terms), so that the float32 results
// match it: labels are class ids (int32; an id outside the row gives NaN) or float32 probabilities.

/** The logSumExp of the `cols` float32 logits at `row`, in float64, shifted by the row's maximum. */
@inline function logSumExp(row: usize, cols: i32): f64 {
  let max = -Infinity;
  for (let j = 0; j < cols; j++) max = Math.max(max, <f64>load<f32>(row + (<usize>j << 2)));
  // NOTE: an infinite maximum shifts by 0 (as the reference): a row of -Infinity keeps the sum 0 instead of NaN,
  // a row holding Infinity gets a logSumExp of Infinity.
  const shift = isFinite<f64>(max) ? max : 0;
  let sum = 0.0;
  for (let j = 0; j < cols; j++) sum += Math.exp(<f64>load<f32>(row + (<usize>j << 2)) - shift);
  return shift + Math.log(sum);
}

/** The class id of row `r` when it lies in [0, cols), else -1 (its labels are then NaN). */
@inline function classId(labels: usize, r: i32, cols: i32): i32 {
  const id = load<i32>(labels + (<usize>r << 2));
  return id >= 0 && id < cols ? id : -1;
}

/**
 * `out[r] = -sum_j t[r, j] log softmax(z[r])_j` for `rows` rows of `cols` logits; `sparse` says whether
 * the labels are int32 class ids ([rows]) or float32 probabilities ([rows, cols]).
 */
export function softmaxCrossEntropyF32(logits: usize, labels: usize, out: usize, rows: i32, cols: i32, sparse: bool): void {
  for (let r = 0; r < rows; r++) {
    const row = logits + ((<usize>r * <usize>cols) << 2);
    const lse = logSumExp(row, cols);
    let total = 0.0;
    if (sparse) {
      const id = classId(labels, r, cols);
      // A one-hot row contributes its one term: 0 + 1 · (lse - z[id]), as the reference's sum does.
      total = id < 0 ? NaN : total + (lse - <f64>load<f32>(row + (<usize>id << 2)));
    } else {
      const t = labels + ((<usize>r * <usize>cols) << 2);
      for (let j = 0; j < cols; j++) {
        const tj = <f64>load<f32>(t + (<usize>j << 2));
        total += tj == 0 ? 0 : tj * (lse - <f64>load<f32>(row + (<usize>j << 2)));
      }
    }
    store<f32>(out + (<usize>r << 2), <f32>total);
  }
}

/** `dz[r, j] = (softmax(z[r])_j · sum(t[r]) - t[r, j]) · dy[r]`, the gradient of `softmaxCrossEntropyF32`. */
export function softmaxCrossEntropyGradF32(logits: usize, labels: usize, dy: usize, out: usize, rows: i32, cols: i32, sparse: bool): void {
  for (let r = 0; r < rows; r++) {
    const at = (<usize>r * <usize>cols) << 2;
    const row = logits + at;
    const dst = out + at;
    const lse = logSumExp(row, cols);
    const g = <f64>load<f32>(dy + (<usize>r << 2));
    if (sparse) {
      const id = classId(labels, r, cols);
      // A one-hot row has mass exactly 1; an id out of range makes the whole row NaN.
      const mass = id < 0 ? NaN : 1.0;
      for (let j = 0; j < cols; j++) {
        const t = id < 0 ? NaN : j == id ? 1.0 : 0.0;
        store<f32>(dst + (<usize>j << 2), <f32>((Math.exp(<f64>load<f32>(row + (<usize>j << 2)) - lse) * mass - t) * g));
      }
    } else {
      const t = labels + at;
      let mass = 0.0;
      for (let j = 0; j < cols; j++) mass += <f64>load<f32>(t + (<usize>j << 2));
      for (let j = 0; j < cols; j++) {
        const tj = <f64>load<f32>(t + (<usize>j << 2));
        store<f32>(dst + (<usize>j << 2), <f32>((Math.exp(<f64>load<f32>(row + (<usize>j << 2)) - lse) * mass - tj) * g));
      }
    }
  }
}
