/** Checks an op's gradient against central finite differences computed in float64. */
import assert from 'node:assert/strict';
import { add, cast, grads, layers, memory, mul, randomUniform, sum, tensor, tidy, variableGrads, type Tensor } from '../../src/index.js';

/** How to draw one input: its shape and the interval its values come from. */
export interface InputSpec {
  shape: number[];
  /** Values are drawn uniformly from [low, high] (default [-2, 2]). */
  range?: [number, number];
  /** Values closer than this to any of `avoid` are pushed away (kinks such as 0 for abs). */
  avoid?: number[];
}

/** Options of `checkGrad`. */
export interface GradCheckOptions {
  /** Largest allowed relative error of the float32 analytic gradient (default 1e-3). */
  tol32?: number;
  /** Largest allowed relative error of the float64 analytic gradient (default 1e-6). */
  tol64?: number;
  seed?: number;
}

function drawInput(spec: InputSpec, seed: number): Float64Array {
  const [low, high] = spec.range ?? [-2, 2];
  const values = randomUniform(spec.shape, low, high, { dtype: 'float64', seed }).dataSync() as Float64Array;
  for (const k of spec.avoid ?? []) {
    for (let i = 0; i < values.length; i++) if (Math.abs(values[i]! - k) < 0.05) values[i] = k + (values[i]! >= k ? 0.1 : -0.1);
  }
  return values;
}

function relativeError(analytic: ArrayLike<number>, numeric: ArrayLike<number>): number {
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < numeric.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(analytic[i]! - numeric[i]!));
    maxRef = Math.max(maxRef, Math.abs(numeric[i]!));
  }
  return maxDiff / Math.max(maxRef, 1e-6);
}

/** What a check compares: an analytic result per input (computed at given inputs) and its float64 finite-difference estimate. */
interface Comparison {
  analytic: (xs: Tensor[]) => Tensor[];
  numeric: Float64Array[];
}

/**
 * Draws float64 inputs for `specs`, lets `setup` build the comparison at them, and asserts that the analytic
 * result, computed in float64 and again in float32, is within `tol64` / `tol32` of the numeric one (`what`
 * names it in messages). Also asserts no tensor leaks.
 */
function compareWithNumeric(name: string, what: string, specs: InputSpec[], options: GradCheckOptions, setup: (xs64: Tensor[], values: Float64Array[], seed: number) => Comparison): void {
  const seed = options.seed ?? 7;
  const before = memory().numTensors;
  tidy(() => {
    const values = specs.map((s, i) => drawInput(s, seed + i));
    const xs64 = values.map((v, i) => tensor(v, specs[i]!.shape, 'float64'));
    const { analytic, numeric } = setup(xs64, values, seed);
    const analytic64 = analytic(xs64);
    const analytic32 = analytic(xs64.map((x) => cast(x, 'float32')));
    numeric.forEach((num, i) => {
      assert.deepEqual(analytic32[i]!.shape, specs[i]!.shape, `${name}: ${what} ${i} has the input's shape`);
      const e64 = relativeError(analytic64[i]!.dataSync(), num);
      const e32 = relativeError(analytic32[i]!.dataSync(), num);
      assert.ok(e64 < (options.tol64 ?? 1e-6), `${name}: float64 ${what} of input ${i} has relative error ${e64}`);
      assert.ok(e32 < (options.tol32 ?? 1e-3), `${name}: float32 ${what} of input ${i} has relative error ${e32}`);
    });
  });
  assert.equal(memory().numTensors, before, `${name}: the ${what} check leaked tensors`);
}

/**
 * Asserts that the gradient of `f` at random inputs matches central finite differences of `f`
 * evaluated in float64: within `tol64` when the analytic gradient is also computed in float64,
 * and within `tol32` when it is computed in float32 (what training uses). The output is reduced
 * with random weights, so every output element's gradient is exercised. Also asserts no tensor leaks.
 */
export function checkGrad(name: string, f: (...xs: Tensor[]) => Tensor, specs: InputSpec[], options: GradCheckOptions = {}): void {
  compareWithNumeric(name, 'gradient', specs, options, (xs64, inputs64, seed) => {
    const weights = randomUniform(f(...xs64).shape, -1, 1, { dtype: 'float64', seed: seed + 100 });
    const loss = (...xs: Tensor[]): Tensor => sum(mul(f(...xs), cast(weights, xs[0]!.dtype)));
    const h = 1e-6;
    const numeric = inputs64.map((values, i) => {
      const g = new Float64Array(values.length);
      for (let j = 0; j < values.length; j++) {
        const evalAt = (delta: number): number =>
          tidy(() => {
            const shifted = Float64Array.from(values);
            shifted[j]! += delta;
            const args = xs64.map((x, k) => (k === i ? tensor(shifted, specs[i]!.shape, 'float64') : x));
            return loss(...args).item();
          });
        g[j] = (evalAt(h) - evalAt(-h)) / (2 * h);
      }
      return g;
    });
    return { analytic: (xs) => grads(loss)(xs), numeric };
  });
}

/**
 * Asserts that the second derivatives of `f` at random inputs are right: the Hessian-vector product of
 * loss = sum(w · (f + f²)) (random weights w; f² so that a linear op's backward pass is differentiated too)
 * along a random direction v, taken as grads(<grads(loss), v>), matches central finite differences of the
 * float64 first gradient along v, (∇loss(x + hv) - ∇loss(x - hv)) / 2h. Checked within `tol64` in float64
 * and `tol32` in float32, as `checkGrad` does; also asserts no tensor leaks.
 */
export function checkSecondOrder(name: string, f: (...xs: Tensor[]) => Tensor, specs: InputSpec[], options: GradCheckOptions = {}): void {
  compareWithNumeric(name, 'Hessian-vector product', specs, options, (xs64, _, seed) => {
    const weights = randomUniform(f(...xs64).shape, -1, 1, { dtype: 'float64', seed: seed + 100 });
    const directions = specs.map((s, i) => randomUniform(s.shape, -1, 1, { dtype: 'float64', seed: seed + 200 + i }));
    const loss = (...xs: Tensor[]): Tensor => {
      const y = f(...xs);
      return sum(mul(add(y, mul(y, y)), cast(weights, y.dtype)));
    };
    const alongV = (...xs: Tensor[]): Tensor =>
      grads(loss)(xs).map((g, i) => sum(mul(g, cast(directions[i]!, g.dtype)))).reduce((a, b) => add(a, b));
    const h = 1e-6;
    const shifted = (sign: number): Tensor[] => grads(loss)(xs64.map((x, i) => add(x, mul(directions[i]!, sign * h))));
    const [plus, minus] = [shifted(1), shifted(-1)];
    const numeric = plus.map((p, i) => Float64Array.from(p.dataSync(), (v, j) => (v - minus[i]!.dataSync()[j]!) / (2 * h)));
    return { analytic: (xs) => grads(alongV)(xs), numeric };
  });
}

/** Asserts two arrays of numbers are equal within `tol` (absolute), naming the first mismatch. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-6, what = 'values'): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length}, expected ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const ok = (Number.isNaN(e) && Number.isNaN(a)) || a === e || Math.abs(a - e) <= tol * Math.max(1, Math.abs(e));
    assert.ok(ok, `${what}[${i}] = ${a}, expected ${e} (tolerance ${tol})`);
  }
}

/**
 * Asserts that the gradients of a float64 layer's output (reduced with random weights) with
 * respect to each trainable weight match central finite differences, at `samples` entries of
 * each weight (spread over it). The layer must be built and have dtype float64; `input` is fixed.
 */
export function checkWeightGrads(name: string, layer: layers.Layer, input: Tensor | Tensor[], samples = 6, tol = 1e-6): void {
  const before = memory().numTensors;
  tidy(() => {
    const out = (): Tensor => layer.apply(input as Tensor);
    const weights = randomUniform(out().shape, -1, 1, { dtype: 'float64', seed: 11 });
    const loss = (): Tensor => sum(mul(out(), weights));
    const trainable = layer.trainableWeights;
    assert.ok(trainable.length > 0, `${name}: the layer has trainable weights`);
    assert.ok(trainable.every((w) => w.dtype === 'float64'), `${name}: the layer must be float64`);
    const analytic = variableGrads(loss, trainable).grads.map((g) => g.dataSync());
    const h = 1e-6;
    trainable.forEach((w, k) => {
      const original = w.dataSync() as Float64Array;
      const picks = Array.from({ length: Math.min(samples, w.size) }, (_, i) => Math.floor((i * w.size) / Math.min(samples, w.size)));
      for (const j of picks) {
        const at = (delta: number): number => tidy(() => {
          const shifted = Float64Array.from(original);
          shifted[j]! += delta;
          w.assign(tensor(shifted, w.shape, 'float64'));
          return loss().item();
        });
        const numeric = (at(h) - at(-h)) / (2 * h);
        w.assign(tensor(original, w.shape, 'float64'));
        const a = analytic[k]![j]!;
        assert.ok(Math.abs(a - numeric) <= tol * Math.max(1, Math.abs(numeric)), `${name}: d/d ${w.name}[${j}] is ${a}, finite differences give ${numeric}`);
      }
    });
  });
  assert.equal(memory().numTensors, before, `${name}: the weight gradient check leaked tensors`);
}
