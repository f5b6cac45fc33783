/**
 * The loss base class and what every loss shares: per-sample values from `call`, reduced to one
 * scalar by `compute` the way Keras's default 'sum_over_batch_size' reduction does, and the
 * checks and rank alignment applied to labels and predictions.
 */
import { isFloat } from '../core/dtype.js';
import { ENGINE } from '../core/engine.js';
import { ShapeError, ValueError, fmtShape } from '../core/errors.js';
import { checkOptions, optionKeys } from '../core/options.js';
import type { Shape } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import { cast, div, expandDims, mean, mul, scalar, squeeze, sum } from '../ops/index.js';

/** The clipping margin for probabilities before a log (Keras's `epsilon()`). */
export const EPSILON = 1e-7;

/** A loss as a plain function: labels and predictions to per-sample losses. */
export type LossFn = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** A loss's hyperparameters as plain JSON values. */
export interface LossConfig {
  [key: string]: number | string | boolean;
}

/** Options every loss class accepts. */
export interface LossArgs {
  /** The name shown in logs (default: the loss's camelCase function name). */
  name?: string;
}

/**
 * The base of every loss. `call` gives one loss per sample (shape [batch], or the predictions'
 * shape without its last axis); `compute` gives the scalar that training minimises.
 *
 * @example
 * const loss = new SparseCategoricalCrossentropy({ fromLogits: true });
 * const value = loss.compute(labels, logits); // scalar
 */
export abstract class Loss {
  /** The name the class is registered and serialized under (`'BinaryCrossentropy'`). */
  abstract readonly className: string;
  /** The name shown in logs. */
  readonly name: string;

  protected constructor(name: string) {
    this.name = name;
  }

  /** The loss of each sample. */
  abstract call(yTrue: Tensor, yPred: Tensor): Tensor;

  /**
   * The mean loss over the batch: `sum(losses * sampleWeight) / (number of losses)`, as Keras's
   * 'sum_over_batch_size' (zero-weight samples still count in the denominator).
   * `sampleWeight` has one weight per sample ([batch] or [batch, 1]) or is a number.
   */
  compute(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor | number): Tensor {
    return ENGINE.tidy(() => {
      let losses = this.call(yTrue, yPred);
      if (sampleWeight !== undefined) losses = mul(...weighted(this.name, losses, sampleWeight));
      return losses.size === 0 ? scalar(0, losses.dtype) : div(sum(losses), losses.size);
    });
  }

  /** The hyperparameters that rebuild this loss through `deserializeLoss`. */
  getConfig(): LossConfig {
    return { name: this.name };
  }
}

function weighted(owner: string, losses: Tensor, sampleWeight: Tensor | number): [Tensor, Tensor | number] {
  if (typeof sampleWeight === 'number') return [losses, sampleWeight];
  if (!(sampleWeight instanceof Tensor)) throw new ValueError(`${owner}: sampleWeight must be a Tensor or a number, got ${typeof sampleWeight}.`);
  const [l, w] = alignRanks(losses, cast(sampleWeight, losses.dtype));
  const fits = w.rank <= l.rank && w.shape.every((d, i) => d === 1 || d === l.shape[l.rank - w.rank + i]);
  if (!fits) {
    throw new ShapeError(
      `${owner}: sampleWeight has shape ${fmtShape(sampleWeight.shape)} but the per-sample losses have shape ${fmtShape(losses.shape)}; ` +
        `give one weight per sample (shape ${fmtShape(losses.shape)}).`,
    );
  }
  return [l, w];
}

/**
 * Options a loss's function takes: plain JSON values, so they serialize as the loss's config.
 *
 * @example
 * const options: LossOptions<HuberArgs> = { delta: 1 };
 */
export type LossOptions<O> = { [K in keyof O]?: number | string | boolean };

/**
 * A loss class over a per-sample loss function and that function's options, as Keras wraps its
 * loss functions: `call` runs the function with the options, which are also the loss's readonly
 * fields (declare them by merging an interface) and, after the name, its config.
 *
 * @example
 * interface Huber extends Readonly<Required<HuberArgs>> {}
 * class Huber extends FunctionLoss<HuberArgs> {
 *   readonly className = 'Huber';
 *   constructor(args: HuberArgs & LossArgs = {}) {
 *     super(huber, args.name ?? 'huber', { delta: args.delta ?? 1 });
 *   }
 * }
 */
export abstract class FunctionLoss<O extends LossOptions<O>> extends Loss {
  private readonly fn: (yTrue: Tensor, yPred: Tensor, options: Required<O>) => Tensor;
  private readonly options: Required<O>;

  protected constructor(fn: (yTrue: Tensor, yPred: Tensor, options: Required<O>) => Tensor, name: string, options: Required<O>) {
    super(name);
    this.fn = fn;
    this.options = options;
    Object.assign(this, options);
  }

  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return this.fn(yTrue, yPred, this.options);
  }

  override getConfig(): LossConfig {
    return { ...super.getConfig(), ...this.options };
  }
}

/** A loss made from a plain function `(yTrue, yPred) => per-sample losses`, as `getLoss(fn)` returns. */
export class LossFunctionWrapper extends Loss {
  readonly className = 'LossFunctionWrapper';
  /** The function giving per-sample values. */
  readonly fn: LossFn;

  constructor(fn: LossFn, args: LossArgs = {}) {
    super(args.name ?? (fn.name || 'loss'));
    checkOptions('LossFunctionWrapper', args, optionKeys<LossArgs>({ name: true }));
    this.fn = fn;
  }

  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return this.fn(yTrue, yPred);
  }
}

/**
 * Keras's rank alignment of labels and predictions: when the ranks differ by one and the
 * longer one ends in an axis of size 1, that axis is dropped (or, if the shorter is rank 1, added to it).
 * So labels [batch] meet predictions [batch, 1].
 */
export function alignRanks(a: Tensor, b: Tensor): [Tensor, Tensor] {
  if (a.rank === b.rank + 1 && a.shape[a.rank - 1] === 1) return b.rank === 1 ? [a, expandDims(b, -1)] : [squeeze(a, -1), b];
  if (b.rank === a.rank + 1 && b.shape[b.rank - 1] === 1) return a.rank === 1 ? [expandDims(a, -1), b] : [a, squeeze(b, -1)];
  return [a, b];
}

/**
 * Reduces elementwise losses to one value per sample: the mean over the last axis. A rank-1
 * input holds one value per sample already and is returned as is.
 */
export function perSample(elementwise: Tensor): Tensor {
  return elementwise.rank >= 2 ? mean(elementwise, -1) : elementwise;
}

/** Throws a ValueError unless both arguments are live tensors. */
export function checkTensors(op: string, yTrue: Tensor, yPred: Tensor): void {
  for (const [name, t] of [['yTrue', yTrue], ['yPred', yPred]] as const) {
    if (!(t instanceof Tensor)) throw new ValueError(`${op}: ${name} must be a Tensor, got ${t === null ? 'null' : typeof t}. Wrap arrays with tensor().`);
    t.assertAlive(op);
  }
}

/** Whether NumPy broadcasting can combine the two shapes (each pair of trailing dimensions equal, or one of them 1). */
function broadcastable(a: Shape, b: Shape): boolean {
  for (let i = 1; i <= Math.min(a.length, b.length); i++) {
    const [da, db] = [a[a.length - i]!, b[b.length - i]!];
    if (da !== db && da !== 1 && db !== 1) return false;
  }
  return true;
}

/** How the shapes of labels and predictions must relate after rank alignment. */
export type ShapeRule = 'equal' | 'broadcast';

/**
 * Labels and predictions ready for the maths: predictions as floats, labels cast to their dtype,
 * ranks aligned, shapes checked. `hint` adds advice to the shape error.
 */
export function prepare(op: string, yTrue: Tensor, yPred: Tensor, rule: ShapeRule, hint = ''): [Tensor, Tensor] {
  checkTensors(op, yTrue, yPred);
  const p = isFloat(yPred.dtype) ? yPred : cast(yPred, 'float32');
  const [t, q] = alignRanks(cast(yTrue, p.dtype), p);
  const ok = rule === 'equal' ? t.rank === q.rank && t.shape.every((d, i) => d === q.shape[i]) : broadcastable(t.shape, q.shape);
  if (!ok) {
    const expected = rule === 'equal' ? 'they must be equal' : 'they must be equal or broadcast to one another';
    throw new ShapeError(`${op}: yTrue has shape ${fmtShape(yTrue.shape)} but yPred has shape ${fmtShape(yPred.shape)}; ${expected}.${hint ? ` ${hint}` : ''}`);
  }
  return [t, q];
}
