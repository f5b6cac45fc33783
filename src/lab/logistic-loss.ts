/**
 * Logistic regression worked out by hand in float64 from a linear layer's weights: its logits, its
 * probabilities and its loss (multinomial and binary). Plain loops over arrays and no tensor op, so
 * that the neuron experiment can hold a network's cross-entropy against numbers the ops did not make.
 */

/** A linear layer's numbers: `logits = x · kernel + bias`. */
export interface LinearWeights {
  /** The kernel, [inputs, units] row-major. */
  kernel: ArrayLike<number>;
  /** The bias, [units]. */
  bias: ArrayLike<number>;
}

/**
 * The logits `x · kernel + bias` of each sample, summed in float64: [samples, units] row-major.
 * `x` is [samples, inputs] row-major; `units` is the bias's length.
 *
 * @example
 * linearLogits([1, 2], { kernel: [1, 0, 0, 1], bias: [0.5, -0.5] }); // Float64Array [1.5, 1.5]
 */
export function linearLogits(x: ArrayLike<number>, weights: LinearWeights): Float64Array {
  const units = weights.bias.length;
  const inputs = weights.kernel.length / units;
  const samples = x.length / inputs;
  const logits = new Float64Array(samples * units);
  for (let s = 0; s < samples; s++) {
    const row = s * units;
    for (let u = 0; u < units; u++) logits[row + u] = weights.bias[u]!;
    for (let i = 0; i < inputs; i++) {
      const v = x[s * inputs + i]!;
      // Most pixels of Fashion-MNIST are 0: skipping them makes the sum four times faster.
      if (v === 0) continue;
      for (let u = 0; u < units; u++) logits[row + u]! += v * weights.kernel[i * units + u]!;
    }
  }
  return logits;
}

/** log Σ e^(z_u) over one row of logits, shifted by its maximum so that no exponential overflows. */
function logSumExp(logits: Float64Array, row: number, units: number): number {
  let max = -Infinity;
  for (let u = 0; u < units; u++) max = Math.max(max, logits[row + u]!);
  let total = 0;
  for (let u = 0; u < units; u++) total += Math.exp(logits[row + u]! - max);
  return max + Math.log(total);
}

/**
 * The softmax of each row of `logits` ([samples, units] row-major): e^(z_u) / Σ e^(z_v).
 *
 * @example
 * softmaxRows(new Float64Array([0, Math.log(3)]), 2); // Float64Array [0.25, 0.75]
 */
export function softmaxRows(logits: Float64Array, units: number): Float64Array {
  const p = new Float64Array(logits.length);
  for (let row = 0; row < logits.length; row += units) {
    const lse = logSumExp(logits, row, units);
    for (let u = 0; u < units; u++) p[row + u] = Math.exp(logits[row + u]! - lse);
  }
  return p;
}

/**
 * The multinomial logistic loss (what scikit-learn calls `log_loss`): the mean over samples of
 * −log softmax(z)[y] = log Σ e^(z_u) − z_y, for class ids `labels` and logits [samples, units].
 *
 * @example
 * multinomialLogisticLoss(new Float64Array([0, 0]), 2, [1]); // 0.6931... = log 2
 */
export function multinomialLogisticLoss(logits: Float64Array, units: number, labels: ArrayLike<number>): number {
  let total = 0;
  for (let s = 0; s < labels.length; s++) total += logSumExp(logits, s * units, units) - logits[s * units + labels[s]!]!;
  return total / labels.length;
}

/**
 * The binary logistic loss of one logit per sample against 0/1 labels: the mean of
 * log(1 + e^(−m)) with the margin m = z for label 1 and −z for label 0, written
 * max(−m, 0) + log1p(e^(−|m|)) so that it stays exact for large margins.
 *
 * @example
 * binaryLogisticLoss(new Float64Array([0, 2]), [1, 0]); // (log 2 + log(1 + e²)) / 2
 */
export function binaryLogisticLoss(logits: Float64Array, labels: ArrayLike<number>): number {
  let total = 0;
  for (let s = 0; s < labels.length; s++) {
    const margin = labels[s] === 1 ? logits[s]! : -logits[s]!;
    total += Math.max(-margin, 0) + Math.log1p(Math.exp(-Math.abs(margin)));
  }
  return total / labels.length;
}
