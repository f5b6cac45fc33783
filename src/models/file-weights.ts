/**
 * A saved file's weight table as the source of a rebuilt model's weights: each weight a layer
 * declares is matched by name with the table and checked (shape, dtype, caps) before it is
 * allocated, and made from the file's values, so no initializer runs while a model is loaded.
 */
import { bytesPerElement, type DType } from '../core/dtype.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../core/errors.js';
import { checkLimit, type Limits } from '../core/limits.js';
import { shapesEqual } from '../core/shape.js';
import type { Variable } from '../core/tensor.js';
import type { ArtifactWeight } from '../io/artifacts.js';
import type { WeightSource } from '../layers/weight-source.js';
import { tensor, variable } from '../ops/index.js';

/** Bytes of a tensor of `shape` and `dtype` (Infinity when a dimension is not a size). */
export function byteSize(shape: readonly number[], dtype: DType): number {
  return shape.reduce((n, d) => (Number.isSafeInteger(d) && d >= 0 ? n * d : Infinity), bytesPerElement(dtype));
}

/**
 * The weights of a file, handed to layers as they are built (see `withWeightSource`). Every
 * variable it makes is recorded, so that a load that fails part-way frees them all.
 */
export class FileWeights implements WeightSource {
  private readonly used: boolean[];
  private readonly made: Variable[] = [];
  /** The first mismatch found: the cause, even when a layer wraps it in an error of its own. */
  failure: Error | undefined;

  constructor(
    private readonly entries: readonly ArtifactWeight[],
    private readonly limits: Limits,
    private readonly source: string,
  ) {
    this.used = entries.map(() => false);
  }

  variable(layer: string, fullName: string, shape: readonly number[], dtype: DType, trainable: boolean): Variable {
    const index = this.find(fullName);
    if (index < 0) {
      const known = this.entries.map((e) => `'${e.name}' ${fmtShape(e.shape)}`).join(', ') || 'none';
      this.fail(new ValueError(`${this.source}: ${layer} declares weight '${fullName}' ${fmtShape(shape)}, but the file holds no weight of that name (its weights: ${known}); its architecture and weights do not match (the file is corrupt or was edited).`));
    }
    const entry = this.entries[index]!;
    if (!shapesEqual(entry.shape, shape)) {
      this.fail(new ShapeError(`${this.source}: ${layer} declares weight '${fullName}' with shape ${fmtShape(shape)}, but the file's weight has shape ${fmtShape(entry.shape)}; the file's architecture and weights do not match (it is corrupt or was edited).`));
    }
    if (entry.dtype !== dtype) {
      this.fail(new DTypeError(`${this.source}: ${layer} declares weight '${fullName}' as ${dtype}, but the file's weight is ${entry.dtype}; the file's architecture and weights do not match.`));
    }
    this.used[index] = true;
    const values = tensor(entry.values, entry.shape, entry.dtype);
    try {
      const v = variable(values, { name: fullName, trainable });
      this.made.push(v);
      return v;
    } finally {
      values.dispose();
    }
  }

  /**
   * The unused entry for the weight `fullName`: the one of that name, else — for formats that
   * store a layer's weights by position (Keras 3's `layers/dense/vars/0`) — the first unused
   * entry of the layer that owns it (`fullName` starts with the entry's `layer` and '/').
   */
  private find(fullName: string): number {
    const named = this.entries.findIndex((e, i) => !this.used[i] && e.name === fullName);
    if (named >= 0) return named;
    return this.entries.findIndex((e, i) => !this.used[i] && e.layer !== undefined && fullName.startsWith(`${e.layer}/`));
  }

  checkAllocation(layer: string, what: string, shape: readonly number[], dtype: DType): void {
    try {
      checkLimit(this.limits, 'maxTensorBytes', byteSize(shape, dtype), `${this.source}: ${layer} needs ${what} of shape ${fmtShape(shape)} (${dtype})`);
    } catch (e) {
      this.fail(e as Error);
    }
  }

  /** Throws unless every weight of the file went to a layer. */
  checkAllUsed(): void {
    const left = this.entries.filter((_, i) => !this.used[i]);
    if (left.length === 0) return;
    const list = left.map((e) => `'${e.name}' ${fmtShape(e.shape)}`).join(', ');
    this.fail(new ValueError(`${this.source}: the file holds ${this.entries.length} weights but its architecture makes ${this.made.length}; no layer declares ${list} (the file is corrupt or was edited).`));
  }

  /** Frees every variable made, after a failed load. */
  release(): void {
    for (const v of this.made) v.dispose();
  }

  private fail(error: Error): never {
    this.failure ??= error;
    throw error;
  }
}
