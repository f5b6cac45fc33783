/** The wasm backend's fast path for float32 matrix products: any transposition, batches broadcast, large ones on several threads. */
import type { TensorInfo } from '../../core/backend.js';
import { broadcastStrides, sizeOf, stridesOf } from '../../core/shape.js';
import type { FastKernels, WasmRuntime } from './runtime.js';

/** The matMul fast path on `rt`. */
export function matMulKernels(rt: WasmRuntime): FastKernels {
  const at = (x: TensorInfo): number => rt.at(x);
  return {
    matMul(a, b, transposeA, transposeB, batchShape) {
      if (a.dtype !== 'float32') return undefined;
      const ra = a.shape.length;
      const rb = b.shape.length;
      const m = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
      const k = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
      const n = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
      const out = rt.out([...batchShape, m, n], 'float32');
      if (out.dataId.size === 0) return out;
      const aStrides = broadcastStrides(a.shape.slice(0, -2), batchShape);
      const bStrides = broadcastStrides(b.shape.slice(0, -2), batchShape);
      const batches = sizeOf(batchShape);
      // Element (i, p) of A and (p, j) of B, whichever way each is stored.
      const [aRow, aCol] = transposeA ? [1, m] : [k, 1];
      const [bRow, bCol] = transposeB ? [1, k] : [n, 1];
      const c = out.dataId.offset;
      if (!transposeA && bStrides.every((s) => s === 0) && aStrides.every((s, i) => s !== 0 || batchShape[i] === 1)) {
        // A shared B under a stack of untransposed A's is one product with batches × m rows.
        rt.gemm(at(a), aRow, aCol, at(b), bRow, bCol, c, batches * m, n, k);
        return out;
      }
      const batchStrides = stridesOf(batchShape);
      for (let batch = 0; batch < batches; batch++) {
        let aIndex = 0;
        let bIndex = 0;
        for (let axis = 0, rest = batch; axis < batchShape.length; axis++) {
          const i = Math.floor(rest / batchStrides[axis]!);
          rest -= i * batchStrides[axis]!;
          aIndex += i * aStrides[axis]!;
          bIndex += i * bStrides[axis]!;
        }
        rt.gemm(at(a) + aIndex * m * k * 4, aRow, aCol, at(b) + bIndex * k * n * 4, bRow, bCol, c + batch * m * n * 4, m, n, k);
      }
      return out;
    },
  };
}
