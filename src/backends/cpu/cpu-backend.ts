/**
 * The reference backend: every kernel in plain TypeScript over typed arrays. Written for
 * clarity first; it is the oracle every faster backend is tested against.
 */
import type { Backend, BinaryOp, DataId, FusedActivation, Pair, Pads, PoolOp, ReduceOp, TensorInfo, UnaryOp, UpdateRule, UpdateTarget } from '../../core/backend.js';
import { allocArray, type DType, type DTypeArrays, type TypedArray } from '../../core/dtype.js';
import { broadcastStrides, sizeOf, stridesOf, type Shape } from '../../core/shape.js';
import { biasActivationBackward, biasActivationInPlace } from './bias-activation.js';
import { binaryFns, unaryFns, updateArrays } from './math.js';
import * as windows from './windows.js';

interface CpuData {
  values: TypedArray;
}

/**
 * Calls `visit(outIndex, offsetA, offsetB, offsetC)` for every element of `shape`, where each
 * offset walks its tensor with the given strides (0 on broadcast axes).
 */
function forEachStrided(shape: Shape, strides: readonly (readonly number[])[], visit: (i: number, offsets: Int32Array) => void): void {
  const rank = shape.length;
  const n = sizeOf(shape);
  const counter = new Int32Array(rank);
  const offsets = new Int32Array(strides.length);
  for (let i = 0; i < n; i++) {
    visit(i, offsets);
    for (let axis = rank - 1; axis >= 0; axis--) {
      counter[axis]!++;
      for (let t = 0; t < strides.length; t++) offsets[t]! += strides[t]![axis]!;
      if (counter[axis]! < shape[axis]!) break;
      for (let t = 0; t < strides.length; t++) offsets[t]! -= strides[t]![axis]! * shape[axis]!;
      counter[axis] = 0;
    }
  }
}

/** True when `shape`, leading 1s dropped, equals the last dimensions of `outShape`: broadcasting then repeats it whole. */
function isTrailing(shape: Shape, outShape: Shape): boolean {
  let start = 0;
  while (start < shape.length && shape[start] === 1) start++;
  const rest = shape.length - start;
  if (rest > outShape.length) return false;
  for (let i = 0; i < rest; i++) if (shape[start + i] !== outShape[outShape.length - rest + i]) return false;
  return true;
}

/** The reference backend. */
export class CpuBackend implements Backend {
  readonly name = 'cpu';

  write(values: TypedArray, shape: Shape, dtype: DType): DataId {
    const copy = allocArray(dtype, sizeOf(shape));
    copy.set(values);
    return { values: copy } satisfies CpuData;
  }

  read(dataId: DataId): TypedArray {
    return (dataId as CpuData).values.slice();
  }

  disposeData(dataId: DataId): void {
    // Drop the reference so the garbage collector can free the array even if the handle lives on.
    (dataId as CpuData).values = allocArray('float32', 0);
  }

  /**
   * The values behind a tensor. This and the two hooks below are where storage enters the kernels:
   * the wasm backend overrides them to run these kernels on WebAssembly memory without copies.
   */
  protected values(x: TensorInfo): TypedArray {
    return (x.dataId as CpuData).values;
  }

  /** A zero-filled array for a kernel's output. */
  protected alloc<D extends DType>(dtype: D, size: number): DTypeArrays[D] {
    return allocArray(dtype, size);
  }

  /** Makes changes to `values`, read from `values(x)`, land in `x`'s storage: here they already have. */
  protected commit(_x: TensorInfo, _values: TypedArray): void {}

  /** Wraps an array from `alloc` as a kernel's result. */
  protected output(values: TypedArray, shape: Shape, dtype: DType): TensorInfo {
    return { dataId: { values } satisfies CpuData, shape, dtype };
  }

  unary(x: TensorInfo, op: UnaryOp): TensorInfo {
    const xs = this.values(x);
    const out = this.alloc(x.dtype, xs.length);
    const fn = unaryFns[op];
    for (let i = 0; i < xs.length; i++) out[i] = fn(xs[i]!);
    return this.output(out, x.shape, x.dtype);
  }

  binary(a: TensorInfo, b: TensorInfo, op: BinaryOp, outShape: Shape, outDtype: DType): TensorInfo {
    const av = this.values(a);
    const bv = this.values(b);
    const out = this.alloc(outDtype, sizeOf(outShape));
    const fn = binaryFns[op];
    if (av.length === out.length && bv.length === out.length) {
      for (let i = 0; i < out.length; i++) out[i] = fn(av[i]!, bv[i]!);
    } else if (bv.length === 1) {
      const s = bv[0]!;
      for (let i = 0; i < out.length; i++) out[i] = fn(av[i]!, s);
    } else if (av.length === 1) {
      const s = av[0]!;
      for (let i = 0; i < out.length; i++) out[i] = fn(s, bv[i]!);
    } else if (av.length === out.length && isTrailing(b.shape, outShape)) {
      // b repeats along the leading axes only (a bias over channels): its index cycles.
      const n = bv.length;
      for (let i = 0; i < out.length; i++) out[i] = fn(av[i]!, bv[i % n]!);
    } else {
      const strides = [broadcastStrides(a.shape, outShape), broadcastStrides(b.shape, outShape)];
      forEachStrided(outShape, strides, (i, o) => {
        out[i] = fn(av[o[0]!]!, bv[o[1]!]!);
      });
    }
    return this.output(out, outShape, outDtype);
  }

  where(cond: TensorInfo, a: TensorInfo, b: TensorInfo, outShape: Shape): TensorInfo {
    const cv = this.values(cond);
    const av = this.values(a);
    const bv = this.values(b);
    const out = this.alloc(a.dtype, sizeOf(outShape));
    const strides = [cond, a, b].map((t) => broadcastStrides(t.shape, outShape));
    forEachStrided(outShape, strides, (i, o) => {
      out[i] = cv[o[0]!] ? av[o[1]!]! : bv[o[2]!]!;
    });
    return this.output(out, outShape, a.dtype);
  }

  /** Offsets, relative to an element's base, of the elements that one reduction combines. */
  private reductionPlan(shape: Shape, axes: readonly number[]): { outShape: number[]; outStrides: number[]; inner: Int32Array } {
    const strides = stridesOf(shape);
    const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
    const outShape = kept.map((i) => shape[i]!);
    const reducedShape = axes.map((i) => shape[i]!);
    const inner = new Int32Array(sizeOf(reducedShape));
    forEachStrided(reducedShape, [axes.map((i) => strides[i]!)], (i, o) => {
      inner[i] = o[0]!;
    });
    return { outShape, outStrides: kept.map((i) => strides[i]!), inner };
  }

  reduce(x: TensorInfo, axes: readonly number[], op: ReduceOp): TensorInfo {
    const xs = this.values(x);
    const { outShape, outStrides, inner } = this.reductionPlan(x.shape, axes);
    const out = this.alloc(x.dtype, sizeOf(outShape));
    forEachStrided(outShape, [outStrides], (i, o) => {
      const base = o[0]!;
      let acc: number;
      switch (op) {
        case 'sum':
          acc = 0;
          for (let j = 0; j < inner.length; j++) acc += xs[base + inner[j]!]!;
          break;
        case 'prod':
          acc = 1;
          for (let j = 0; j < inner.length; j++) acc *= xs[base + inner[j]!]!;
          break;
        case 'max':
          acc = -Infinity;
          for (let j = 0; j < inner.length; j++) {
            const v = xs[base + inner[j]!]!;
            if (v > acc || Number.isNaN(v)) acc = v;
            if (Number.isNaN(acc)) break;
          }
          break;
        case 'min':
          acc = Infinity;
          for (let j = 0; j < inner.length; j++) {
            const v = xs[base + inner[j]!]!;
            if (v < acc || Number.isNaN(v)) acc = v;
            if (Number.isNaN(acc)) break;
          }
          break;
      }
      out[i] = acc;
    });
    return this.output(out, outShape, x.dtype);
  }

  argReduce(x: TensorInfo, axis: number, op: 'argmax' | 'argmin'): TensorInfo {
    const xs = this.values(x);
    const { outShape, outStrides, inner } = this.reductionPlan(x.shape, [axis]);
    const out = this.alloc('int32', sizeOf(outShape));
    const better = op === 'argmax' ? (v: number, best: number) => v > best : (v: number, best: number) => v < best;
    forEachStrided(outShape, [outStrides], (i, o) => {
      const base = o[0]!;
      let bestIndex = 0;
      let best = xs[base]!;
      // The first NaN wins and stops the search: max and min of the row are NaN, and this is its index.
      for (let j = 1; j < inner.length && !Number.isNaN(best); j++) {
        const v = xs[base + inner[j]!]!;
        if (better(v, best) || Number.isNaN(v)) {
          best = v;
          bestIndex = j;
        }
      }
      out[i] = bestIndex;
    });
    return this.output(out, outShape, 'int32');
  }

  matMul(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean, batchShape: Shape): TensorInfo {
    const av = this.values(a);
    const bv = this.values(b);
    const ra = a.shape.length;
    const rb = b.shape.length;
    const m = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
    const k = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
    const n = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
    const outDtype = a.dtype;
    const out = this.alloc(outDtype, sizeOf(batchShape) * m * n);
    // Element (i, p) of A and (p, j) of B, whichever way each is stored.
    const aRow = transposeA ? 1 : k;
    const aCol = transposeA ? m : 1;
    const bRow = transposeB ? 1 : n;
    const bCol = transposeB ? k : 1;
    const batchOffsets = [
      broadcastStrides(a.shape.slice(0, -2), batchShape).map((s) => s * m * k),
      broadcastStrides(b.shape.slice(0, -2), batchShape).map((s) => s * k * n),
    ];
    const row = new Float64Array(n);
    // Skipping a zero of a is exact only while b holds no NaN or infinity (0 · NaN is NaN).
    const skipZeros = windows.allFinite(bv);
    forEachStrided(batchShape, batchOffsets, (batch, o) => {
      const aBase = o[0]!;
      const bBase = o[1]!;
      const cBase = batch * m * n;
      for (let i = 0; i < m; i++) {
        row.fill(0);
        for (let p = 0; p < k; p++) {
          const aip = av[aBase + i * aRow + p * aCol]!;
          if (aip === 0 && skipZeros) continue;
          const bp = bBase + p * bRow;
          for (let j = 0; j < n; j++) row[j]! += aip * bv[bp + j * bCol]!;
        }
        for (let j = 0; j < n; j++) out[cBase + i * n + j] = row[j]!;
      }
    });
    return this.output(out, [...batchShape, m, n], outDtype);
  }

  transpose(x: TensorInfo, perm: readonly number[]): TensorInfo {
    const xs = this.values(x);
    const inStrides = stridesOf(x.shape);
    const outShape = perm.map((p) => x.shape[p]!);
    const out = this.alloc(x.dtype, xs.length);
    forEachStrided(outShape, [perm.map((p) => inStrides[p]!)], (i, o) => {
      out[i] = xs[o[0]!]!;
    });
    return this.output(out, outShape, x.dtype);
  }

  slice(x: TensorInfo, begin: readonly number[], size: readonly number[]): TensorInfo {
    const xs = this.values(x);
    const strides = stridesOf(x.shape);
    const start = begin.reduce((acc, b, i) => acc + b * strides[i]!, 0);
    const out = this.alloc(x.dtype, sizeOf(size));
    // Rows along the last axis are contiguous in both arrays: copy them whole.
    const row = size.length ? size[size.length - 1]! : 1;
    forEachStrided(size.slice(0, -1), [strides.slice(0, -1)], (i, o) => {
      out.set(xs.subarray(start + o[0]!, start + o[0]! + row), i * row);
    });
    return this.output(out, size, x.dtype);
  }

  concat(xs: readonly TensorInfo[], axis: number): TensorInfo {
    const first = xs[0]!;
    const outShape = [...first.shape];
    outShape[axis] = xs.reduce((acc, t) => acc + t.shape[axis]!, 0);
    const out = this.alloc(first.dtype, sizeOf(outShape));
    const outer = sizeOf(outShape.slice(0, axis));
    const outRow = sizeOf(outShape.slice(axis));
    let colOffset = 0;
    for (const t of xs) {
      const tv = this.values(t);
      const row = sizeOf(t.shape.slice(axis));
      for (let o = 0; o < outer; o++) out.set(tv.subarray(o * row, (o + 1) * row), o * outRow + colOffset);
      colOffset += row;
    }
    return this.output(out, outShape, first.dtype);
  }

  pad(x: TensorInfo, paddings: readonly (readonly [number, number])[], value: number): TensorInfo {
    const xs = this.values(x);
    const outShape = x.shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]);
    const outStrides = stridesOf(outShape);
    const out = this.alloc(x.dtype, sizeOf(outShape));
    out.fill(value);
    const start = paddings.reduce((acc, p, i) => acc + p[0] * outStrides[i]!, 0);
    // Each row of x along the last axis lands contiguously in the output.
    const row = x.shape.length ? x.shape[x.shape.length - 1]! : 1;
    forEachStrided(x.shape.slice(0, -1), [outStrides.slice(0, -1)], (i, o) => {
      out.set(xs.subarray(i * row, (i + 1) * row), start + o[0]!);
    });
    return this.output(out, outShape, x.dtype);
  }

  /** Visits every (output element, source element) pair of a gather along `axis`. */
  private gatherPairs(xShape: Shape, indices: TypedArray, axis: number, visit: (outIndex: number, xIndex: number) => void): void {
    const outer = sizeOf(xShape.slice(0, axis));
    const dim = xShape[axis]!;
    const inner = sizeOf(xShape.slice(axis + 1));
    let outIndex = 0;
    for (let o = 0; o < outer; o++) {
      for (let k = 0; k < indices.length; k++) {
        const base = (o * dim + indices[k]!) * inner;
        for (let i = 0; i < inner; i++) visit(outIndex++, base + i);
      }
    }
  }

  gather(x: TensorInfo, indices: TensorInfo, axis: number): TensorInfo {
    const xs = this.values(x);
    const idx = this.values(indices);
    const outShape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
    const out = this.alloc(x.dtype, sizeOf(outShape));
    this.gatherPairs(x.shape, idx, axis, (o, s) => {
      out[o] = xs[s]!;
    });
    return this.output(out, outShape, x.dtype);
  }

  scatterAdd(updates: TensorInfo, indices: TensorInfo, axis: number, shape: Shape): TensorInfo {
    const us = this.values(updates);
    const out = this.alloc(updates.dtype, sizeOf(shape));
    this.gatherPairs(shape, this.values(indices), axis, (u, o) => {
      out[o]! += us[u]!;
    });
    return this.output(out, shape, updates.dtype);
  }

  tile(x: TensorInfo, reps: readonly number[]): TensorInfo {
    const xs = this.values(x);
    const outShape = x.shape.map((d, i) => d * reps[i]!);
    const inStrides = stridesOf(x.shape);
    const out = this.alloc(x.dtype, sizeOf(outShape));
    const rank = x.shape.length;
    // Writes the tiled block of axis `a` (x's block at element `src`) at element `dst` of the output and
    // returns its length: the first copy from the blocks of the axes inside it, the repeats as whole runs.
    const tileBlock = (a: number, src: number, dst: number): number => {
      if (a === rank) {
        out[dst] = xs[src]!;
        return 1;
      }
      let length = 0;
      if (a === rank - 1) out.set(xs.subarray(src, src + (length = x.shape[a]!)), dst);
      else for (let i = 0; i < x.shape[a]!; i++) length += tileBlock(a + 1, src + i * inStrides[a]!, dst + length);
      for (let r = 1; r < reps[a]!; r++) out.copyWithin(dst + r * length, dst, dst + length);
      return length * reps[a]!;
    };
    if (out.length > 0) tileBlock(0, 0, 0);
    return this.output(out, outShape, x.dtype);
  }

  cast(x: TensorInfo, dtype: DType): TensorInfo {
    const xs = this.values(x);
    const out = this.alloc(dtype, xs.length);
    if (dtype === 'bool') for (let i = 0; i < xs.length; i++) out[i] = xs[i] !== 0 ? 1 : 0;
    else out.set(xs);
    return this.output(out, x.shape, dtype);
  }

  oneHot(indices: TensorInfo, depth: number, onValue: number, offValue: number): TensorInfo {
    const idx = this.values(indices);
    const out = this.alloc('float32', idx.length * depth);
    out.fill(offValue);
    for (let i = 0; i < idx.length; i++) {
      const j = idx[i]!;
      if (j >= 0 && j < depth) out[i * depth + j] = onValue;
    }
    return this.output(out, [...indices.shape, depth], 'float32');
  }
  applyUpdate(rule: UpdateRule, value: TensorInfo, grad: TensorInfo, slots: readonly TensorInfo[]): TensorInfo[] {
    const w = this.values(value);
    const outW = this.alloc(value.dtype, w.length);
    const outState = slots.map((x) => this.alloc(x.dtype, w.length));
    updateArrays(rule, w, this.values(grad), slots.map((x) => this.values(x)), outW, outState, value.dtype === 'float32');
    return [this.output(outW, value.shape, value.dtype), ...outState.map((o, s) => this.output(o, slots[s]!.shape, slots[s]!.dtype))];
  }
  biasActivation(x: TensorInfo, bias: TensorInfo | null, activation: FusedActivation): TensorInfo {
    const out = this.alloc(x.dtype, sizeOf(x.shape));
    out.set(this.values(x));
    return this.epilogue(this.output(out, x.shape, x.dtype), bias, activation);
  }

  biasActivationGrad(dy: TensorInfo, y: TensorInfo, activation: FusedActivation, withBias: boolean): TensorInfo[] {
    const channels = y.shape[y.shape.length - 1]!;
    const dz = this.alloc(y.dtype, sizeOf(y.shape));
    const dBias = withBias ? this.alloc(y.dtype, channels) : null;
    biasActivationBackward(this.values(dy), this.values(y), activation, y.dtype === 'float32' ? Math.fround : (v) => v, dz, dBias);
    const dzInfo = this.output(dz, y.shape, y.dtype);
    return dBias ? [dzInfo, this.output(dBias, [channels], y.dtype)] : [dzInfo];
  }

  fusedMatMul(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean, batchShape: Shape, bias: TensorInfo | null, activation: FusedActivation): TensorInfo {
    return this.epilogue(this.matMul(a, b, transposeA, transposeB, batchShape), bias, activation);
  }

  fusedConv2d(x: TensorInfo, filter: TensorInfo, strides: Pair, pads: Pads, dilations: Pair, groups: number, bias: TensorInfo | null, activation: FusedActivation): TensorInfo {
    return this.epilogue(this.conv2d(x, filter, strides, pads, dilations, groups), bias, activation);
  }

  /** Adds the bias to a kernel's fresh output `z` and applies the activation, in place; returns `z`. */
  private epilogue(z: TensorInfo, bias: TensorInfo | null, activation: FusedActivation): TensorInfo {
    const values = this.values(z);
    biasActivationInPlace(values, bias && this.values(bias), activation);
    this.commit(z, values);
    return z;
  }

  applyUpdates(rule: UpdateRule, targets: readonly UpdateTarget[]): readonly TensorInfo[] {
    for (const { param, value, grad, slots } of targets) {
      const state = slots.map((x) => this.values(x));
      updateArrays(rule, this.values(value), this.values(grad), state, this.values(param), state, param.dtype === 'float32');
    }
    return targets.map((t) => t.param);
  }

  softmax(x: TensorInfo): TensorInfo {
    const xs = this.values(x);
    const out = this.alloc(x.dtype, xs.length);
    const classes = x.shape[x.shape.length - 1]!;
    for (let start = 0; start < xs.length; start += classes) {
      let max = -Infinity;
      for (let j = start; j < start + classes; j++) max = Math.max(max, xs[j]!);
      // NOTE: an infinite maximum would give Infinity - Infinity = NaN; shifting by 0 keeps a row of -Infinity
      // at 0 and gives a row holding Infinity NaN there and 0 elsewhere (as exp(logSoftmax) does).
      const shift = Number.isFinite(max) ? max : 0;
      let sum = 0;
      for (let j = start; j < start + classes; j++) sum += Math.exp(xs[j]! - shift);
      for (let j = start; j < start + classes; j++) out[j] = Math.exp(xs[j]! - shift) / sum;
    }
    return this.output(out, x.shape, x.dtype);
  }

  softmaxCrossEntropy(logits: TensorInfo, labels: TensorInfo): TensorInfo {
    const zs = this.values(logits);
    const out = this.alloc(logits.dtype, sizeOf(logits.shape.slice(0, -1)));
    this.softmaxRows(logits, labels, (r, at, lse, t) => {
      let total = 0;
      for (let j = 0; j < t.length; j++) total += t[j] === 0 ? 0 : t[j]! * (lse - zs[at + j]!);
      out[r] = total;
    });
    return this.output(out, logits.shape.slice(0, -1), logits.dtype);
  }

  softmaxCrossEntropyGrad(logits: TensorInfo, labels: TensorInfo, dy: TensorInfo): TensorInfo {
    const zs = this.values(logits);
    const dys = this.values(dy);
    const out = this.alloc(logits.dtype, zs.length);
    this.softmaxRows(logits, labels, (r, at, lse, t) => {
      let mass = 0;
      for (let j = 0; j < t.length; j++) mass += t[j]!;
      for (let j = 0; j < t.length; j++) out[at + j] = (Math.exp(zs[at + j]! - lse) * mass - t[j]!) * dys[r]!;
    });
    return this.output(out, logits.shape, logits.dtype);
  }

  /**
   * Calls `visit` for each row of `logits` with the offset of its first element, its logSumExp (in
   * float64) and its labels as probabilities (a one-hot row for a class id; NaN for an id out of range).
   */
  private softmaxRows(logits: TensorInfo, labels: TensorInfo, visit: (row: number, at: number, lse: number, t: Float64Array) => void): void {
    const zs = this.values(logits);
    const ts = this.values(labels);
    const classes = logits.shape[logits.shape.length - 1]!;
    const rows = sizeOf(logits.shape.slice(0, -1));
    const sparse = labels.dtype === 'int32';
    const t = new Float64Array(classes);
    for (let r = 0, at = 0; r < rows; r++, at += classes) {
      let max = -Infinity;
      for (let j = at; j < at + classes; j++) max = Math.max(max, zs[j]!);
      // NOTE: a row of -Infinity has max -Infinity; shifting by 0 then keeps the sum 0 instead of NaN, and a
      // row holding Infinity gets a logSumExp of Infinity instead of NaN.
      const shift = Number.isFinite(max) ? max : 0;
      let sum = 0;
      for (let j = at; j < at + classes; j++) sum += Math.exp(zs[j]! - shift);
      if (sparse) {
        const id = ts[r]!;
        t.fill(id >= 0 && id < classes ? 0 : NaN);
        if (id >= 0 && id < classes) t[id] = 1;
      } else {
        for (let j = 0; j < classes; j++) t[j] = ts[at + j]!;
      }
      visit(r, at, shift + Math.log(sum), t);
    }
  }

  /** A kernel's float64 sums, rounded once into an output of `dtype`. */
  private fromSums(sums: Float64Array, shape: Shape, dtype: DType): TensorInfo {
    const out = this.alloc(dtype, sums.length);
    out.set(sums);
    return this.output(out, shape, dtype);
  }

  conv2d(x: TensorInfo, filter: TensorInfo, strides: Pair, pads: Pads, dilations: Pair, groups: number): TensorInfo {
    const { values, shape } = windows.conv2d(this.values(x), x.shape, this.values(filter), filter.shape, strides, pads, dilations, groups);
    return this.fromSums(values, shape, x.dtype);
  }

  conv2dBackpropInput(dy: TensorInfo, filter: TensorInfo, xShape: Shape, strides: Pair, pads: Pads, dilations: Pair, groups: number): TensorInfo {
    return this.fromSums(windows.conv2dBackpropInput(this.values(dy), this.values(filter), filter.shape, xShape, strides, pads, dilations, groups), xShape, dy.dtype);
  }

  conv2dBackpropFilter(x: TensorInfo, dy: TensorInfo, filterShape: Shape, strides: Pair, pads: Pads, dilations: Pair, groups: number): TensorInfo {
    return this.fromSums(windows.conv2dBackpropFilter(this.values(x), x.shape, this.values(dy), filterShape, strides, pads, dilations, groups), filterShape, x.dtype);
  }

  pool2d(x: TensorInfo, op: PoolOp, poolSize: Pair, strides: Pair, pads: Pads): TensorInfo {
    const { values, shape } = windows.pool2d(this.values(x), x.shape, op, poolSize, strides, pads);
    return this.fromSums(values, shape, x.dtype);
  }

  maxPool2dGrad(dy: TensorInfo, x: TensorInfo, poolSize: Pair, strides: Pair, pads: Pads): TensorInfo {
    return this.fromSums(windows.maxPool2dGrad(this.values(dy), this.values(x), x.shape, poolSize, strides, pads), x.shape, dy.dtype);
  }

  avgPool2dGrad(dy: TensorInfo, xShape: Shape, poolSize: Pair, strides: Pair, pads: Pads): TensorInfo {
    return this.fromSums(windows.avgPool2dGrad(this.values(dy), xShape, poolSize, strides, pads), xShape, dy.dtype);
  }
}
