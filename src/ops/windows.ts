/** Sizes and paddings of sliding-window ops (convolution, pooling), computed as TensorFlow and Keras compute them. */
import type { Pair, Pads } from '../core/backend.js';
import { ShapeError, ValueError, fmtShape } from '../core/errors.js';
import { dilatedExtent as extent, windowCount } from '../core/windows.js';

/**
 * How windows meet the border: `valid` keeps only windows inside the input; `same` pads with
 * zeros so that the output has ceil(input / stride) elements (the extra padding, if odd, goes
 * after); or explicit `[[top, bottom], [left, right]]` amounts.
 */
export type Padding = 'valid' | 'same' | readonly [readonly [number, number], readonly [number, number]];

/** A size given as one number for both spatial axes, or as [height, width]. */
export type PairLike = number | readonly number[];

/** Reads a size argument as [height, width] positive integers. */
export function toPair(op: string, name: string, value: PairLike): Pair {
  const p = typeof value === 'number' ? [value, value] : [...value];
  if (p.length !== 2 || p.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new ValueError(`${op}: ${name} must be a positive integer or a pair of them, got ${JSON.stringify(value)}.`);
  }
  return [p[0]!, p[1]!];
}

/**
 * The paddings `[top, bottom, left, right]` and the output size [oh, ow] of windows of `window`
 * taps over an input of [h, w]. Throws a ShapeError naming `op` when no window fits (calling the
 * window `windowName` in the message: `kernel`, `pool window`).
 */
export function windowPads(op: string, input: Pair, window: Pair, strides: Pair, dilations: Pair, padding: Padding, windowName = 'window'): { pads: Pads; out: Pair } {
  let pads: Pads;
  if (padding === 'valid') pads = [0, 0, 0, 0];
  else if (padding === 'same') {
    const total = [0, 1].map((i) => {
      const out = Math.ceil(input[i]! / strides[i]!);
      return Math.max((out - 1) * strides[i]! + extent(window[i]!, dilations[i]!) - input[i]!, 0);
    });
    pads = [Math.floor(total[0]! / 2), Math.ceil(total[0]! / 2), Math.floor(total[1]! / 2), Math.ceil(total[1]! / 2)];
  } else {
    const flat = Array.isArray(padding) && padding.length === 2 ? padding.flat() : [];
    if (flat.length !== 4 || flat.some((v) => !Number.isInteger(v) || v < 0)) {
      throw new ValueError(`${op}: padding must be 'valid', 'same' or [[top, bottom], [left, right]] non-negative integers, got ${JSON.stringify(padding)}.`);
    }
    pads = flat as unknown as Pads;
  }
  const out: number[] = [0, 1].map((i) => windowCount(input[i]!, window[i]!, strides[i]!, pads[2 * i]!, pads[2 * i + 1]!, dilations[i]!));
  if (out[0]! < 1 || out[1]! < 1) {
    const dilated = (i: number): string => `${extent(window[i]!, dilations[i]!)}`;
    const isDilated = dilations[0] > 1 || dilations[1] > 1;
    const padded = padding === 'valid' ? "with padding 'valid'" : `padded by ${fmtShape(pads)}`;
    // A window one row high over an input one row high is a 1-D window over steps.
    const what = input[0] === 1 && window[0] === 1
      ? `${windowName} of ${window[1]} steps${isDilated ? ` (${dilated(1)} once dilated)` : ''} is longer than the input of ${input[1]} steps`
      : `${window[0]}×${window[1]} ${windowName}${isDilated ? ` (${dilated(0)}×${dilated(1)} once dilated)` : ''} is larger than the ${input[0]}×${input[1]} input`;
    throw new ShapeError(
      `${op}: the ${what} ${padded}, so there is no output. ` +
        `Use padding 'same', a smaller ${windowName}, or a larger input (an earlier layer may have shrunk it too much).`,
    );
  }
  return { pads, out: [out[0]!, out[1]!] };
}
