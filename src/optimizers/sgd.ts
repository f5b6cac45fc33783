/** Stochastic gradient descent, with optional (Nesterov) momentum. */
import type { UpdateRule } from '../core/backend.js';
import { checkInterval } from '../core/validate.js';
import { Optimizer, optimizerArgKeys, argsOf, type OptimizerArgs, type OwnHyperparameters, type SlotSpec, type UpdateStep } from './optimizer.js';

/** Options of `SGD`. */
export interface SGDArgs extends OptimizerArgs {
  /** How much of the previous step is kept, in [0, 1] (default 0: plain gradient descent). */
  momentum?: number;
  /** Use Nesterov momentum: step by the momentum after this update, looking ahead (default false). */
  nesterov?: boolean;
}

/** The hyperparameters of `SGDArgs`, read by the constructor, as readonly fields of the optimizer. */
export interface SGD extends Readonly<OwnHyperparameters<SGDArgs>> {}

/**
 * Gradient descent: `w -= lr * g`. With momentum, a velocity `m = momentum * m - lr * g` is kept and
 * `w += m` (Nesterov: `w += momentum * m - lr * g`). Keras defaults: learningRate 0.01, momentum 0.
 *
 * @example
 * const opt = new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true });
 */
export class SGD extends Optimizer {
  static override readonly argKeys: readonly string[] = optimizerArgKeys<SGDArgs>({ momentum: true, nesterov: true });
  readonly className: string = 'SGD';

  constructor(args: SGDArgs = {}) {
    super(args, 'sgd', 0.01, { momentum: 0, nesterov: false } satisfies OwnHyperparameters<SGDArgs>);
    checkInterval('SGD', 'momentum', this.momentum, 0, 1);
  }

  protected slotSpecs(): SlotSpec[] {
    return this.momentum > 0 ? [{ name: 'momentum', initialValue: 0 }] : [];
  }

  protected override updateRule({ learningRate }: UpdateStep): UpdateRule {
    return { kind: 'sgd', learningRate, momentum: this.momentum, nesterov: this.nesterov };
  }
}

/**
 * Makes an `SGD` optimizer; a number is taken as the learning rate.
 *
 * @example
 * const opt = sgd(0.1);
 */
export function sgd(args?: number | SGDArgs): SGD {
  return new SGD(argsOf<SGDArgs>(args));
}
