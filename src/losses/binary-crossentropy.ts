/** Binary cross-entropy: independent yes/no labels against probabilities or logits. */
import { checkOptions, optionKeys } from '../core/options.js';
import type { Tensor } from '../core/tensor.js';
import { checkInterval } from '../core/validate.js';
import { add, clip, log, mul, neg, softplus, sub } from '../ops/index.js';
import { EPSILON, FunctionLoss, perSample, prepare, type LossArgs } from './loss.js';

/** Options of `binaryCrossentropy`. */
export interface BinaryCrossentropyArgs {
  /** Whether yPred holds logits (any real number) rather than probabilities (default false). */
  fromLogits?: boolean;
  /** In [0, 1]: labels are squeezed toward 0.5, `y (1 - s) + 0.5 s` (default 0). */
  labelSmoothing?: number;
}

const BINARY_CROSSENTROPY_KEYS = optionKeys<BinaryCrossentropyArgs>({ fromLogits: true, labelSmoothing: true });

function binaryHint(yTrue: Tensor, yPred: Tensor): string {
  const classes = yPred.shape[yPred.rank - 1] ?? 1;
  if (yTrue.rank === yPred.rank - 1 && classes > 1) {
    return `yTrue looks like class ids: for ${classes} classes use sparseCategoricalCrossentropy.`;
  }
  if (classes === 1 && (yTrue.shape[yTrue.rank - 1] ?? 1) > 1) {
    return 'yTrue looks like one-hot labels: for more than two classes use categoricalCrossentropy with a Dense(numClasses) output.';
  }
  return 'Give one 0/1 label per output unit.';
}

/**
 * Binary cross-entropy per sample: the mean over the last axis of
 * `-(y log p + (1 - y) log(1 - p))`. Probabilities are clipped to [1e-7, 1 - 1e-7]; logits use
 * `softplus(x) - x y`, exact and finite for any logit.
 *
 * @example
 * binaryCrossentropy(tensor([[0, 1], [0, 0]]), tensor([[0.6, 0.4], [0.4, 0.6]])).arraySync(); // [0.916, 0.714]
 */
export function binaryCrossentropy(yTrue: Tensor, yPred: Tensor, args: BinaryCrossentropyArgs = {}): Tensor {
  checkOptions('binaryCrossentropy', args, BINARY_CROSSENTROPY_KEYS);
  const smoothing = args.labelSmoothing ?? 0;
  checkInterval('binaryCrossentropy', 'labelSmoothing', smoothing, 0, 1);
  let [t, p] = prepare('binaryCrossentropy', yTrue, yPred, 'equal', binaryHint(yTrue, yPred));
  if (smoothing > 0) t = add(mul(t, 1 - smoothing), 0.5 * smoothing);
  if (args.fromLogits) {
    // log(1 + e^x) - x y equals -(y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))) without ever forming sigmoid(x).
    return perSample(sub(softplus(p), mul(p, t)));
  }
  const q = clip(p, EPSILON, 1 - EPSILON);
  return perSample(neg(add(mul(t, log(q)), mul(sub(1, t), log(sub(1, q))))));
}

/** The options of `BinaryCrossentropy` as its fields. */
export interface BinaryCrossentropy extends Readonly<Required<BinaryCrossentropyArgs>> {}

/**
 * Binary cross-entropy as a `Loss`: for two-class problems (one sigmoid unit) and multi-label ones.
 *
 * @example
 * model.compile({ loss: new BinaryCrossentropy({ fromLogits: true }), optimizer: 'adam' });
 */
export class BinaryCrossentropy extends FunctionLoss<BinaryCrossentropyArgs> {
  readonly className = 'BinaryCrossentropy';

  constructor(args: BinaryCrossentropyArgs & LossArgs = {}) {
    checkOptions('BinaryCrossentropy', args, optionKeys<BinaryCrossentropyArgs & LossArgs>({ name: true, fromLogits: true, labelSmoothing: true }));
    super(binaryCrossentropy, args.name ?? 'binaryCrossentropy', {
      fromLogits: args.fromLogits ?? false,
      labelSmoothing: checkInterval('BinaryCrossentropy', 'labelSmoothing', args.labelSmoothing ?? 0, 0, 1),
    });
  }
}
