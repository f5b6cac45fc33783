/**
 * Reference kernels of the sliding-window ops on channels-last images: convolution (forward,
 * and its two gradients) and pooling (forward and gradients). All of them walk the same taps;
 * only what they do at each tap differs. They sum in float64 and return the sums; the backend
 * rounds them once into its own output storage.
 */
import type { Pair, Pads, PoolOp } from '../../core/backend.js';
import type { TypedArray } from '../../core/dtype.js';
import type { Shape } from '../../core/shape.js';
import { outputPixels, windowGeometry, type WindowGeometry } from '../../core/windows.js';

/**
 * Calls `visit(outPixel, inPixel, tap)` for every window tap that falls inside the input, where
 * pixels are flat indices over [batch, height, width] and `tap` is ky * kw + kx. Multiply a
 * pixel by the channel count to get its first element.
 */
function forEachTap(g: WindowGeometry, visit: (outPixel: number, inPixel: number, tap: number) => void): void {
  const [batch, inH, inW, , outH, outW, kh, kw, sy, sx, padTop, padLeft, dy, dx] = g;
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const outPixel = (b * outH + oy) * outW + ox;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sy - padTop + ky * dy;
          if (iy < 0 || iy >= inH) continue;
          const rowPixel = (b * inH + iy) * inW;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sx - padLeft + kx * dx;
            if (ix < 0 || ix >= inW) continue;
            visit(outPixel, rowPixel + ix, ky * kw + kx);
          }
        }
      }
    }
  }
}

/** The sizes a convolution's loops need. */
interface ConvDims {
  w: WindowGeometry;
  cin: number;
  cout: number;
  groups: number;
  cinPerGroup: number;
  coutPerGroup: number;
}

function convDims(xShape: Shape, filterShape: Shape, strides: Pair, pads: Pads, dilations: Pair, groups: number): ConvDims {
  const [kh, kw, cinPerGroup, cout] = filterShape as [number, number, number, number];
  return { w: windowGeometry(xShape, [kh, kw], strides, pads, dilations), cin: xShape[3]!, cout, groups, cinPerGroup, coutPerGroup: cout / groups };
}

/**
 * Calls `visit(x0, y0, tap, g)` for each window tap and channel group g: the group's input
 * channels start at x0 and its output channels at y0 (both contiguous).
 */
function forEachConvTap(d: ConvDims, visit: (x0: number, y0: number, tap: number, g: number) => void): void {
  const { cin, cout, groups, cinPerGroup, coutPerGroup } = d;
  forEachTap(d.w, (outPixel, inPixel, tap) => {
    for (let g = 0; g < groups; g++) visit(inPixel * cin + g * cinPerGroup, outPixel * cout + g * coutPerGroup, tap, g);
  });
}

/** Forward convolution; see `Kernels.conv2d`. */
export function conv2d(x: TypedArray, xShape: Shape, f: TypedArray, fShape: Shape, strides: Pair, pads: Pads, dilations: Pair, groups: number): { values: Float64Array; shape: number[] } {
  const d = convDims(xShape, fShape, strides, pads, dilations, groups);
  const shape = [d.w[0], d.w[4], d.w[5], d.cout];
  const acc = new Float64Array(shape[0]! * shape[1]! * shape[2]! * shape[3]!);
  const { cout, cinPerGroup: ni, coutPerGroup: no } = d;
  const skipZeros = allFinite(f);
  forEachConvTap(d, (x0, y0, tap, g) => {
    const f0 = tap * ni * cout + g * no;
    for (let ci = 0; ci < ni; ci++) {
      const xv = x[x0 + ci]!;
      // Inputs after relu are often exactly 0: skipping them halves the work of a typical CNN.
      if (xv === 0 && skipZeros) continue;
      const fr = f0 + ci * cout;
      for (let o = 0; o < no; o++) acc[y0 + o]! += xv * f[fr + o]!;
    }
  });
  return { values: acc, shape };
}

/**
 * The filter layout [taps, cinPerGroup, cout] rearranged as [taps, cout, cinPerGroup] (or back, with `rows`
 * and `cols` swapped), so that the gradient kernels can run over output channels outside and input channels inside.
 */
function swapChannels(f: ArrayLike<number>, taps: number, rows: number, cols: number): Float64Array {
  const out = new Float64Array(taps * rows * cols);
  for (let t = 0; t < taps; t++) for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[(t * cols + c) * rows + r] = f[(t * rows + r) * cols + c]!;
  return out;
}

// NOTE: the gradient kernels loop over output channels outside so that they can skip zeros of dy:
// behind relu and max pooling most of dy is exactly 0 (three in four after 2×2 pooling). A zero is
// skipped only while the other factor holds no NaN or infinity, since 0 · NaN and 0 · ∞ are NaN.

/** True when every value is finite: then a zero factor contributes exactly 0 and may be skipped. */
export function allFinite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return false;
  return true;
}

/**
 * Calls `visit(dv, x0, s0)` for each element `dv` of `dy` at each window tap, output channels outside: `x0` is
 * the first input channel of the tap's group, `s0` the first of the [taps, cout, cinPerGroup] filter row it
 * meets. Zeros of dy are skipped where `skipZeros` (the other factor is finite).
 */
function forEachGradTap(d: ConvDims, dy: TypedArray, skipZeros: boolean, visit: (dv: number, x0: number, s0: number) => void): void {
  const { cout, cinPerGroup: ni, coutPerGroup: no } = d;
  forEachConvTap(d, (x0, y0, tap, g) => {
    const base = (tap * cout + g * no) * ni;
    for (let o = 0; o < no; o++) {
      const dv = dy[y0 + o]!;
      if (dv === 0 && skipZeros) continue;
      visit(dv, x0, base + o * ni);
    }
  });
}

/** Gradient of the convolution with respect to its input; see `Kernels.conv2dBackpropInput`. */
export function conv2dBackpropInput(dy: TypedArray, f: TypedArray, fShape: Shape, xShape: Shape, strides: Pair, pads: Pads, dilations: Pair, groups: number): Float64Array {
  const d = convDims(xShape, fShape, strides, pads, dilations, groups);
  const acc = new Float64Array(xShape[0]! * xShape[1]! * xShape[2]! * xShape[3]!);
  const ni = d.cinPerGroup;
  const swapped = swapChannels(f, d.w[6] * d.w[7], ni, d.cout);
  forEachGradTap(d, dy, allFinite(f), (dv, x0, s0) => {
    for (let ci = 0; ci < ni; ci++) acc[x0 + ci]! += dv * swapped[s0 + ci]!;
  });
  return acc;
}

/** Gradient of the convolution with respect to its filter; see `Kernels.conv2dBackpropFilter`. */
export function conv2dBackpropFilter(x: TypedArray, xShape: Shape, dy: TypedArray, fShape: Shape, strides: Pair, pads: Pads, dilations: Pair, groups: number): Float64Array {
  const d = convDims(xShape, fShape, strides, pads, dilations, groups);
  const taps = d.w[6] * d.w[7];
  const ni = d.cinPerGroup;
  // Accumulated as [taps, cout, cinPerGroup], then put back in the filter's layout.
  const swapped = new Float64Array(taps * d.cout * ni);
  forEachGradTap(d, dy, allFinite(x), (dv, x0, s0) => {
    for (let ci = 0; ci < ni; ci++) swapped[s0 + ci]! += dv * x[x0 + ci]!;
  });
  return swapChannels(swapped, taps, d.cout, ni);
}

/** How many taps of each output pixel's window fall inside the input (the divisor of average pooling). */
function tapCounts(w: WindowGeometry): Int32Array {
  const counts = new Int32Array(outputPixels(w));
  forEachTap(w, (outPixel) => {
    counts[outPixel]!++;
  });
  return counts;
}

/** Max or average pooling; see `Kernels.pool2d`. */
export function pool2d(x: TypedArray, xShape: Shape, op: PoolOp, poolSize: Pair, strides: Pair, pads: Pads): { values: Float64Array; shape: number[] } {
  const w = windowGeometry(xShape, poolSize, strides, pads, [1, 1]);
  const c = xShape[3]!;
  const shape = [w[0], w[4], w[5], c];
  const acc = new Float64Array(outputPixels(w) * c);
  if (op === 'max') {
    acc.fill(-Infinity);
    forEachTap(w, (outPixel, inPixel) => {
      for (let k = 0; k < c; k++) {
        const v = x[inPixel * c + k]!;
        // NaN wins, and nothing beats it afterwards (v > NaN is false): a window holding NaN has the maximum NaN.
        if (v > acc[outPixel * c + k]! || Number.isNaN(v)) acc[outPixel * c + k] = v;
      }
    });
  } else {
    forEachTap(w, (outPixel, inPixel) => {
      for (let k = 0; k < c; k++) acc[outPixel * c + k]! += x[inPixel * c + k]!;
    });
    const counts = tapCounts(w);
    for (let i = 0; i < acc.length; i++) acc[i]! /= counts[Math.floor(i / c)]!;
  }
  return { values: acc, shape };
}

/** Gradient of max pooling; see `Kernels.maxPool2dGrad`. */
export function maxPool2dGrad(dy: TypedArray, x: TypedArray, xShape: Shape, poolSize: Pair, strides: Pair, pads: Pads): Float64Array {
  const w = windowGeometry(xShape, poolSize, strides, pads, [1, 1]);
  const c = xShape[3]!;
  const best = new Float64Array(dy.length).fill(-Infinity);
  const winner = new Int32Array(dy.length).fill(-1);
  forEachTap(w, (outPixel, inPixel) => {
    for (let k = 0; k < c; k++) {
      const v = x[inPixel * c + k]!;
      const b = best[outPixel * c + k]!;
      // The first tap wins to begin with (a window of -Infinity still has a maximum). Strictly greater: on
      // ties the first maximum keeps the gradient. The first NaN wins as the forward pass's maximum, and
      // keeps it (nothing compares greater than NaN).
      if (winner[outPixel * c + k]! < 0 || v > b || (Number.isNaN(v) && !Number.isNaN(b))) {
        best[outPixel * c + k] = v;
        winner[outPixel * c + k] = inPixel * c + k;
      }
    }
  });
  const acc = new Float64Array(x.length);
  // NOTE: a NaN winner receives NaN, not dy: the slope at a NaN input is NaN, and a finite dy there would hide it.
  for (let i = 0; i < dy.length; i++) if (winner[i]! >= 0) acc[winner[i]!]! += Number.isNaN(best[i]!) ? NaN : dy[i]!;
  return acc;
}

/** Gradient of average pooling; see `Kernels.avgPool2dGrad`. */
export function avgPool2dGrad(dy: TypedArray, xShape: Shape, poolSize: Pair, strides: Pair, pads: Pads): Float64Array {
  const w = windowGeometry(xShape, poolSize, strides, pads, [1, 1]);
  const c = xShape[3]!;
  const counts = tapCounts(w);
  const acc = new Float64Array(xShape[0]! * xShape[1]! * xShape[2]! * c);
  forEachTap(w, (outPixel, inPixel) => {
    const share = 1 / counts[outPixel]!;
    for (let k = 0; k < c; k++) acc[inPixel * c + k]! += dy[outPixel * c + k]! * share;
  });
  return acc;
}
