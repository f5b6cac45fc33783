/** Turning op arguments into tensors: plain numbers become scalars of the other operand's dtype, and dtypes are promoted. */
import { ENGINE } from '../core/engine.js';
import { assertDType, isFloat, promoteTypes, type DType } from '../core/dtype.js';
import { ValueError } from '../core/errors.js';
import { Tensor } from '../core/tensor.js';

/** A tensor or a plain number (taken as a scalar). */
export type TensorLike = Tensor | number;

/** Checks that `x` is a live tensor, or makes a scalar of `dtype` from a number. */
export function toTensor(op: string, name: string, x: TensorLike, dtype: DType = 'float32'): Tensor {
  if (x instanceof Tensor) {
    x.assertAlive(op);
    return x;
  }
  if (typeof x !== 'number') {
    throw new ValueError(`${op}: '${name}' must be a Tensor or a number, got ${x === null ? 'null' : typeof x}. Wrap arrays with tensor().`);
  }
  return ENGINE.constant(x, dtype);
}

/** The two operands of a binary op as tensors of one common dtype (numbers adopt the tensor's dtype). */
export function toTensorPair(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  const dtypeA = a instanceof Tensor ? a.dtype : undefined;
  const dtypeB = b instanceof Tensor ? b.dtype : undefined;
  const common = dtypeA && dtypeB ? promoteTypes(dtypeA, dtypeB) : (dtypeA ?? dtypeB ?? 'float32');
  // A number is weakly typed: it takes the tensor's dtype, except that a fraction promotes integers
  // to float32 and an integer outside [0, 255] promotes uint8 to int32 (rather than wrapping around).
  const numberDType = (x: TensorLike): DType => {
    if (typeof x !== 'number' || isFloat(common)) return common;
    if (!Number.isInteger(x)) return 'float32';
    return common === 'uint8' && (x < 0 || x > 255) ? 'int32' : common;
  };
  const dtype = promoteTypes(common, promoteTypes(numberDType(a), numberDType(b)));
  return [cast(toTensor(op, 'a', a, dtype), dtype), cast(toTensor(op, 'b', b, dtype), dtype)];
}

/**
 * Converts to `dtype`. Floats become int32 by truncation toward zero; values become uint8 modulo
 * 256 after truncation (300 → 44, -1 → 255, as C and NumPy do); nonzero becomes true in bool.
 * Gradients flow between float dtypes only.
 *
 * @example
 * cast(tensor([1.7, -1.7]), 'int32').arraySync(); // [1, -1]
 */
export function cast(x: Tensor, dtype: DType): Tensor {
  assertDType('cast', dtype);
  x = toTensor('cast', 'x', x);
  if (x.dtype === dtype) return x;
  return ENGINE.runOp('cast', [x], (b) => b.cast(x, dtype), {
    backward: (dy) => [isFloat(x.dtype) && isFloat(dy.dtype) ? cast(dy, x.dtype) : null],
  });
}
