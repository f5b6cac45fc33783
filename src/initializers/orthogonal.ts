/** The orthogonal initializer: a random matrix with orthonormal rows or columns. */
import type { DType } from '../core/dtype.js';
import { ValueError, fmtShape } from '../core/errors.js';
import { checkOptions, optionKeys } from '../core/options.js';
import type { ConfigDict } from '../core/serialization.js';
import type { Shape } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { checkFinite, checkFloatDType } from '../core/validate.js';
import { randomNormal, tensor } from '../ops/creation.js';
import { RandomInitializer, type SeedArgs } from './random.js';

/** Arguments of `Orthogonal`. */
export interface OrthogonalArgs extends SeedArgs {
  /** Multiplies the orthogonal matrix (default 1). */
  gain?: number;
}

/**
 * Orthonormalises the columns of the row-major `rows × cols` matrix `a` in place (modified
 * Gram–Schmidt, rows >= cols). This is the Q of a QR decomposition whose R has a positive
 * diagonal, which makes the result uniformly distributed over orthogonal matrices.
 */
function orthonormalizeColumns(a: Float64Array, rows: number, cols: number): void {
  for (let j = 0; j < cols; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < rows; i++) dot += a[i * cols + k]! * a[i * cols + j]!;
      for (let i = 0; i < rows; i++) a[i * cols + j]! -= dot * a[i * cols + k]!;
    }
    let norm = 0;
    for (let i = 0; i < rows; i++) norm += a[i * cols + j]! ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < rows; i++) a[i * cols + j]! /= norm;
  }
}

/**
 * An orthogonal matrix times `gain`. A weight of rank > 2 is treated as the matrix
 * [product of all but the last dimension, last dimension]; with fewer rows than columns the rows
 * are orthonormal, otherwise the columns.
 *
 * @example
 * const q = new Orthogonal({ seed: 1 }).apply([4, 4]); // matMul(q, q, true) is the identity
 */
export class Orthogonal extends RandomInitializer {
  static override readonly className: string = 'Orthogonal';
  /** Multiplies the orthogonal matrix. */
  readonly gain: number;

  constructor(args: OrthogonalArgs = {}) {
    super(args);
    checkOptions('Orthogonal initializer', args, optionKeys<OrthogonalArgs>({ seed: true, gain: true }));
    this.gain = checkFinite('Orthogonal initializer', 'gain', args.gain ?? 1);
  }

  override apply(shape: Shape, dtype: DType = 'float32'): Tensor {
    if (shape.length < 2) throw new ValueError(`Orthogonal initializer: the weight must have at least 2 dimensions, got shape ${fmtShape(shape)}.`);
    checkFloatDType('Orthogonal initializer', 'dtype', dtype);
    const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const cols = shape[shape.length - 1]!;
    const [n, m] = [Math.max(rows, cols), Math.min(rows, cols)];
    const a = randomNormal([n, m], 0, 1, { dtype: 'float64', seed: this.drawSeed });
    const q = a.dataSync() as Float64Array;
    a.dispose();
    orthonormalizeColumns(q, n, m);
    const out = new Float64Array(rows * cols);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) {
        // With fewer rows than columns the weight is Qᵀ, so that its rows are the orthonormal ones.
        out[rows < cols ? j * cols + i : i * cols + j] = this.gain * q[i * m + j]!;
      }
    }
    return tensor(out, shape, dtype);
  }

  override getConfig(): ConfigDict {
    return { gain: this.gain, ...super.getConfig() };
  }
}
