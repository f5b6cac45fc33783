/** Weight and activity regularizers: the classes, Keras-named factories, and lookup by name or config. */
import { L1, L1L2, L2, type L1Args, type L1L2Args, type L2Args } from './l1-l2.js';

export { Regularizer } from './regularizer.js';
export { L1, L1L2, L2, type L1Args, type L1L2Args, type L2Args } from './l1-l2.js';
export { getRegularizer, registerRegularizer, serializeRegularizer, type RegularizerClass, type RegularizerIdentifier } from './get-regularizer.js';

/**
 * An L1 penalty, `l1 · Σ|x|` (default factor 0.01).
 *
 * @example
 * new Dense({ units: 10, kernelRegularizer: regularizers.l1({ l1: 1e-4 }) });
 */
export const l1 = (args: L1Args = {}): L1 => new L1(args);
/** An L2 penalty, `l2 · Σx²` (default factor 0.01). */
export const l2 = (args: L2Args = {}): L2 => new L2(args);
/** L1 plus L2 (both 0.01 by default). */
export const l1l2 = (args: L1L2Args = {}): L1L2 => new L1L2(args);
