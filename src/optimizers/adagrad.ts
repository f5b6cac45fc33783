/** Adagrad: per-element learning rates that shrink with the sum of past squared gradients. */
import type { Tensor } from '../core/tensor.js';
import { checkNonNegative } from '../core/validate.js';
import { add, div, mul, sqrt, square, sub } from '../ops/index.js';
import { Optimizer, optimizerArgKeys, argsOf, type OptimizerArgs, type OwnHyperparameters, type SlotSpec, type UpdateResult } from './optimizer.js';

/** Options of `Adagrad`. */
export interface AdagradArgs extends OptimizerArgs {
  /** The starting value of the squared-gradient accumulators (non-negative, default 0.1). */
  initialAccumulatorValue?: number;
  /** Added under the square root for stability (default 1e-7). */
  epsilon?: number;
}

/** The hyperparameters of `AdagradArgs`, read by the constructor, as readonly fields of the optimizer. */
export interface Adagrad extends Readonly<OwnHyperparameters<AdagradArgs>> {}

/**
 * Adagrad: `acc += g²; w -= lr * g / sqrt(acc + epsilon)`. Keras defaults: learningRate 0.001,
 * initialAccumulatorValue 0.1, epsilon 1e-7.
 *
 * @example
 * const opt = new Adagrad({ learningRate: 0.1 });
 */
export class Adagrad extends Optimizer {
  static override readonly argKeys: readonly string[] = optimizerArgKeys<AdagradArgs>({ initialAccumulatorValue: true, epsilon: true });
  readonly className: string = 'Adagrad';

  constructor(args: AdagradArgs = {}) {
    super(args, 'adagrad', 0.001, { initialAccumulatorValue: 0.1, epsilon: 1e-7 } satisfies OwnHyperparameters<AdagradArgs>);
    checkNonNegative('Adagrad', 'initialAccumulatorValue', this.initialAccumulatorValue);
  }

  protected slotSpecs(): SlotSpec[] {
    return [{ name: 'accumulator', initialValue: this.initialAccumulatorValue }];
  }

  protected override update(grad: Tensor, value: Tensor, slots: Record<string, Tensor>): UpdateResult {
    const accumulator = add(slots['accumulator']!, square(grad));
    // The rate as a tensor, not the step's number, so that a schedule keeps applying inside jit.
    const delta = div(mul(grad, this.learningRateTensor(grad.dtype)), sqrt(add(accumulator, this.epsilon)));
    return { value: sub(value, delta), slots: { accumulator } };
  }
}

/** Makes an `Adagrad` optimizer; a number is taken as the learning rate. */
export function adagrad(args?: number | AdagradArgs): Adagrad {
  return new Adagrad(argsOf<AdagradArgs>(args));
}
