/** The L1, L2 and combined L1+L2 weight penalties. */
import { ENGINE } from '../core/engine.js';
import { checkOptions, optionKeys } from '../core/options.js';
import type { ConfigDict } from '../core/serialization.js';
import type { Tensor } from '../core/tensor.js';
import { checkNonNegative } from '../core/validate.js';
import { add, mul } from '../ops/arithmetic.js';
import { sum } from '../ops/sum-broadcast.js';
import { abs, square } from '../ops/unary.js';
import { Regularizer } from './regularizer.js';

/** Each factor's penalty: `l1 · Σ|x|` and `l2 · Σx²`. */
const PENALTIES: Record<keyof L1L2Args, (x: Tensor, factor: number) => Tensor> = {
  l1: (x, factor) => mul(sum(abs(x)), factor),
  l2: (x, factor) => mul(sum(square(x)), factor),
};

/** A sum of factor penalties; the factors are the regularizer's arguments, fields and config. */
abstract class FactorPenalty extends Regularizer {
  private readonly factors: L1L2Args;

  protected constructor(factors: L1L2Args) {
    super();
    this.factors = factors;
    Object.assign(this, factors);
  }

  override apply(x: Tensor): Tensor {
    return ENGINE.tidy(() => {
      const terms = Object.entries(this.factors).map(([key, factor]) => PENALTIES[key as keyof L1L2Args](x, factor as number));
      return terms.reduce((total, term) => add(total, term));
    });
  }

  override getConfig(): ConfigDict {
    return { ...this.factors };
  }
}

/** Arguments of `L1`. */
export interface L1Args {
  /** The factor (default 0.01). */
  l1?: number;
}

/** The factor of Σ|x|, as fields. */
export interface L1 extends Readonly<Required<L1Args>> {}

/**
 * `l1 · Σ|x|`: pushes weights to exactly zero.
 *
 * @example
 * new L1().apply(tensor([1, -2])).item(); // 0.01 * 3 = 0.03
 */
export class L1 extends FactorPenalty {
  static override readonly className: string = 'L1';

  constructor(args: L1Args = {}) {
    checkOptions('L1 regularizer', args, optionKeys<L1Args>({ l1: true }));
    super({ l1: checkNonNegative('L1 regularizer', 'l1', args.l1 ?? 0.01) });
  }
}

/** Arguments of `L2`. */
export interface L2Args {
  /** The factor (default 0.01). */
  l2?: number;
}

/** The factor of Σx², as fields. */
export interface L2 extends Readonly<Required<L2Args>> {}

/**
 * `l2 · Σx²` (weight decay): keeps weights small.
 *
 * @example
 * new L2().apply(tensor([1, -2])).item(); // 0.01 * 5 = 0.05
 */
export class L2 extends FactorPenalty {
  static override readonly className: string = 'L2';

  constructor(args: L2Args = {}) {
    checkOptions('L2 regularizer', args, optionKeys<L2Args>({ l2: true }));
    super({ l2: checkNonNegative('L2 regularizer', 'l2', args.l2 ?? 0.01) });
  }
}

/** Arguments of `L1L2`. */
export interface L1L2Args {
  /** The factor of Σ|x| (0.01 if neither factor is given, else 0). */
  l1?: number;
  /** The factor of Σx² (0.01 if neither factor is given, else 0). */
  l2?: number;
}

/** The factors of Σ|x| and Σx², as fields. */
export interface L1L2 extends Readonly<Required<L1L2Args>> {}

/**
 * `l1 · Σ|x| + l2 · Σx²`. Without arguments both factors are 0.01; when one is given the other
 * defaults to 0, so `new L1L2({ l2: 0.1 })` is a pure L2 penalty (Keras's rule).
 *
 * @example
 * new L1L2().apply(tensor([1, -2])).item(); // 0.03 + 0.05 = 0.08
 */
export class L1L2 extends FactorPenalty {
  static override readonly className: string = 'L1L2';

  constructor(args: L1L2Args = {}) {
    checkOptions('L1L2 regularizer', args, optionKeys<L1L2Args>({ l1: true, l2: true }));
    const neither = args.l1 === undefined && args.l2 === undefined;
    super({
      l1: checkNonNegative('L1L2 regularizer', 'l1', args.l1 ?? (neither ? 0.01 : 0)),
      l2: checkNonNegative('L1L2 regularizer', 'l2', args.l2 ?? (neither ? 0.01 : 0)),
    });
  }
}
