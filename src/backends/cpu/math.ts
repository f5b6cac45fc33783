/** Scalar functions the reference kernels apply elementwise, `erf`, which JavaScript lacks, and the optimizers' steps. */
import type { BinaryOp, UnaryOp, UpdateRule } from '../../core/backend.js';
import type { TypedArray } from '../../core/dtype.js';

/**
 * The error function to double precision: its Taylor series near 0 and a continued fraction for
 * erfc in the tails (where the series would lose digits to cancellation).
 */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    // erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1))
    let term = x;
    let sum = x;
    const x2 = x * x;
    for (let n = 1; n < 100; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  if (ax > 6) return Math.sign(x);
  // erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))), evaluated bottom-up.
  let f = ax;
  for (let k = 60; k >= 1; k--) f = ax + k / 2 / f;
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

function sigmoid(x: number): number {
  // NOTE: exp(-x) overflows for very negative x; this form never divides inf by inf.
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** The scalar function behind each unary op. */
export const unaryFns: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  abs: Math.abs,
  sign: Math.sign,
  sqrt: Math.sqrt,
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
  exp: Math.exp,
  expm1: Math.expm1,
  log: Math.log,
  log1p: Math.log1p,
  // NOTE: `x < 0 ? 0 : x`, not `x > 0 ? x : 0`: NaN stays NaN (as in TensorFlow and IEEE max), -0 stays -0.
  relu: (x) => (x < 0 ? 0 : x),
  sigmoid,
  tanh: Math.tanh,
  erf,
  sin: Math.sin,
  cos: Math.cos,
  floor: Math.floor,
  ceil: Math.ceil,
  // Round half to even, as NumPy and TensorFlow do.
  round: (x) => {
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  },
};

/** The scalar function behind each binary op (comparisons return 1 or 0). */
export const binaryFns: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  maximum: (a, b) => (a >= b || Number.isNaN(a) ? a : b),
  minimum: (a, b) => (a <= b || Number.isNaN(a) ? a : b),
  mod: (a, b) => a - Math.floor(a / b) * b,
  floorDiv: (a, b) => Math.floor(a / b),
  // The slope is NaN at a NaN input: the gradient then shows the NaN instead of a finite-looking 0 or dy.
  reluGrad: (dy, x) => dy * (x > 0 ? 1 : x <= 0 ? 0 : NaN),
  equal: (a, b) => +(a === b),
  notEqual: (a, b) => +(a !== b),
  greater: (a, b) => +(a > b),
  greaterEqual: (a, b) => +(a >= b),
  less: (a, b) => +(a < b),
  lessEqual: (a, b) => +(a <= b),
  logicalAnd: (a, b) => +(a !== 0 && b !== 0),
  logicalOr: (a, b) => +(a !== 0 || b !== 0),
};

/**
 * One optimizer step over whole arrays: reads the parameter `w`, its gradient `g` and its slots `state`,
 * and writes the new parameter to `outW` and the new slots to `outState`, which may be the arrays read
 * (each element is read before it is written). `float32` rounds every operation to float32.
 *
 * @example
 * const w = new Float32Array([1, 2]);
 * updateArrays({ kind: 'sgd', learningRate: 0.5, momentum: 0, nesterov: false }, w, new Float32Array([1, 1]), [], w, [], true); // w is [0.5, 1.5]
 */
export function updateArrays(
  rule: UpdateRule, w: TypedArray, g: TypedArray, state: readonly TypedArray[], outW: TypedArray, outState: readonly TypedArray[], float32: boolean,
): void {
  const step = updateStepFn(rule, float32 ? Math.fround : (x: number) => x);
  const at = new Float64Array(state.length);
  for (let i = 0; i < w.length; i++) {
    for (let s = 0; s < state.length; s++) at[s] = state[s]![i]!;
    outW[i] = step(w[i]!, g[i]!, at);
    for (let s = 0; s < state.length; s++) outState[s]![i] = at[s]!;
  }
}

/**
 * One element of an optimizer step (see `UpdateRule`): from the parameter `w`, its gradient `g` and its
 * slots (read and overwritten in `state`), the new parameter. `r` rounds to the dtype after every
 * operation, so the result is the one the same formula gives op by op.
 */
export function updateStepFn(rule: UpdateRule, r: (x: number) => number): (w: number, g: number, state: Float64Array) => number {
  const max = binaryFns.maximum;
  switch (rule.kind) {
    case 'adam': {
      const [alpha, c1, c2, eps] = [r(rule.alpha), r(1 - rule.beta1), r(1 - rule.beta2), r(rule.epsilon)];
      return (w, g, state) => {
        const m = (state[0] = r(state[0]! + r(r(g - state[0]!) * c1)));
        const v = (state[1] = r(state[1]! + r(r(r(g * g) - state[1]!) * c2)));
        const second = rule.amsgrad ? (state[2] = max(state[2]!, v)) : v;
        return r(w - r(r(m * alpha) / r(r(Math.sqrt(second)) + eps)));
      };
    }
    case 'sgd': {
      const [lr, momentum] = [r(rule.learningRate), r(rule.momentum)];
      return (w, g, state) => {
        const step = r(g * lr);
        if (rule.momentum === 0) return r(w - step);
        const m = (state[0] = r(r(state[0]! * momentum) - step));
        return r(w + (rule.nesterov ? r(r(m * momentum) - step) : m));
      };
    }
    case 'rmsprop': {
      const [lr, rho, c, momentum, eps] = [r(rule.learningRate), r(rule.rho), r(1 - rule.rho), r(rule.momentum), r(rule.epsilon)];
      const averageAt = rule.momentum > 0 ? 2 : 1;
      return (w, g, state) => {
        const velocity = (state[0] = r(r(state[0]! * rho) + r(r(g * g) * c)));
        let denominator = r(velocity + eps);
        if (rule.centered) {
          const average = (state[averageAt] = r(r(state[averageAt]! * rho) + r(g * c)));
          denominator = r(denominator - r(average * average));
        }
        const increment = r(r(g * lr) / r(Math.sqrt(denominator)));
        if (rule.momentum === 0) return r(w - increment);
        return r(w - (state[1] = r(r(state[1]! * momentum) + increment)));
      };
    }
  }
}
