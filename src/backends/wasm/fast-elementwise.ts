/**
 * The wasm backend's fast paths for elementwise work on float32: unary and binary ops (same shape, scalar
 * and row/column broadcasting), where, casts, reductions over adjacent axes, argmax/argmin over the last
 * axis, softmax, the fused softmax cross-entropy and its gradient, and the optimizers' updates (one parameter,
 * or many in place in one call).
 */
import type { TensorInfo, UnaryOp, UpdateRule } from '../../core/backend.js';
import { bytesPerElement, type TypedArray } from '../../core/dtype.js';
import { sizeOf } from '../../core/shape.js';
import { updateArrays } from '../cpu/math.js';
import { BINARY_CODES, CAST_CODES, REDUCE_CODES, UNARY_CODES, UPDATE_CODES } from './abi.js';
import { broadcastLoops, reductionView } from './layout.js';
import type { FastKernels, WasmData, WasmRuntime } from './runtime.js';
import { MIN_PARALLEL_ELEMENTS, type UpdateKernel } from './thread-pool.js';

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
      const call = updateCall(rule, at(value), at(grad), slots.map(at), outs[0]!.dataId.offset, outs.slice(1).map((o) => o.dataId.offset));
      rt.update(call.kernel, call.pointers, outs[0]!.dataId.size, call.hyper);
      return outs;
    },

    applyUpdates(rule, targets) {
      const group: number[] = [];
      let count = 0;
      let hyper: number[] = [];
      for (const { param, value, grad, slots } of targets) {
        const n = sizeOf(param.shape);
        if (param.dtype !== 'float32') {
          const state = slots.map((x) => rt.view(x.dataId as WasmData));
          const [w, g, out] = [value, grad, param].map((x) => rt.view(x.dataId as WasmData)) as [TypedArray, TypedArray, TypedArray];
          updateArrays(rule, w, g, state, out, state, false);
          continue;
        }
        const slotPointers = slots.map(at);
        const call = updateCall(rule, at(value), at(grad), slotPointers, at(param), slotPointers);
        // A large parameter is split across threads by itself; the rest share one call.
        if (n >= MIN_PARALLEL_ELEMENTS) rt.update(call.kernel, call.pointers, n, call.hyper);
        else if (n > 0) {
          group.push(...call.pointers, n);
          hyper = call.hyper;
          count++;
        }
      }
      if (count > 0) {
        const table = rt.heap.alloc(group.length * 4);
        new Int32Array(rt.memory.buffer, table, group.length).set(group);
        kernels.updateGroupF32(UPDATE_CODES[rule.kind], table, count, hyper[0]!, hyper[1]!, hyper[2]!, hyper[3] ?? 0, hyper[4] ?? 0);
        rt.heap.free(table, group.length * 4);
      }
      return targets.map((t) => t.param);
    },
  };
}

/** An update kernel's call: its name, its pointers (parameter, gradient, slots, then outputs; 0 for an absent slot) and hyperparameters. */
interface UpdateCall {
  kernel: UpdateKernel;
  pointers: number[];
  hyper: number[];
}

/** The call of `rule`'s kernel reading `w`, `g` and `slots` and writing `outW` and `outSlots` (pointers; the slots in the rule's order). */
function updateCall(rule: UpdateRule, w: number, g: number, slots: readonly number[], outW: number, outSlots: readonly number[]): UpdateCall {
  // Absent slots are passed as address 0, which the kernels read as "none".
  const slot = (i: number): number => slots[i] ?? 0;
  const outSlot = (i: number): number => outSlots[i] ?? 0;
  if (rule.kind === 'adam') {
    const vHat = rule.amsgrad ? 2 : slots.length;
    const pointers = [w, g, slot(0), slot(1), slot(vHat), outW, outSlot(0), outSlot(1), outSlot(vHat)];
    return { kernel: 'adamF32', pointers, hyper: [rule.alpha, 1 - rule.beta1, 1 - rule.beta2, rule.epsilon] };
  }
  if (rule.kind === 'sgd') return { kernel: 'sgdF32', pointers: [w, g, slot(0), outW, outSlot(0)], hyper: [rule.learningRate, rule.momentum, rule.nesterov ? 1 : 0] };
  const mom = rule.momentum > 0 ? 1 : slots.length;
  const avg = rule.centered ? (rule.momentum > 0 ? 2 : 1) : slots.length;
  const pointers = [w, g, slot(0), slot(mom), slot(avg), outW, outSlot(0), outSlot(mom), outSlot(avg)];
  return { kernel: 'rmspropF32', pointers, hyper: [rule.learningRate, rule.rho, 1 - rule.rho, rule.momentum, rule.epsilon] };
}
