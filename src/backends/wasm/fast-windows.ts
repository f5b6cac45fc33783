/**
 * The wasm backend's fast paths for sliding windows on float32 images: convolutions (groups 1) as
 * matrix products over an im2col copy of the input (one row per output pixel, kh·kw·cin columns) — the
 * forward pass col · filter, the filter gradient colᵀ · dy, the input gradient col2im(dy · filterᵀ) — and
 * pooling with its gradients as SIMD over channels, each split across threads by images.
 */
import type { Pair, Pads, TensorInfo } from '../../core/backend.js';
import { outputPixels, windowDepth, windowGeometry, type WindowGeometry } from '../../core/windows.js';
import { POOL_CODES, type PoolGeometry } from './abi.js';
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
  const poolGeometry = (xShape: readonly number[], poolSize: Pair, strides: Pair, pads: Pads): WindowGeometry => windowGeometry(xShape, poolSize, strides, pads, [1, 1]);

  return {
    conv2d(x, filter, strides, pads, dilations, groups) {
      if (x.dtype !== 'float32' || groups !== 1) return undefined;
      const cout = filter.shape[3]!;
      const g = windowGeometry(x.shape, [filter.shape[0]!, filter.shape[1]!], strides, pads, dilations);
      const out = rt.out([g[0], g[4], g[5], cout], 'float32');
      if (out.dataId.size === 0) return out;
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
