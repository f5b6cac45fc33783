/** Checking and slicing the arrays given to fit/evaluate/predict: sample counts, NaN, validation split, shuffled batches. */
import { ValueError, fmtShape } from '../core/errors.js';
import { generatorFor } from '../core/random.js';
import { Tensor } from '../core/tensor.js';
import { tidy } from '../core/memory.js';
import { abs, max, slice, tensor } from '../ops/index.js';
import { gatherInRange } from '../ops/slicing.js';

/** One tensor, or one per model input/output. */
export type Tensors = Tensor | Tensor[];

/** The tensors as a list. */
export function asList(x: Tensors): Tensor[] {
  return Array.isArray(x) ? x : [x];
}

/** Checks that `x` (and `y`) are live tensors with one sample count; returns that count. */
export function sampleCount(method: string, model: string, x: Tensors, y?: Tensors): number {
  const check = (what: string, ts: Tensor[]): void => {
    ts.forEach((t, i) => {
      if (!(t instanceof Tensor)) {
        throw new ValueError(`${model}.${method}: ${what}${ts.length > 1 ? `[${i}]` : ''} must be a Tensor, got ${t === null ? 'null' : typeof t}. Wrap arrays with tensor().`);
      }
      t.assertAlive(`${model}.${method}`);
      if (t.rank === 0) throw new ValueError(`${model}.${method}: ${what} must have a batch axis, but it is a scalar.`);
    });
  };
  const xs = asList(x);
  check('x', xs);
  const n = xs[0]!.shape[0]!;
  const ys = y === undefined ? [] : asList(y);
  check('y', ys);
  for (const [what, t] of [...xs.map((t) => ['x', t] as const), ...ys.map((t) => ['y', t] as const)]) {
    if (t.shape[0] !== n) {
      const xShapes = xs.map((u) => fmtShape(u.shape)).join(', ');
      const yShapes = ys.map((u) => fmtShape(u.shape)).join(', ');
      throw new ValueError(
        `${model}.${method}: x and y must have the same number of samples (first dimension), but x is ${xShapes}${ys.length ? ` and y is ${yShapes}` : ''}; ` +
          `${what} has ${t.shape[0]} samples where ${n} were expected.`,
      );
    }
  }
  return n;
}

/** Throws a ValueError naming the first sample holding NaN or an infinity in a float tensor. */
export function assertFinite(method: string, model: string, what: string, x: Tensors): void {
  asList(x).forEach((t, k) => {
    if (t.dtype !== 'float32' && t.dtype !== 'float64') return;
    // One reduction on the backend (no copy of the data): max |x| is finite exactly when every value is.
    if (Number.isFinite(tidy(() => max(abs(t)).item()))) return;
    const values = t.dataSync();
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i]!)) {
        const perSample = t.size / t.shape[0]!;
        throw new ValueError(
          `${model}.${method}: ${what}${Array.isArray(x) ? `[${k}]` : ''} contains ${values[i]} at sample ${Math.floor(i / perSample)} (flat index ${i}); ` +
            'clean or impute the data first (NaN usually comes from missing values or a division by zero in preprocessing).',
        );
      }
    }
  });
}

/** The rows [start, start + count) of each tensor. */
export function sliceRows(x: Tensors, start: number, count: number): Tensors {
  const cut = (t: Tensor): Tensor => slice(t, [start], [count]);
  return Array.isArray(x) ? x.map(cut) : cut(x);
}

/** The rows at `indices` (int32, each in [0, rows), as `epochBatches` makes them) of each tensor. */
export function takeRows(x: Tensors, indices: Tensor): Tensors {
  const take = (t: Tensor): Tensor => gatherInRange(t, indices, 0);
  return Array.isArray(x) ? x.map(take) : take(x);
}

/** Batch index lists for one epoch: `n` samples in batches of `batchSize`, shuffled when asked. */
export function epochBatches(n: number, batchSize: number, shuffle: boolean): Int32Array[] {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (shuffle) {
    const g = generatorFor(undefined);
    for (let i = n - 1; i > 0; i--) {
      const j = g.int(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
  }
  const batches: Int32Array[] = [];
  for (let start = 0; start < n; start += batchSize) batches.push(order.subarray(start, Math.min(start + batchSize, n)));
  return batches;
}

/** An int32 index tensor for one batch. */
export function indexTensor(indices: Int32Array): Tensor {
  return tensor(indices, [indices.length], 'int32');
}

/** Checks a positive integer option. */
export function positiveInt(method: string, model: string, name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) throw new ValueError(`${model}.${method}: ${name} must be a positive integer, got ${value}.`);
  return value;
}
