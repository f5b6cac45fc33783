// Elementwise float32 kernels: unary maps, broadcasting binary arithmetic and comparisons, where, and casts.
// NOTE: functions marked @inline receive the op as a constant from a switch in their exported caller, so
// the optimiser specialises one loop per op instead of branching on the op for every element.
import {
  ABS, ADD, BOOL_TO_FLOAT32, CEIL, COS, DIV, EQUAL, EXP, EXPM1, FLOAT32_TO_BOOL, FLOOR, FLOOR_DIV, GREATER, GREATER_EQUAL,
  INT32_TO_FLOAT32, LESS, LESS_EQUAL, LOG, LOG1P, LOGICAL_AND, LOGICAL_OR, MAXIMUM, MINIMUM, MOD, MUL, NEG, NOT_EQUAL, RELU_GRAD,
  POW, RECIPROCAL, RELU, ROUND, SIGMOID, SIGN, SIN, SQRT, SQUARE, SUB, TANH,
} from './codes';

// ---- unary ----

@inline function unaryHasVector(op: i32): bool {
  return op == NEG || op == ABS || op == SQRT || op == SQUARE || op == RECIPROCAL || op == RELU ||
    op == FLOOR || op == CEIL || op == ROUND || op == EXP || op == SIGMOID || op == TANH;
}

/**
 * e^x in float32, within a few ulp: x = n·ln 2 + r with |r| <= ln 2 / 2, e^r by its Taylor series to
 * r^7, and 2^n put into the exponent bits. Overflow gives Infinity, NaN stays NaN, and results below
 * 2^-125 (x < -86.6, where float32 has only denormals left) flush to 0.
 */
@inline export function expVector(x: v128): v128 {
  // pmin/pmax are single instructions (min/max are not, for their NaN rules); NaN is restored at the end.
  const xc = f32x4.pmin(f32x4.splat(88.8), f32x4.pmax(f32x4.splat(-86.6), x));
  // Adding 1.5·2^23 rounds to an integer n and leaves n in the low mantissa bits, which
  // avoids V8's long sequences for nearest() and trunc_sat().
  const magic = f32x4.splat(12582912.0);
  const shifted = f32x4.add(f32x4.mul(xc, f32x4.splat(1.44269504)), magic);
  const n = f32x4.sub(shifted, magic);
  // ln 2 in two parts: n·LN2_HI is exact for |n| <= 128, so r loses nothing to cancellation.
  const r = f32x4.sub(f32x4.sub(xc, f32x4.mul(n, f32x4.splat(0.693359375))), f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.0 / 5040);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 720));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 120));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 24));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 6));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(0.5));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1));
  // 2^(n-1) (n <= 128 fits the exponent field), then ×2: the overflow to Infinity happens in that product.
  const half = i32x4.shl(i32x4.add(i32x4.sub(shifted, magic), i32x4.splat(126)), 23);
  let y = f32x4.mul(f32x4.mul(p, half), f32x4.splat(2));
  y = v128.bitselect(f32x4.splat(0), y, f32x4.lt(x, f32x4.splat(-86.6)));
  return v128.bitselect(x, y, f32x4.ne(x, x));
}

/**
 * tanh(x) in float32, within a few ulp: 1 - 2 / (e^2|x| + 1) with the sign of x, and for |x| < 0.5
 * (where that form would cancel) m / (m + 2) with m = e^2|x| - 1 from its Taylor series. Infinities
 * give ±1, NaN stays NaN, -0 stays -0.
 */
@inline function tanhVector(x: v128): v128 {
  const ax = f32x4.abs(x);
  const twice = f32x4.add(ax, ax);
  const large = f32x4.sub(f32x4.splat(1), f32x4.div(f32x4.splat(2), f32x4.add(expVector(twice), f32x4.splat(1))));
  // e^r - 1 = r (1 + r/2 + r²/6 + … + r⁸/9!) for r = 2|x| < 1, without the cancellation of e^r - 1.
  let q = f32x4.splat(1.0 / 362880);
  q = f32x4.add(f32x4.mul(q, twice), f32x4.splat(1.0 / 40320));
  q = f32x4.add(f32x4.mul(q, twice), f32x4.splat(1.0 / 5040));
  q = f32x4.add(f32x4.mul(q, twice), f32x4.splat(1.0 / 720));
  q = f32x4.add(f32x4.mul(q, twice), f32x4.splat(1.0 / 120));
  q = f32x4.add(f32x4.mul(q, twice), f32x4.splat(1.0 / 24));
  q = f32x4.add(f32x4.mul(q, twice), f32x4.splat(1.0 / 6));
  q = f32x4.add(f32x4.mul(q, twice), f32x4.splat(0.5));
  q = f32x4.add(f32x4.mul(q, twice), f32x4.splat(1));
  const m = f32x4.mul(twice, q);
  const small = f32x4.div(m, f32x4.add(m, f32x4.splat(2)));
  const t = v128.bitselect(small, large, f32x4.lt(ax, f32x4.splat(0.5)));
  // |tanh| with x's sign bit (NaN keeps its payload through either branch).
  return v128.or(t, v128.and(x, i32x4.splat(0x80000000)));
}

@inline export function unaryVector(op: i32, x: v128): v128 {
  if (op == NEG) return f32x4.neg(x);
  if (op == ABS) return f32x4.abs(x);
  if (op == SQRT) return f32x4.sqrt(x);
  if (op == SQUARE) return f32x4.mul(x, x);
  if (op == RECIPROCAL) return f32x4.div(f32x4.splat(1), x);
  // pmax(x, 0) is `x < 0 ? 0 : x` in one instruction: NaN stays NaN and -0 stays -0, as in the reference.
  if (op == RELU) return f32x4.pmax(x, f32x4.splat(0));
  if (op == FLOOR) return f32x4.floor(x);
  if (op == CEIL) return f32x4.ceil(x);
  if (op == EXP) return expVector(x);
  // 1 / (1 + e^-x): e^-x overflows to Infinity for very negative x, giving 0 as it should.
  if (op == SIGMOID) return f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), expVector(f32x4.neg(x))));
  if (op == TANH) return tanhVector(x);
  return f32x4.nearest(x);
}

function sigmoid(x: f64): f64 {
  // NOTE: exp(-x) overflows for very negative x; this form never divides inf by inf.
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

// Transcendental functions are computed in float64 and rounded once, as the reference backend does.
@inline export function unaryScalar(op: i32, x: f32): f32 {
  const d = <f64>x;
  if (op == NEG) return -x;
  if (op == ABS) return Mathf.abs(x);
  if (op == SIGN) return x > 0 ? 1 : x < 0 ? -1 : x;
  if (op == SQRT) return Mathf.sqrt(x);
  if (op == SQUARE) return x * x;
  if (op == RECIPROCAL) return 1 / x;
  if (op == EXP) return <f32>Math.exp(d);
  if (op == EXPM1) return <f32>Math.expm1(d);
  if (op == LOG) return <f32>Math.log(d);
  if (op == LOG1P) return <f32>Math.log1p(d);
  if (op == RELU) return x < 0 ? 0 : x;
  if (op == SIGMOID) return <f32>sigmoid(d);
  if (op == TANH) return <f32>Math.tanh(d);
  if (op == SIN) return <f32>Math.sin(d);
  if (op == COS) return <f32>Math.cos(d);
  if (op == FLOOR) return Mathf.floor(x);
  if (op == CEIL) return Mathf.ceil(x);
  return nearest<f32>(x);
}

@inline function unaryLoop(op: i32, x: usize, out: usize, n: i32): void {
  let i = 0;
  if (unaryHasVector(op)) {
    for (; i + 4 <= n; i += 4) {
      const at = <usize>i << 2;
      v128.store(out + at, unaryVector(op, v128.load(x + at)));
    }
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    store<f32>(out + at, unaryScalar(op, load<f32>(x + at)));
  }
}

/** `out[i] = op(x[i])` for `n` float32 values. */
export function unaryF32(op: i32, x: usize, out: usize, n: i32): void {
  switch (op) {
    case NEG: unaryLoop(NEG, x, out, n); break;
    case ABS: unaryLoop(ABS, x, out, n); break;
    case SIGN: unaryLoop(SIGN, x, out, n); break;
    case SQRT: unaryLoop(SQRT, x, out, n); break;
    case SQUARE: unaryLoop(SQUARE, x, out, n); break;
    case RECIPROCAL: unaryLoop(RECIPROCAL, x, out, n); break;
    case EXP: unaryLoop(EXP, x, out, n); break;
    case EXPM1: unaryLoop(EXPM1, x, out, n); break;
    case LOG: unaryLoop(LOG, x, out, n); break;
    case LOG1P: unaryLoop(LOG1P, x, out, n); break;
    case RELU: unaryLoop(RELU, x, out, n); break;
    case SIGMOID: unaryLoop(SIGMOID, x, out, n); break;
    case TANH: unaryLoop(TANH, x, out, n); break;
    case SIN: unaryLoop(SIN, x, out, n); break;
    case COS: unaryLoop(COS, x, out, n); break;
    case FLOOR: unaryLoop(FLOOR, x, out, n); break;
    case CEIL: unaryLoop(CEIL, x, out, n); break;
    default: unaryLoop(ROUND, x, out, n);
  }
}

// ---- binary ----

@inline function binaryHasVector(op: i32): bool {
  return op == ADD || op == SUB || op == MUL || op == DIV || op == MAXIMUM || op == MINIMUM || op == RELU_GRAD;
}

@inline export function binaryVector(op: i32, a: v128, b: v128): v128 {
  if (op == ADD) return f32x4.add(a, b);
  if (op == SUB) return f32x4.sub(a, b);
  if (op == MUL) return f32x4.mul(a, b);
  if (op == DIV) return f32x4.div(a, b);
  // The reference keeps `a` where a >= b or a is NaN (so -0 vs 0 and NaN come out the same).
  if (op == MAXIMUM) return v128.bitselect(a, b, v128.or(f32x4.ge(a, b), f32x4.ne(a, a)));
  // a · 1, a · 0 or a · NaN (not a select: an infinite or NaN a times 0 gives NaN, as in the reference).
  // The step is 1.0's bits where b > 0, and b's own bits where b is NaN.
  if (op == RELU_GRAD) {
    const step = v128.or(v128.and(f32x4.gt(b, f32x4.splat(0)), f32x4.splat(1)), v128.and(f32x4.ne(b, b), b));
    return f32x4.mul(a, step);
  }
  return v128.bitselect(a, b, v128.or(f32x4.le(a, b), f32x4.ne(a, a)));
}

@inline export function binaryScalar(op: i32, a: f32, b: f32): f32 {
  if (op == ADD) return a + b;
  if (op == SUB) return a - b;
  if (op == MUL) return a * b;
  if (op == DIV) return a / b;
  if (op == MAXIMUM) return a >= b || a != a ? a : b;
  if (op == MINIMUM) return a <= b || a != a ? a : b;
  if (op == RELU_GRAD) return a * (b > 0 ? <f32>1 : b <= 0 ? <f32>0 : b);
  const x = <f64>a;
  const y = <f64>b;
  if (op == POW) return <f32>Math.pow(x, y);
  if (op == MOD) return <f32>(x - Math.floor(x / y) * y);
  if (op == FLOOR_DIV) return <f32>Math.floor(x / y);
  if (op == EQUAL) return a == b ? 1 : 0;
  if (op == NOT_EQUAL) return a != b ? 1 : 0;
  if (op == GREATER) return a > b ? 1 : 0;
  if (op == GREATER_EQUAL) return a >= b ? 1 : 0;
  if (op == LESS) return a < b ? 1 : 0;
  if (op == LESS_EQUAL) return a <= b ? 1 : 0;
  if (op == LOGICAL_AND) return a != 0 && b != 0 ? 1 : 0;
  return a != 0 || b != 0 ? 1 : 0;
}

@inline function compareHasVector(op: i32): bool {
  return op >= EQUAL && op <= LESS_EQUAL;
}

// Lane masks of a comparison; NaN compares as the scalar operators do (only "not equal" holds).
@inline function compareVector(op: i32, a: v128, b: v128): v128 {
  if (op == EQUAL) return f32x4.eq(a, b);
  if (op == NOT_EQUAL) return f32x4.ne(a, b);
  if (op == GREATER) return f32x4.gt(a, b);
  if (op == GREATER_EQUAL) return f32x4.ge(a, b);
  if (op == LESS) return f32x4.lt(a, b);
  return f32x4.le(a, b);
}

@inline function isComparison(op: i32): bool {
  return op >= EQUAL;
}

// One contiguous run of the output; sa and sb are the operands' strides along it (0 where broadcast).
@inline function binaryRow(op: i32, a: usize, b: usize, out: usize, n: i32, sa: i32, sb: i32): void {
  let i = 0;
  if (isComparison(op)) {
    if (compareHasVector(op) && sa == 1 && (sb == 0 || sb == 1)) {
      // 16 results per pass: four lane masks (all ones or zeros) narrowed to bytes, then masked to 0 / 1.
      const one = i8x16.splat(1);
      const bStep: usize = sb == 1 ? 16 : 0;
      for (; i + 16 <= n; i += 16) {
        const pa = a + (<usize>i << 2);
        const pb = b + (<usize>(i * sb) << 2);
        const bv0 = sb == 1 ? v128.load(pb) : v128.load32_splat(pb);
        const m0 = compareVector(op, v128.load(pa), bv0);
        const m1 = compareVector(op, v128.load(pa, 16), sb == 1 ? v128.load(pb + bStep) : bv0);
        const m2 = compareVector(op, v128.load(pa, 32), sb == 1 ? v128.load(pb + 2 * bStep) : bv0);
        const m3 = compareVector(op, v128.load(pa, 48), sb == 1 ? v128.load(pb + 3 * bStep) : bv0);
        const bytes = i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(m0, m1), i16x8.narrow_i32x4_s(m2, m3));
        v128.store(out + <usize>i, v128.and(bytes, one));
      }
    }
    for (; i < n; i++) {
      store<u8>(out + <usize>i, <u8>binaryScalar(op, load<f32>(a + (<usize>(i * sa) << 2)), load<f32>(b + (<usize>(i * sb) << 2))));
    }
    return;
  }
  if (binaryHasVector(op)) {
    if (sa == 1 && sb == 1) {
      for (; i + 4 <= n; i += 4) {
        const at = <usize>i << 2;
        v128.store(out + at, binaryVector(op, v128.load(a + at), v128.load(b + at)));
      }
    } else if (sa == 1 && sb == 0) {
      const bv = v128.load32_splat(b);
      for (; i + 4 <= n; i += 4) {
        const at = <usize>i << 2;
        v128.store(out + at, binaryVector(op, v128.load(a + at), bv));
      }
    } else if (sa == 0 && sb == 1) {
      const av = v128.load32_splat(a);
      for (; i + 4 <= n; i += 4) {
        const at = <usize>i << 2;
        v128.store(out + at, binaryVector(op, av, v128.load(b + at)));
      }
    }
  }
  for (; i < n; i++) {
    store<f32>(out + (<usize>i << 2), binaryScalar(op, load<f32>(a + (<usize>(i * sa) << 2)), load<f32>(b + (<usize>(i * sb) << 2))));
  }
}

// Marker types, one per binary op: a loop instantiated for each is compiled with its op fixed.
// NOTE: passing the op as a constant to an @inline loop does not work here: binaryen merges the
// inlined copies back into one loop that tests the op for every vector.
class Add {}
class Sub {}
class Mul {}
class Div {}
class Pow {}
class Maximum {}
class Minimum {}
class Mod {}
class FloorDiv {}
class ReluGrad {}
class Equal {}
class NotEqual {}
class Greater {}
class GreaterEqual {}
class Less {}
class LessEqual {}
class LogicalAnd {}
class LogicalOr {}

@inline function codeOf<O>(): i32 {
  if (idof<O>() == idof<Add>()) return ADD;
  if (idof<O>() == idof<Sub>()) return SUB;
  if (idof<O>() == idof<Mul>()) return MUL;
  if (idof<O>() == idof<Div>()) return DIV;
  if (idof<O>() == idof<Pow>()) return POW;
  if (idof<O>() == idof<Maximum>()) return MAXIMUM;
  if (idof<O>() == idof<Minimum>()) return MINIMUM;
  if (idof<O>() == idof<Mod>()) return MOD;
  if (idof<O>() == idof<FloorDiv>()) return FLOOR_DIV;
  if (idof<O>() == idof<ReluGrad>()) return RELU_GRAD;
  if (idof<O>() == idof<Equal>()) return EQUAL;
  if (idof<O>() == idof<NotEqual>()) return NOT_EQUAL;
  if (idof<O>() == idof<Greater>()) return GREATER;
  if (idof<O>() == idof<GreaterEqual>()) return GREATER_EQUAL;
  if (idof<O>() == idof<Less>()) return LESS;
  if (idof<O>() == idof<LessEqual>()) return LESS_EQUAL;
  if (idof<O>() == idof<LogicalAnd>()) return LOGICAL_AND;
  return LOGICAL_OR;
}

// The output is [d0, d1, d2, d3] (contiguous); a and b are read with element strides (0 on broadcast axes).
function binaryLoop<O>(
  a: usize, b: usize, out: usize, d0: i32, d1: i32, d2: i32, d3: i32,
  a0: i32, a1: i32, a2: i32, a3: i32, b0: i32, b1: i32, b2: i32, b3: i32,
): void {
  const op = codeOf<O>();
  const outShift: usize = isComparison(op) ? 0 : 2;
  let o = 0;
  for (let i0 = 0; i0 < d0; i0++) {
    for (let i1 = 0; i1 < d1; i1++) {
      for (let i2 = 0; i2 < d2; i2++) {
        const pa = a + (<usize>(i0 * a0 + i1 * a1 + i2 * a2) << 2);
        const pb = b + (<usize>(i0 * b0 + i1 * b1 + i2 * b2) << 2);
        binaryRow(op, pa, pb, out + (<usize>o << outShift), d3, a3, b3);
        o += d3;
      }
    }
  }
}

/**
 * `out = op(a, b)` on float32 operands broadcast to the output [d0, d1, d2, d3]; arithmetic writes
 * float32, comparisons write bytes (bool).
 */
export function binaryF32(
  op: i32, a: usize, b: usize, out: usize, d0: i32, d1: i32, d2: i32, d3: i32,
  a0: i32, a1: i32, a2: i32, a3: i32, b0: i32, b1: i32, b2: i32, b3: i32,
): void {
  switch (op) {
    case ADD: binaryLoop<Add>(a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3); break;
    case SUB: binaryLoop<Sub>(a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3); break;
    case MUL: binaryLoop<Mul>(a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3); break;
    case DIV: binaryLoop<Div>(a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3); break;
    case POW: binaryLoop<Pow>(a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3); break;
    case MAXIMUM: binaryLoop<Maximum>(a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3); break;
    case MINIMUM: binaryLoop<Minimum>(a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3); break;
    case MOD: binaryLoop<Mod>(a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3); break;
    case FLOOR_DIV: binaryLoop<FloorDiv>(a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3); break;
    case RELU_GRAD: binaryLoop<ReluGrad>(a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3); break;
    case EQUAL: binaryLoop<Equal>(a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3); break;
    case NOT_EQUAL: binaryLoop<NotEqual>(a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3); break;
    case GREATER: binaryLoop<Greater>(a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3); break;
    case GREATER_EQUAL: binaryLoop<GreaterEqual>(a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3); break;
    case LESS: binaryLoop<Less>(a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3); break;
    case LESS_EQUAL: binaryLoop<LessEqual>(a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3); break;
    case LOGICAL_AND: binaryLoop<LogicalAnd>(a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3); break;
    default: binaryLoop<LogicalOr>(a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3);
  }
}

// ---- where and casts ----

/**
 * `out = cond ? a : b` for 4-byte elements, the output [d0, d1, d2, d3] contiguous, cond (bytes), a
 * and b read with element strides (0 on broadcast axes).
 */
export function where32(
  cond: usize, a: usize, b: usize, out: usize, d0: i32, d1: i32, d2: i32, d3: i32,
  c0: i32, c1: i32, c2: i32, c3: i32, a0: i32, a1: i32, a2: i32, a3: i32, b0: i32, b1: i32, b2: i32, b3: i32,
): void {
  let o: usize = out;
  for (let i0 = 0; i0 < d0; i0++) {
    for (let i1 = 0; i1 < d1; i1++) {
      for (let i2 = 0; i2 < d2; i2++) {
        const pc = cond + <usize>(i0 * c0 + i1 * c1 + i2 * c2);
        const pa = a + (<usize>(i0 * a0 + i1 * a1 + i2 * a2) << 2);
        const pb = b + (<usize>(i0 * b0 + i1 * b1 + i2 * b2) << 2);
        for (let i = 0; i < d3; i++) {
          const c = load<u8>(pc + <usize>(i * c3));
          store<u32>(o, c ? load<u32>(pa + (<usize>(i * a3) << 2)) : load<u32>(pb + (<usize>(i * b3) << 2)));
          o += 4;
        }
      }
    }
  }
}

/** Converts `n` elements: bytes (bool or uint8) or int32 to float32, or float32 to bool (nonzero and NaN become true). */
export function cast(kind: i32, x: usize, out: usize, n: i32): void {
  let i = 0;
  if (kind == BOOL_TO_FLOAT32) {
    for (; i + 8 <= n; i += 8) {
      const wide = v128.load8x8_u(x + <usize>i);
      const at = <usize>i << 2;
      v128.store(out + at, f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(wide)));
      v128.store(out + at, f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(wide)), 16);
    }
    for (; i < n; i++) store<f32>(out + (<usize>i << 2), <f32>load<u8>(x + <usize>i));
  } else if (kind == INT32_TO_FLOAT32) {
    for (; i + 4 <= n; i += 4) {
      const at = <usize>i << 2;
      v128.store(out + at, f32x4.convert_i32x4_s(v128.load(x + at)));
    }
    for (; i < n; i++) store<f32>(out + (<usize>i << 2), <f32>load<i32>(x + (<usize>i << 2)));
  } else if (kind == FLOAT32_TO_BOOL) {
    for (; i < n; i++) store<u8>(out + <usize>i, load<f32>(x + (<usize>i << 2)) != 0 ? 1 : 0);
  }
}
