/**
 * The wasm backend's fast paths for sliding windows on float32 images: convolutions (groups 1) as
 * matrix products over an im2col copy of the input (one row per output pixel, kh·kw·cin columns) — the
 * forward pass col · filter, the filter gradient colᵀ · dy, the input gradient col2im(dy · filterᵀ) —
 * or, for 3×3 convolutions at stride 1 with enough channels and both of their gradients, Winograd
 * F(2×2, 3×3) (kernels/winograd.ts); the forward pass on 1-channel images directly (conv1ChannelF32);
 * and pooling with its gradients as SIMD over channels, each split across threads by images.
 */
import type { Pair, Pads, TensorInfo } from '../../core/backend.js';
import { outputPixels, windowDepth, windowGeometry, type WindowGeometry } from '../../core/windows.js';
import { BINARY_CODES, POOL_CODES, type PoolGeometry, type WinogradGeometry } from './abi.js';
import type { FastKernels, WasmRuntime } from './runtime.js';

/** Bytes of one input image: inH · inW · channels float32 values. */
function imageBytes(g: WindowGeometry): number {
  return g[1] * g[2] * g[3] * 4;
}

/** Bytes of one output image of a pooling kernel: outH · outW · channels float32 values. */
function outputBytes(g: WindowGeometry): number {
  return g[4] * g[5] * g[3] * 4;
}

/** Bytes of one image's im2col rows: outH · outW rows of kh · kw · channels float32 values. */
function colBytes(g: WindowGeometry): number {
  return g[4] * g[5] * windowDepth(g) * 4;
}

/** Bytes of the whole batch's im2col matrix. */
function colMatrixBytes(g: WindowGeometry): number {
  return outputPixels(g) * windowDepth(g) * 4;
}

/** The geometry pooling kernels take: a pool's taps are adjacent, so it has no dilations. */
function poolArgs(g: WindowGeometry): PoolGeometry {
  return g.slice(0, 12) as unknown as PoolGeometry;
}

/**
 * Floats of scratch one thread walks its Winograd tiles through (their 16 transformed inputs and 16
 * products): 256 KiB, so that they stay in a core's L2 cache between the transforms and the products.
 */
const WINOGRAD_SCRATCH_FLOATS = 1 << 16;

/**
 * Channels (of the input and of the output) from which Winograd beats im2col + gemm. Its 16 products
 * are [tiles × cin] · [cin × cout]: with fewer channels each is too shallow or too narrow for the 4×8
 * tile, and the transforms (which cost per channel, not per product) take the time it saves.
 */
const WINOGRAD_MIN_CHANNELS = 8;

/**
 * Whether Winograd F(2×2, 3×3) takes a convolution of `g` from `cin` to `cout` channels: a 3×3 window
 * at stride 1, no dilation, enough channels (WINOGRAD_MIN_CHANNELS).
 */
function winogradApplies(g: WindowGeometry, cin: number, cout: number): boolean {
  const [, , , , , , kh, kw, sy, sx, , , dy, dx] = g;
  return kh === 3 && kw === 3 && sy === 1 && sx === 1 && dy === 1 && dx === 1 && Math.min(cin, cout) >= WINOGRAD_MIN_CHANNELS;
}

/**
 * The Winograd kernels' geometry for images [batch, inH, inW, cin] convolved to [batch, outH, outW, cout]
 * with `padTop`, `padLeft` before each axis: the 2×2 tiles of each image (or, `acrossImages`, of the
 * batch) in equal blocks (multiples of 4) of at most WINOGRAD_SCRATCH_FLOATS, a tile taking `perTile` floats.
 */
function winogradGeometry(shape: readonly [number, number, number, number, number, number, number, number, number], perTile: number, acrossImages = false): WinogradGeometry {
  const tiles = Math.ceil(shape[4] / 2) * Math.ceil(shape[5] / 2) * (acrossImages ? shape[0] : 1);
  const most = Math.max(4, Math.floor(WINOGRAD_SCRATCH_FLOATS / perTile));
  return [...shape, Math.ceil(tiles / Math.ceil(tiles / most) / 4) * 4];
}

/** Scratch floats of one tile in winogradConvF32: its 16 transformed inputs and 16 products. */
function convPerTile(cin: number, cout: number): number {
  return 16 * (cin + cout);
}

/** Scratch floats of one tile in winogradFilterGradF32: its 16 transformed inputs (channels in 4s) and dy (in 8s). */
function filterGradPerTile(cin: number, cout: number): number {
  return 16 * (Math.ceil(cin / 4) * 4 + Math.ceil(cout / 8) * 8);
}

/** Bytes of one thread's Winograd scratch: its blocks of `perTile` floats a tile, and the matrix tile's 8 floats. */
function winogradSlotBytes(wg: WinogradGeometry, perTile: number): number {
  return (perTile * wg[9] + 8) * 4;
}

/** The convolution and pooling fast paths on `rt`. */
export function windowKernels(rt: WasmRuntime): FastKernels {
  const at = (x: TensorInfo): number => rt.at(x);

  /** The im2col copy of `x` in a fresh block (free it with `freeCol`), or x itself where a 1×1 unit-stride convolution needs none. */
  const im2col = (x: TensorInfo, g: WindowGeometry): number => {
    const [, , , , , , kh, kw, sy, sx, padTop, padLeft] = g;
    if (kh === 1 && kw === 1 && sy === 1 && sx === 1 && padTop === 0 && padLeft === 0 && outputPixels(g) === g[0] * g[1] * g[2]) return at(x);
    const col = rt.heap.alloc(colMatrixBytes(g));
    rt.byImage('im2colF32', [], [[at(x), imageBytes(g)], [col, colBytes(g)]], g);
    return col;
  };
  const freeCol = (col: number, x: TensorInfo, g: WindowGeometry): void => {
    if (col !== at(x)) rt.heap.free(col, colMatrixBytes(g));
  };
  /**
   * `out` = the Winograd convolution of `x` (geometry `wg`) by the 3×3 `filter` [3, 3, cin, cout] — or, with
   * `flip`, by the filter rotated 180° with its channels swapped, which convolves dy into an input gradient —
   * split across threads by images, each thread's tiles going through its own block of scratch. Returns
   * false where some output is NaN or infinite: Winograd may turn the direct form's ±Infinity into NaN,
   * so the caller computes those convolutions the direct way.
   */
  const winograd = (x: number, filter: number, flip: boolean, out: number, wg: WinogradGeometry): boolean => {
    const [batch, inH, inW, cin, outH, outW, cout] = wg;
    const uBytes = 16 * Math.ceil(cout / 8) * 8 * cin * 4;
    // Each image has a slot, so that each thread's range of images starts at its own; only that one is used.
    const slotBytes = winogradSlotBytes(wg, convPerTile(cin, cout));
    const u = rt.heap.alloc(uBytes);
    const scratch = rt.heap.alloc(batch * slotBytes);
    const flag = rt.heap.alloc(4);
    new Int32Array(rt.memory.buffer, flag, 1)[0] = 0;
    rt.kernels.winogradFilterF32(filter, u, flip ? cout : cin, flip ? cin : cout, flip);
    rt.byImage('winogradConvF32', [u, flag], [[x, inH * inW * cin * 4], [out, outH * outW * cout * 4], [scratch, slotBytes]], wg);
    const finite = new Int32Array(rt.memory.buffer, flag, 1)[0] === 0;
    rt.heap.free(flag, 4);
    rt.heap.free(scratch, batch * slotBytes);
    rt.heap.free(u, uBytes);
    return finite;
  };
  /**
   * `out` [3, 3, cin, cout] = the filter gradient of the convolution of `x` (geometry `wg`) given `dy`, in
   * Winograd's transformed domain: each thread sums the products of its images' tiles into a partial of its
   * own (one slot per image, as for `winograd`, flagged where a share began), the partials are added, and
   * Gᵀ · G brings the sum back to the filter. Returns false where some value is NaN or infinite (see `winograd`).
   */
  const winogradFilterGrad = (x: number, dy: number, out: number, wg: WinogradGeometry): boolean => {
    const [batch, inH, inW, cin, outH, outW, cout] = wg;
    const slotBytes = winogradSlotBytes(wg, filterGradPerTile(cin, cout));
    const partialBytes = 16 * cin * cout * 4;
    const scratch = rt.heap.alloc(batch * slotBytes);
    const partials = rt.heap.alloc(batch * partialBytes);
    const used = rt.heap.alloc(batch * 4);
    new Int32Array(rt.memory.buffer, used, batch).fill(0);
    rt.byImage('winogradFilterGradF32', [], [[x, inH * inW * cin * 4], [dy, outH * outW * cout * 4], [scratch, slotBytes], [partials, partialBytes], [used, 4]], wg);
    const began = new Int32Array(rt.memory.buffer, used, batch);
    for (let b = 1; b < batch; b++) {
      if (began[b]) rt.kernels.binaryF32(BINARY_CODES.add, partials, partials + b * partialBytes, partials, 1, 1, 1, partialBytes / 4, 0, 0, 0, 1, 0, 0, 0, 1);
    }
    const finite = rt.kernels.winogradUntransformF32(partials, out, cin, cout) === 0;
    rt.heap.free(used, batch * 4);
    rt.heap.free(partials, batch * partialBytes);
    rt.heap.free(scratch, batch * slotBytes);
    return finite;
  };
  const poolGeometry = (xShape: readonly number[], poolSize: Pair, strides: Pair, pads: Pads): WindowGeometry => windowGeometry(xShape, poolSize, strides, pads, [1, 1]);

  return {
    conv2d(x, filter, strides, pads, dilations, groups) {
      if (x.dtype !== 'float32' || groups !== 1) return undefined;
      const cout = filter.shape[3]!;
      const g = windowGeometry(x.shape, [filter.shape[0]!, filter.shape[1]!], strides, pads, dilations);
      const out = rt.out([g[0], g[4], g[5], cout], 'float32');
      if (out.dataId.size === 0) return out;
      const [batch, inH, inW, cin, outH, outW, , , , , padTop, padLeft] = g;
      // A first layer on grey images: measured 0.83–0.85× the time of im2col + gemm on the lesson's [28, 28, 1] → 32.
      if (cin === 1 && cout % 4 === 0) {
        rt.byImage('conv1ChannelF32', [at(filter), cout], [[at(x), imageBytes(g)], [out.dataId.offset, outH * outW * cout * 4]], g);
        return out;
      }
      if (winogradApplies(g, cin, cout) && winograd(at(x), at(filter), false, out.dataId.offset, winogradGeometry([batch, inH, inW, cin, outH, outW, cout, padTop, padLeft], convPerTile(cin, cout)))) return out;
      const col = im2col(x, g);
      rt.gemm(col, windowDepth(g), 1, at(filter), cout, 1, out.dataId.offset, outputPixels(g), cout, windowDepth(g));
      freeCol(col, x, g);
      return out;
    },

    conv2dBackpropInput(dy, filter, xShape, strides, pads, dilations, groups) {
      if (dy.dtype !== 'float32' || groups !== 1) return undefined;
      const cout = filter.shape[3]!;
      const g = windowGeometry(xShape, [filter.shape[0]!, filter.shape[1]!], strides, pads, dilations);
      const out = rt.out(xShape, 'float32');
      if (out.dataId.size === 0) return out;
      // For stride 1, the input gradient is dy convolved by the filter rotated 180° with its channels
      // swapped, dy padded by 2 - pad before each axis (k - 1 - pad).
      const [batch, inH, inW, cin, outH, outW, , , , , padTop, padLeft] = g;
      if (winogradApplies(g, cin, cout) && winograd(at(dy), at(filter), true, out.dataId.offset, winogradGeometry([batch, outH, outW, cout, inH, inW, cin, 2 - padTop, 2 - padLeft], convPerTile(cout, cin)))) return out;
      const dcol = rt.heap.alloc(colMatrixBytes(g));
      // dcol (rows × depth) = dy (rows × cout) · filterᵀ (cout × depth).
      rt.gemm(at(dy), cout, 1, at(filter), 1, cout, dcol, outputPixels(g), windowDepth(g), cout);
      rt.byImage('col2imF32', [], [[dcol, colBytes(g)], [out.dataId.offset, imageBytes(g)]], g);
      rt.heap.free(dcol, colMatrixBytes(g));
      return out;
    },

    conv2dBackpropFilter(x, dy, filterShape, strides, pads, dilations, groups) {
      if (x.dtype !== 'float32' || groups !== 1) return undefined;
      const cout = filterShape[3]!;
      const g = windowGeometry(x.shape, [filterShape[0]!, filterShape[1]!], strides, pads, dilations);
      const out = rt.out(filterShape, 'float32');
      if (out.dataId.size === 0) return out;
      const [batch, inH, inW, cin, outH, outW, , , , , padTop, padLeft] = g;
      if (winogradApplies(g, cin, cout) && winogradFilterGrad(at(x), at(dy), out.dataId.offset, winogradGeometry([batch, inH, inW, cin, outH, outW, cout, padTop, padLeft], filterGradPerTile(cin, cout), true))) return out;
      const col = im2col(x, g);
      // dfilter (depth × cout) = colᵀ (depth × rows) · dy (rows × cout).
      rt.gemm(col, 1, windowDepth(g), at(dy), cout, 1, out.dataId.offset, windowDepth(g), cout, outputPixels(g));
      freeCol(col, x, g);
      return out;
    },

    pool2d(x, op, poolSize, strides, pads) {
      if (x.dtype !== 'float32') return undefined;
      const g = poolGeometry(x.shape, poolSize, strides, pads);
      const out = rt.out([g[0], g[4], g[5], g[3]], 'float32');
      if (out.dataId.size > 0) rt.byImage('poolF32', [POOL_CODES[op]], [[at(x), imageBytes(g)], [out.dataId.offset, outputBytes(g)]], poolArgs(g));
      return out;
    },

    maxPool2dGrad(dy, x, poolSize, strides, pads) {
      if (x.dtype !== 'float32') return undefined;
      const g = poolGeometry(x.shape, poolSize, strides, pads);
      const out = rt.out(x.shape, 'float32');
      if (out.dataId.size > 0) rt.byImage('maxPoolGradF32', [], [[at(dy), outputBytes(g)], [at(x), imageBytes(g)], [out.dataId.offset, imageBytes(g)]], poolArgs(g));
      return out;
    },

    avgPool2dGrad(dy, xShape, poolSize, strides, pads) {
      if (dy.dtype !== 'float32') return undefined;
      const g = poolGeometry(xShape, poolSize, strides, pads);
      const out = rt.out(xShape, 'float32');
      if (out.dataId.size > 0) rt.byImage('avgPoolGradF32', [], [[at(dy), outputBytes(g)], [out.dataId.offset, imageBytes(g)]], poolArgs(g));
      return out;
    },
  };
}
