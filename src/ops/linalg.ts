/** Matrix multiplication, batched over leading axes, with optional transposition of either operand. */
import { ENGINE } from '../core/engine.js';
import { isFloat, promoteTypes } from '../core/dtype.js';
import { ShapeError, fmtShape } from '../core/errors.js';
import { broadcastShapes, sizeOf, type Shape } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { cast, toTensor } from './convert.js';
import { reduceTo } from './sum-broadcast.js';

function innerDimensionError(op: string, a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean): ShapeError {
  const ka = a.shape[transposeA ? a.rank - 2 : a.rank - 1]!;
  const kb = b.shape[transposeB ? b.rank - 1 : b.rank - 2]!;
  const aWhich = transposeA ? "a's second-to-last dimension (transposeA)" : "a's last dimension";
  const bWhich = b.rank === 2
    ? (transposeB ? "b's second (transposeB)" : "b's first")
    : (transposeB ? "b's last (transposeB)" : "b's second-to-last");
  const flattenHint = a.rank > 2 && sizeOf(a.shape.slice(1)) === kb ? ' Did you forget to flatten the input?' : '';
  return new ShapeError(
    `${op}: inner dimensions differ: a is ${fmtShape(a.shape)} and b is ${fmtShape(b.shape)}; ${aWhich} (${ka}) must equal ${bWhich} (${kb}).${flattenHint}`,
  );
}

/** matMul's operands, checked and cast to one dtype, and the broadcast shape of their batch axes. */
export interface MatMulOperands {
  a: Tensor;
  b: Tensor;
  batchShape: Shape;
}

/**
 * Checks `a` and `b` for a product under `op`'s name and casts them to their common dtype (uint8 to
 * int32, whose products do not overflow; with `float`, integers to float32).
 */
export function matMulOperands(op: string, a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean, float = false): MatMulOperands {
  let x = toTensor(op, 'a', a);
  let y = toTensor(op, 'b', b);
  if (x.rank < 2 || y.rank < 2) {
    throw new ShapeError(`${op}: both operands need at least 2 dimensions, but a is ${fmtShape(x.shape)} and b is ${fmtShape(y.shape)}. Use reshape() or expandDims() to make a vector a matrix.`);
  }
  const k1 = x.shape[transposeA ? x.rank - 2 : x.rank - 1]!;
  const k2 = y.shape[transposeB ? y.rank - 1 : y.rank - 2]!;
  if (k1 !== k2) throw innerDimensionError(op, x, y, transposeA, transposeB);
  const batchShape = broadcastShapes(op, x.shape.slice(0, -2), y.shape.slice(0, -2));
  // Products of bytes overflow a byte: uint8 operands multiply in int32.
  const promoted = promoteTypes(x.dtype, y.dtype);
  const dtype = float && !isFloat(promoted) ? 'float32' : promoted === 'uint8' ? 'int32' : promoted;
  x = cast(x, dtype);
  y = cast(y, dtype);
  return { a: x, b: y, batchShape };
}

/**
 * The gradients of C = op(A) op(B) from dC (null where `needs` says none is wanted):
 * d op(A) = dC op(B)ᵀ and d op(B) = op(A)ᵀ dC, transposed back where A or B was, summed over broadcast batch axes.
 */
export function matMulGradients(dc: Tensor, a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean, needs: readonly boolean[]): (Tensor | null)[] {
  return [
    needs[0] ? reduceTo(transposeA ? matMul(b, dc, transposeB, true) : matMul(dc, b, false, !transposeB), a.shape) : null,
    needs[1] ? reduceTo(transposeB ? matMul(dc, a, true, transposeA) : matMul(a, dc, !transposeA, false), b.shape) : null,
  ];
}

/**
 * Matrix product of the last two axes of `a` and `b`; leading (batch) axes broadcast.
 * `a` is [..., m, k] ([..., k, m] with `transposeA`), `b` is [..., k, n] ([..., n, k] with `transposeB`);
 * the result is [...batch, m, n].
 *
 * @example
 * matMul(x, w);                 // [batch, in] x [in, out] -> [batch, out]
 * matMul(q, k, false, true);    // q · kᵀ without materialising the transpose
 */
export function matMul(a: Tensor, b: Tensor, transposeA = false, transposeB = false): Tensor {
  const { a: u, b: v, batchShape } = matMulOperands('matMul', a, b, transposeA, transposeB);
  return ENGINE.runOp('matMul', [u, v], (k) => k.matMul(u, v, transposeA, transposeB, batchShape), {
    saved: [u, v],
    backward: (dy, [sa, sb], needs) => matMulGradients(dy, sa!, sb!, transposeA, transposeB, needs),
  });
}
