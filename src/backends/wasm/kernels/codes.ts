// Numeric codes of the ops the kernels implement; src/backends/wasm/op-codes.ts holds the same numbers for the JS side.

// Unary ops, in the order of the UnaryOp union.
export const NEG = 0;
export const ABS = 1;
export const SIGN = 2;
export const SQRT = 3;
export const SQUARE = 4;
export const RECIPROCAL = 5;
export const EXP = 6;
export const EXPM1 = 7;
export const LOG = 8;
export const LOG1P = 9;
export const RELU = 10;
export const SIGMOID = 11;
export const TANH = 12;
// 13 is erf, which the JS side computes.
export const SIN = 14;
export const COS = 15;
export const FLOOR = 16;
export const CEIL = 17;
export const ROUND = 18;

// Binary arithmetic, in the order of the ArithmeticOp union.
export const ADD = 0;
export const SUB = 1;
export const MUL = 2;
export const DIV = 3;
export const POW = 4;
export const MAXIMUM = 5;
export const MINIMUM = 6;
export const MOD = 7;
export const FLOOR_DIV = 8;
export const RELU_GRAD = 9;

// Comparisons, in the order of the CompareOp union, offset so that they share the binary op space.
export const EQUAL = 16;
export const NOT_EQUAL = 17;
export const GREATER = 18;
export const GREATER_EQUAL = 19;
export const LESS = 20;
export const LESS_EQUAL = 21;
export const LOGICAL_AND = 22;
export const LOGICAL_OR = 23;

// Reductions, in the order of the ReduceOp union.
export const SUM = 0;
export const PROD = 1;
export const MAX = 2;
export const MIN = 3;

// Casts with a kernel.
export const BOOL_TO_F32 = 0; // and uint8: both are unsigned bytes
export const I32_TO_F32 = 1;
export const F32_TO_BOOL = 2;
