/** Regression losses: mean squared error, mean absolute error and Huber. */
import { checkOptions, optionKeys } from '../core/options.js';
import type { Tensor } from '../core/tensor.js';
import { checkPositive } from '../core/validate.js';
import { abs, lessEqual, mul, square, sub, where } from '../ops/index.js';
import { FunctionLoss, perSample, prepare, type LossArgs } from './loss.js';

/**
 * `mean((yTrue - yPred)², axis=-1)`: one value per sample.
 *
 * @example
 * meanSquaredError(tensor([[0, 1], [0, 0]]), tensor([[1, 1], [1, 0]])).arraySync(); // [0.5, 0.5]
 */
export function meanSquaredError(yTrue: Tensor, yPred: Tensor): Tensor {
  const [t, p] = prepare('meanSquaredError', yTrue, yPred, 'broadcast');
  return perSample(square(sub(t, p)));
}

/** `mean(|yTrue - yPred|, axis=-1)`: one value per sample. */
export function meanAbsoluteError(yTrue: Tensor, yPred: Tensor): Tensor {
  const [t, p] = prepare('meanAbsoluteError', yTrue, yPred, 'broadcast');
  return perSample(abs(sub(t, p)));
}

/** Options of `huber`. */
export interface HuberArgs {
  /** Where the loss turns from quadratic to linear (positive, default 1). */
  delta?: number;
}

const HUBER_KEYS = optionKeys<HuberArgs>({ delta: true });

/**
 * Huber loss per sample: the mean over the last axis of `0.5 e²` where |e| <= delta and
 * `delta |e| - 0.5 delta²` elsewhere, with `e = yPred - yTrue`.
 *
 * @example
 * huber(tensor([[0, 1], [0, 0]]), tensor([[0.6, 0.4], [0.4, 0.6]])).arraySync(); // [0.18, 0.13]
 */
export function huber(yTrue: Tensor, yPred: Tensor, args: HuberArgs = {}): Tensor {
  checkOptions('huber', args, HUBER_KEYS);
  const delta = checkPositive('huber', 'delta', args.delta ?? 1);
  const [t, p] = prepare('huber', yTrue, yPred, 'broadcast');
  const error = sub(p, t);
  const absError = abs(error);
  return perSample(where(lessEqual(absError, delta), mul(square(error), 0.5), sub(mul(absError, delta), 0.5 * delta * delta)));
}

/** Mean squared error as a `Loss` (Keras's `MeanSquaredError`, alias 'mse'). */
export class MeanSquaredError extends FunctionLoss<object> {
  readonly className = 'MeanSquaredError';

  constructor(args: LossArgs = {}) {
    super(meanSquaredError, args.name ?? 'meanSquaredError', {});
    checkOptions('MeanSquaredError', args, optionKeys<LossArgs>({ name: true }));
  }
}

/** Mean absolute error as a `Loss` (Keras's `MeanAbsoluteError`, alias 'mae'). */
export class MeanAbsoluteError extends FunctionLoss<object> {
  readonly className = 'MeanAbsoluteError';

  constructor(args: LossArgs = {}) {
    super(meanAbsoluteError, args.name ?? 'meanAbsoluteError', {});
    checkOptions('MeanAbsoluteError', args, optionKeys<LossArgs>({ name: true }));
  }
}

/** Huber's option as the loss's field: where the loss turns from quadratic to linear. */
export interface Huber extends Readonly<Required<HuberArgs>> {}

/**
 * Huber loss as a `Loss`: quadratic for small errors, linear for large ones.
 *
 * @example
 * const loss = new Huber({ delta: 2 });
 */
export class Huber extends FunctionLoss<HuberArgs> {
  readonly className = 'Huber';

  constructor(args: HuberArgs & LossArgs = {}) {
    checkOptions('Huber', args, optionKeys<HuberArgs & LossArgs>({ name: true, delta: true }));
    super(huber, args.name ?? 'huber', { delta: checkPositive('Huber', 'delta', args.delta ?? 1) });
  }
}
