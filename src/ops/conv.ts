/**
 * Convolutions over channels-last data: conv2d (with groups and dilation) and its gradients (themselves
 * differentiable, in terms of conv2d and each other), and conv1d, depthwiseConv2d, the transposed
 * convolutions and conv3d built on them.
 */
import type { Pair, Pads } from '../core/backend.js';
import { isFloat, promoteTypes } from '../core/dtype.js';
import { ENGINE } from '../core/engine.js';
import { ShapeError, ValueError, fmtShape } from '../core/errors.js';
import { checkOptions, optionKeys } from '../core/options.js';
import type { Shape } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { checkPositiveInts } from '../core/validate.js';
import { cast, toTensor } from './convert.js';
import { tensor } from './creation.js';
import { expandDims, reshape, transpose } from './shape.js';
import { gatherInRange, pad } from './slicing.js';
import { toPair, windowPads, type PairLike, type Padding } from './windows.js';

/** Options of `conv2d` and `depthwiseConv2d`. */
export interface Conv2DArgs {
  /** Steps between windows, one number or [height, width] (default 1). */
  strides?: PairLike;
  /** `'valid'` (default), `'same'`, or explicit [[top, bottom], [left, right]]. */
  padding?: Padding;
  /** Spacing between the filter's taps, one number or [height, width] (default 1: no dilation). */
  dilations?: PairLike;
  /** Splits the channels into this many independent blocks (default 1). */
  groups?: number;
}

const CONV2D_KEYS = optionKeys<Conv2DArgs>({ strides: true, padding: true, dilations: true, groups: true });

function rankError(op: string, x: Tensor, expected: string, rank: number): ShapeError {
  const hint = x.rank === rank - 1
    ? ` If the data have no channel axis, add one: reshape(x, [${[...x.shape, 1].join(', ')}]).`
    : '';
  return new ShapeError(`${op}: x must be ${expected} (rank ${rank}, channels last), got shape ${fmtShape(x.shape)} (rank ${x.rank}).${hint}`);
}

/** x and filter as tensors of one float dtype. */
function floatOperands(op: string, x: Tensor, filter: Tensor): [Tensor, Tensor] {
  const a = toTensor(op, 'x', x);
  const b = toTensor(op, 'filter', filter);
  let dtype = promoteTypes(a.dtype, b.dtype);
  if (!isFloat(dtype)) dtype = 'float32';
  return [cast(a, dtype), cast(b, dtype)];
}

/**
 * 2-D convolution of `x` [batch, height, width, inChannels] with `filter`
 * [filterHeight, filterWidth, inChannels / groups, outChannels], giving
 * [batch, outHeight, outWidth, outChannels]. Like every deep-learning library, it computes a
 * cross-correlation (the filter is not flipped).
 *
 * @example
 * const edges = conv2d(images, filter, { padding: 'same' }); // [n, 28, 28, 1] * [3, 3, 1, 8] -> [n, 28, 28, 8]
 */
export function conv2d(x: Tensor, filter: Tensor, args: Conv2DArgs = {}): Tensor {
  checkOptions('conv2d', args, CONV2D_KEYS);
  const { x: input, filter: f, geometry } = conv2dOperands('conv2d', x, filter, args);
  return convOp(input, f, geometry);
}

/** Where a convolution's windows sit: the same for conv2d and both of its backward kernels. */
export interface ConvGeometry {
  strides: Pair;
  pads: Pads;
  dilations: Pair;
  groups: number;
}

/** conv2d's operands, checked under `op`'s name and cast to one float dtype, and the windows' geometry. */
export function conv2dOperands(op: string, x: Tensor, filter: Tensor, args: Conv2DArgs): { x: Tensor; filter: Tensor; geometry: ConvGeometry } {
  const [input, f] = floatOperands(op, x, filter);
  if (input.rank !== 4) throw rankError(op, input, '[batch, height, width, channels]', 4);
  if (f.rank !== 4) throw new ShapeError(`${op}: filter must be [filterHeight, filterWidth, inChannels / groups, outChannels] (rank 4), got shape ${fmtShape(f.shape)}.`);
  const groups = args.groups ?? 1;
  const [, h, w, cin] = input.shape as [number, number, number, number];
  const [kh, kw, fin, cout] = f.shape as [number, number, number, number];
  if (!Number.isInteger(groups) || groups < 1 || cin % groups !== 0 || cout % groups !== 0) {
    throw new ValueError(`${op}: groups must be a positive integer dividing both the ${cin} input channels and the ${cout} output channels, got ${groups}.`);
  }
  if (fin * groups !== cin) {
    throw new ShapeError(
      `${op}: x has ${cin} channels (shape ${fmtShape(input.shape)}) but the filter ${fmtShape(f.shape)} expects ${fin * groups}` +
        `${groups > 1 ? ` (${fin} per group × ${groups} groups)` : ''}; the filter's third dimension must be inChannels / groups.`,
    );
  }
  const strides = toPair(op, 'strides', args.strides ?? 1);
  const dilations = toPair(op, 'dilations', args.dilations ?? 1);
  const { pads } = windowPads(op, [h, w], [kh, kw], strides, dilations, args.padding ?? 'valid', 'kernel');
  return { x: input, filter: f, geometry: { strides, pads, dilations, groups } };
}

/**
 * conv2d's gradients for x and the filter from the output's gradient `dy` (null where `needs` says none is
 * wanted). y[o] = Σ_taps x[tap] f[tap, o]: each input element gets dy times the filter weights it met, and
 * each filter weight gets dy times the input elements it met. A first layer's input (the data) needs no
 * gradient: skipping it saves a full-size product per step.
 */
export function convGradients(dy: Tensor, x: Tensor, f: Tensor, g: ConvGeometry, needs: readonly boolean[]): (Tensor | null)[] {
  return [needs[0] ? backpropInput(dy, f, x.shape, g) : null, needs[1] ? backpropFilter(x, dy, f.shape, g) : null];
}

/** The conv2d primitive on checked operands, with its gradient. */
function convOp(x: Tensor, f: Tensor, g: ConvGeometry): Tensor {
  return ENGINE.runOp('conv2d', [x, f], (k) => k.conv2d(x, f, g.strides, g.pads, g.dilations, g.groups), {
    saved: [x, f],
    backward: (dy, [sx, sf], needs) => convGradients(dy, sx!, sf!, g, needs),
  });
}

/**
 * conv2d's gradient with respect to x, Cᵀ_f dy. It is bilinear and <ddx, Cᵀ_f dy> = <conv2d(ddx, f), dy>,
 * so its own gradients are conv2d(ddx, f) for dy and backpropFilter(ddx, dy) for f.
 */
function backpropInput(dy: Tensor, f: Tensor, xShape: Shape, g: ConvGeometry): Tensor {
  return ENGINE.runOp('conv2dBackpropInput', [dy, f], (k) => k.conv2dBackpropInput(dy, f, xShape, g.strides, g.pads, g.dilations, g.groups), {
    saved: [dy, f],
    backward: (ddx, [sdy, sf], needs) => [
      needs[0] ? convOp(ddx, sf!, g) : null,
      needs[1] ? backpropFilter(ddx, sdy!, sf!.shape, g) : null,
    ],
  });
}

/**
 * conv2d's gradient with respect to the filter, Cᵀ_x dy. It is bilinear and <ddf, Cᵀ_x dy> = <conv2d(x, ddf), dy>,
 * so its own gradients are backpropInput(dy, ddf) for x and conv2d(x, ddf) for dy.
 */
function backpropFilter(x: Tensor, dy: Tensor, filterShape: Shape, g: ConvGeometry): Tensor {
  return ENGINE.runOp('conv2dBackpropFilter', [x, dy], (k) => k.conv2dBackpropFilter(x, dy, filterShape, g.strides, g.pads, g.dilations, g.groups), {
    saved: [x, dy],
    backward: (ddf, [sx, sdy], needs) => [
      needs[0] ? backpropInput(sdy!, ddf, sx!.shape, g) : null,
      needs[1] ? convOp(sx!, ddf, g) : null,
    ],
  });
}

/** Options of `conv1d`. */
export interface Conv1DArgs {
  /** Step between windows (default 1). */
  stride?: number;
  /**
   * `'valid'` (default), `'same'`, `'causal'` (pads only the start, so output step t sees input
   * steps up to t), or explicit [before, after].
   */
  padding?: 'valid' | 'same' | 'causal' | readonly [number, number];
  /** Spacing between the filter's taps (default 1). */
  dilation?: number;
  /** Splits the channels into this many independent blocks (default 1). */
  groups?: number;
}

const CONV1D_KEYS = optionKeys<Conv1DArgs>({ stride: true, padding: true, dilation: true, groups: true });

/**
 * 1-D convolution of `x` [batch, steps, inChannels] with `filter` [width, inChannels / groups,
 * outChannels], giving [batch, outSteps, outChannels]: conv2d over an image of height 1.
 *
 * @example
 * conv1d(sequences, filter, { padding: 'causal' }); // [n, 100, 8] * [3, 8, 16] -> [n, 100, 16]
 */
export function conv1d(x: Tensor, filter: Tensor, args: Conv1DArgs = {}): Tensor {
  checkOptions('conv1d', args, CONV1D_KEYS);
  const input = toTensor('conv1d', 'x', x);
  const f = toTensor('conv1d', 'filter', filter);
  if (input.rank !== 3) throw rankError('conv1d', input, '[batch, steps, channels]', 3);
  if (f.rank !== 3) throw new ShapeError(`conv1d: filter must be [width, inChannels / groups, outChannels] (rank 3), got shape ${fmtShape(f.shape)}.`);
  const dilation = args.dilation ?? 1;
  const padding = args.padding ?? 'valid';
  let padding2d: Padding;
  if (padding === 'causal') padding2d = [[0, 0], [(f.shape[0]! - 1) * dilation, 0]];
  else if (Array.isArray(padding)) padding2d = [[0, 0], padding as [number, number]];
  else padding2d = padding as 'valid' | 'same';
  // The steps become the width of an image one pixel high, and the filter a 1 × width one.
  const y = conv2d(expandDims(input, 1), expandDims(f, 0), {
    strides: [1, args.stride ?? 1], dilations: [1, dilation], padding: padding2d, groups: args.groups,
  });
  return reshape(y, [y.shape[0]!, y.shape[2]!, y.shape[3]!]);
}

/**
 * Depthwise 2-D convolution: each input channel is convolved with its own `multiplier` filters.
 * `x` is [batch, height, width, channels] and `filter` [filterHeight, filterWidth, channels,
 * multiplier]; the output has channels · multiplier channels, those of input channel c at
 * c · multiplier + m. It is conv2d with one group per channel.
 *
 * @example
 * depthwiseConv2d(x, filter, { padding: 'same' }); // [n, 32, 32, 3] * [3, 3, 3, 2] -> [n, 32, 32, 6]
 */
export function depthwiseConv2d(x: Tensor, filter: Tensor, args: Omit<Conv2DArgs, 'groups'> = {}): Tensor {
  const input = toTensor('depthwiseConv2d', 'x', x);
  const f = toTensor('depthwiseConv2d', 'filter', filter);
  if (input.rank !== 4) throw rankError('depthwiseConv2d', input, '[batch, height, width, channels]', 4);
  if (f.rank !== 4 || f.shape[2] !== input.shape[3]) {
    throw new ShapeError(`depthwiseConv2d: filter must be [filterHeight, filterWidth, ${input.shape[3]} (the input channels), multiplier], got shape ${fmtShape(f.shape)} for x of shape ${fmtShape(input.shape)}.`);
  }
  const [kh, kw, c, m] = f.shape as [number, number, number, number];
  return conv2d(input, reshape(f, [kh, kw, 1, c * m]), { ...args, groups: c });
}

/** Options of `conv2dTranspose`. */
export interface Conv2DTransposeArgs {
  /** Steps between the input's pixels in the output, one number or [height, width] (default 1). */
  strides?: PairLike;
  /** `'valid'` (default: output (input - 1) · stride + max(kernel, stride)) or `'same'` (output input · stride). */
  padding?: 'valid' | 'same';
  /**
   * Extra rows and columns at the end of the output, each below its stride, one number or [height, width]
   * (default null: the size `padding` gives).
   */
  outputPadding?: PairLike | null;
  /** Spacing between the filter's taps, one number or [height, width] (default 1). */
  dilations?: PairLike;
}

const CONV2D_TRANSPOSE_KEYS = optionKeys<Conv2DTransposeArgs>({ strides: true, padding: true, outputPadding: true, dilations: true });

/**
 * Where one spatial axis of a transposed convolution's output lies: its `length`, and the paddings `before`
 * and `after` of the conv2d from that output back to the input, of which it is the input gradient.
 * `outputPadding` null gives the length `padding` alone gives.
 * NOTE: Keras 3 pads as its JAX backend does (a dilated input padded by `left` and `right`, then convolved),
 * with 'same' padding capped at kernel - 1 before; the forward conv then has kernel - 1 - left before it.
 *
 * @example
 * convTransposeAxis(7, 3, 2, 1, 'same', null).length; // 14
 */
export function convTransposeAxis(input: number, kernel: number, stride: number, dilation: number, padding: 'valid' | 'same', outputPadding: number | null): { length: number; before: number; after: number } {
  const k = (kernel - 1) * dilation + 1;
  let left: number;
  let right: number;
  if (padding === 'valid') {
    left = k - 1;
    right = k - 1 + (outputPadding ?? Math.max(k, stride) - k);
  } else {
    const total = outputPadding === null ? stride + k - 2 : k + (k % 2) - 2 + outputPadding;
    left = Math.min(Math.floor(total / 2) + (total % 2), k - 1);
    right = total - left;
  }
  const length = (input - 1) * stride + left + right - k + 2;
  const before = k - 1 - left;
  // The conv over `length` must give exactly `input` windows: an `after` within a stride of this one does.
  const after = Math.max((input - 1) * stride + k - length - before, 0);
  return { length, before, after };
}

/**
 * Transposed 2-D convolution (sometimes called deconvolution) of `x` [batch, height, width, inChannels]
 * with `filter` [filterHeight, filterWidth, outChannels, inChannels] (Keras's Conv2DTranspose kernel),
 * giving [batch, outHeight, outWidth, outChannels]: each input pixel spreads its filter-weighted values
 * over a window of the output, `strides` apart, so the image grows. It is conv2d's gradient with respect
 * to its input, and Keras's output sizes and paddings.
 *
 * @example
 * conv2dTranspose(x, filter, { strides: 2, padding: 'same' }); // [n, 7, 7, 16] * [3, 3, 8, 16] -> [n, 14, 14, 8]
 */
export function conv2dTranspose(x: Tensor, filter: Tensor, args: Conv2DTransposeArgs = {}): Tensor {
  const op = 'conv2dTranspose';
  checkOptions(op, args, CONV2D_TRANSPOSE_KEYS);
  const [input, f] = floatOperands(op, x, filter);
  if (input.rank !== 4) throw rankError(op, input, '[batch, height, width, channels]', 4);
  if (f.rank !== 4 || f.shape[3] !== input.shape[3]) {
    throw new ShapeError(`${op}: filter must be [filterHeight, filterWidth, outChannels, ${input.shape[3]} (the input channels)], got shape ${fmtShape(f.shape)} for x of shape ${fmtShape(input.shape)}.`);
  }
  const padding = args.padding ?? 'valid';
  if (padding !== 'valid' && padding !== 'same') throw new ValueError(`${op}: padding must be 'valid' or 'same', got ${JSON.stringify(padding)}.`);
  const strides = toPair(op, 'strides', args.strides ?? 1);
  const dilations = toPair(op, 'dilations', args.dilations ?? 1);
  const outputPadding = args.outputPadding === undefined || args.outputPadding === null ? null : outputPaddings(op, args.outputPadding, strides);
  const axes = [0, 1].map((i) => convTransposeAxis(input.shape[i + 1]!, f.shape[i]!, strides[i]!, dilations[i]!, padding, outputPadding?.[i] ?? null));
  const [h, w] = axes as [ReturnType<typeof convTransposeAxis>, ReturnType<typeof convTransposeAxis>];
  if (h.length < 1 || w.length < 1) throw new ShapeError(`${op}: x of shape ${fmtShape(input.shape)} gives an empty output.`);
  const geometry: ConvGeometry = { strides, pads: [h.before, h.after, w.before, w.after], dilations, groups: 1 };
  return backpropInput(input, f, [input.shape[0]!, h.length, w.length, f.shape[2]!], geometry);
}

/** `outputPadding` as [height, width] non-negative integers, each below its stride (as Keras requires). */
function outputPaddings(op: string, value: PairLike, strides: Pair): Pair {
  const p = typeof value === 'number' ? [value, value] : [...value];
  if (p.length !== 2 || p.some((v, i) => !Number.isInteger(v) || v < 0 || v >= strides[i]!)) {
    throw new ValueError(`${op}: outputPadding must be non-negative integers each below its stride (${strides.join(', ')}), got ${JSON.stringify(value)}.`);
  }
  return [p[0]!, p[1]!];
}

/** Options of `conv1dTranspose`. */
export interface Conv1DTransposeArgs {
  /** Steps between the input's steps in the output (default 1). */
  stride?: number;
  /** `'valid'` (default) or `'same'` (output input · stride). */
  padding?: 'valid' | 'same';
  /** Extra steps at the end of the output, below the stride (default null). */
  outputPadding?: number | null;
  /** Spacing between the filter's taps (default 1). */
  dilation?: number;
}

const CONV1D_TRANSPOSE_KEYS = optionKeys<Conv1DTransposeArgs>({ stride: true, padding: true, outputPadding: true, dilation: true });

/**
 * Transposed 1-D convolution of `x` [batch, steps, inChannels] with `filter` [width, outChannels,
 * inChannels], giving [batch, outSteps, outChannels]: conv2dTranspose over an image of height 1.
 *
 * @example
 * conv1dTranspose(x, filter, { stride: 2, padding: 'same' }); // [n, 50, 16] * [3, 8, 16] -> [n, 100, 8]
 */
export function conv1dTranspose(x: Tensor, filter: Tensor, args: Conv1DTransposeArgs = {}): Tensor {
  checkOptions('conv1dTranspose', args, CONV1D_TRANSPOSE_KEYS);
  const input = toTensor('conv1dTranspose', 'x', x);
  const f = toTensor('conv1dTranspose', 'filter', filter);
  if (input.rank !== 3) throw rankError('conv1dTranspose', input, '[batch, steps, channels]', 3);
  if (f.rank !== 3) throw new ShapeError(`conv1dTranspose: filter must be [width, outChannels, inChannels] (rank 3), got shape ${fmtShape(f.shape)}.`);
  // A 1-high kernel at stride 1 keeps the height 1 with either padding and no output padding.
  const op = args.outputPadding ?? null;
  const y = conv2dTranspose(expandDims(input, 1), expandDims(f, 0), {
    strides: [1, args.stride ?? 1], padding: args.padding, dilations: [1, args.dilation ?? 1], outputPadding: op === null ? null : [0, op],
  });
  return reshape(y, [y.shape[0]!, y.shape[2]!, y.shape[3]!]);
}

/** Options of `conv3d`. */
export interface Conv3DArgs {
  /** Steps between windows, one number or [depth, height, width] (default 1). */
  strides?: number | readonly number[];
  /** `'valid'` (default) or `'same'` (output ceil(input / stride) along each axis). */
  padding?: 'valid' | 'same';
  /** Spacing between the filter's taps, one number or [depth, height, width] (default 1). */
  dilations?: number | readonly number[];
  /** Splits the channels into this many independent blocks (default 1). */
  groups?: number;
}

const CONV3D_KEYS = optionKeys<Conv3DArgs>({ strides: true, padding: true, dilations: true, groups: true });

/**
 * 3-D convolution of `x` [batch, depth, height, width, inChannels] (volumes, or frames of a video) with
 * `filter` [filterDepth, filterHeight, filterWidth, inChannels / groups, outChannels], giving
 * [batch, outDepth, outHeight, outWidth, outChannels]. Built on conv2d: the depth taps of each output
 * depth are gathered beside the channels, so one conv2d does the rest, and the gradients come with it.
 *
 * @example
 * conv3d(volumes, filter, { padding: 'same' }); // [n, 8, 16, 16, 1] * [3, 3, 3, 1, 4] -> [n, 8, 16, 16, 4]
 */
export function conv3d(x: Tensor, filter: Tensor, args: Conv3DArgs = {}): Tensor {
  const op = 'conv3d';
  checkOptions(op, args, CONV3D_KEYS);
  const [input, f] = floatOperands(op, x, filter);
  if (input.rank !== 5) throw rankError(op, input, '[batch, depth, height, width, channels]', 5);
  if (f.rank !== 5) throw new ShapeError(`${op}: filter must be [filterDepth, filterHeight, filterWidth, inChannels / groups, outChannels] (rank 5), got shape ${fmtShape(f.shape)}.`);
  const [b, d, h, w, c] = input.shape as [number, number, number, number, number];
  const [kd, kh, kw, cpg, cout] = f.shape as [number, number, number, number, number];
  const groups = args.groups ?? 1;
  const strides = checkPositiveInts(op, 'strides', args.strides ?? 1, 3);
  const dilations = checkPositiveInts(op, 'dilations', args.dilations ?? 1, 3);
  const padding = args.padding ?? 'valid';
  if (padding !== 'valid' && padding !== 'same') throw new ValueError(`${op}: padding must be 'valid' or 'same', got ${JSON.stringify(padding)}.`);
  if (!Number.isInteger(groups) || groups < 1 || cpg * groups !== c) {
    throw new ShapeError(`${op}: x has ${c} channels (shape ${fmtShape(input.shape)}) but the filter ${fmtShape(f.shape)} with ${groups} group(s) expects ${cpg * groups}; the filter's fourth dimension must be inChannels / groups.`);
  }
  // The depth axis with the height beside it, for its padding and its output size.
  const { pads, out } = windowPads(op, [d, h], [kd, kh], [strides[0]!, strides[1]!], [dilations[0]!, dilations[1]!], padding, 'kernel');
  const od = out[0];
  const padded = pads[0] + pads[1] > 0 ? pad(input, [[0, 0], [pads[0], pads[1]], [0, 0], [0, 0], [0, 0]]) : input;
  const index = Int32Array.from({ length: od * kd }, (_, i) => Math.floor(i / kd) * strides[0]! + (i % kd) * dilations[0]!);
  // [b, od, kd, h, w, c] -> [b·od, h, w, groups, kd, c / groups]: each group's depth taps side by side.
  const taps = gatherInRange(padded, tensor(index, [od, kd], 'int32'), 1);
  const grouped = transpose(reshape(taps, [b * od, kd, h, w, groups, cpg]), [0, 2, 3, 4, 1, 5]);
  const filter2d = reshape(transpose(f, [1, 2, 0, 3, 4]), [kh, kw, kd * cpg, cout]);
  const y = conv2d(reshape(grouped, [b * od, h, w, groups * kd * cpg]), filter2d, {
    strides: [strides[1]!, strides[2]!], padding, dilations: [dilations[1]!, dilations[2]!], groups,
  });
  return reshape(y, [b, od, y.shape[1]!, y.shape[2]!, cout]);
}
