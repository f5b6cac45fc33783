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


/** `l1 · Σ|x|`. */
function l1Penalty(x: Tensor, l1: number): Tensor {
  return ENGINE.tidy(() => mul(sum(abs(x)), l1));
}

/** `l2 · Σx²`. */
function l2Penalty(x: Tensor, l2: number): Tensor {
  return ENGINE.tidy(() => mul(sum(square(x)), l2));
}

/** Arguments of `L1`. */
export interface L1Args {
  /** The factor (default 0.01). */
  l1?: number;
}

/**
 * `l1 · Σ|x|`: pushes weights to exactly zero.
 *
 * @example
 * new L1().apply(tensor([1, -2])).item(); // 0.01 * 3 = 0.03
 */
export class L1 extends Regularizer {
  static override readonly className: string = 'L1';
  /** The factor of Σ|x|. */
  readonly l1: number;

  constructor(args: L1Args = {}) {
    super();
    checkOptions('L1 regularizer', args, optionKeys<L1Args>({ l1: true }));
    this.l1 = checkNonNegative('L1 regularizer', 'l1', args.l1 ?? 0.01);
  }

  override apply(x: Tensor): Tensor {
    return l1Penalty(x, this.l1);
  }

  override getConfig(): ConfigDict {
    return { l1: this.l1 };
  }
}

/** Arguments of `L2`. */
export interface L2Args {
  /** The factor (default 0.01). */
  l2?: number;
}

/**
 * `l2 · Σx²` (weight decay): keeps weights small.
 *
 * @example
 * new L2().apply(tensor([1, -2])).item(); // 0.01 * 5 = 0.05
 */
export class L2 extends Regularizer {
  static override readonly className: string = 'L2';
  /** The factor of Σx². */
  readonly l2: number;

  constructor(args: L2Args = {}) {
    super();
    checkOptions('L2 regularizer', args, optionKeys<L2Args>({ l2: true }));
    this.l2 = checkNonNegative('L2 regularizer', 'l2', args.l2 ?? 0.01);
  }

  override apply(x: Tensor): Tensor {
    return l2Penalty(x, this.l2);
  }

  override getConfig(): ConfigDict {
    return { l2: this.l2 };
  }
}

/** Arguments of `L1L2`. */
export interface L1L2Args {
  /** The factor of Σ|x| (0.01 if neither factor is given, else 0). */
  l1?: number;
  /** The factor of Σx² (0.01 if neither factor is given, else 0). */
  l2?: number;
}

/**
 * `l1 · Σ|x| + l2 · Σx²`. Without arguments both factors are 0.01; when one is given the other
 * defaults to 0, so `new L1L2({ l2: 0.1 })` is a pure L2 penalty (Keras's rule).
 *
 * @example
 * new L1L2().apply(tensor([1, -2])).item(); // 0.03 + 0.05 = 0.08
 */
export class L1L2 extends Regularizer {
  static override readonly className: string = 'L1L2';
  /** The factor of Σ|x|. */
  readonly l1: number;
  /** The factor of Σx². */
  readonly l2: number;

  constructor(args: L1L2Args = {}) {
    super();
    checkOptions('L1L2 regularizer', args, optionKeys<L1L2Args>({ l1: true, l2: true }));
    const neither = args.l1 === undefined && args.l2 === undefined;
    this.l1 = checkNonNegative('L1L2 regularizer', 'l1', args.l1 ?? (neither ? 0.01 : 0));
    this.l2 = checkNonNegative('L1L2 regularizer', 'l2', args.l2 ?? (neither ? 0.01 : 0));
  }

  override apply(x: Tensor): Tensor {
    return ENGINE.tidy(() => add(l1Penalty(x, this.l1), l2Penalty(x, this.l2)));
  }

  override getConfig(): ConfigDict {
    return { l1: this.l1, l2: this.l2 };
  }
}
