/**
 * Elementwise arithmetic of two tensors with NumPy broadcasting, each with its gradient.
 * uint8 operands: add, sub, mul and pow compute in int32, so 200 + 100 is 300 (NumPy would wrap
 * around to 44); div gives float32; maximum, minimum, mod and floorDiv stay uint8 (they cannot
 * leave [0, 255]).
 */
import type { ArithmeticOp } from '../core/backend.js';
import { isFloat } from '../core/dtype.js';
import { ENGINE, type GradientSpec } from '../core/engine.js';
import { ValueError } from '../core/errors.js';
import { broadcastShapes } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { cast, toTensorPair, type TensorLike } from './convert.js';
import { greater, greaterEqual, isNaN, less, lessEqual, where } from './compare.js';
import { reduceTo } from './sum-broadcast.js';

/** The ops whose result can leave [0, 255] for uint8 operands. */
const LEAVES_BYTE_RANGE: ReadonlySet<ArithmeticOp> = new Set(['add', 'sub', 'mul', 'pow']);

/** The gradient of a binary op for one operand, at the broadcast shape, from dy and both operands. */
type PartialGrad = (dy: Tensor, x: Tensor, y: Tensor) => Tensor;

/**
 * Runs a broadcasting binary primitive. `gradA` and `gradB` give each operand's gradient at the
 * broadcast shape (summed back to the operand's shape here); each runs only when that gradient is needed.
 */
function binary(op: ArithmeticOp, a: TensorLike, b: TensorLike, gradA?: PartialGrad, gradB?: PartialGrad): Tensor {
  let [x, y] = toTensorPair(op, a, b);
  if (x.dtype === 'uint8' && LEAVES_BYTE_RANGE.has(op)) [x, y] = [cast(x, 'int32'), cast(y, 'int32')];
  const shape = broadcastShapes(op, x.shape, y.shape);
  const gradient: GradientSpec | undefined = gradA && gradB && {
    saved: [x, y],
    backward: (dy, [sx, sy], needs) => [
      needs[0] ? reduceTo(gradA(dy, sx!, sy!), x.shape) : null,
      needs[1] ? reduceTo(gradB(dy, sx!, sy!), y.shape) : null,
    ],
  };
  return ENGINE.runOp(op, [x, y], (k) => k.binary(x, y, op, shape, x.dtype), gradient);
}

/**
 * `a + b` elementwise, broadcasting.
 *
 * @example
 * add(tensor([[1], [2]]), tensor([10, 20])).arraySync(); // [[11, 21], [12, 22]]
 */
export function add(a: TensorLike, b: TensorLike): Tensor {
  return binary('add', a, b, (dy) => dy, (dy) => dy);
}

/** `a - b` elementwise, broadcasting. */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  return binary('sub', a, b, (dy) => dy, (dy) => neg(dy));
}

/**
 * Relu's backward pass: `dy` where `x > 0`, 0 where `x <= 0` and NaN where `x` is NaN (`dy · step(x)`),
 * broadcasting, in one kernel. Its own gradient (for second derivatives) is `reluGrad(g, x)` for `dy` and 0 for `x`.
 */
export function reluGrad(dy: TensorLike, x: TensorLike): Tensor {
  return binary('reluGrad', dy, x, (g, _, xs) => reluGrad(g, xs), (g) => mul(g, 0));
}

/** `a * b` elementwise, broadcasting. */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return binary('mul', a, b, (dy, _, y) => mul(dy, y), (dy, x) => mul(dy, x));
}

/**
 * `a / b` elementwise, broadcasting. Integer operands give a float32 result (true division, as in
 * NumPy), written straight from the integers: `div(images, 255)` on uint8 images allocates the
 * float32 result and nothing else.
 *
 * @example
 * div(tensor(new Uint8Array([0, 51, 255])), 255).arraySync(); // [0, 0.2, 1] (float32)
 */
export function div(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = toTensorPair('div', a, b);
  if (!isFloat(x.dtype)) {
    // Integers carry no gradient, so there is nothing to record.
    const shape = broadcastShapes('div', x.shape, y.shape);
    return ENGINE.runOp('div', [x, y], (k) => k.binary(x, y, 'div', shape, 'float32'));
  }
  // d(x/y)/dx = 1/y ; d(x/y)/dy = -x/y^2
  return binary('div', x, y, (dy, _, v) => div(dy, v), (dy, u, v) => neg(div(mul(dy, u), mul(v, v))));
}

/**
 * `a ** b` elementwise, broadcasting.
 *
 * @example
 * pow(tensor([1, 2, 3]), 2).arraySync(); // [1, 4, 9]
 */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  // d(x^y)/dx = y x^(y-1) ; d(x^y)/dy = x^y log(x), taken as 0 where x <= 0 (log undefined there).
  return binary(
    'pow', a, b,
    (dy, x, y) => mul(dy, mul(y, pow(x, sub(y, 1)))),
    (dy, x, y) => mul(dy, mul(pow(x, y), where(greater(x, 0), logOf(x), 0))),
  );
}

/**
 * `g`, with NaN wherever `x` is NaN: the gradient of a max-based op at a NaN input, whose slope is undefined
 * there. NOTE: TensorFlow sends the gradient of maximum(NaN, b) to `b` (its mask `a >= b` is false); such a
 * finite number is the derivative of nothing, and would hide the NaN from whoever inspects gradients.
 */
function withNaNsOf(x: Tensor, g: Tensor): Tensor {
  return where(isNaN(x), x, g);
}

/**
 * Elementwise larger of `a` and `b`, NaN where either is NaN. The gradient goes to `a` where a >= b,
 * else to `b`; an operand that is NaN gets NaN.
 *
 * @example
 * maximum(tensor([1, NaN, 3]), 2).arraySync(); // [2, NaN, 3]
 */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return binary(
    'maximum', a, b,
    (dy, x, y) => withNaNsOf(x, where(greaterEqual(x, y), dy, 0)),
    (dy, x, y) => withNaNsOf(y, where(less(x, y), dy, 0)),
  );
}

/**
 * Elementwise smaller of `a` and `b`, NaN where either is NaN. The gradient goes to `a` where a <= b,
 * else to `b`; an operand that is NaN gets NaN.
 */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return binary(
    'minimum', a, b,
    (dy, x, y) => withNaNsOf(x, where(lessEqual(x, y), dy, 0)),
    (dy, x, y) => withNaNsOf(y, where(greater(x, y), dy, 0)),
  );
}

/** Remainder of floor division, with the sign of `b` (Python's `%`). */
export function mod(a: TensorLike, b: TensorLike): Tensor {
  // a mod b = a - floor(a/b) b, so d/da = 1 and d/db = -floor(a/b).
  return binary('mod', a, b, (dy) => dy, (dy, x, y) => neg(mul(dy, floorDiv(x, y))));
}

/** Floor of `a / b` (Python's `//`); it has no gradient. */
export function floorDiv(a: TensorLike, b: TensorLike): Tensor {
  return binary('floorDiv', a, b);
}

/** `-x` (uint8 is negated in int32). */
export function neg(x: Tensor): Tensor {
  const input = x.dtype === 'uint8' ? cast(x, 'int32') : x;
  return ENGINE.runOp('neg', [input], (k) => k.unary(input, 'neg'), { backward: (dy) => [neg(dy)] });
}

/** The log primitive (unary.ts builds on this file, so it cannot be imported here); d/dx = 1/x. */
function logOf(x: Tensor): Tensor {
  return ENGINE.runOp('log', [x], (k) => k.unary(x, 'log'), { saved: [x], backward: (dy, [sx]) => [div(dy, sx!)] });
}

/**
 * Limits values to [min, max]; the gradient is 1 inside the range and 0 outside. NaN stays NaN, and
 * its gradient is NaN.
 *
 * @example
 * clip(tensor([-2, 0.5, 3]), 0, 1).arraySync(); // [0, 0.5, 1]
 */
export function clip(x: Tensor, min: number, max: number): Tensor {
  if (!(min <= max)) throw new ValueError(`clip: min (${min}) must not be greater than max (${max}).`);
  return minimum(maximum(x, min), max);
}
