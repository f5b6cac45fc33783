/**
 * Activation functions composed from primitives, so their gradients come for free
 * (relu, sigmoid and tanh are primitives and live in unary.ts).
 */
import { isFloat } from '../core/dtype.js';
import { ENGINE } from '../core/engine.js';
import { normalizeAxis } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { add, clip, div, maximum, minimum, mul, neg, sub } from './arithmetic.js';
import { greater, where } from './compare.js';
import { cast, toTensor } from './convert.js';
import { stableShift } from './reduction.js';
import { sum } from './sum-broadcast.js';
import { abs, erf, exp, expm1, log, log1p, relu, sigmoid, tanh } from './unary.js';

function float(op: string, x: Tensor): Tensor {
  const t = toTensor(op, 'x', x);
  return isFloat(t.dtype) ? t : cast(t, 'float32');
}

/**
 * Softmax along `axis` (the last by default): exp(x) / sum(exp(x)), stable for large logits.
 *
 * @example
 * softmax(tensor([1000, 1000])).arraySync(); // [0.5, 0.5]
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  const t = float('softmax', x);
  if (t.rank === 0 || normalizeAxis('softmax', axis, t.rank) !== t.rank - 1) return exp(logSoftmax(t, axis));
  const y = ENGINE.runOp('softmax', [t], (k) => k.softmax(t), {
    // The logits are kept with the output while a gradient is recorded: a cross-entropy loss computed
    // after the layer's scope has ended then still finds them (see softmaxLogits).
    saved: [t],
    saveOutput: true,
    // dx = y · (dy - sum(dy · y)) along the axis: the Jacobian diag(y) - y yᵀ applied to dy.
    backward: (dy, [, sy]) => [mul(sy!, sub(dy, sum(mul(dy, sy!), -1, true)))],
  });
  softmaxInputs.set(y, t);
  return y;
}

/**
 * The large negative number masked logits are replaced by before a masked softmax (Keras's choice
 * for float32): exp of it minus any real logit is 0, and unlike -Infinity it gives no NaN when a
 * whole row is masked.
 */
const MASKED_LOGIT = -1e9;

/**
 * Softmax along `axis` where `mask` (bool, broadcast to `x`) is true; masked positions get exactly 0,
 * so a row whose every position is masked is all zeros rather than uniform. This is Keras's masked
 * softmax, the one attention layers use to ignore padding and future steps.
 *
 * @example
 * maskedSoftmax(tensor([[1, 1, 1]]), tensor([[true, true, false]])).arraySync(); // [[0.5, 0.5, 0]]
 */
export function maskedSoftmax(x: Tensor, mask: Tensor, axis = -1): Tensor {
  const keep = mask.dtype === 'bool' ? mask : greater(mask, 0.5);
  return where(keep, softmax(where(keep, float('maskedSoftmax', x), MASKED_LOGIT), axis), 0);
}

/** The inputs of softmax outputs over the last axis, so that cross-entropy losses can start from the logits. */
const softmaxInputs = new WeakMap<Tensor, Tensor>();

/**
 * The logits `p` was computed from, when `p` is the output of `softmax` over its last axis and those
 * logits are still alive (always while a gradient is recorded; not after a tidy scope released them
 * otherwise); else undefined. Cross-entropy losses use it, as Keras does, to work on
 * the logits (exact and stable) instead of on clipped probabilities.
 */
export function softmaxLogits(p: Tensor): Tensor | undefined {
  const logits = softmaxInputs.get(p);
  return logits && !logits.isDisposed ? logits : undefined;
}

/** Log of softmax along `axis`: x - logSumExp(x), stable for large logits. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  const t = float('logSoftmax', x);
  // NOTE: subtracting the maximum before the log-sum keeps full precision when logits are large
  // (1000 - 1000.693 in float32 loses 4 digits). The shift needs no gradient: it cancels out.
  const shifted = sub(t, stableShift(t, axis));
  return sub(shifted, log(sum(exp(shifted), axis, true)));
}

/** `x` where x > 0, `alpha * x` elsewhere (Keras's default alpha is 0.2 in Keras 3 and TensorFlow.js). */
export function leakyRelu(x: Tensor, alpha = 0.2): Tensor {
  const t = float('leakyRelu', x);
  // NOTE: min(x, 0) equals x where this branch is taken; it is there for NaN, which takes this branch and
  // whose gradient would otherwise be a finite-looking alpha · dy: minimum gives it NaN.
  return where(greater(t, 0), t, mul(minimum(t, 0), alpha));
}

/** `x` where x > 0, `alpha * (e^x - 1)` elsewhere. */
export function elu(x: Tensor, alpha = 1): Tensor {
  const t = float('elu', x);
  // NOTE: expm1 sees min(x, 0) so that the unused branch cannot overflow to Infinity (0 * Infinity = NaN in the gradient).
  return where(greater(t, 0), t, mul(expm1(minimum(t, 0)), alpha));
}

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** Scaled ELU with the self-normalising constants (alpha ≈ 1.6733, scale ≈ 1.0507). */
export function selu(x: Tensor): Tensor {
  return mul(elu(x, SELU_ALPHA), SELU_SCALE);
}

/**
 * Gaussian error linear unit. Exact form x·Φ(x) = x/2·(1 + erf(x/√2)) by default (Keras's default);
 * `approximate` uses the tanh form.
 */
export function gelu(x: Tensor, approximate = false): Tensor {
  const t = float('gelu', x);
  if (approximate) {
    const inner = mul(add(t, mul(mul(mul(t, t), t), 0.044715)), Math.sqrt(2 / Math.PI));
    return mul(mul(t, 0.5), add(tanh(inner), 1));
  }
  return mul(mul(t, 0.5), add(erf(mul(t, Math.SQRT1_2)), 1));
}

/** log(1 + e^x), computed so that it never overflows. */
export function softplus(x: Tensor): Tensor {
  const t = float('softplus', x);
  // NOTE: max(x, 0) + log1p(e^-|x|) has the right values but its derivative at exactly 0 comes
  // out as 0 (relu and abs have derivative 0 there) instead of 1/2. Each branch below is smooth;
  // the other branch sees x clamped to 0, so it cannot overflow into a NaN gradient.
  const positive = maximum(t, 0);
  return where(greater(t, 0), add(t, log1p(exp(neg(positive)))), log1p(exp(minimum(t, 0))));
}

/** x / (1 + |x|); ±1 at ±Infinity. */
export function softsign(x: Tensor): Tensor {
  // NOTE: at ±Infinity the quotient is Infinity / Infinity = NaN. Beyond ±1e30 it rounds to ±1 in float32 and
  // float64 alike, so clipping there changes nothing else, and gives ±1 with gradient 0 at the infinities.
  const t = clip(float('softsign', x), -1e30, 1e30);
  return div(t, add(abs(t), 1));
}

/** x · sigmoid(x), also called SiLU. */
export function swish(x: Tensor): Tensor {
  const t = float('swish', x);
  return mul(t, sigmoid(t));
}

/** min(max(x, 0), 6). */
export function relu6(x: Tensor): Tensor {
  return minimum(relu(x), 6);
}

/**
 * The piecewise-linear sigmoid clip(x/divisor + 0.5, 0, 1): Keras 3's with the default divisor 6
 * (relu6(x + 3) / 6); Keras 2 and TensorFlow.js use divisor 5 (clip(0.2 · x + 0.5, 0, 1)).
 */
export function hardSigmoid(x: Tensor, divisor = 6): Tensor {
  const t = float('hardSigmoid', x);
  return minimum(maximum(add(div(t, divisor), 0.5), 0), 1);
}

/** x · tanh(softplus(x)). */
export function mish(x: Tensor): Tensor {
  const t = float('mish', x);
  return mul(t, tanh(softplus(t)));
}
