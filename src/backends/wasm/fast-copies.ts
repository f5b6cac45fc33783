/**
 * The wasm backend's fast paths for ops that move elements without arithmetic: transposes that reduce to
 * 2-D or batched ones (4-byte elements), slices and tiles copied in whole runs, and gathers of runs.
 */
import type { TensorInfo } from '../../core/backend.js';
import { bytesPerElement } from '../../core/dtype.js';
import { sizeOf, stridesOf } from '../../core/shape.js';
import { transposeView } from './layout.js';
import type { FastKernels, WasmRuntime } from './runtime.js';

/** The copying fast paths on `rt`. */
export function copyKernels(rt: WasmRuntime): FastKernels {
  const at = (x: TensorInfo): number => rt.at(x);
  const bytes = (): Uint8Array => new Uint8Array(rt.memory.buffer);
  return {
    transpose(x, perm) {
      const plan = bytesPerElement(x.dtype) === 4 ? transposeView(x.shape, perm) : undefined;
      if (!plan) return undefined;
      const out = rt.out(perm.map((p) => x.shape[p]!), x.dtype);
      if (out.dataId.size > 0) rt.kernels.transpose32(at(x), out.dataId.offset, plan.batch, plan.rows, plan.cols, plan.inner);
      return out;
    },

    slice(x, begin, size) {
      // Trailing axes taken whole, with the innermost partial axis before them, form contiguous runs.
      let axis = x.shape.length - 1;
      let run = 1;
      while (axis >= 0 && begin[axis] === 0 && size[axis] === x.shape[axis]) run *= x.shape[axis--]!;
      if (axis >= 0) run *= size[axis]!;
      const runs = sizeOf(size) / run;
      // Short runs copy faster element by element than one copyWithin call each.
      if (!(run >= 16 || runs === 1)) return undefined;
      const out = rt.out(size, x.dtype);
      if (out.dataId.size === 0) return out;
      const width = bytesPerElement(x.dtype);
      const strides = stridesOf(x.shape);
      const outer = size.slice(0, Math.max(axis, 0));
      const outerStrides = stridesOf(outer);
      const memory = bytes();
      const base = at(x) + width * begin.reduce((acc, b, i) => acc + b * strides[i]!, 0);
      for (let r = 0; r < runs; r++) {
        let from = base;
        for (let i = 0, rest = r; i < outer.length; i++) {
          const index = Math.floor(rest / outerStrides[i]!);
          rest -= index * outerStrides[i]!;
          from += index * strides[i]! * width;
        }
        memory.copyWithin(out.dataId.offset + r * run * width, from, from + run * width);
      }
      return out;
    },

    gather(x, indices, axis) {
      const out = rt.out([...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)], x.dtype);
      if (out.dataId.size === 0) return out;
      // Each index picks a run of the elements after `axis` (a row of a batch, an embedding), copied whole.
      const run = sizeOf(x.shape.slice(axis + 1)) * bytesPerElement(x.dtype);
      rt.kernels.gatherRuns(at(x), at(indices), out.dataId.offset, sizeOf(x.shape.slice(0, axis)), x.shape[axis]!, sizeOf(indices.shape), run);
      return out;
    },

    tile(x, reps) {
      const rank = x.shape.length;
      const last = rank - 1;
      // Whole rows and blocks are copied: worth it when the rows are not tiny.
      if (rank === 0 || x.shape[last]! * reps[last]! < 16) return undefined;
      const out = rt.out(x.shape.map((d, i) => d * reps[i]!), x.dtype);
      if (out.dataId.size === 0) return out;
      const width = bytesPerElement(x.dtype);
      const inStrides = stridesOf(x.shape).map((s) => s * width);
      const outStrides = stridesOf(out.shape).map((s) => s * width);
      const memory = bytes();
      // Fills the output block of `axis` at `to` from the input block at `from`: its sub-blocks first,
      // then copies of the filled block for the repetitions along `axis`.
      const fill = (axis: number, from: number, to: number): void => {
        const d = x.shape[axis]!;
        if (axis === last) {
          memory.copyWithin(to, from, from + d * width);
        } else {
          for (let i = 0; i < d; i++) fill(axis + 1, from + i * inStrides[axis]!, to + i * outStrides[axis]!);
        }
        // Doubling the filled part takes log2(reps) copies.
        const block = d * outStrides[axis]!;
        for (let filled = 1; filled < reps[axis]!; ) {
          const more = Math.min(filled, reps[axis]! - filled);
          memory.copyWithin(to + filled * block, to, to + more * block);
          filled += more;
        }
      };
      fill(0, at(x), out.dataId.offset);
      return out;
    },
  };
}
