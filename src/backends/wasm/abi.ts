/**
 * The contract between the JS side and the WebAssembly kernels, in one place: the numbers that name ops
 * (scripts/build-wasm.mjs writes them into src/backends/wasm/kernels/codes.ts for the kernels) and every
 * export of the module with its arguments (the build fails where the compiled module's exports differ).
 */
import type { BinaryOp, FusedActivation, PoolOp, ReduceOp, UnaryOp, UpdateRule } from '../../core/backend.js';
import type { DType } from '../../core/dtype.js';
import type { WindowGeometry } from '../../core/windows.js';

/** Unary ops the kernels implement (erf is left to the JS kernels). */
export const UNARY_CODES: Partial<Record<UnaryOp, number>> = {
  neg: 0, abs: 1, sign: 2, sqrt: 3, square: 4, reciprocal: 5, exp: 6, expm1: 7, log: 8, log1p: 9,
  relu: 10, sigmoid: 11, tanh: 12, sin: 14, cos: 15, floor: 16, ceil: 17, round: 18,
};

/** Binary ops: arithmetic 0–9, comparisons 16–23. */
export const BINARY_CODES: Record<BinaryOp, number> = {
  add: 0, sub: 1, mul: 2, div: 3, pow: 4, maximum: 5, minimum: 6, mod: 7, floorDiv: 8, reluGrad: 9,
  equal: 16, notEqual: 17, greater: 18, greaterEqual: 19, less: 20, lessEqual: 21, logicalAnd: 22, logicalOr: 23,
};

/** Reductions. */
export const REDUCE_CODES: Record<ReduceOp, number> = { sum: 0, prod: 1, max: 2, min: 3 };

/** Pooling operators. */
export const POOL_CODES: Record<PoolOp, number> = { max: 0, avg: 1 };

/** The casts with a kernel, keyed `from>to`. */
export const CAST_CODES: Partial<Record<`${DType}>${DType}`, number>> = {
  'bool>float32': 0,
  // A bool is a byte holding 0 or 1, so uint8 pixels convert by the same kernel.
  'uint8>float32': 0,
  'int32>float32': 1,
  'float32>bool': 2,
};

/** Activations of the fused bias + activation kernels. */
export const FUSED_ACTIVATION_CODES: Record<FusedActivation, number> = { linear: 0, relu: 1, relu6: 2, sigmoid: 3, tanh: 4 };
/** The optimizer update rules `updateGroupF32` runs. */
export const UPDATE_CODES: Record<UpdateRule['kind'], number> = { adam: 0, sgd: 1, rmsprop: 2 };
/**
 * How the fused elementwise kernel finds an operand's elements for a block starting at element s: `direct` at
 * its pointer + s elements (a whole input or an output), `fixed` at its offset into the thread's scratch (a
 * register), `scalar` at its pointer with stride 0, `row` in a register it refills each block from a row
 * repeated along the leading axes.
 */
export const FUSED_SLOT_CODES = { direct: 0, fixed: 1, scalar: 2, row: 3 } as const;
/** The steps of a fused elementwise program, each the unfused kernel of that name. */
export const FUSED_STEP_CODES = { unary: 0, binary: 1, where: 2, cast: 3 } as const;

/** A group of constants in src/backends/wasm/kernels/codes.ts: a comment and its `[name, code]` pairs. */
export interface KernelCodeGroup {
  title: string;
  constants: [name: string, code: number][];
}

/**
 * The constants of src/backends/wasm/kernels/codes.ts, which scripts/build-wasm.mjs writes from these
 * groups: each key in upper snake case (`floorDiv` → `FLOOR_DIV`, `bool>float32` → `BOOL_TO_FLOAT32`),
 * a pooling op with `_POOL` so that `max` stays apart from the reduction's `MAX`, a fused activation with `_ACT`.
 *
 * @example
 * kernelCodeGroups()[0]!.constants[0]; // ['NEG', 0]
 */
export function kernelCodeGroups(): KernelCodeGroup[] {
  const group = (title: string, codes: Readonly<Record<string, number | undefined>>, suffix = ''): KernelCodeGroup => ({
    title,
    constants: Object.entries(codes).map(([key, code]) => [key.replace('>', '_to_').replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase() + suffix, code!]),
  });
  return [
    group('Unary ops', UNARY_CODES),
    group('Binary ops: arithmetic, then comparisons', BINARY_CODES),
    group('Reductions', REDUCE_CODES),
    group('Pooling operators', POOL_CODES, '_POOL'),
    group('Casts with a kernel', CAST_CODES),
    group('Fused activations', FUSED_ACTIVATION_CODES, '_ACT'),
    group('Optimizer update rules', UPDATE_CODES, '_RULE'),
    group('Operands of the fused elementwise kernel', FUSED_SLOT_CODES, '_SLOT'),
    group('Steps of the fused elementwise kernel', FUSED_STEP_CODES, '_STEP'),
  ];
}

/**
 * Where a pooling kernel's windows lie: the WindowGeometry without its dilations (pooling taps are adjacent).
 */
export type PoolGeometry = readonly [
  batch: number, inH: number, inW: number, channels: number, outH: number, outW: number, kh: number, kw: number,
  strideY: number, strideX: number, padTop: number, padLeft: number,
];

/**
 * Where a Winograd convolution's tiles lie (see kernels/winograd.ts): a 3×3 window at stride 1, so the input
 * and output sizes, channels and padding before each axis, and the tiles the kernel takes at once.
 */
export type WinogradGeometry = readonly [
  batch: number, inH: number, inW: number, cin: number, outH: number, outW: number, cout: number,
  padTop: number, padLeft: number, block: number,
];

/** The kernels' exports; pointers are byte offsets into the shared memory, sizes are element counts. */
export interface KernelExports {
  heapBase(): number;
  unaryF32(op: number, x: number, out: number, n: number): void;
  binaryF32(
    op: number, a: number, b: number, out: number, d0: number, d1: number, d2: number, d3: number,
    a0: number, a1: number, a2: number, a3: number, b0: number, b1: number, b2: number, b3: number,
  ): void;
  where32(
    cond: number, a: number, b: number, out: number, d0: number, d1: number, d2: number, d3: number,
    c0: number, c1: number, c2: number, c3: number, a0: number, a1: number, a2: number, a3: number,
    b0: number, b1: number, b2: number, b3: number,
  ): void;
  cast(kind: number, x: number, out: number, n: number): void;
  reduceF32(op: number, x: number, out: number, outer: number, r: number, inner: number): void;
  argExtremeRowsF32(x: number, out: number, rows: number, cols: number, max: boolean): void;
  gatherRuns(x: number, idx: number, out: number, outer: number, dim: number, count: number, run: number): void;
  transpose32(x: number, out: number, batch: number, rows: number, cols: number, inner: number): void;
  gemm(
    a: number, aRow: number, aCol: number, b: number, bRow: number, bCol: number, c: number,
    n: number, k: number, rowBegin: number, rowEnd: number, scratch: number,
  ): void;
  gemmScratchBytes(): number;
  softmaxF32(x: number, out: number, rows: number, cols: number): void;
  softmaxCrossEntropyF32(logits: number, labels: number, out: number, rows: number, cols: number, sparse: boolean): void;
  softmaxCrossEntropyGradF32(logits: number, labels: number, dy: number, out: number, rows: number, cols: number, sparse: boolean): void;
  im2colF32(x: number, col: number, ...geometry: WindowGeometry): void;
  col2imF32(col: number, x: number, ...geometry: WindowGeometry): void;
  poolF32(op: number, x: number, out: number, ...geometry: PoolGeometry): void;
  maxPoolGradF32(dy: number, x: number, dx: number, ...geometry: PoolGeometry): void;
  avgPoolGradF32(dy: number, dx: number, ...geometry: PoolGeometry): void;
  adamF32(
    w: number, g: number, m: number, v: number, vHat: number, outW: number, outM: number, outV: number, outVHat: number,
    n: number, alpha: number, c1: number, c2: number, eps: number,
  ): void;
  sgdF32(w: number, g: number, mom: number, outW: number, outM: number, n: number, lr: number, momentum: number, nesterov: number): void;
  rmspropF32(
    w: number, g: number, vel: number, mom: number, avg: number, outW: number, outVel: number, outMom: number, outAvg: number,
    n: number, lr: number, rho: number, c: number, momentum: number, eps: number,
  ): void;
  winogradFilterF32(filter: number, u: number, cin: number, cout: number, flip: boolean): void;
  winogradConvF32(u: number, notFiniteFlag: number, x: number, out: number, scratch: number, ...geometry: WinogradGeometry): void;
  winogradFilterGradF32(x: number, dy: number, scratch: number, partial: number, used: number, ...geometry: WinogradGeometry): void;
  winogradUntransformF32(du: number, out: number, cin: number, cout: number): number;
  conv1ChannelF32(filter: number, cout: number, x: number, out: number, ...geometry: WindowGeometry): void;
  biasActivationF32(act: number, x: number, bias: number, out: number, rows: number, cols: number): void;
  biasActivationGradF32(act: number, dy: number, y: number, dz: number, dBias: number, rows: number, cols: number, sums: number): void;
  updateGroupF32(rule: number, table: number, count: number, h0: number, h1: number, h2: number, h3: number, h4: number): void;
  fusedElementwiseF32(program: number, scratch: number, begin: number, end: number, block: number): void;
}

/**
 * Every export of the kernels with its argument count: the compiler checks it against KernelExports (a
 * missing, extra or miscounted kernel does not compile), and scripts/build-wasm.mjs checks the compiled module
 * against it. Worker threads name a kernel by its index here.
 */
export const KERNEL_ARITY = {
  heapBase: 0, unaryF32: 4, binaryF32: 16, where32: 20, cast: 4, reduceF32: 6, argExtremeRowsF32: 5, gatherRuns: 7,
  transpose32: 6, gemm: 12, gemmScratchBytes: 0, softmaxF32: 4, softmaxCrossEntropyF32: 6, softmaxCrossEntropyGradF32: 7,
  im2colF32: 16, col2imF32: 16, poolF32: 15, maxPoolGradF32: 15, avgPoolGradF32: 14, adamF32: 14, sgdF32: 9, rmspropF32: 15,
  winogradFilterF32: 5, winogradConvF32: 15, winogradFilterGradF32: 15, winogradUntransformF32: 4,
  conv1ChannelF32: 18,
  biasActivationF32: 6, biasActivationGradF32: 8,
  updateGroupF32: 8,
  fusedElementwiseF32: 5,
} as const satisfies { [K in keyof KernelExports]: Parameters<KernelExports[K]>['length'] };

/** A kernel the module exports. */
export type KernelName = keyof KernelExports;
