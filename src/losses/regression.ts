/** Regression losses: mean squared error, mean absolute error and Huber. */
import { checkOptions, optionKeys } from '../core/options.js';
import type { Tensor } from '../core/tensor.js';
import { checkPositive } from '../core/validate.js';
import { abs, lessEqual, mul, square, sub, where } from '../ops/index.js';
import { Loss, perSample, prepare, type LossArgs, type LossConfig } from './loss.js';

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
export class MeanSquaredError extends Loss {
  readonly className = 'MeanSquaredError';

  constructor(args: LossArgs = {}) {
    super(args.name ?? 'meanSquaredError');
    checkOptions('MeanSquaredError', args, optionKeys<LossArgs>({ name: true }));
  }

  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return meanSquaredError(yTrue, yPred);
  }
}

/** Mean absolute error as a `Loss` (Keras's `MeanAbsoluteError`, alias 'mae'). */
export class MeanAbsoluteError extends Loss {
  readonly className = 'MeanAbsoluteError';

  constructor(args: LossArgs = {}) {
    super(args.name ?? 'meanAbsoluteError');
    checkOptions('MeanAbsoluteError', args, optionKeys<LossArgs>({ name: true }));
  }

  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return meanAbsoluteError(yTrue, yPred);
  }
}

/**
 * Huber loss as a `Loss`: quadratic for small errors, linear for large ones.
 *
 * @example
 * const loss = new Huber({ delta: 2 });
 */
export class Huber extends Loss {
  readonly className = 'Huber';
  /** Where the loss turns from quadratic to linear. */
  readonly delta: number;

  constructor(args: HuberArgs & LossArgs = {}) {
    super(args.name ?? 'huber');
    checkOptions('Huber', args, optionKeys<HuberArgs & LossArgs>({ name: true, delta: true }));
    this.delta = checkPositive('Huber', 'delta', args.delta ?? 1);
  }

  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return huber(yTrue, yPred, { delta: this.delta });
  }

  override getConfig(): LossConfig {
    return { ...super.getConfig(), delta: this.delta };
  }
}
