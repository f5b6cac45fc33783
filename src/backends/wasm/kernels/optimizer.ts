import { ADAM_RULE, SGD_RULE } from './codes';

// Optimizer steps in one pass: each element of the parameter, its gradient and its slots is read once and
// the new values written once. Every operation is rounded to float32 in the reference's order, so results
// equal the op-by-op formula bit for bit (see UpdateRule in src/core/backend.ts).

// `a >= b || a is NaN ? a : b`, the reference's maximum.
@inline function maxVector(a: v128, b: v128): v128 {
  return v128.bitselect(a, b, v128.or(f32x4.ge(a, b), f32x4.ne(a, a)));
}

@inline function maxScalar(a: f32, b: f32): f32 {
  return a >= b || a != a ? a : b;
}

/** Adam: slots m and v (and vHat when `vHat` is nonzero); c1 = 1 - beta1, c2 = 1 - beta2. */
export function adamF32(
  w: usize, g: usize, m: usize, v: usize, vHat: usize, outW: usize, outM: usize, outV: usize, outVHat: usize,
  n: i32, alpha: f32, c1: f32, c2: f32, eps: f32,
): void {
  const va = f32x4.splat(alpha);
  const v1 = f32x4.splat(c1);
  const v2 = f32x4.splat(c2);
  const ve = f32x4.splat(eps);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    const gi = v128.load(g + at);
    const mi = v128.load(m + at);
    const vi = v128.load(v + at);
    const m2 = f32x4.add(mi, f32x4.mul(f32x4.sub(gi, mi), v1));
    const v2n = f32x4.add(vi, f32x4.mul(f32x4.sub(f32x4.mul(gi, gi), vi), v2));
    let second = v2n;
    if (vHat != 0) {
      second = maxVector(v128.load(vHat + at), v2n);
      v128.store(outVHat + at, second);
    }
    v128.store(outM + at, m2);
    v128.store(outV + at, v2n);
    const step = f32x4.div(f32x4.mul(m2, va), f32x4.add(f32x4.sqrt(second), ve));
    v128.store(outW + at, f32x4.sub(v128.load(w + at), step));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    const gi = load<f32>(g + at);
    const mi = load<f32>(m + at);
    const vi = load<f32>(v + at);
    const m2 = mi + (gi - mi) * c1;
    const v2n = vi + (gi * gi - vi) * c2;
    let second = v2n;
    if (vHat != 0) {
      second = maxScalar(load<f32>(vHat + at), v2n);
      store<f32>(outVHat + at, second);
    }
    store<f32>(outM + at, m2);
    store<f32>(outV + at, v2n);
    store<f32>(outW + at, load<f32>(w + at) - (m2 * alpha) / (Mathf.sqrt(second) + eps));
  }
}

/** SGD: `mom` is 0 without momentum (then `outM` is unused). */
export function sgdF32(w: usize, g: usize, mom: usize, outW: usize, outM: usize, n: i32, lr: f32, momentum: f32, nesterov: bool): void {
  const vl = f32x4.splat(lr);
  const vm = f32x4.splat(momentum);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    const step = f32x4.mul(v128.load(g + at), vl);
    if (mom == 0) {
      v128.store(outW + at, f32x4.sub(v128.load(w + at), step));
      continue;
    }
    const m2 = f32x4.sub(f32x4.mul(v128.load(mom + at), vm), step);
    v128.store(outM + at, m2);
    const delta = nesterov ? f32x4.sub(f32x4.mul(m2, vm), step) : m2;
    v128.store(outW + at, f32x4.add(v128.load(w + at), delta));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    const step = load<f32>(g + at) * lr;
    if (mom == 0) {
      store<f32>(outW + at, load<f32>(w + at) - step);
      continue;
    }
    const m2 = load<f32>(mom + at) * momentum - step;
    store<f32>(outM + at, m2);
    store<f32>(outW + at, load<f32>(w + at) + (nesterov ? m2 * momentum - step : m2));
  }
}

/** RMSprop: `mom` is 0 without momentum, `avg` 0 unless centered; c = 1 - rho. */
export function rmspropF32(
  w: usize, g: usize, vel: usize, mom: usize, avg: usize, outW: usize, outVel: usize, outMom: usize, outAvg: usize,
  n: i32, lr: f32, rho: f32, c: f32, momentum: f32, eps: f32,
): void {
  const vl = f32x4.splat(lr);
  const vr = f32x4.splat(rho);
  const vc = f32x4.splat(c);
  const vm = f32x4.splat(momentum);
  const ve = f32x4.splat(eps);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    const gi = v128.load(g + at);
    const velocity = f32x4.add(f32x4.mul(v128.load(vel + at), vr), f32x4.mul(f32x4.mul(gi, gi), vc));
    v128.store(outVel + at, velocity);
    let denominator = f32x4.add(velocity, ve);
    if (avg != 0) {
      const average = f32x4.add(f32x4.mul(v128.load(avg + at), vr), f32x4.mul(gi, vc));
      v128.store(outAvg + at, average);
      denominator = f32x4.sub(denominator, f32x4.mul(average, average));
    }
    let step = f32x4.div(f32x4.mul(gi, vl), f32x4.sqrt(denominator));
    if (mom != 0) {
      step = f32x4.add(f32x4.mul(v128.load(mom + at), vm), step);
      v128.store(outMom + at, step);
    }
    v128.store(outW + at, f32x4.sub(v128.load(w + at), step));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    const gi = load<f32>(g + at);
    const velocity = load<f32>(vel + at) * rho + gi * gi * c;
    store<f32>(outVel + at, velocity);
    let denominator = velocity + eps;
    if (avg != 0) {
      const average = load<f32>(avg + at) * rho + gi * c;
      store<f32>(outAvg + at, average);
      denominator = denominator - average * average;
    }
    let step = (gi * lr) / Mathf.sqrt(denominator);
    if (mom != 0) {
      step = load<f32>(mom + at) * momentum + step;
      store<f32>(outMom + at, step);
    }
    store<f32>(outW + at, load<f32>(w + at) - step);
  }
}

/**
 * The steps of many parameters in one call (most of a model's parameters are too small for a call each to
 * be worth its cost): `table` holds `count` entries of i32s, each one update kernel's pointers then its
 * element count (adam and rmsprop 9 pointers, sgd 5); `rule` says which kernel; h0.. are its hyperparameters.
 */
export function updateGroupF32(rule: i32, table: usize, count: i32, h0: f32, h1: f32, h2: f32, h3: f32, h4: f32): void {
  const stride: usize = rule == SGD_RULE ? 24 : 40;
  for (let e = 0; e < count; e++) {
    const p = table + <usize>e * stride;
    if (rule == SGD_RULE) {
      sgdF32(load<u32>(p), load<u32>(p, 4), load<u32>(p, 8), load<u32>(p, 12), load<u32>(p, 16), load<i32>(p, 20), h0, h1, h2 != 0);
      continue;
    }
    const w = load<u32>(p);
    const g = load<u32>(p, 4);
    const s0 = load<u32>(p, 8);
    const s1 = load<u32>(p, 12);
    const s2 = load<u32>(p, 16);
    const outW = load<u32>(p, 20);
    const o0 = load<u32>(p, 24);
    const o1 = load<u32>(p, 28);
    const o2 = load<u32>(p, 32);
    const n = load<i32>(p, 36);
    if (rule == ADAM_RULE) adamF32(w, g, s0, s1, s2, outW, o0, o1, o2, n, h0, h1, h2, h3);
    else rmspropF32(w, g, s0, s1, s2, outW, o0, o1, o2, n, h0, h1, h2, h3, h4);
  }
}
