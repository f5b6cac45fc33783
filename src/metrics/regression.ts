/** Regression metrics: mean squared and mean absolute error, averaged over every sample seen. */
import { checkOptions, optionKeys } from '../core/options.js';
import { meanAbsoluteError, meanSquaredError } from '../losses/regression.js';
import { MeanMetricWrapper, type MetricArgs } from './metric.js';

/** The mean squared error over all samples seen (Keras's `MeanSquaredError` metric, 'mse'). */
export class MeanSquaredError extends MeanMetricWrapper {
  override readonly className: string = 'MeanSquaredError';

  constructor(args: MetricArgs = {}) {
    super(meanSquaredError, { name: args.name ?? 'meanSquaredError' });
    checkOptions('MeanSquaredError metric', args, optionKeys<MetricArgs>({ name: true }));
  }
}

/** The mean absolute error over all samples seen (Keras's `MeanAbsoluteError` metric, 'mae'). */
export class MeanAbsoluteError extends MeanMetricWrapper {
  override readonly className: string = 'MeanAbsoluteError';

  constructor(args: MetricArgs = {}) {
    super(meanAbsoluteError, { name: args.name ?? 'meanAbsoluteError' });
    checkOptions('MeanAbsoluteError metric', args, optionKeys<MetricArgs>({ name: true }));
  }
}
