/** Quantiles of a histogram, for the distribution bands (TensorBoard's choice: the normal distribution's ±1, 2, 3 σ points). */

/** Percentiles at the median, ±1σ, ±2σ, ±3σ of a normal distribution, and the extremes. */
export const BAND_PERCENTILES = [0, 6.68, 15.87, 30.85, 50, 69.15, 84.13, 93.32, 100];

/**
 * The value below which `p` percent of a histogram's count lies, interpolating linearly inside
 * the bucket where it falls. Buckets are `[left, right, count]`, in order.
 *
 * @example
 * quantile([[0, 1, 1], [1, 2, 3]], 50); // 1.3333: half of the 4 values lie below it
 */
export function quantile(buckets: readonly (readonly [number, number, number])[], p: number): number {
  const total = buckets.reduce((n, b) => n + b[2], 0);
  if (buckets.length === 0 || total === 0) return Number.NaN;
  const target = (p / 100) * total;
  let below = 0;
  for (const [left, right, count] of buckets) {
    if (count > 0 && below + count >= target) return left + ((target - below) / count) * (right - left);
    below += count;
  }
  return buckets[buckets.length - 1]![1];
}
