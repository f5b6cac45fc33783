/**
 * The backend interface: storage plus one kernel per primitive. Ops call kernels only through
 * this interface, so a faster backend (WebAssembly, WebGPU) drops in without touching anything above.
 */
import type { DType, TypedArray } from './dtype.js';
import type { Shape } from './shape.js';

/**
 * An opaque handle to a block of storage owned by a backend. Only the backend that made it
 * knows where the bytes live (a JS array, WebAssembly memory, a GPU buffer).
 */
export type DataId = object;

/** What a kernel sees of a tensor: its storage handle, shape and dtype. */
export interface TensorInfo {
  readonly dataId: DataId;
  readonly shape: Shape;
  readonly dtype: DType;
}

/** Elementwise functions of one tensor. */
export type UnaryOp =
  | 'neg' | 'abs' | 'sign' | 'sqrt' | 'square' | 'reciprocal'
  | 'exp' | 'expm1' | 'log' | 'log1p'
  | 'relu' | 'sigmoid' | 'tanh' | 'erf'
  | 'sin' | 'cos' | 'floor' | 'ceil' | 'round';

/**
 * Elementwise arithmetic on two broadcast tensors. `reluGrad(dy, x)` is `dy · step(x)` with step 1 where
 * x > 0, 0 where x <= 0 and NaN where x is NaN: relu's backward pass in one kernel instead of a
 * comparison, a cast and a product. `maximum` and `minimum` return NaN where either operand is NaN.
 */
export type ArithmeticOp = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | 'mod' | 'floorDiv' | 'reluGrad';

/** Elementwise comparisons; their result is `bool`. */
export type CompareOp = 'equal' | 'notEqual' | 'greater' | 'greaterEqual' | 'less' | 'lessEqual' | 'logicalAnd' | 'logicalOr';

/** Any elementwise function of two tensors. */
export type BinaryOp = ArithmeticOp | CompareOp;

/** Reductions over axes. */
export type ReduceOp = 'sum' | 'prod' | 'max' | 'min';

/** What a pooling window computes: its largest element, or the mean of its elements inside the input. */
export type PoolOp = 'max' | 'avg';

/** A pair of sizes for the two spatial axes, height first. */
export type Pair = readonly [number, number];

/** Padding of the two spatial axes: `[top, bottom, left, right]`. */
export type Pads = readonly [number, number, number, number];

/**
 * An activation a fused kernel applies after adding the bias, one whose derivative follows from its output y:
 * `linear` (1), `relu` (1 where y > 0), `relu6` (1 where 0 < y < 6), `sigmoid` (y(1 - y)), `tanh` (1 - y²).
 */
export type FusedActivation = 'linear' | 'relu' | 'relu6' | 'sigmoid' | 'tanh';

/**
 * A parameter update rule of an optimizer, with its hyperparameters for this step. Slots (the
 * optimizer's per-parameter state) are passed and returned in the order listed for each rule.
 * - `adam` (slots m, v, and vHat when `amsgrad`): `m += (1 - beta1)(g - m)`, `v += (1 - beta2)(g² - v)`,
 *   `vHat = max(vHat, v)`, `w -= alpha · m / (sqrt(v or vHat) + epsilon)`.
 * - `sgd` (slot momentum when `momentum > 0`): `m = momentum · m - lr · g`, `w += nesterov ? momentum · m - lr · g : m`
 *   (`w -= lr · g` without momentum).
 * - `rmsprop` (slots velocity, then momentum when `momentum > 0`, then averageGradient when `centered`):
 *   `velocity = rho · velocity + (1 - rho) g²`, `a = rho · a + (1 - rho) g`,
 *   `step = lr · g / sqrt(velocity + epsilon - (centered ? a² : 0))`, `m = momentum · m + step`, `w -= m or step`.
 */
export type UpdateRule =
  | { kind: 'adam'; alpha: number; beta1: number; beta2: number; epsilon: number; amsgrad: boolean }
  | { kind: 'sgd'; learningRate: number; momentum: number; nesterov: boolean }
  | { kind: 'rmsprop'; learningRate: number; rho: number; momentum: number; epsilon: number; centered: boolean };

/** One parameter of an in-place optimizer step (see `Kernels.applyUpdates`). */
export interface UpdateTarget {
  /** The parameter's storage, overwritten with its new value. */
  param: TensorInfo;
  /** The value the step starts from: `param` itself, or a weight-decayed copy of it. */
  value: TensorInfo;
  /** The gradient, of the parameter's shape and dtype. */
  grad: TensorInfo;
  /** The slots in the rule's order (see `UpdateRule`), each read and overwritten with its new value. */
  slots: readonly TensorInfo[];
}

/**
 * One kernel per primitive. Kernels receive tensors of valid, already checked shapes and dtypes
 * (ops validate and produce the errors users see); they allocate and return their output.
 */
export interface Kernels {
  /** `out[i] = op(x[i])`, in `x`'s dtype. */
  unary(x: TensorInfo, op: UnaryOp): TensorInfo;
  /** `out = op(a, b)` with NumPy broadcasting to `outShape`; `a` and `b` share a dtype; the result has `outDtype`. */
  binary(a: TensorInfo, b: TensorInfo, op: BinaryOp, outShape: Shape, outDtype: DType): TensorInfo;
  /** `out = cond ? a : b` with broadcasting of all three to `outShape`. */
  where(cond: TensorInfo, a: TensorInfo, b: TensorInfo, outShape: Shape): TensorInfo;
  /**
   * Reduces over `axes` (sorted, distinct); the result drops those axes. Empty axes give -Infinity/Infinity
   * for max/min, 0 for sum, 1 for prod. Max and min of values holding a NaN are NaN.
   */
  reduce(x: TensorInfo, axes: readonly number[], op: ReduceOp): TensorInfo;
  /**
   * Index (int32) of the first maximum or minimum along `axis`; the result drops that axis. NaN counts
   * as the extreme (as max and min return it): a row holding NaN gives the index of its first NaN.
   */
  argReduce(x: TensorInfo, axis: number, op: 'argmax' | 'argmin'): TensorInfo;
  /**
   * Batched matrix product of `a` [...batchA, m, k] (or [..., k, m] when `transposeA`) and `b` [...batchB, k, n]
   * (or [..., n, k] when `transposeB`), batch axes broadcast to `batchShape`; the result is [...batchShape, m, n].
   */
  matMul(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean, batchShape: Shape): TensorInfo;
  /** Permutes axes: output axis i is input axis `perm[i]`. */
  transpose(x: TensorInfo, perm: readonly number[]): TensorInfo;
  /** The box `begin` .. `begin + size` of `x`. */
  slice(x: TensorInfo, begin: readonly number[], size: readonly number[]): TensorInfo;
  /** Joins tensors of one dtype along `axis` (all other dimensions equal). */
  concat(xs: readonly TensorInfo[], axis: number): TensorInfo;
  /** Pads each axis by `[before, after]` elements of `value`. */
  pad(x: TensorInfo, paddings: readonly (readonly [number, number])[], value: number): TensorInfo;
  /** Takes `x`'s slices along `axis` at the (valid, int32) `indices`; result shape is x.shape with that axis replaced by indices.shape. */
  gather(x: TensorInfo, indices: TensorInfo, axis: number): TensorInfo;
  /** The adjoint of `gather`: scatters `updates` back into zeros of `shape`, adding where indices repeat. */
  scatterAdd(updates: TensorInfo, indices: TensorInfo, axis: number, shape: Shape): TensorInfo;
  /** Repeats `x` `reps[i]` times along each axis i. */
  tile(x: TensorInfo, reps: readonly number[]): TensorInfo;
  /** Converts to `dtype` (floats truncate toward zero into int32; nonzero becomes true in bool). */
  cast(x: TensorInfo, dtype: DType): TensorInfo;
  /** `out[..., j] = indices[...] === j ? onValue : offValue` (float32); indices out of range give an all-off row. */
  oneHot(indices: TensorInfo, depth: number, onValue: number, offValue: number): TensorInfo;
  /**
   * `exp(x) / sum(exp(x))` along the last axis, shifted by each row's maximum so that large values do not
   * overflow (by 0 where the maximum is infinite or NaN).
   */
  softmax(x: TensorInfo): TensorInfo;
  /**
   * Cross-entropy of softmax(logits) along the last axis against `labels`, one value per row:
   * `logSumExp(z) · sum(t) - sum(t · z)`. `labels` are int32 class ids (the logits' shape without the
   * last axis; an id out of range gives NaN) or probabilities of the logits' shape and dtype.
   */
  softmaxCrossEntropy(logits: TensorInfo, labels: TensorInfo): TensorInfo;
  /** The gradient of `softmaxCrossEntropy` with respect to the logits, rows scaled by `dy`: `(softmax(z) · sum(t) - t) · dy`. */
  softmaxCrossEntropyGrad(logits: TensorInfo, labels: TensorInfo, dy: TensorInfo): TensorInfo;
  /**
   * One optimizer step for one parameter, in one pass over its elements: returns the parameter's new
   * value, then each slot's new value. `value`, `grad` and `slots` share a shape and a float dtype.
   * Results equal the step computed op by op (each operation rounded to the dtype), constants
   * (`1 - beta1`, ...) rounded to the dtype first.
   */
  applyUpdate(rule: UpdateRule, value: TensorInfo, grad: TensorInfo, slots: readonly TensorInfo[]): TensorInfo[];
  /**
   * `activation(x + bias)`, the bias [c] (or none: null) added along the last axis of `x` [..., c]; in
   * `x`'s float dtype. Each step is rounded to the dtype as the separate ops round it.
   */
  biasActivation(x: TensorInfo, bias: TensorInfo | null, activation: FusedActivation): TensorInfo;
  /**
   * The backward pass of `biasActivation` from its output `y` [..., c], in one pass: `dz = dy · activation'(y)`
   * (rounded as the unfused gradient rounds it; NaN where y is NaN), then, when `withBias`, the bias's
   * gradient, dz summed over every axis but the last ([c]). Returns [dz] or [dz, dBias].
   */
  biasActivationGrad(dy: TensorInfo, y: TensorInfo, activation: FusedActivation, withBias: boolean): TensorInfo[];
  /** `biasActivation(matMul(a, b, transposeA, transposeB, batchShape), bias, activation)`, the product's output reused. */
  fusedMatMul(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean, batchShape: Shape, bias: TensorInfo | null, activation: FusedActivation): TensorInfo;
  /**
   * `applyUpdate` for many parameters at once, in place: each target's parameter and slots are
   * overwritten with their new values, bit for bit those `applyUpdate` returns. Callers pass only
   * storage that no other tensor shares. Returns the targets' parameters.
   */
  applyUpdates(rule: UpdateRule, targets: readonly UpdateTarget[]): readonly TensorInfo[];

  // Sliding windows over images in channels-last layout: `x` is [batch, height, width, channels].
  // A window's tap (ky, kx) at output (oy, ox) reads input row `oy * strides[0] - pads[0] + ky * dilations[0]`
  // and column `ox * strides[1] - pads[2] + kx * dilations[1]`; taps outside the input read nothing
  // (zeros for convolution). Output sizes are `floor((in + padBefore + padAfter - (k - 1) * dilation - 1) / stride) + 1`,
  // at least 1 (ops check that).

  /**
   * 2-D convolution (cross-correlation, as in every deep-learning library) of `x` [n, h, w, cin]
   * with `filter` [kh, kw, cin / groups, cout], giving [n, oh, ow, cout]. With `groups` > 1 the
   * channels are split into `groups` consecutive blocks and output block g sees only input block g
   * (depthwise convolution is `groups = cin`). `x` and `filter` share a float dtype.
   */
  conv2d(x: TensorInfo, filter: TensorInfo, strides: Pair, pads: Pads, dilations: Pair, groups: number): TensorInfo;
  /** The gradient of `conv2d` with respect to `x` (of shape `xShape`), given the output gradient `dy` [n, oh, ow, cout]. */
  conv2dBackpropInput(dy: TensorInfo, filter: TensorInfo, xShape: Shape, strides: Pair, pads: Pads, dilations: Pair, groups: number): TensorInfo;
  /** The gradient of `conv2d` with respect to the filter (of shape `filterShape`), given `x` and the output gradient `dy`. */
  conv2dBackpropFilter(x: TensorInfo, dy: TensorInfo, filterShape: Shape, strides: Pair, pads: Pads, dilations: Pair, groups: number): TensorInfo;
  /**
   * Pools each channel of `x` [n, h, w, c] over `poolSize` windows, giving [n, oh, ow, c]: the
   * maximum, or the average over the window's elements inside the input (padding is not counted,
   * as in TensorFlow). Padding never wins a maximum; a window holding a NaN has the maximum NaN.
   */
  pool2d(x: TensorInfo, op: PoolOp, poolSize: Pair, strides: Pair, pads: Pads): TensorInfo;
  /**
   * The gradient of max pooling: each `dy` element goes to the first maximum of its window in `x`. In a
   * window holding a NaN the first NaN is the maximum, and it receives NaN (the slope at a NaN input),
   * not `dy`.
   */
  maxPool2dGrad(dy: TensorInfo, x: TensorInfo, poolSize: Pair, strides: Pair, pads: Pads): TensorInfo;
  /** The gradient of average pooling: each `dy` element is shared equally by its window's elements inside the input (of shape `xShape`). */
  avgPool2dGrad(dy: TensorInfo, xShape: Shape, poolSize: Pair, strides: Pair, pads: Pads): TensorInfo;
  /** `biasActivation(conv2d(x, filter, ...), bias, activation)`, the convolution's output reused. */
  fusedConv2d(x: TensorInfo, filter: TensorInfo, strides: Pair, pads: Pads, dilations: Pair, groups: number, bias: TensorInfo | null, activation: FusedActivation): TensorInfo;
}

/** A backend: a named storage manager with a complete kernel table. */
export interface Backend extends Kernels {
  /** The name passed to `setBackend`. */
  readonly name: string;
  /**
   * Stores a copy of `values` (whose length is the product of `shape`) as `dtype` and returns its handle.
   * `values` may be any numeric typed array (never for `bool`): it is converted as `TypedArray.set` converts.
   */
  write(values: TypedArray, shape: Shape, dtype: DType): DataId;
  /** Returns the values behind `dataId` as a fresh array the caller may keep and change. */
  read(dataId: DataId): TypedArray;
  /** Releases the storage behind `dataId`. Called exactly once per handle, when no tensor uses it. */
  disposeData(dataId: DataId): void;
}

/** Every kernel, as a record so that the compiler checks that none is missing (or extra). */
const kernelNames: Record<keyof Kernels, true> = {
  unary: true, binary: true, where: true, reduce: true, argReduce: true, matMul: true, transpose: true, slice: true,
  concat: true, pad: true, gather: true, scatterAdd: true, tile: true, cast: true, oneHot: true, softmax: true,
  softmaxCrossEntropy: true, softmaxCrossEntropyGrad: true, applyUpdate: true, conv2d: true, conv2dBackpropInput: true,
  conv2dBackpropFilter: true, pool2d: true, maxPool2dGrad: true, avgPool2dGrad: true,
  biasActivation: true, biasActivationGrad: true, fusedMatMul: true, fusedConv2d: true, applyUpdates: true,
};

/**
 * The name of every kernel in `Kernels`, for code that handles kernels by name (a backend that routes each
 * to a fast path or a fallback).
 *
 * @example
 * KERNEL_NAMES.includes('matMul'); // true
 */
export const KERNEL_NAMES = Object.keys(kernelNames) as readonly (keyof Kernels)[];
