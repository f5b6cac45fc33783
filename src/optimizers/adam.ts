/** Adam and AdamW: steps scaled by bias-corrected moving averages of the gradient and its square. */
import type { UpdateRule } from '../core/backend.js';
import { checkInterval } from '../core/validate.js';
import { Optimizer, optimizerArgKeys, argsOf, type OptimizerArgs, type OwnHyperparameters, type SlotSpec, type UpdateStep } from './optimizer.js';

/** Options of `Adam`. */
export interface AdamArgs extends OptimizerArgs {
  /** Decay of the first-moment (mean) estimate (default 0.9). */
  beta1?: number;
  /** Decay of the second-moment (uncentered variance) estimate (default 0.999). */
  beta2?: number;
  /** Added to the root of the second moment for stability ("epsilon hat" of the paper; default 1e-7). */
  epsilon?: number;
  /** Use the running maximum of the second moment (AMSGrad; default false). */
  amsgrad?: boolean;
}

/** The hyperparameters of `AdamArgs`, read by the constructor, as readonly fields of the optimizer. */
export interface Adam extends Readonly<OwnHyperparameters<AdamArgs>> {}

/**
 * Adam: `m += (1 - beta1)(g - m)`, `v += (1 - beta2)(g² - v)`, and
 * `w -= lr * sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + epsilon)` at step t (Keras's form,
 * with epsilon outside the bias correction). Keras defaults: learningRate 0.001, beta1 0.9,
 * beta2 0.999, epsilon 1e-7.
 *
 * @example
 * const opt = new Adam({ learningRate: 0.001 });
 */
export class Adam extends Optimizer {
  static override readonly argKeys: readonly string[] = optimizerArgKeys<AdamArgs>({ beta1: true, beta2: true, epsilon: true, amsgrad: true });
  readonly className: string = 'Adam';

  constructor(args: AdamArgs = {}) {
    super(args, 'adam', 0.001, { beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false } satisfies OwnHyperparameters<AdamArgs>);
    checkInterval(this.constructor.name, 'beta1', this.beta1, 0, 1);
    checkInterval(this.constructor.name, 'beta2', this.beta2, 0, 1);
  }

  protected slotSpecs(): SlotSpec[] {
    const specs = [{ name: 'm', initialValue: 0 }, { name: 'v', initialValue: 0 }];
    if (this.amsgrad) specs.push({ name: 'vHat', initialValue: 0 });
    return specs;
  }

  protected override updateRule({ learningRate, step }: UpdateStep): UpdateRule {
    const alpha = (learningRate * Math.sqrt(1 - this.beta2 ** step)) / (1 - this.beta1 ** step);
    const { beta1, beta2, epsilon, amsgrad } = this;
    return { kind: 'adam', alpha, beta1, beta2, epsilon, amsgrad };
  }
}

/** Options of `AdamW`: Adam's, with a weight decay that defaults to 0.004. */
export type AdamWArgs = AdamArgs;

/**
 * Adam with decoupled weight decay (Loshchilov & Hutter): before each Adam step,
 * `w -= lr * weightDecay * w`. Keras defaults: Adam's, and weightDecay 0.004.
 *
 * @example
 * const opt = new AdamW({ learningRate: 0.001, weightDecay: 0.01 });
 */
export class AdamW extends Adam {
  override readonly className: string = 'AdamW';

  constructor(args: AdamWArgs = {}) {
    super({ ...args, name: args.name ?? 'adamw', weightDecay: args.weightDecay ?? 0.004 });
  }
}

/** Makes an `Adam` optimizer; a number is taken as the learning rate. */
export function adam(args?: number | AdamArgs): Adam {
  return new Adam(argsOf<AdamArgs>(args));
}

/** Makes an `AdamW` optimizer; a number is taken as the learning rate. */
export function adamw(args?: number | AdamWArgs): AdamW {
  return new AdamW(argsOf<AdamWArgs>(args));
}
