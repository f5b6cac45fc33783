/** RMSprop: gradients divided by a moving root mean square of recent gradients. */
import type { UpdateRule } from '../core/backend.js';
import { checkInterval } from '../core/validate.js';
import { Optimizer, optimizerArgKeys, argsOf, type OptimizerArgs, type OwnHyperparameters, type SlotSpec, type UpdateStep } from './optimizer.js';

/** Options of `RMSprop`. */
export interface RMSpropArgs extends OptimizerArgs {
  /** Decay of the moving average of squared gradients (default 0.9). */
  rho?: number;
  /** Momentum applied to the scaled steps, in [0, 1] (default 0). */
  momentum?: number;
  /** Added under the square root for stability (default 1e-7). */
  epsilon?: number;
  /** Divide by the estimated variance (mean square minus squared mean) instead of the mean square (default false). */
  centered?: boolean;
}

/** The hyperparameters of `RMSpropArgs`, read by the constructor, as readonly fields of the optimizer. */
export interface RMSprop extends Readonly<OwnHyperparameters<RMSpropArgs>> {}

/**
 * RMSprop: `v = rho v + (1 - rho) g²`, step `lr g / sqrt(v + epsilon)` (centered: `sqrt(v - a² + epsilon)`
 * with `a = rho a + (1 - rho) g`); with momentum, `m = momentum m + step` and `w -= m`.
 * Keras defaults: learningRate 0.001, rho 0.9, momentum 0, epsilon 1e-7.
 *
 * @example
 * const opt = new RMSprop({ learningRate: 0.001, centered: true });
 */
export class RMSprop extends Optimizer {
  static override readonly argKeys: readonly string[] = optimizerArgKeys<RMSpropArgs>({ rho: true, momentum: true, epsilon: true, centered: true });
  readonly className: string = 'RMSprop';

  constructor(args: RMSpropArgs = {}) {
    super(args, 'rmsprop', 0.001, { rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false } satisfies OwnHyperparameters<RMSpropArgs>);
    checkInterval('RMSprop', 'rho', this.rho, 0, 1);
    checkInterval('RMSprop', 'momentum', this.momentum, 0, 1);
  }

  protected slotSpecs(): SlotSpec[] {
    const specs = [{ name: 'velocity', initialValue: 0 }];
    if (this.momentum > 0) specs.push({ name: 'momentum', initialValue: 0 });
    if (this.centered) specs.push({ name: 'averageGradient', initialValue: 0 });
    return specs;
  }

  protected override updateRule({ learningRate }: UpdateStep): UpdateRule {
    const { rho, momentum, epsilon, centered } = this;
    return { kind: 'rmsprop', learningRate, rho, momentum, epsilon, centered };
  }
}

/** Makes an `RMSprop` optimizer; a number is taken as the learning rate. */
export function rmsprop(args?: number | RMSpropArgs): RMSprop {
  return new RMSprop(argsOf<RMSpropArgs>(args));
}
