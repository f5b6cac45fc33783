/** Max and average pooling over channels-last images, with their gradients (themselves differentiable), and over volumes as two 2-D poolings. */
import type { Pads, Pair, PoolOp } from '../core/backend.js';
import { isFloat } from '../core/dtype.js';
import { ENGINE } from '../core/engine.js';
import { ShapeError, fmtShape } from '../core/errors.js';
import { checkOptions, optionKeys } from '../core/options.js';
import { checkPositiveInts } from '../core/validate.js';
import type { Shape } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { mul } from './arithmetic.js';
import { cast, toTensor } from './convert.js';
import { fill, tensor } from './creation.js';
import { argmax } from './reduction.js';
import { reshape, transpose } from './shape.js';
import { concat, gatherInRange, oneHot } from './slicing.js';
import { sum } from './sum-broadcast.js';
import { toPair, windowPads, type PairLike, type Padding } from './windows.js';

/** Options of `maxPool` and `avgPool`. */
export interface PoolArgs {
  /** Steps between windows, one number or [height, width] (default: the pool size, so windows do not overlap). */
  strides?: PairLike;
  /** `'valid'` (default), `'same'`, or explicit [[top, bottom], [left, right]]. */
  padding?: Padding;
}

const POOL_KEYS = optionKeys<PoolArgs>({ strides: true, padding: true });

function pool(op: PoolOp, name: string, x: Tensor, poolSize: PairLike, args: PoolArgs): Tensor {
  checkOptions(name, args, POOL_KEYS);
  let input = toTensor(name, 'x', x);
  if (input.rank !== 4) {
    const hint = input.rank === 3 ? ` If the data have no channel axis, add one: reshape(x, [${[...input.shape, 1].join(', ')}]).` : '';
    throw new ShapeError(`${name}: x must be [batch, height, width, channels] (rank 4, channels last), got shape ${fmtShape(input.shape)}.${hint}`);
  }
  if (!isFloat(input.dtype)) input = cast(input, 'float32');
  const size = toPair(name, 'poolSize', poolSize);
  const strides = toPair(name, 'strides', args.strides ?? size);
  const { pads, out } = windowPads(name, [input.shape[1]!, input.shape[2]!], size, strides, [1, 1], args.padding ?? 'valid', 'pool window');
  return poolOp(op, input, { size, strides, pads, out });
}

/** Where pooling windows sit: the same for the pooling primitive and its backward kernels. */
interface PoolGeometry {
  size: Pair;
  strides: Pair;
  pads: Pads;
  /** The output's [height, width]. */
  out: Pair;
}

/** The pooling primitive on a checked operand, with its gradient. */
function poolOp(op: PoolOp, x: Tensor, g: PoolGeometry): Tensor {
  return ENGINE.runOp(op === 'max' ? 'maxPool' : 'avgPool', [x], (k) => k.pool2d(x, op, g.size, g.strides, g.pads), {
    saved: op === 'max' ? [x] : [],
    backward: (dy, [sx]) => [op === 'max' ? maxPoolGrad(dy, sx!, g) : avgPoolGrad(dy, x.shape, g)],
  });
}

/** avgPool's gradient: linear in dy and avgPool's adjoint, so its own gradient is avgPool. */
function avgPoolGrad(dy: Tensor, xShape: Shape, g: PoolGeometry): Tensor {
  return ENGINE.runOp('avgPool2dGrad', [dy], (k) => k.avgPool2dGrad(dy, xShape, g.size, g.strides, g.pads), {
    backward: (ddx) => [poolOp('avg', ddx, g)],
  });
}

/**
 * maxPool's gradient, Jᵀ dy: each window's dy goes to its (first) maximum. It is linear in dy, so its gradient
 * for dy is J ddx, each window's ddx at that maximum; for x it is 0 (the maxima move only in jumps).
 */
function maxPoolGrad(dy: Tensor, x: Tensor, g: PoolGeometry): Tensor {
  return ENGINE.runOp('maxPool2dGrad', [dy, x], (k) => k.maxPool2dGrad(dy, x, g.size, g.strides, g.pads), {
    saved: [x],
    backward: (ddx, [sx], needs) => [needs[0] ? pickAtMaxima(ddx, sx!, g) : null, null],
  });
}

/**
 * J v for maxPool at x: each window's v at the window's first maximum of x. The windows are gathered as
 * patches, and a one-hot of the argmax of x's over the taps picks v's.
 */
function pickAtMaxima(v: Tensor, x: Tensor, g: PoolGeometry): Tensor {
  const taps = g.size[0] * g.size[1];
  const first = transpose(oneHot(argmax(patches(x, -Infinity, g), 3), taps), [0, 1, 2, 4, 3]);
  return sum(mul(patches(v, 0, g), cast(first, v.dtype)), 3);
}

/**
 * The pooling windows of x [batch, height, width, channels] as [batch, outHeight, outWidth, taps, channels],
 * taps in row-major order (the order maxPool breaks ties in); a tap in the padding reads `padValue`.
 */
function patches(x: Tensor, padValue: number, g: PoolGeometry): Tensor {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const [oh, ow] = g.out;
  // Tap (ky, kx) of window (oy, ox) reads row oy · stride - top + ky and column ox · stride - left + kx.
  const index: number[] = [];
  for (let oy = 0; oy < oh; oy++) {
    for (let ox = 0; ox < ow; ox++) {
      for (let ky = 0; ky < g.size[0]; ky++) {
        for (let kx = 0; kx < g.size[1]; kx++) {
          const iy = oy * g.strides[0] - g.pads[0] + ky;
          const ix = ox * g.strides[1] - g.pads[2] + kx;
          index.push(iy >= 0 && iy < h && ix >= 0 && ix < w ? iy * w + ix : h * w);
        }
      }
    }
  }
  const padded = concat([reshape(x, [n, h * w, c]), fill([n, 1, c], padValue, x.dtype)], 1);
  const picked = gatherInRange(padded, tensor(Int32Array.from(index), [index.length], 'int32'), 1);
  return reshape(picked, [n, oh, ow, g.size[0] * g.size[1], c]);
}

/**
 * The maximum of each `poolSize` window of each channel of `x` [batch, height, width, channels].
 * The gradient goes to the first maximum of each window.
 *
 * @example
 * maxPool(x, 2); // [n, 28, 28, 32] -> [n, 14, 14, 32]
 */
export function maxPool(x: Tensor, poolSize: PairLike, args: PoolArgs = {}): Tensor {
  return pool('max', 'maxPool', x, poolSize, args);
}

/**
 * The mean of each `poolSize` window of each channel of `x` [batch, height, width, channels]. With
 * `same` padding a border window averages only its elements inside the input (as TensorFlow does).
 *
 * @example
 * avgPool(x, 2, { strides: 1, padding: 'same' }); // [n, 28, 28, c] -> [n, 28, 28, c]
 */
export function avgPool(x: Tensor, poolSize: PairLike, args: PoolArgs = {}): Tensor {
  return pool('avg', 'avgPool', x, poolSize, args);
}

/** Options of `maxPool3d` and `avgPool3d`. */
export interface Pool3DArgs {
  /** Steps between windows, one number or [depth, height, width] (default: the pool size). */
  strides?: number | readonly number[];
  /** `'valid'` (default) or `'same'`. */
  padding?: 'valid' | 'same';
}

/**
 * Pooling over volumes as two 2-D poolings: over height and width of each depth slice, then over depth.
 * A window's maximum is the maximum of its slices' maxima, and with 'same' padding its count of elements
 * inside the input is the product of the counts along each axis, so both come out as one 3-D window would.
 */
function pool3d(op: PoolOp, name: string, x: Tensor, poolSize: number | readonly number[], args: Pool3DArgs): Tensor {
  checkOptions(name, args, POOL_KEYS);
  const input = toTensor(name, 'x', x);
  if (input.rank !== 5) throw new ShapeError(`${name}: x must be [batch, depth, height, width, channels] (rank 5, channels last), got shape ${fmtShape(input.shape)}.`);
  const size = checkPositiveInts(name, 'poolSize', poolSize, 3);
  const strides = checkPositiveInts(name, 'strides', args.strides ?? size, 3);
  const padding = args.padding ?? 'valid';
  const [b, d, h, w, c] = input.shape as [number, number, number, number, number];
  const pool2d = op === 'max' ? maxPool : avgPool;
  const planes = pool2d(reshape(input, [b * d, h, w, c]), [size[1]!, size[2]!], { strides: [strides[1]!, strides[2]!], padding });
  const [, oh, ow] = planes.shape as [number, number, number, number];
  const y = pool2d(reshape(planes, [b, d, oh * ow, c]), [size[0]!, 1], { strides: [strides[0]!, 1], padding });
  return reshape(y, [b, y.shape[1]!, oh, ow, c]);
}

/**
 * The maximum of each `poolSize` [depth, height, width] window of each channel of `x`
 * [batch, depth, height, width, channels].
 *
 * @example
 * maxPool3d(volumes, 2); // [n, 8, 16, 16, 4] -> [n, 4, 8, 8, 4]
 */
export function maxPool3d(x: Tensor, poolSize: number | readonly number[], args: Pool3DArgs = {}): Tensor {
  return pool3d('max', 'maxPool3d', x, poolSize, args);
}

/**
 * The mean of each `poolSize` [depth, height, width] window of each channel of `x`
 * [batch, depth, height, width, channels]; with 'same' padding a border window averages its elements
 * inside the input only.
 *
 * @example
 * avgPool3d(volumes, 2, { padding: 'same' }); // [n, 7, 15, 15, 4] -> [n, 4, 8, 8, 4]
 */
export function avgPool3d(x: Tensor, poolSize: number | readonly number[], args: Pool3DArgs = {}): Tensor {
  return pool3d('avg', 'avgPool3d', x, poolSize, args);
}
