/** Cross-entropy metrics: the cross-entropy losses averaged over every sample seen, e.g. to watch one loss while training another. */
import { checkOptions, optionKeys } from '../core/options.js';
import { binaryCrossentropy, type BinaryCrossentropyArgs } from '../losses/binary-crossentropy.js';
import {
  categoricalCrossentropy, sparseCategoricalCrossentropy, type CategoricalCrossentropyArgs, type SparseCategoricalCrossentropyArgs,
} from '../losses/categorical-crossentropy.js';
import { MeanMetricWrapper, type MetricArgs } from './metric.js';

/** The options of `BinaryCrossentropy` as its fields. */
export interface BinaryCrossentropy extends Readonly<Required<BinaryCrossentropyArgs>> {}

/** The mean binary cross-entropy over all samples seen. */
export class BinaryCrossentropy extends MeanMetricWrapper {
  override readonly className: string = 'BinaryCrossentropy';

  constructor(args: BinaryCrossentropyArgs & MetricArgs = {}) {
    checkOptions('BinaryCrossentropy metric', args, optionKeys<BinaryCrossentropyArgs & MetricArgs>({ name: true, fromLogits: true, labelSmoothing: true }));
    const options = { fromLogits: args.fromLogits ?? false, labelSmoothing: args.labelSmoothing ?? 0 };
    super((t, p) => binaryCrossentropy(t, p, options), { name: args.name ?? 'binaryCrossentropy' }, options);
  }
}

/** The options of `CategoricalCrossentropy` as its fields. */
export interface CategoricalCrossentropy extends Readonly<Required<CategoricalCrossentropyArgs>> {}

/** The mean categorical cross-entropy (one-hot labels) over all samples seen. */
export class CategoricalCrossentropy extends MeanMetricWrapper {
  override readonly className: string = 'CategoricalCrossentropy';

  constructor(args: CategoricalCrossentropyArgs & MetricArgs = {}) {
    checkOptions('CategoricalCrossentropy metric', args, optionKeys<CategoricalCrossentropyArgs & MetricArgs>({ name: true, fromLogits: true, labelSmoothing: true, axis: true }));
    const options = { fromLogits: args.fromLogits ?? false, labelSmoothing: args.labelSmoothing ?? 0, axis: args.axis ?? -1 };
    super((t, p) => categoricalCrossentropy(t, p, options), { name: args.name ?? 'categoricalCrossentropy' }, options);
  }
}

/** The options of `SparseCategoricalCrossentropy` as its fields. */
export interface SparseCategoricalCrossentropy extends Readonly<Required<SparseCategoricalCrossentropyArgs>> {}

/** The mean sparse categorical cross-entropy (class-id labels) over all samples seen. */
export class SparseCategoricalCrossentropy extends MeanMetricWrapper {
  override readonly className: string = 'SparseCategoricalCrossentropy';

  constructor(args: SparseCategoricalCrossentropyArgs & MetricArgs = {}) {
    checkOptions('SparseCategoricalCrossentropy metric', args, optionKeys<SparseCategoricalCrossentropyArgs & MetricArgs>({ name: true, fromLogits: true }));
    const options = { fromLogits: args.fromLogits ?? false };
    super((t, p) => sparseCategoricalCrossentropy(t, p, options), { name: args.name ?? 'sparseCategoricalCrossentropy' }, options);
  }
}
