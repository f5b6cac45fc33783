/** Checking and slicing the arrays given to fit/evaluate/predict: sample counts, NaN, validation split, shuffled batches. */
import { ValueError, fmtShape } from '../core/errors.js';
import { generatorFor } from '../core/random.js';
import { StringTensor } from '../core/string-tensor.js';
import { Tensor } from '../core/tensor.js';
import { tidy } from '../core/memory.js';
import type { LayerInput } from '../layers/layer-args.js';
import { abs, argmax, max, slice, tensor } from '../ops/index.js';
import { gatherInRange } from '../ops/slicing.js';

/** One tensor, or one per model input/output. */
export type Tensors = Tensor | Tensor[];

/** A model's input data: one per model input (a single one for one input); text as StringTensors. */
export type Inputs = LayerInput | LayerInput[];

/** The tensors as a list. */
export function asList<X extends LayerInput>(x: X | X[]): X[] {
  return Array.isArray(x) ? x : [x];
}

/** Checks that `x` (and `y`) are live tensors with one sample count; returns that count. */
export function sampleCount(method: string, model: string, x: Inputs, y?: Tensors): number {
  const check = (what: string, ts: LayerInput[]): void => {
    ts.forEach((t, i) => {
      // Text comes as StringTensors, which only inputs may be: targets are numbers.
      if (!(t instanceof Tensor || (what === 'x' && t instanceof StringTensor))) {
        const hint = what === 'x' ? 'Wrap arrays with tensor() (or strings() for text).' : 'Wrap arrays with tensor().';
        throw new ValueError(`${model}.${method}: ${what}${ts.length > 1 ? `[${i}]` : ''} must be a Tensor, got ${t === null ? 'null' : t instanceof StringTensor ? 'a StringTensor' : typeof t}. ${hint}`);
      }
      if (t instanceof Tensor) t.assertAlive(`${model}.${method}`);
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
export function assertFinite(method: string, model: string, what: string, x: Inputs): void {
  asList(x).forEach((t, k) => {
    if (!(t instanceof Tensor) || (t.dtype !== 'float32' && t.dtype !== 'float64')) return;
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

/**
 * Checks the per-sample loss weights given with `n` samples, once per call (the batches are
 * gathered from them unchecked): a live tensor [n] (or [n, 1], or [n, steps] for per-step weights
 * as in Keras), every value finite and non-negative.
 */
export function checkSampleWeight(method: string, model: string, sampleWeight: unknown, n: number): void {
  const where = `${model}.${method}: sampleWeight`;
  if (!(sampleWeight instanceof Tensor)) {
    throw new ValueError(`${where} must be a Tensor of one weight per sample ([${n}]), got ${sampleWeight === null ? 'null' : typeof sampleWeight}. Wrap arrays with tensor().`);
  }
  sampleWeight.assertAlive(`${model}.${method}`);
  const shape = sampleWeight.shape;
  if (shape.length < 1 || shape.length > 2 || shape[0] !== n) {
    throw new ValueError(
      `${where} must hold one weight per sample: expected length ${n} (the samples in x), got shape ${fmtShape(shape)}. ` +
        `Give a tensor of shape [${n}] (or [${n}, 1]), in the order of the samples.`,
    );
  }
  const values = sampleWeight.dataSync();
  for (let i = 0; i < values.length; i++) {
    const w = values[i]!;
    if (!(Number.isFinite(w) && w >= 0)) {
      throw new ValueError(
        `${where} must be finite and non-negative, got ${w} at sample ${Math.floor(i / (values.length / n))}. ` +
          'A weight of 0 leaves a sample out; weights are relative, so scale them rather than using negative values.',
      );
    }
  }
}

/**
 * Checks `classWeight` once per fit: keys are class ids (integers from 0, below `numClasses`
 * when the labels tell it), values finite and non-negative.
 */
export function checkClassWeight(method: string, model: string, classWeight: unknown, numClasses: number | undefined): void {
  const where = `${model}.${method}: classWeight`;
  if (classWeight === null || typeof classWeight !== 'object' || Array.isArray(classWeight) || classWeight instanceof Tensor) {
    throw new ValueError(`${where} must be an object mapping class ids to weights, e.g. {0: 1, 1: 5}, got ${Array.isArray(classWeight) ? 'an array' : classWeight === null ? 'null' : typeof classWeight}.`);
  }
  const range = numClasses === undefined ? 'a non-negative integer' : `an integer from 0 to ${numClasses - 1} (the labels have ${numClasses} classes)`;
  for (const [key, w] of Object.entries(classWeight)) {
    const id = Number(key);
    if (!Number.isInteger(id) || id < 0 || (numClasses !== undefined && id >= numClasses)) {
      throw new ValueError(`${where} has key '${key}', but each key must be a class id: expected ${range}. Use the class ids the labels hold.`);
    }
    if (typeof w !== 'number' || !(Number.isFinite(w) && w >= 0)) {
      throw new ValueError(`${where} for class ${key} must be a finite non-negative number, got ${String(w)}. A weight of 0 ignores the class; weights are relative.`);
    }
  }
}

/** The rows [start, start + count) of each tensor. */
export function sliceRows<X extends LayerInput>(x: X | X[], start: number, count: number): X | X[] {
  const cut = (t: X): X => (t instanceof StringTensor ? t.sliceRows(start, count) : slice(t as Tensor, [start], [count])) as X;
  return Array.isArray(x) ? x.map(cut) : cut(x);
}

/** The rows at `indices` (int32, each in [0, rows), as `epochBatches` makes them) of each tensor. */
export function takeRows<X extends LayerInput>(x: X | X[], indices: Tensor): X | X[] {
  const take = (t: X): X => (t instanceof StringTensor ? t.gather(Array.from(indices.dataSync())) : gatherInRange(t as Tensor, indices, 0)) as X;
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

/**
 * Per-sample weights from `classWeight` (checked here, once per fit) for the first `count` samples
 * of the labels `y`: each gets its class's weight (1 for classes not listed).
 */
export function classSampleWeights(model: string, classWeight: Record<number, number>, y: Tensor, count: number): Tensor {
  const sparse = y.rank === 1 || (y.rank === 2 && y.shape[1] === 1);
  // One-hot labels tell the number of classes; class-id labels do not (the largest id may be absent).
  checkClassWeight('fit', model, classWeight, sparse ? undefined : y.shape[y.rank - 1]);
  return tidy(() => {
    const ids = (sparse ? y.dataSync() : argmax(y, -1).dataSync()).subarray(0, count);
    const weights = Float32Array.from(ids, (c) => classWeight[Math.round(c)] ?? 1);
    return tensor(weights, [weights.length]);
  });
}
