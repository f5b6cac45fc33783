// Sliding-window kernels on channels-last float32 images: the im2col copy (and its adjoint, col2im) that
// turns a convolution into one matrix product, and max / average pooling with their gradients, SIMD over
// channels (contiguous in NHWC). Geometry arguments follow Kernels.conv2d: a tap (ky, kx) of output (oy, ox)
// reads input row oy·sy - padTop + ky·dy and column ox·sx - padLeft + kx·dx; taps outside read zeros.
import { MAX_POOL } from './codes';

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

// Moves n floats between an im2col row and the input: a copy into the row (im2col), or added back (col2im).
@inline function moveRun(toCol: bool, colAt: usize, xAt: usize, n: i32): void {
  if (toCol) copyRun(colAt, xAt, n);
  else addInto(xAt, colAt, n);
}

/**
 * Walks the im2col rows of `col`, one per output pixel, `kh·kw·c` floats each (taps in (ky, kx) order,
 * channels inside), beside the input taps they hold: `toCol` copies the input into them (zeros where the
 * window leaves the input), else they are added back into the input. Where a window row lies inside the
 * input with unit dilation, its kw·c floats are one contiguous run of the input: one move.
 */
@inline function walkColumns(
  toCol: bool, x: usize, col: usize, batch: i32, inH: i32, inW: i32, c: i32, outH: i32, outW: i32,
  kh: i32, kw: i32, sy: i32, sx: i32, padTop: i32, padLeft: i32, dy: i32, dx: i32,
): void {
  const run = <usize>c << 2;
  const windowRow = kw * c;
  let at = col;
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * sx - padLeft;
        const inside = dx == 1 && ix0 >= 0 && ix0 + kw <= inW;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sy - padTop + ky * dy;
          if (iy < 0 || iy >= inH) {
            if (toCol) zeroRun(at, windowRow);
          } else {
            const row = x + <usize>((b * inH + iy) * inW) * run;
            if (inside) {
              moveRun(toCol, at, row + <usize>ix0 * run, windowRow);
            } else {
              for (let kx = 0; kx < kw; kx++) {
                const ix = ix0 + kx * dx;
                const tap = at + <usize>kx * run;
                if (ix >= 0 && ix < inW) moveRun(toCol, tap, row + <usize>ix * run, c);
                else if (toCol) zeroRun(tap, c);
              }
            }
          }
          at += run * <usize>kw;
        }
      }
    }
  }
}

/** Writes the im2col rows of `x` to `col`: the input under each output pixel's window, zeros outside the input. */
export function im2colF32(
  x: usize, col: usize, batch: i32, inH: i32, inW: i32, c: i32, outH: i32, outW: i32,
  kh: i32, kw: i32, sy: i32, sx: i32, padTop: i32, padLeft: i32, dy: i32, dx: i32,
): void {
  walkColumns(true, x, col, batch, inH, inW, c, outH, outW, kh, kw, sy, sx, padTop, padLeft, dy, dx);
}

/** The adjoint of im2colF32: `x` (zeroed first) = the sum of every column row's taps at the input pixels they came from. */
export function col2imF32(
  col: usize, x: usize, batch: i32, inH: i32, inW: i32, c: i32, outH: i32, outW: i32,
  kh: i32, kw: i32, sy: i32, sx: i32, padTop: i32, padLeft: i32, dy: i32, dx: i32,
): void {
  memory.fill(x, 0, <usize>(batch * inH * inW) * (<usize>c << 2));
  walkColumns(false, x, col, batch, inH, inW, c, outH, outW, kh, kw, sy, sx, padTop, padLeft, dy, dx);
}

// What the pooling walker does at each window; a constant in each exported kernel, so that each gets its own loop.
const MAX_FORWARD = 0;
const AVG_FORWARD = 1;
const MAX_GRAD = 2;
const AVG_GRAD = 3;

// The window of output (oy, ox) clipped to the input: [y0, y1) × [x0, x1).
@inline function firstTap(o: i32, stride: i32, pad: i32): i32 {
  return max(o * stride - pad, 0);
}
@inline function endTap(o: i32, stride: i32, pad: i32, k: i32, size: i32): i32 {
  return min(o * stride - pad + k, size);
}

/**
 * Walks the pooling windows of each image in output order, calling the window body that `mode` names with
 * the image, its gradient and the window's output (forward) or `dy` (gradients) element. Gradients are
 * accumulated, so `grad` is zeroed first.
 */
@inline function walkPools(
  mode: i32, x: usize, perPixel: usize, grad: usize, batch: i32, inH: i32, inW: i32, c: i32, outH: i32, outW: i32,
  kh: i32, kw: i32, sy: i32, sx: i32, padTop: i32, padLeft: i32,
): void {
  const run = <usize>c << 2;
  if (mode == MAX_GRAD || mode == AVG_GRAD) memory.fill(grad, 0, <usize>(batch * inH * inW) * run);
  let at = perPixel;
  for (let b = 0; b < batch; b++) {
    const offset = <usize>(b * inH * inW) * run;
    for (let oy = 0; oy < outH; oy++) {
      const y0 = firstTap(oy, sy, padTop);
      const y1 = endTap(oy, sy, padTop, kh, inH);
      for (let ox = 0; ox < outW; ox++) {
        const x0 = firstTap(ox, sx, padLeft);
        const x1 = endTap(ox, sx, padLeft, kw, inW);
        if (mode == MAX_FORWARD || mode == AVG_FORWARD) poolWindow(mode, x + offset, at, inW, c, y0, y1, x0, x1);
        else if (mode == MAX_GRAD) maxGradWindow(x + offset, grad + offset, at, inW, c, y0, y1, x0, x1);
        else avgGradWindow(grad + offset, at, inW, c, y0, y1, x0, x1);
        at += run;
      }
    }
  }
}

// `to` [c] = the maximum or the average of `image` over the taps [y0, y1) × [x0, x1).
@inline function poolWindow(mode: i32, image: usize, to: usize, inW: i32, c: i32, y0: i32, y1: i32, x0: i32, x1: i32): void {
  const run = <usize>c << 2;
  const count = <f32>(max(y1 - y0, 0) * max(x1 - x0, 0));
  let k = 0;
  for (; k + 4 <= c; k += 4) {
    const lane = <usize>k << 2;
    let acc = mode == MAX_FORWARD ? f32x4.splat(-Infinity) : f32x4.splat(0);
    // Lanes whose window holds a NaN: their maximum is NaN, as in the reference.
    let nan = i32x4.splat(0);
    for (let iy = y0; iy < y1; iy++) {
      for (let ix = x0; ix < x1; ix++) {
        const v = v128.load(image + <usize>(iy * inW + ix) * run + lane);
        if (mode == MAX_FORWARD) {
          // NOTE: pmax(acc, v) is `acc < v ? v : acc`, one instruction (max's NaN rule costs several),
          // and keeps the first of equal values; the NaNs it skips are collected apart, one `or` a tap.
          acc = f32x4.pmax(acc, v);
          nan = v128.or(nan, f32x4.ne(v, v));
        } else {
          acc = f32x4.add(acc, v);
        }
      }
    }
    v128.store(to + lane, mode == MAX_FORWARD ? v128.bitselect(f32x4.splat(NaN), acc, nan) : f32x4.div(acc, f32x4.splat(count)));
  }
  for (; k < c; k++) {
    const lane = <usize>k << 2;
    let acc: f32 = mode == MAX_FORWARD ? -Infinity : 0;
    for (let iy = y0; iy < y1; iy++) {
      for (let ix = x0; ix < x1; ix++) {
        const v = load<f32>(image + <usize>(iy * inW + ix) * run + lane);
        if (mode == MAX_FORWARD) {
          if (v > acc || v != v) acc = v;
        } else {
          acc += v;
        }
      }
    }
    store<f32>(to + lane, mode == MAX_FORWARD ? acc : acc / count);
  }
}

// Adds `value` to the float `at` bytes past grad, unless nothing won (at < 0).
@inline function addWinner(grad: usize, at: i32, value: f32): void {
  if (at >= 0) store<f32>(grad + <usize>at, load<f32>(grad + <usize>at) + value);
}

// Adds each `from` [c] element at the first maximum of its window in `image` (strictly greater wins); the first
// NaN of a window wins outright and receives NaN instead, as in the reference.
@inline function maxGradWindow(image: usize, grad: usize, from: usize, inW: i32, c: i32, y0: i32, y1: i32, x0: i32, x1: i32): void {
  const run = <usize>c << 2;
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
}

// Shares each `from` [c] element equally among its window's taps inside the input, added into `grad`.
@inline function avgGradWindow(grad: usize, from: usize, inW: i32, c: i32, y0: i32, y1: i32, x0: i32, x1: i32): void {
  const run = <usize>c << 2;
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
}

/** `out` [batch, outH, outW, c] = the maximum (op MAX_POOL) or the average of `x` over each window's taps inside the input. */
export function poolF32(
  op: i32, x: usize, out: usize, batch: i32, inH: i32, inW: i32, c: i32, outH: i32, outW: i32,
  kh: i32, kw: i32, sy: i32, sx: i32, padTop: i32, padLeft: i32,
): void {
  if (op == MAX_POOL) walkPools(MAX_FORWARD, x, out, 0, batch, inH, inW, c, outH, outW, kh, kw, sy, sx, padTop, padLeft);
  else walkPools(AVG_FORWARD, x, out, 0, batch, inH, inW, c, outH, outW, kh, kw, sy, sx, padTop, padLeft);
}

/** `dx` (zeroed first) = each `dy` element added at the first maximum of its window in `x`; see maxGradWindow. */
export function maxPoolGradF32(
  dyp: usize, x: usize, dx: usize, batch: i32, inH: i32, inW: i32, c: i32, outH: i32, outW: i32,
  kh: i32, kw: i32, sy: i32, sx: i32, padTop: i32, padLeft: i32,
): void {
  walkPools(MAX_GRAD, x, dyp, dx, batch, inH, inW, c, outH, outW, kh, kw, sy, sx, padTop, padLeft);
}

/** `dx` (zeroed first) = each `dy` element shared equally by its window's taps inside the input. */
export function avgPoolGradF32(
  dyp: usize, dx: usize, batch: i32, inH: i32, inW: i32, c: i32, outH: i32, outW: i32,
  kh: i32, kw: i32, sy: i32, sx: i32, padTop: i32, padLeft: i32,
): void {
  walkPools(AVG_GRAD, 0, dyp, dx, batch, inH, inW, c, outH, outW, kh, kw, sy, sx, padTop, padLeft);
}

// acc + xv · the 4 filter values at f (output channels of one tap).
@inline function tapTimes(acc: v128, xv: v128, f: usize): v128 {
  return f32x4.add(acc, f32x4.mul(xv, v128.load(f)));
}

/**
 * `to` [k, k + 32) (`wide`) or [k, k + 4) = output (oy, ox) of a 1-channel image: its taps inside the
 * image times the filter's rows, in eight (or one) f32x4 accumulators that stay in registers.
 */
@inline function oneChannelPixel(
  wide: bool, image: usize, filter: usize, row: usize, k: i32, to: usize, oy: i32, ox: i32, inH: i32, inW: i32,
  kh: i32, kw: i32, sy: i32, sx: i32, padTop: i32, padLeft: i32, dy: i32, dx: i32,
): void {
  const z = f32x4.splat(0);
  let a0 = z, a1 = z, a2 = z, a3 = z, a4 = z, a5 = z, a6 = z, a7 = z;
  for (let ky = 0; ky < kh; ky++) {
    const iy = oy * sy - padTop + ky * dy;
    if (iy < 0 || iy >= inH) continue;
    for (let kx = 0; kx < kw; kx++) {
      const ix = ox * sx - padLeft + kx * dx;
      if (ix < 0 || ix >= inW) continue;
      const xv = v128.load32_splat(image + (<usize>(iy * inW + ix) << 2));
      const f = filter + <usize>(ky * kw + kx) * row + (<usize>k << 2);
      a0 = tapTimes(a0, xv, f);
      if (wide) {
        a1 = tapTimes(a1, xv, f + 16);
        a2 = tapTimes(a2, xv, f + 32);
        a3 = tapTimes(a3, xv, f + 48);
        a4 = tapTimes(a4, xv, f + 64);
        a5 = tapTimes(a5, xv, f + 80);
        a6 = tapTimes(a6, xv, f + 96);
        a7 = tapTimes(a7, xv, f + 112);
      }
    }
  }
  const at = to + (<usize>k << 2);
  v128.store(at, a0);
  if (wide) {
    v128.store(at, a1, 16);
    v128.store(at, a2, 32);
    v128.store(at, a3, 48);
    v128.store(at, a4, 64);
    v128.store(at, a5, 80);
    v128.store(at, a6, 96);
    v128.store(at, a7, 112);
  }
}

/**
 * `out` [batch, outH, outW, cout] = the convolution of the 1-channel images `x` [batch, inH, inW, 1] by
 * `filter` [kh, kw, 1, cout], directly: each output pixel's taps (zeros outside the input) times the
 * filter's rows, 32 output channels at a time, then 4 at a time. A first layer on grey images: its im2col
 * rows are kh·kw floats, too short for the matrix tile. `cout` is a multiple of 4.
 */
export function conv1ChannelF32(
  filter: usize, cout: i32, x: usize, out: usize, batch: i32, inH: i32, inW: i32, c: i32, outH: i32, outW: i32,
  kh: i32, kw: i32, sy: i32, sx: i32, padTop: i32, padLeft: i32, dy: i32, dx: i32,
): void {
  const row = <usize>cout << 2;
  let to = out;
  for (let b = 0; b < batch; b++) {
    const image = x + (<usize>(b * inH * inW) << 2);
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        let k = 0;
        for (; k + 32 <= cout; k += 32) oneChannelPixel(true, image, filter, row, k, to, oy, ox, inH, inW, kh, kw, sy, sx, padTop, padLeft, dy, dx);
        for (; k < cout; k += 4) oneChannelPixel(false, image, filter, row, k, to, oy, ox, inH, inW, kh, kw, sy, sx, padTop, padLeft, dy, dx);
        to += row;
      }
    }
  }
}
