/**
 * Precision–recall curves as TensorBoard's `pr_curves` plugin stores them: a `[6, n]` float tensor
 * of true positives, false positives, true negatives, false negatives, precision and recall at the
 * thresholds i/(n-1), with the number of thresholds in the plugin's content (a `PrCurvePluginData`).
 */
import { ValueError } from '../core/errors.js';
import { tensorNumbers } from './tensor-values.js';
import { DataType, type SummaryValueMessage, type TensorMessage } from './tf-protos.js';

/** The plugin name TensorBoard gives PR curve summaries. */
export const PR_CURVES_PLUGIN = 'pr_curves';

/** TensorBoard's default number of thresholds. */
export const DEFAULT_THRESHOLDS = 201;

/** Keeps precision and recall finite where nothing was predicted positive (TensorBoard's `_MINIMUM_COUNT`). */
const MINIMUM_COUNT = 1e-7;

/** One PR curve: the six rows of TensorBoard's tensor, each with one value per threshold. */
export interface PrCurveData {
  thresholds: number[];
  truePositives: number[];
  falsePositives: number[];
  trueNegatives: number[];
  falseNegatives: number[];
  precision: number[];
  recall: number[];
}

/**
 * The PR curve of a binary classifier at `numThresholds` thresholds i/(n-1): a prediction p
 * (clipped to [0, 1]) counts as positive at every threshold up to floor(p·(n-1)), as TensorBoard's
 * `pr_curve.pb` buckets it.
 *
 * @example
 * ```ts
 * prCurve([true, false, true], [0.9, 0.6, 0.3], 3).truePositives; // [2, 1, 0]
 * ```
 */
export function prCurve(labels: ArrayLike<boolean | number>, predictions: ArrayLike<number>, numThresholds = DEFAULT_THRESHOLDS): PrCurveData {
  if (!Number.isInteger(numThresholds) || numThresholds < 2) throw new ValueError(`prCurve: numThresholds must be an integer of at least 2, got ${numThresholds}.`);
  if (labels.length !== predictions.length) throw new ValueError(`prCurve: ${labels.length} labels but ${predictions.length} predictions; pass one prediction per label.`);
  const n = numThresholds;
  const tpBuckets = new Float64Array(n);
  const fpBuckets = new Float64Array(n);
  for (let i = 0; i < labels.length; i++) {
    const p = Math.min(1, Math.max(0, predictions[i]!));
    const bucket = Math.floor(p * (n - 1));
    if (labels[i]) tpBuckets[bucket]!++;
    else fpBuckets[bucket]!++;
  }
  const curve: PrCurveData = { thresholds: [], truePositives: [], falsePositives: [], trueNegatives: [], falseNegatives: [], precision: [], recall: [] };
  // Reverse cumulative sums: what is positive at threshold i is everything in bucket i or above.
  let tp = 0;
  let fp = 0;
  const tps = new Float64Array(n);
  const fps = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    tps[i] = tp += tpBuckets[i]!;
    fps[i] = fp += fpBuckets[i]!;
  }
  for (let i = 0; i < n; i++) {
    const t = tps[i]!;
    const f = fps[i]!;
    const fn = tps[0]! - t;
    curve.thresholds.push(i / (n - 1));
    curve.truePositives.push(t);
    curve.falsePositives.push(f);
    curve.trueNegatives.push(fps[0]! - f);
    curve.falseNegatives.push(fn);
    curve.precision.push(t / Math.max(MINIMUM_COUNT, t + f));
    curve.recall.push(t / Math.max(MINIMUM_COUNT, t + fn));
  }
  return curve;
}

const ROWS = ['truePositives', 'falsePositives', 'trueNegatives', 'falseNegatives', 'precision', 'recall'] as const;

/**
 * A `pr_curves` summary of `curve` under `tag`: the `[6, n]` float32 tensor and the plugin content
 * `PrCurvePluginData { num_thresholds: n }` (field 2, a varint).
 *
 * @example
 * ```ts
 * writer.writeValues(epoch, [prCurveValue('pr_curves/cat', prCurve(isCat, pCat))]);
 * ```
 */
export function prCurveValue(tag: string, curve: PrCurveData): SummaryValueMessage {
  const n = curve.thresholds.length;
  const values = new Float32Array(6 * n);
  ROWS.forEach((row, r) => values.set(curve[row], r * n));
  return {
    tag,
    metadata: { pluginData: { pluginName: PR_CURVES_PLUGIN, content: varintField(2, n) }, dataClass: 1 },
    tensor: { dtype: DataType.DT_FLOAT, tensorShape: { dim: [{ size: 6 }, { size: n }] }, tensorContent: new Uint8Array(values.buffer) },
  };
}

/** A protobuf field holding a varint: its key (field number, wire type 0) and the value. */
function varintField(field: number, value: number): Uint8Array {
  const bytes = [field << 3];
  for (let v = value; ; v = Math.floor(v / 128)) {
    if (v < 128) {
      bytes.push(v);
      break;
    }
    bytes.push((v % 128) | 128);
  }
  return Uint8Array.from(bytes);
}

/**
 * A PR curve read back from a `pr_curves` tensor `[6, n]` (thresholds i/(n-1)), or undefined for
 * a tensor of another shape.
 *
 * @example
 * ```ts
 * readPrCurve(value.tensor)?.precision; // [0.5, 0.667, 1]
 * ```
 */
export function readPrCurve(t: TensorMessage): PrCurveData | undefined {
  const numbers = tensorNumbers(t);
  const n = numbers?.shape[1] ?? 0;
  if (!numbers || numbers.shape.length !== 2 || numbers.shape[0] !== 6 || n < 2 || numbers.values.length !== 6 * n) return undefined;
  const row = (r: number): number[] => Array.from(numbers.values.subarray(r * n, (r + 1) * n));
  const curve = { thresholds: Array.from({ length: n }, (_, i) => i / (n - 1)) } as PrCurveData;
  ROWS.forEach((name, r) => (curve[name] = row(r)));
  return curve;
}
