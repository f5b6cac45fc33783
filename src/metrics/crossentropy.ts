/** Cross-entropy metrics: the cross-entropy losses averaged over every sample seen, e.g. to watch one loss while training another. */
import { checkOptions, optionKeys } from '../core/options.js';
import { binaryCrossentropy, type BinaryCrossentropyArgs } from '../losses/binary-crossentropy.js';
import {
  categoricalCrossentropy, sparseCategoricalCrossentropy, type CategoricalCrossentropyArgs, type SparseCategoricalCrossentropyArgs,
} from '../losses/categorical-crossentropy.js';
import { MeanMetricWrapper, type MetricArgs, type MetricConfig } from './metric.js';

/** The mean binary cross-entropy over all samples seen. */
export class BinaryCrossentropy extends MeanMetricWrapper {
  override readonly className: string = 'BinaryCrossentropy';
  /** Whether predictions are logits. */
  readonly fromLogits: boolean;
  /** How far labels are smoothed, in [0, 1]. */
  readonly labelSmoothing: number;

  constructor(args: BinaryCrossentropyArgs & MetricArgs = {}) {
    checkOptions('BinaryCrossentropy metric', args, optionKeys<BinaryCrossentropyArgs & MetricArgs>({ name: true, fromLogits: true, labelSmoothing: true }));
    const options = { fromLogits: args.fromLogits ?? false, labelSmoothing: args.labelSmoothing ?? 0 };
    super((t, p) => binaryCrossentropy(t, p, options), { name: args.name ?? 'binaryCrossentropy' });
    this.fromLogits = options.fromLogits;
    this.labelSmoothing = options.labelSmoothing;
  }

  override getConfig(): MetricConfig {
    return { ...super.getConfig(), fromLogits: this.fromLogits, labelSmoothing: this.labelSmoothing };
  }
}

/** The mean categorical cross-entropy (one-hot labels) over all samples seen. */
export class CategoricalCrossentropy extends MeanMetricWrapper {
  override readonly className: string = 'CategoricalCrossentropy';
  /** Whether predictions are logits. */
  readonly fromLogits: boolean;
  /** How far labels are smoothed, in [0, 1]. */
  readonly labelSmoothing: number;
  /** The class axis. */
  readonly axis: number;

  constructor(args: CategoricalCrossentropyArgs & MetricArgs = {}) {
    checkOptions('CategoricalCrossentropy metric', args, optionKeys<CategoricalCrossentropyArgs & MetricArgs>({ name: true, fromLogits: true, labelSmoothing: true, axis: true }));
    const options = { fromLogits: args.fromLogits ?? false, labelSmoothing: args.labelSmoothing ?? 0, axis: args.axis ?? -1 };
    super((t, p) => categoricalCrossentropy(t, p, options), { name: args.name ?? 'categoricalCrossentropy' });
    this.fromLogits = options.fromLogits;
    this.labelSmoothing = options.labelSmoothing;
    this.axis = options.axis;
  }

  override getConfig(): MetricConfig {
    return { ...super.getConfig(), fromLogits: this.fromLogits, labelSmoothing: this.labelSmoothing, axis: this.axis };
  }
}

/** The mean sparse categorical cross-entropy (class-id labels) over all samples seen. */
export class SparseCategoricalCrossentropy extends MeanMetricWrapper {
  override readonly className: string = 'SparseCategoricalCrossentropy';
  /** Whether predictions are logits. */
  readonly fromLogits: boolean;

  constructor(args: SparseCategoricalCrossentropyArgs & MetricArgs = {}) {
    checkOptions('SparseCategoricalCrossentropy metric', args, optionKeys<SparseCategoricalCrossentropyArgs & MetricArgs>({ name: true, fromLogits: true }));
    const options = { fromLogits: args.fromLogits ?? false };
    super((t, p) => sparseCategoricalCrossentropy(t, p, options), { name: args.name ?? 'sparseCategoricalCrossentropy' });
    this.fromLogits = options.fromLogits;
  }

  override getConfig(): MetricConfig {
    return { ...super.getConfig(), fromLogits: this.fromLogits };
  }
}
