/** Max and average pooling over channels-last images, with their gradients. */
import type { PoolOp } from '../core/backend.js';
import { isFloat } from '../core/dtype.js';
import { ENGINE } from '../core/engine.js';
import { ShapeError, fmtShape } from '../core/errors.js';
import { checkOptions, optionKeys } from '../core/options.js';
import type { Tensor } from '../core/tensor.js';
import { cast, toTensor } from './convert.js';
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
  const { pads } = windowPads(name, [input.shape[1]!, input.shape[2]!], size, strides, [1, 1], args.padding ?? 'valid', 'pool window');
  const xs = input;
  return ENGINE.runOp(name, [xs], (k) => k.pool2d(xs, op, size, strides, pads), {
    saved: op === 'max' ? [xs] : [],
    backward: (dy, [sx]) => [
      op === 'max'
        ? ENGINE.runOp('maxPool2dGrad', [dy, sx!], (k) => k.maxPool2dGrad(dy, sx!, size, strides, pads))
        : ENGINE.runOp('avgPool2dGrad', [dy], (k) => k.avgPool2dGrad(dy, xs.shape, size, strides, pads)),
    ],
  });
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
