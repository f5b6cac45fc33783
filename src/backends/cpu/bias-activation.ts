/**
 * The reference arithmetic of the fused bias + activation kernels: the forward epilogue applied in place to a
 * product's output, and the backward pass from the output, each rounded step by step as the unfused ops round.
 */
import type { FusedActivation } from '../../core/backend.js';
import type { TypedArray } from '../../core/dtype.js';
import { unaryFns } from './math.js';

/** Each activation of a rounded input (relu6's clamp is exact in any dtype). */
const activationFns: Record<FusedActivation, (z: number) => number> = {
  linear: (z) => z,
  relu: unaryFns.relu,
  relu6: (z) => Math.min(unaryFns.relu(z), 6),
  sigmoid: unaryFns.sigmoid,
  tanh: unaryFns.tanh,
};

/**
 * `dy · activation'(y)`, each product rounded by `r` as the unfused gradient's ops round: sigmoid's is
 * `dy · (y · (1 - y))`, tanh's `dy · (1 - y · y)`. The slopes of relu and relu6 are NaN at a NaN output (the
 * gradient shows the NaN). NOTE: relu6's slope at exactly 6 is 0, as in TensorFlow's Relu6Grad: the output
 * 6 cannot tell x = 6 from x > 6 (the composite `minimum(relu(x), 6)` gives 1 there).
 */
const gradFns: Record<FusedActivation, (dy: number, y: number, r: (v: number) => number) => number> = {
  linear: (dy) => dy,
  relu: (dy, y) => dy * (y > 0 ? 1 : y <= 0 ? 0 : NaN),
  relu6: (dy, y) => dy * (y > 0 && y < 6 ? 1 : y <= 0 || y >= 6 ? 0 : NaN),
  sigmoid: (dy, y, r) => dy * r(y * r(1 - y)),
  tanh: (dy, y, r) => dy * r(1 - r(y * y)),
};

/** `values[i] = activation(values[i] + bias[i mod c])` in place, each step rounded by the array's dtype (no bias: null). */
export function biasActivationInPlace(values: TypedArray, bias: TypedArray | null, activation: FusedActivation): void {
  const fn = activationFns[activation];
  const c = bias?.length ?? 1;
  for (let i = 0; i < values.length; i++) {
    if (bias) values[i] = values[i]! + bias[i % c]!;
    values[i] = fn(values[i]!);
  }
}

/**
 * Writes `dy · activation'(y)` into `dz` and, where `dBias` is given ([c]), its sums over rows of c (in
 * float64, rounded once on the store). `r` rounds to the dtype of `dz`.
 */
export function biasActivationBackward(
  dy: TypedArray, y: TypedArray, activation: FusedActivation, r: (v: number) => number, dz: TypedArray, dBias: TypedArray | null,
): void {
  const fn = gradFns[activation];
  for (let i = 0; i < dz.length; i++) dz[i] = fn(dy[i]!, y[i]!, r);
  if (!dBias) return;
  const c = dBias.length;
  const sums = new Float64Array(c);
  for (let i = 0; i < dz.length; i++) sums[i % c]! += dz[i]!;
  dBias.set(sums);
}
