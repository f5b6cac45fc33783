/**
 * Where the taps of 2-D sliding windows (convolution, pooling) lie over channels-last images: the sizes
 * every backend's window kernels and the ops' shape checks compute the same way, in one place.
 */
import type { Pair, Pads } from './backend.js';
import type { Shape } from './shape.js';

/**
 * The geometry of windows over a batch of images `[batch, inH, inW, channels]`: output size, window size,
 * strides, the padding before each spatial axis and dilations. A tap (ky, kx) of output (oy, ox) reads
 * input row `oy · strideY - padTop + ky · dilationY` and column `ox · strideX - padLeft + kx · dilationX`.
 * A tuple, because the WebAssembly kernels take it as their trailing arguments in this order.
 */
export type WindowGeometry = readonly [
  batch: number, inH: number, inW: number, channels: number, outH: number, outW: number, kh: number, kw: number,
  strideY: number, strideX: number, padTop: number, padLeft: number, dilationY: number, dilationX: number,
];

/** The extent of a window of `k` taps once dilated: (k - 1) · dilation + 1. */
export function dilatedExtent(k: number, dilation: number): number {
  return (k - 1) * dilation + 1;
}

/**
 * Windows along one axis of `size` elements, padded by `before` and `after`: `floor((size + before + after
 * - (k - 1) · dilation - 1) / stride) + 1` (below 1 where no window fits).
 */
export function windowCount(size: number, k: number, stride: number, before: number, after: number, dilation: number): number {
  return Math.floor((size + before + after - dilatedExtent(k, dilation)) / stride) + 1;
}

/**
 * The geometry of `window` [kh, kw] taps over images of `xShape` [batch, h, w, channels].
 *
 * @example
 * windowGeometry([8, 28, 28, 1], [3, 3], [1, 1], [0, 0, 0, 0], [1, 1]);
 * // [8, 28, 28, 1, 26, 26, 3, 3, 1, 1, 0, 0, 1, 1]
 */
export function windowGeometry(xShape: Shape, window: Pair, strides: Pair, pads: Pads, dilations: Pair): WindowGeometry {
  const [batch, inH, inW, channels] = xShape as [number, number, number, number];
  const outH = windowCount(inH, window[0], strides[0], pads[0], pads[1], dilations[0]);
  const outW = windowCount(inW, window[1], strides[1], pads[2], pads[3], dilations[1]);
  return [batch, inH, inW, channels, outH, outW, window[0], window[1], strides[0], strides[1], pads[0], pads[2], dilations[0], dilations[1]];
}

/** Output pixels over the whole batch (batch · outH · outW): the rows of an im2col matrix. */
export function outputPixels(g: WindowGeometry): number {
  return g[0] * g[4] * g[5];
}

/** Taps of one window over all channels (kh · kw · channels): the columns of an im2col matrix. */
export function windowDepth(g: WindowGeometry): number {
  return g[6] * g[7] * g[3];
}
