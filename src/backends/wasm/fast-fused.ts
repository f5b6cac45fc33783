/**
 * The wasm backend's fast paths for the fused ops on float32: a product (the matMul or conv2d kernel) followed by
 * the bias and activation applied in place to its output, and the backward pass of bias + activation in one pass.
 */
import type { FusedActivation, Kernels, TensorInfo } from '../../core/backend.js';
import { FUSED_ACTIVATION_CODES } from './abi.js';
import type { FastKernels, WasmRuntime } from './runtime.js';

/** The fused fast paths on `rt`; `products` are the backend's own matMul and conv2d (fast path or fallback). */
export function fusedKernels(rt: WasmRuntime, products: Pick<Kernels, 'matMul' | 'conv2d'>): FastKernels {
  const kernels = rt.kernels;
  const cols = (x: TensorInfo): number => x.shape[x.shape.length - 1]!;
  /**
   * `out = activation(x + bias)` row by row (out may be x); returns out. Rows are split across threads as
   * images are (the bias, at stride 0, is shared), so a convolution's large output keeps both cores.
   */
  const epilogue = (x: TensorInfo, bias: TensorInfo | null, activation: FusedActivation, out: TensorInfo): TensorInfo => {
    const size = (out.dataId as { size: number }).size;
    const rowBytes = 4 * cols(out);
    const pointers: [number, number][] = [[rt.at(x), rowBytes], [bias ? rt.at(bias) : 0, 0], [rt.at(out), rowBytes]];
    if (size > 0) rt.byImage('biasActivationF32', [FUSED_ACTIVATION_CODES[activation]], pointers, [size / cols(out), cols(out)]);
    return out;
  };
  return {
    biasActivation(x, bias, activation) {
      return x.dtype === 'float32' ? epilogue(x, bias, activation, rt.out(x.shape, 'float32')) : undefined;
    },

    biasActivationGrad(dy, y, activation, withBias) {
      if (y.dtype !== 'float32') return undefined;
      const dz = rt.out(y.shape, 'float32');
      const dBias = withBias ? rt.out([cols(y)], 'float32') : undefined;
      const rows = dz.dataId.size / Math.max(cols(y), 1);
      // The bias's float64 column sums (the reduction kernels' precision, so the sums equal theirs).
      const sumBytes = 8 * cols(y);
      const sums = dBias ? rt.heap.alloc(sumBytes) : 0;
      kernels.biasActivationGradF32(FUSED_ACTIVATION_CODES[activation], rt.at(dy), rt.at(y), dz.dataId.offset, dBias?.dataId.offset ?? 0, rows, cols(y), sums);
      if (dBias) rt.heap.free(sums, sumBytes);
      return dBias ? [dz, dBias] : [dz];
    },

    fusedMatMul(a, b, transposeA, transposeB, batchShape, bias, activation) {
      if (a.dtype !== 'float32') return undefined;
      const z = products.matMul(a, b, transposeA, transposeB, batchShape);
      return epilogue(z, bias, activation, z);
    },

    fusedConv2d(x, filter, strides, pads, dilations, groups, bias, activation) {
      if (x.dtype !== 'float32') return undefined;
      const z = products.conv2d(x, filter, strides, pads, dilations, groups);
      return epilogue(z, bias, activation, z);
    },
  };
}
