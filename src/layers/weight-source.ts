/**
 * Where `addWeight` takes a weight's first value from while a saved model is rebuilt: the file's
 * weight table instead of an initializer. So a model is loaded without running any initializer,
 * and a layer whose declared weight does not match the file fails before anything is allocated.
 */
import type { DType } from '../core/dtype.js';
import { SESSION } from '../core/session.js';
import type { Variable } from '../core/tensor.js';

/** Supplies the weights of layers being built (see `withWeightSource`). */
export interface WeightSource {
  /**
   * The variable for the weight `fullName` that `layer` (its description, for messages) declares
   * with `shape` and `dtype`, holding the source's values. Throws, before allocating, when the
   * source has no such weight or a different shape or dtype.
   */
  variable(layer: string, fullName: string, shape: readonly number[], dtype: DType, trainable: boolean): Variable;
  /** Throws when a temporary tensor a layer needs while being built (not a weight) would exceed the caps. */
  checkAllocation(layer: string, what: string, shape: readonly number[], dtype: DType): void;
}

/**
 * Runs `fn` (which builds layers) with `source` supplying every weight `addWeight` makes.
 *
 * @example
 * const model = withWeightSource(fileWeights, () => deserializeLayer(modelConfig));
 */
export function withWeightSource<T>(source: WeightSource, fn: () => T): T {
  const previous = SESSION.weightSource;
  SESSION.weightSource = source;
  try {
    return fn();
  } finally {
    SESSION.weightSource = previous;
  }
}

/** The source in force, or null when weights are initialized as usual. */
export function activeWeightSource(): WeightSource | null {
  // Only withWeightSource sets the field, always to a WeightSource.
  return SESSION.weightSource as WeightSource | null;
}
