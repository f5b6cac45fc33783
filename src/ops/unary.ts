/** Elementwise math functions of one tensor, each with its derivative. Integer inputs of real-valued functions are computed in float32. */
import type { UnaryOp } from '../core/backend.js';
import { isFloat } from '../core/dtype.js';
import { ENGINE } from '../core/engine.js';
import type { Tensor } from '../core/tensor.js';
import { add, div, mul, neg, reluGrad } from './arithmetic.js';
import { cast, toTensor } from './convert.js';

/**
 * How a unary op treats integer inputs: `real` functions compute them in float32, `exact` ones
 * keep the dtype, `signed` ones (whose result can leave [0, 255]) compute uint8 in int32.
 */
type IntegerInputs = 'real' | 'exact' | 'signed';

/** The gradient of a unary primitive with respect to its input, from dy, the input and the output. */
type UnaryGrad = (dy: Tensor, x: Tensor, y: Tensor) => Tensor;

/** Runs a unary primitive; `gradient` gives its input's gradient (null: no gradient). */
function unary(op: UnaryOp, x: Tensor, gradient: UnaryGrad | null, ints: IntegerInputs = 'real'): Tensor {
  let input = toTensor(op, 'x', x);
  if (ints === 'real' && !isFloat(input.dtype)) input = cast(input, 'float32');
  if (ints === 'signed' && input.dtype === 'uint8') input = cast(input, 'int32');
  const inp = input;
  return ENGINE.runOp(op, [inp], (k) => k.unary(inp, op), {
    saved: gradient ? [inp] : [],
    saveOutput: gradient !== null,
    backward: (dy, [sx, sy]) => [gradient ? gradient(dy, sx!, sy!) : null],
  });
}


/** `|x|`; its derivative is sign(x) (0 at 0). */
export const abs = (x: Tensor): Tensor => unary('abs', x, (dy, t) => mul(dy, sign(t)), 'exact');
/** -1, 0 or 1; no gradient. */
export const sign = (x: Tensor): Tensor => unary('sign', x, null, 'exact');
/** `x * x`. */
export const square = (x: Tensor): Tensor => unary('square', x, (dy, t) => mul(dy, mul(t, 2)), 'signed');
/** Square root; d/dx = 1 / (2 sqrt(x)). */
export const sqrt = (x: Tensor): Tensor => unary('sqrt', x, (dy, _, y) => mul(dy, div(0.5, y)));
/** `1 / x`; d/dx = -1/x². */
export const reciprocal = (x: Tensor): Tensor => unary('reciprocal', x, (dy, t) => mul(dy, neg(div(1, mul(t, t)))));
/** `e^x`; d/dx = e^x. */
export const exp = (x: Tensor): Tensor => unary('exp', x, (dy, _, y) => mul(dy, y));
/** `e^x - 1`, accurate near 0; d/dx = e^x. */
export const expm1 = (x: Tensor): Tensor => unary('expm1', x, (dy, _, y) => mul(dy, add(y, 1)));
/** Natural logarithm (log 0 is -Infinity); d/dx = 1/x. */
export const log = (x: Tensor): Tensor => unary('log', x, (dy, t) => mul(dy, div(1, t)));
/** `log(1 + x)`, accurate near 0; d/dx = 1/(1 + x). */
export const log1p = (x: Tensor): Tensor => unary('log1p', x, (dy, t) => mul(dy, div(1, add(t, 1))));
/** The error function; d/dx = 2/sqrt(pi) e^(-x²). */
export const erf = (x: Tensor): Tensor => unary('erf', x, (dy, t) => mul(dy, mul(exp(neg(mul(t, t))), 2 / Math.sqrt(Math.PI))));
/** Sine; d/dx = cos x. */
export const sin = (x: Tensor): Tensor => unary('sin', x, (dy, t) => mul(dy, cos(t)));
/** Cosine; d/dx = -sin x. */
export const cos = (x: Tensor): Tensor => unary('cos', x, (dy, t) => mul(dy, neg(sin(t))));
/** Largest integer not above x; no gradient. */
export const floor = (x: Tensor): Tensor => unary('floor', x, null, 'exact');
/** Smallest integer not below x; no gradient. */
export const ceil = (x: Tensor): Tensor => unary('ceil', x, null, 'exact');
/** Nearest integer, halves to even; no gradient. */
export const round = (x: Tensor): Tensor => unary('round', x, null, 'exact');
/**
 * Rectified linear unit max(x, 0); NaN stays NaN. Its derivative is 1 where x > 0 and 0 where x <= 0 (0 at 0,
 * as in TensorFlow), and NaN at NaN (TensorFlow gives 0 there, which would hide the NaN from the gradient).
 *
 * @example
 * relu(tensor([NaN, -1, 2, Infinity, -Infinity])).dataSync(); // [NaN, 0, 2, Infinity, 0]
 */
export const relu = (x: Tensor): Tensor => unary('relu', x, (dy, t) => reluGrad(dy, t), 'exact');
/** Logistic sigmoid 1/(1+e^-x); d/dx = y(1-y). */
export const sigmoid = (x: Tensor): Tensor => unary('sigmoid', x, (dy, _, y) => mul(dy, mul(y, add(neg(y), 1))));
/** Hyperbolic tangent; d/dx = 1 - y². */
export const tanh = (x: Tensor): Tensor => unary('tanh', x, (dy, _, y) => mul(dy, add(neg(mul(y, y)), 1)));

