// The fused epilogue of products: activation(x + bias) over rows of `cols` float32 values, and its backward
// pass from the output y (dz = dy · activation'(y), with the bias's gradient summed in the same pass).
// NOTE: each activation reuses the unary and binary kernels' arithmetic, so that results equal the unfused
// ops' (up to the SIMD and scalar forms of sigmoid and tanh, which differ by a few ulp, at other positions).
import { LINEAR_ACT, MUL, RELU, RELU6_ACT, RELU_ACT, RELU_GRAD, SIGMOID, SIGMOID_ACT, TANH, TANH_ACT } from './codes';
import { binaryScalar, binaryVector, unaryScalar, unaryVector } from './elementwise';

@inline function actVector(act: i32, z: v128): v128 {
  if (act == RELU_ACT) return unaryVector(RELU, z);
  // pmin(r, 6) is `6 < r ? 6 : r`: NaN stays NaN, as in minimum(relu(x), 6).
  if (act == RELU6_ACT) return f32x4.pmin(unaryVector(RELU, z), f32x4.splat(6));
  if (act == SIGMOID_ACT) return unaryVector(SIGMOID, z);
  if (act == TANH_ACT) return unaryVector(TANH, z);
  return z;
}

@inline function actScalar(act: i32, z: f32): f32 {
  if (act == RELU_ACT) return unaryScalar(RELU, z);
  if (act == RELU6_ACT) {
    const r = unaryScalar(RELU, z);
    return r > 6 ? 6 : r;
  }
  if (act == SIGMOID_ACT) return unaryScalar(SIGMOID, z);
  if (act == TANH_ACT) return unaryScalar(TANH, z);
  return z;
}

// dy · activation'(y), rounded as the unfused gradient's ops round: relu's is reluGrad(dy, y) (y > 0 exactly
// where x > 0), relu6's has slope 1 on 0 < y < 6, 0 at and beyond the ends and NaN at NaN; sigmoid's is
// dy · (y · (1 - y)), tanh's dy · (1 - y · y).
@inline function slopeVector(act: i32, dy: v128, y: v128): v128 {
  if (act == RELU_ACT) return binaryVector(RELU_GRAD, dy, y);
  const one = f32x4.splat(1);
  if (act == RELU6_ACT) {
    const inside = v128.and(f32x4.gt(y, f32x4.splat(0)), f32x4.lt(y, f32x4.splat(6)));
    return f32x4.mul(dy, v128.or(v128.and(inside, one), v128.and(f32x4.ne(y, y), y)));
  }
  if (act == SIGMOID_ACT) return f32x4.mul(dy, f32x4.mul(y, f32x4.sub(one, y)));
  if (act == TANH_ACT) return f32x4.mul(dy, f32x4.sub(one, f32x4.mul(y, y)));
  return dy;
}

@inline function slopeScalar(act: i32, dy: f32, y: f32): f32 {
  if (act == RELU_ACT) return binaryScalar(RELU_GRAD, dy, y);
  if (act == RELU6_ACT) return binaryScalar(MUL, dy, y > 0 && y < 6 ? <f32>1 : y <= 0 || y >= 6 ? <f32>0 : y);
  if (act == SIGMOID_ACT) return dy * (y * (1 - y));
  if (act == TANH_ACT) return dy * (1 - y * y);
  return dy;
}

@inline function forwardLoop(act: i32, x: usize, bias: usize, out: usize, rows: i32, cols: i32): void {
  const rowBytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * rowBytes;
    const or = out + <usize>r * rowBytes;
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const at = <usize>j << 2;
      const z = bias ? f32x4.add(v128.load(xr + at), v128.load(bias + at)) : v128.load(xr + at);
      v128.store(or + at, actVector(act, z));
    }
    for (; j < cols; j++) {
      const at = <usize>j << 2;
      store<f32>(or + at, actScalar(act, bias ? load<f32>(xr + at) + load<f32>(bias + at) : load<f32>(xr + at)));
    }
  }
}

@inline function backwardLoop(act: i32, dy: usize, y: usize, dz: usize, dBias: usize, rows: i32, cols: i32, sums: usize): void {
  const rowBytes = <usize>cols << 2;
  if (dBias) memory.fill(sums, 0, rowBytes << 1);
  for (let r = 0; r < rows; r++) {
    const offset = <usize>r * rowBytes;
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const at = offset + (<usize>j << 2);
      const g = slopeVector(act, v128.load(dy + at), v128.load(y + at));
      v128.store(dz + at, g);
      if (dBias) {
        const sum = sums + (<usize>j << 3);
        v128.store(sum, f64x2.add(v128.load(sum), f64x2.promote_low_f32x4(g)));
        v128.store(sum, f64x2.add(v128.load(sum, 16), f64x2.promote_low_f32x4(v128.shuffle<f32>(g, g, 2, 3, 0, 1))), 16);
      }
    }
    for (; j < cols; j++) {
      const at = offset + (<usize>j << 2);
      const g = slopeScalar(act, load<f32>(dy + at), load<f32>(y + at));
      store<f32>(dz + at, g);
      if (dBias) store<f64>(sums + (<usize>j << 3), load<f64>(sums + (<usize>j << 3)) + <f64>g);
    }
  }
  if (dBias) for (let j = 0; j < cols; j++) store<f32>(dBias + (<usize>j << 2), <f32>load<f64>(sums + (<usize>j << 3)));
}

/** `out[r, j] = act(x[r, j] + bias[j])` over `rows` rows of `cols` float32 values (no bias where `bias` is 0); out may be x. */
export function biasActivationF32(act: i32, x: usize, bias: usize, out: usize, rows: i32, cols: i32): void {
  switch (act) {
    case RELU_ACT: forwardLoop(RELU_ACT, x, bias, out, rows, cols); break;
    case RELU6_ACT: forwardLoop(RELU6_ACT, x, bias, out, rows, cols); break;
    case SIGMOID_ACT: forwardLoop(SIGMOID_ACT, x, bias, out, rows, cols); break;
    case TANH_ACT: forwardLoop(TANH_ACT, x, bias, out, rows, cols); break;
    default: forwardLoop(LINEAR_ACT, x, bias, out, rows, cols);
  }
}

/**
 * `dz = dy · act'(y)` over `rows` rows of `cols` float32 values and, unless `dBias` is 0, `dBias[j] = Σ_r dz[r, j]`,
 * summed row by row in float64 in `sums` (8·cols bytes) and rounded once, as the reduction kernels sum.
 */
export function biasActivationGradF32(act: i32, dy: usize, y: usize, dz: usize, dBias: usize, rows: i32, cols: i32, sums: usize): void {
  switch (act) {
    case RELU_ACT: backwardLoop(RELU_ACT, dy, y, dz, dBias, rows, cols, sums); break;
    case RELU6_ACT: backwardLoop(RELU6_ACT, dy, y, dz, dBias, rows, cols, sums); break;
    case SIGMOID_ACT: backwardLoop(SIGMOID_ACT, dy, y, dz, dBias, rows, cols, sums); break;
    case TANH_ACT: backwardLoop(TANH_ACT, dy, y, dz, dBias, rows, cols, sums); break;
    default: backwardLoop(LINEAR_ACT, dy, y, dz, dBias, rows, cols, sums);
  }
}
