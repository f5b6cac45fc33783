/** Smoothing of noisy curves as TensorBoard does it: an exponential moving average corrected for its start. */

/**
 * The smoothed values of `values` with weight `weight` in [0, 1): each is the running average
 * `a = weight·a + (1 − weight)·v`, divided by `1 − weightⁿ` so the first points are not pulled
 * towards 0. Weight 0 leaves the values as they are; non-finite values are passed through.
 *
 * @example
 * smooth([1, 2, 3], 0.5); // [1, 1.6667, 2.4286]
 */
export function smooth(values: readonly number[], weight: number): number[] {
  let average = 0;
  let n = 0;
  return values.map((v) => {
    if (!Number.isFinite(v)) return v;
    average = average * weight + (1 - weight) * v;
    n++;
    return weight === 0 ? v : average / (1 - weight ** n);
  });
}
