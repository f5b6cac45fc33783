/**
 * The wasm backend's fast paths for elementwise work on float32: unary and binary ops (same shape, scalar
 * and row/column broadcasting), where, casts, reductions over adjacent axes, argmax/argmin over the last
 * axis, softmax, the fused softmax cross-entropy and its gradient, and the optimizers' updates.
 */
import type { TensorInfo, UnaryOp } from '../../core/backend.js';
import { bytesPerElement } from '../../core/dtype.js';
import { BINARY_CODES, CAST_CODES, REDUCE_CODES, UNARY_CODES } from './abi.js';
import { broadcastLoops, reductionView } from './layout.js';
import type { FastKernels, WasmRuntime } from './runtime.js';

/**
 * Cost per element of each unary kernel relative to a simple SIMD op, which decides when a call is
 * big enough to split across threads (measured: ~0.15 ns, 2.5 ns for the SIMD exp and sigmoid, 4 ns
 * for the SIMD tanh, 7 ns for sign, 25–50 ns for the scalar float64 functions).
 */
const UNARY_COST: Record<UnaryOp, number> = {
  neg: 1, abs: 1, sqrt: 2, square: 1, reciprocal: 2, relu: 1, floor: 1, ceil: 1, round: 1,
  exp: 16, sigmoid: 16, tanh: 24, sign: 48, expm1: 160, log: 160, log1p: 160, sin: 256, cos: 256, erf: 512,
};

/** Whether cross-entropy labels are class ids (true) or probabilities (false) the kernels take; undefined for other dtypes. */
function crossEntropyLabels(logits: TensorInfo, labels: TensorInfo): boolean | undefined {
  if (logits.dtype !== 'float32' || logits.shape[logits.shape.length - 1] === 0) return undefined;
  return labels.dtype === 'int32' ? true : labels.dtype === 'float32' ? false : undefined;
}

/** The elementwise fast paths on `rt`. */
export function elementwiseKernels(rt: WasmRuntime): FastKernels {
  const kernels = rt.kernels;
  const at = (x: TensorInfo): number => rt.at(x);
  return {
    unary(x, op) {
      const code = UNARY_CODES[op];
      if (x.dtype !== 'float32' || code === undefined) return undefined;
      const out = rt.out(x.shape, 'float32');
      rt.unary(code, at(x), out.dataId.offset, out.dataId.size, UNARY_COST[op]);
      return out;
    },

    binary(a, b, op, outShape, outDtype) {
      const loops = a.dtype === 'float32' ? broadcastLoops(outShape, [a.shape, b.shape]) : undefined;
      if (!loops) return undefined;
      const out = rt.out(outShape, outDtype);
      if (out.dataId.size === 0) return out;
      const [d, [sa, sb]] = [loops.shape, loops.strides] as [number[], number[][]];
      rt.binary(BINARY_CODES[op], at(a), at(b), out, d, sa!, sb!);
      return out;
    },

    where(cond, a, b, outShape) {
      const loops = bytesPerElement(a.dtype) === 4 && cond.dtype === 'bool' ? broadcastLoops(outShape, [cond.shape, a.shape, b.shape]) : undefined;
      if (!loops) return undefined;
      const out = rt.out(outShape, a.dtype);
      if (out.dataId.size === 0) return out;
      const [d, [sc, sa, sb]] = [loops.shape, loops.strides] as [number[], number[][]];
      kernels.where32(
        at(cond), at(a), at(b), out.dataId.offset, d[0]!, d[1]!, d[2]!, d[3]!,
        sc![0]!, sc![1]!, sc![2]!, sc![3]!, sa![0]!, sa![1]!, sa![2]!, sa![3]!, sb![0]!, sb![1]!, sb![2]!, sb![3]!,
      );
      return out;
    },

    cast(x, dtype) {
      const code = CAST_CODES[`${x.dtype}>${dtype}`];
      if (code === undefined) return undefined;
      const out = rt.out(x.shape, dtype);
      kernels.cast(code, at(x), out.dataId.offset, out.dataId.size);
      return out;
    },

    reduce(x, axes, op) {
      const plan = x.dtype === 'float32' ? reductionView(x.shape, axes) : undefined;
      if (!plan) return undefined;
      const out = rt.out(x.shape.filter((_, i) => !axes.includes(i)), 'float32');
      if (out.dataId.size > 0) kernels.reduceF32(REDUCE_CODES[op], at(x), out.dataId.offset, plan.outer, plan.r, plan.inner);
      return out;
    },

    argReduce(x, axis, op) {
      const cols = x.shape[axis]!;
      if (x.dtype !== 'float32' || axis !== x.shape.length - 1 || cols === 0) return undefined;
      const out = rt.out(x.shape.slice(0, -1), 'int32');
      if (out.dataId.size > 0) kernels.argExtremeRowsF32(at(x), out.dataId.offset, out.dataId.size, cols, op === 'argmax');
      return out;
    },

    softmax(x) {
      if (x.dtype !== 'float32') return undefined;
      const out = rt.out(x.shape, 'float32');
      const cols = x.shape[x.shape.length - 1]!;
      if (out.dataId.size > 0) kernels.softmaxF32(at(x), out.dataId.offset, out.dataId.size / cols, cols);
      return out;
    },

    softmaxCrossEntropy(logits, labels) {
      const sparse = crossEntropyLabels(logits, labels);
      if (sparse === undefined) return undefined;
      const cols = logits.shape[logits.shape.length - 1]!;
      const out = rt.out(logits.shape.slice(0, -1), 'float32');
      if (out.dataId.size > 0) kernels.softmaxCrossEntropyF32(at(logits), at(labels), out.dataId.offset, out.dataId.size, cols, sparse);
      return out;
    },

    softmaxCrossEntropyGrad(logits, labels, dy) {
      const sparse = crossEntropyLabels(logits, labels);
      if (sparse === undefined || dy.dtype !== 'float32') return undefined;
      const cols = logits.shape[logits.shape.length - 1]!;
      const out = rt.out(logits.shape, 'float32');
      if (out.dataId.size > 0) kernels.softmaxCrossEntropyGradF32(at(logits), at(labels), at(dy), out.dataId.offset, out.dataId.size / cols, cols, sparse);
      return out;
    },

    applyUpdate(rule, value, grad, slots) {
      if (value.dtype !== 'float32') return undefined;
      const outs = [value, ...slots].map((x) => rt.out(x.shape, 'float32'));
      const n = outs[0]!.dataId.size;
      // Absent slots are passed as address 0, which the kernels read as "none".
      const slot = (i: number): number => (i < slots.length ? at(slots[i]!) : 0);
      const outSlot = (i: number): number => outs[i + 1]?.dataId.offset ?? 0;
      const [w, g, outW] = [at(value), at(grad), outs[0]!.dataId.offset];
      if (rule.kind === 'adam') {
        const vHat = rule.amsgrad ? 2 : slots.length;
        const pointers = [w, g, slot(0), slot(1), slot(vHat), outW, outSlot(0), outSlot(1), outSlot(vHat)];
        rt.update('adamF32', pointers, n, [rule.alpha, 1 - rule.beta1, 1 - rule.beta2, rule.epsilon]);
      } else if (rule.kind === 'sgd') {
        rt.update('sgdF32', [w, g, slot(0), outW, outSlot(0)], n, [rule.learningRate, rule.momentum, rule.nesterov ? 1 : 0]);
      } else {
        const mom = rule.momentum > 0 ? 1 : slots.length;
        const avg = rule.centered ? (rule.momentum > 0 ? 2 : 1) : slots.length;
        const pointers = [w, g, slot(0), slot(mom), slot(avg), outW, outSlot(0), outSlot(mom), outSlot(avg)];
        rt.update('rmspropF32', pointers, n, [rule.learningRate, rule.rho, 1 - rule.rho, rule.momentum, rule.epsilon]);
      }
      return outs;
    },
  };
}
