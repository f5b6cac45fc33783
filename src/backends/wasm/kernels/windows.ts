// Sliding-window kernels on channels-last float32 images: the im2col copy (and its adjoint, col2im) that
// turns a convolution into one matrix product, and max / average pooling with their gradients, SIMD over
// channels (contiguous in NHWC). Geometry arguments follow Kernels.conv2d: a tap (ky, kx) of output (oy, ox)
// reads input row oy·sy - padTop + ky·dy and column ox·sx - padLeft + kx·dx; taps outside read zeros.

// dst[0..n) = src[0..n) for float32 values: SIMD, as memory.copy costs a runtime call per run.
@inline function copyRun(dst: usize, src: usize, n: i32): void {
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const at = <usize>j << 2;
    v128.store(dst + at, v128.load(src + at));
  }
  for (; j < n; j++) {
    const at = <usize>j << 2;
    store<f32>(dst + at, load<f32>(src + at));
  }
}

// dst[0..n) = 0 for float32 values.
@inline function zeroRun(dst: usize, n: i32): void {
  let j = 0;
  for (; j + 4 <= n; j += 4) v128.store(dst + (<usize>j << 2), i32x4.splat(0));
  for (; j < n; j++) store<f32>(dst + (<usize>j << 2), 0);
}

// dst[0..n) += src[0..n) for float32 values.
@inline function addInto(dst: usize, src: usize, n: i32): void {
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const at = <usize>j << 2;
    v128.store(dst + at, f32x4.add(v128.load(dst + at), v128.load(src + at)));
  }
  for (; j < n; j++) {
    const at = <usize>j << 2;
    store<f32>(dst + at, load<f32>(dst + at) + load<f32>(src + at));
  }
}

/**
 * Writes one row per output pixel of `kh·kw·c` floats (taps in (ky, kx) order, channels inside) to `col`:
 * the input under the pixel's window, zeros where the window leaves the input. Where a window row lies
 * inside the input with unit dilation, its kw·c floats are one contiguous run of the input: one copy.
 */
export function im2colF32(
  x: usize, col: usize, batch: i32, inH: i32, inW: i32, c: i32, outH: i32, outW: i32,
  kh: i32, kw: i32, sy: i32, sx: i32, padTop: i32, padLeft: i32, dy: i32, dx: i32,
): void {
  const run = <usize>c << 2;
  const windowRow = kw * c;
  let to = col;
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * sx - padLeft;
        const inside = dx == 1 && ix0 >= 0 && ix0 + kw <= inW;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sy - padTop + ky * dy;
          if (iy < 0 || iy >= inH) {
            zeroRun(to, windowRow);
          } else {
            const row = x + <usize>((b * inH + iy) * inW) * run;
            if (inside) {
              copyRun(to, row + <usize>ix0 * run, windowRow);
            } else {
              for (let kx = 0; kx < kw; kx++) {
                const ix = ix0 + kx * dx;
                const tap = to + <usize>kx * run;
                if (ix < 0 || ix >= inW) zeroRun(tap, c);
                else copyRun(tap, row + <usize>ix * run, c);
              }
            }
          }
          to += run * <usize>kw;
        }
      }
    }
  }
}

/** The adjoint of im2colF32: `x` (zeroed first) = the sum of every column row's taps at the input pixels they came from. */
export function col2imF32(
  col: usize, x: usize, batch: i32, inH: i32, inW: i32, c: i32, outH: i32, outW: i32,
  kh: i32, kw: i32, sy: i32, sx: i32, padTop: i32, padLeft: i32, dy: i32, dx: i32,
): void {
  const run = <usize>c << 2;
  const windowRow = kw * c;
  memory.fill(x, 0, <usize>(batch * inH * inW) * run);
  let from = col;
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * sx - padLeft;
        const inside = dx == 1 && ix0 >= 0 && ix0 + kw <= inW;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sy - padTop + ky * dy;
          if (iy >= 0 && iy < inH) {
            const row = x + <usize>((b * inH + iy) * inW) * run;
            if (inside) {
              addInto(row + <usize>ix0 * run, from, windowRow);
            } else {
              for (let kx = 0; kx < kw; kx++) {
                const ix = ix0 + kx * dx;
                if (ix >= 0 && ix < inW) addInto(row + <usize>ix * run, from + <usize>kx * run, c);
              }
            }
          }
          from += run * <usize>kw;
        }
      }
    }
  }
}

/** Pooling operators, in the order of the PoolOp union. */
const MAX_POOL = 0;

// The window of output (oy, ox) clipped to the input: [y0, y1) × [x0, x1).
@inline function firstTap(o: i32, stride: i32, pad: i32): i32 {
  return max(o * stride - pad, 0);
}
@inline function endTap(o: i32, stride: i32, pad: i32, k: i32, size: i32): i32 {
  return min(o * stride - pad + k, size);
}

/** `out` [batch, outH, outW, c] = the maximum (op 0) or the average of `x` over each window's taps inside the input. */
export function poolF32(
  op: i32, x: usize, out: usize, batch: i32, inH: i32, inW: i32, c: i32, outH: i32, outW: i32,
  kh: i32, kw: i32, sy: i32, sx: i32, padTop: i32, padLeft: i32,
): void {
  const run = <usize>c << 2;
  let to = out;
  for (let b = 0; b < batch; b++) {
    const image = x + <usize>(b * inH * inW) * run;
    for (let oy = 0; oy < outH; oy++) {
      const y0 = firstTap(oy, sy, padTop);
      const y1 = endTap(oy, sy, padTop, kh, inH);
      for (let ox = 0; ox < outW; ox++) {
        const x0 = firstTap(ox, sx, padLeft);
        const x1 = endTap(ox, sx, padLeft, kw, inW);
        const count = <f32>(max(y1 - y0, 0) * max(x1 - x0, 0));
        let k = 0;
        for (; k + 4 <= c; k += 4) {
          const lane = <usize>k << 2;
          let acc = op == MAX_POOL ? f32x4.splat(-Infinity) : f32x4.splat(0);
          // Lanes whose window holds a NaN: their maximum is NaN, as in the reference.
          let nan = i32x4.splat(0);
          for (let iy = y0; iy < y1; iy++) {
            for (let ix = x0; ix < x1; ix++) {
              const v = v128.load(image + <usize>(iy * inW + ix) * run + lane);
              if (op == MAX_POOL) {
                // NOTE: pmax(acc, v) is `acc < v ? v : acc`, one instruction (max's NaN rule costs several),
                // and keeps the first of equal values; the NaNs it skips are collected apart, one `or` a tap.
                acc = f32x4.pmax(acc, v);
                nan = v128.or(nan, f32x4.ne(v, v));
              } else {
                acc = f32x4.add(acc, v);
              }
            }
          }
          v128.store(to + lane, op == MAX_POOL ? v128.bitselect(f32x4.splat(NaN), acc, nan) : f32x4.div(acc, f32x4.splat(count)));
        }
        for (; k < c; k++) {
          const lane = <usize>k << 2;
          let acc: f32 = op == MAX_POOL ? -Infinity : 0;
          for (let iy = y0; iy < y1; iy++) {
            for (let ix = x0; ix < x1; ix++) {
              const v = load<f32>(image + <usize>(iy * inW + ix) * run + lane);
              if (op == MAX_POOL) {
                if (v > acc || v != v) acc = v;
              } else {
                acc += v;
              }
            }
          }
          store<f32>(to + lane, op == MAX_POOL ? acc : acc / count);
        }
        to += run;
      }
    }
  }
}

// Adds `value` to the float `at` bytes past grad, unless nothing won (at < 0).
@inline function addWinner(grad: usize, at: i32, value: f32): void {
  if (at >= 0) store<f32>(grad + <usize>at, load<f32>(grad + <usize>at) + value);
}

/**
 * `dx` (zeroed first) = each `dy` element added at the first maximum of its window in `x` (strictly greater
 * wins). The first NaN of a window wins outright and receives NaN instead of `dy`, as in the reference.
 */
export function maxPoolGradF32(
  dyp: usize, x: usize, dx: usize, batch: i32, inH: i32, inW: i32, c: i32, outH: i32, outW: i32,
  kh: i32, kw: i32, sy: i32, sx: i32, padTop: i32, padLeft: i32,
): void {
  const run = <usize>c << 2;
  memory.fill(dx, 0, <usize>(batch * inH * inW) * run);
  let from = dyp;
  for (let b = 0; b < batch; b++) {
    const offset = <usize>(b * inH * inW) * run;
    const image = x + offset;
    const grad = dx + offset;
    for (let oy = 0; oy < outH; oy++) {
      const y0 = firstTap(oy, sy, padTop);
      const y1 = endTap(oy, sy, padTop, kh, inH);
      for (let ox = 0; ox < outW; ox++) {
        const x0 = firstTap(ox, sx, padLeft);
        const x1 = endTap(ox, sx, padLeft, kw, inW);
        let k = 0;
        for (; k + 4 <= c; k += 4) {
          const lane = <usize>k << 2;
          let best = f32x4.splat(-Infinity);
          // Byte offset of each lane's winner from the image start; -1 where nothing won.
          let where = i32x4.splat(-1);
          if (y0 < y1 && x0 < x1) {
            // The first tap wins to begin with (a window of -Infinity still has a maximum to take dy);
            // the loop below visits it again, and it cannot beat itself.
            const at = <i32>(<usize>(y0 * inW + x0) * run + lane);
            best = v128.load(image + <usize>at);
            where = i32x4.add(i32x4.splat(at), i32x4(0, 4, 8, 12));
          }
          for (let iy = y0; iy < y1; iy++) {
            for (let ix = x0; ix < x1; ix++) {
              const at = <i32>(<usize>(iy * inW + ix) * run + lane);
              const v = v128.load(image + <usize>at);
              // v wins where it is greater or NaN, unless a NaN already won: best == best and not v <= best.
              const wins = v128.andnot(f32x4.eq(best, best), f32x4.le(v, best));
              best = v128.bitselect(v, best, wins);
              where = v128.bitselect(i32x4.add(i32x4.splat(at), i32x4(0, 4, 8, 12)), where, wins);
            }
          }
          const value = v128.bitselect(best, v128.load(from + lane), f32x4.ne(best, best));
          addWinner(grad, i32x4.extract_lane(where, 0), f32x4.extract_lane(value, 0));
          addWinner(grad, i32x4.extract_lane(where, 1), f32x4.extract_lane(value, 1));
          addWinner(grad, i32x4.extract_lane(where, 2), f32x4.extract_lane(value, 2));
          addWinner(grad, i32x4.extract_lane(where, 3), f32x4.extract_lane(value, 3));
        }
        for (; k < c; k++) {
          const lane = <usize>k << 2;
          let best: f32 = -Infinity;
          let where = -1;
          for (let iy = y0; iy < y1; iy++) {
            for (let ix = x0; ix < x1; ix++) {
              const at = <i32>(<usize>(iy * inW + ix) * run + lane);
              const v = load<f32>(image + <usize>at);
              if (where < 0 || v > best || (v != v && best == best)) {
                best = v;
                where = at;
              }
            }
          }
          addWinner(grad, where, best != best ? best : load<f32>(from + lane));
        }
        from += run;
      }
    }
  }
}

/** `dx` (zeroed first) = each `dy` element shared equally by its window's taps inside the input. */
export function avgPoolGradF32(
  dyp: usize, dx: usize, batch: i32, inH: i32, inW: i32, c: i32, outH: i32, outW: i32,
  kh: i32, kw: i32, sy: i32, sx: i32, padTop: i32, padLeft: i32,
): void {
  const run = <usize>c << 2;
  memory.fill(dx, 0, <usize>(batch * inH * inW) * run);
  let from = dyp;
  for (let b = 0; b < batch; b++) {
    const grad = dx + <usize>(b * inH * inW) * run;
    for (let oy = 0; oy < outH; oy++) {
      const y0 = firstTap(oy, sy, padTop);
      const y1 = endTap(oy, sy, padTop, kh, inH);
      for (let ox = 0; ox < outW; ox++) {
        const x0 = firstTap(ox, sx, padLeft);
        const x1 = endTap(ox, sx, padLeft, kw, inW);
        const share: f32 = 1 / <f32>(max(y1 - y0, 0) * max(x1 - x0, 0));
        const vshare = f32x4.splat(share);
        for (let iy = y0; iy < y1; iy++) {
          for (let ix = x0; ix < x1; ix++) {
            const to = grad + <usize>(iy * inW + ix) * run;
            let k = 0;
            for (; k + 4 <= c; k += 4) {
              const at = <usize>k << 2;
              v128.store(to + at, f32x4.add(v128.load(to + at), f32x4.mul(v128.load(from + at), vshare)));
            }
            for (; k < c; k++) {
              const at = <usize>k << 2;
              store<f32>(to + at, load<f32>(to + at) + load<f32>(from + at) * share);
            }
          }
        }
        from += run;
      }
    }
  }
}
