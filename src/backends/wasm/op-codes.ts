/** The numbers the WebAssembly kernels use for ops (the same as in src/backends/wasm/kernels/codes.ts). */
import type { BinaryOp, ReduceOp, UnaryOp } from '../../core/backend.js';
import type { DType } from '../../core/dtype.js';

/** Unary ops the kernels implement (erf is left to the JS kernels). */
export const UNARY_CODES: Partial<Record<UnaryOp, number>> = {
  neg: 0, abs: 1, sign: 2, sqrt: 3, square: 4, reciprocal: 5, exp: 6, expm1: 7, log: 8, log1p: 9,
  relu: 10, sigmoid: 11, tanh: 12, sin: 14, cos: 15, floor: 16, ceil: 17, round: 18,
};

/**
 * Cost per element of each unary kernel relative to a simple SIMD op, which decides when a call is
 * big enough to split across threads (measured: ~0.15 ns, 2.5 ns for the SIMD exp and sigmoid, 4 ns
 * for the SIMD tanh, 7 ns for sign, 25–50 ns for the scalar float64 functions).
 */
export const UNARY_COST: Record<UnaryOp, number> = {
  neg: 1, abs: 1, sqrt: 2, square: 1, reciprocal: 2, relu: 1, floor: 1, ceil: 1, round: 1,
  exp: 16, sigmoid: 16, tanh: 24, sign: 48, expm1: 160, log: 160, log1p: 160, sin: 256, cos: 256, erf: 512,
};

/** Binary ops: arithmetic 0–8, comparisons 16–23. */
export const BINARY_CODES: Record<BinaryOp, number> = {
  add: 0, sub: 1, mul: 2, div: 3, pow: 4, maximum: 5, minimum: 6, mod: 7, floorDiv: 8, reluGrad: 9,
  equal: 16, notEqual: 17, greater: 18, greaterEqual: 19, less: 20, lessEqual: 21, logicalAnd: 22, logicalOr: 23,
};

/** Reductions. */
export const REDUCE_CODES: Record<ReduceOp, number> = { sum: 0, prod: 1, max: 2, min: 3 };

/** The casts with a kernel, keyed `from>to`. */
export const CAST_CODES: Partial<Record<`${DType}>${DType}`, number>> = {
  'bool>float32': 0,
  // A bool is a byte holding 0 or 1, so uint8 pixels convert by the same kernel.
  'uint8>float32': 0,
  'int32>float32': 1,
  'float32>bool': 2,
};
