/**
 * Issue 12, "wrong results": NaN and ±Infinity through every activation, reduction and pooling op, forward
 * and gradient, on the backend under test (STRATA_BACKEND), against the IEEE / TensorFlow answers written
 * out by hand. The policy: NaN in gives NaN out (relu(NaN) is NaN, never 0); the gradient at a NaN input of a
 * max-based op (relu, maximum, minimum, clip, max reductions, max pooling) is NaN, never a finite-looking 0
 * or dy; argmax and argmin index the first NaN, the element max and min return.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CpuBackend } from '../../src/backends/cpu/cpu-backend.js';
import { WasmBackend } from '../../src/backends/wasm/wasm-backend.js';
import type { Backend, TensorInfo } from '../../src/core/backend.js';
import * as s from '../../src/index.js';

const { activationNames, getActivation } = s.activations;

/**
 * Asserts `actual` equals `expected` element by element: NaN matches NaN, infinities and zeros match exactly
 * (an expected -0 only by -0), other values within `tol` relative (float32 rounding of float64 references).
 */
function assertValues(actual: ArrayLike<number>, expected: readonly number[], what: string, tol = 2e-6): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const ok = Number.isNaN(e)
      ? Number.isNaN(a)
      : Object.is(e, -0)
        ? Object.is(a, -0)
        : e === 0 || !Number.isFinite(e)
          ? a === e
          : Math.abs(a - e) <= tol * Math.abs(e);
    assert.ok(ok, `${what}[${i}] = ${Object.is(a, -0) ? '-0' : a}, expected ${Object.is(e, -0) ? '-0' : e}`);
  }
}

const values = (t: s.Tensor): number[] => Array.from(t.dataSync());
const gradOf = (f: (x: s.Tensor) => s.Tensor, x: s.Tensor): number[] => values(s.grad((t: s.Tensor) => s.sum(f(t)))(x));

const { NaN: nan } = Number;
const inf = Infinity;

// The inputs of every elementwise activation; expected outputs and derivatives follow in the same order.
const X = [nan, -1, 2, inf, -inf, -0];

/**
 * Each registered elementwise activation: its values and derivatives at X. Where a formula meets
 * Infinity · 0 (gelu, swish, mish at -Infinity; their derivatives at ±Infinity) the IEEE result of that
 * formula is NaN, and TensorFlow, which computes the same formula, gives NaN too.
 */
const elementwise: Record<string, { y: number[]; dy: number[] }> = {
  linear: { y: [nan, -1, 2, inf, -inf, -0], dy: [1, 1, 1, 1, 1, 1] },
  relu: { y: [nan, 0, 2, inf, 0, -0], dy: [nan, 0, 1, 1, 0, 0] },
  relu6: { y: [nan, 0, 2, 6, 0, -0], dy: [nan, 0, 1, 0, 0, 0] },
  leaky_relu: { y: [nan, -0.2, 2, inf, -inf, -0], dy: [nan, 0.2, 1, 1, 0.2, 0.2] },
  elu: { y: [nan, -0.6321205588285577, 2, inf, -1, -0], dy: [nan, 0.36787944117144233, 1, 1, 0, 1] },
  selu: {
    y: [nan, -1.1113307378125625, 2.101401974710961, inf, -1.7580993408473766, -0],
    dy: [nan, 0.6467686030348141, 1.0507009873554805, 1.0507009873554805, 0, 1.7580993408473766],
  },
  gelu: { y: [nan, -0.15865525393145707, 1.9544997361036416, inf, nan, -0], dy: [nan, -0.08331547058768629, 1.085231801078197, nan, nan, 0.5] },
  sigmoid: { y: [nan, 0.2689414213699951, 0.8807970779778823, 1, 0, 0.5], dy: [nan, 0.19661193324148185, 0.10499358540350662, 0, 0, 0.25] },
  hard_sigmoid: { y: [nan, 1 / 3, 5 / 6, 1, 0, 0.5], dy: [nan, 1 / 6, 1 / 6, 0, 0, 1 / 6] },
  legacy_hard_sigmoid: { y: [nan, 0.3, 0.9, 1, 0, 0.5], dy: [nan, 0.2, 0.2, 0, 0, 0.2] },
  tanh: { y: [nan, -0.7615941559557649, 0.9640275800758169, 1, -1, -0], dy: [nan, 0.41997434161402614, 0.07065082485316443, 0, 0, 1] },
  softplus: { y: [nan, 0.31326168751822286, 2.1269280110429727, inf, 0, Math.LN2], dy: [nan, 0.2689414213699951, 0.8807970779778823, 1, 0, 0.5] },
  softsign: { y: [nan, -0.5, 2 / 3, 1, -1, -0], dy: [nan, 0.25, 1 / 9, 0, 0, 1] },
  silu: { y: [nan, -0.2689414213699951, 1.7615941559557646, inf, nan, -0], dy: [nan, 0.07232948812851325, 1.0907842487848955, nan, nan, 0.5] },
  swish: { y: [nan, -0.2689414213699951, 1.7615941559557646, inf, nan, -0], dy: [nan, 0.07232948812851325, 1.0907842487848955, nan, nan, 0.5] },
  mish: { y: [nan, -0.30340146137410895, 1.9439589595339946, inf, nan, -0], dy: [nan, 0.059216755877395, 1.0693179342794896, nan, nan, 0.6] },
  exponential: { y: [nan, 0.36787944117144233, 7.38905609893065, inf, 0, 1], dy: [nan, 0.36787944117144233, 7.38905609893065, inf, 0, 1] },
};

/** The activations over the last axis, checked row by row below. */
const rowwise = new Set(['softmax', 'log_softmax']);

describe('activations: NaN and ±Infinity', () => {
  test('the issue case: relu([NaN, -1, 2, Infinity, -Infinity]) is [NaN, 0, 2, Infinity, 0], and relu6 keeps NaN too', () => s.tidy(() => {
    assertValues(values(s.relu(s.tensor([nan, -1, 2, inf, -inf]))), [nan, 0, 2, inf, 0], 'relu');
    assertValues(values(s.relu6(s.tensor([nan, -1, 2, inf, -inf]))), [nan, 0, 2, 6, 0], 'relu6');
  }));

  test('every registered activation has expected values here', () => {
    const missing = activationNames().filter((name) => !(name in elementwise) && !rowwise.has(name));
    assert.deepEqual(missing, [], 'activations without NaN/Infinity expectations');
  });

  for (const [name, expected] of Object.entries(elementwise)) {
    test(`${name}: values and derivatives at NaN, -1, 2, Infinity, -Infinity, -0`, () => s.tidy(() => {
      const f = getActivation(name);
      // Forward and reversed, so that on wasm each special value meets both the SIMD body and the scalar tail.
      for (const reversed of [false, true]) {
        const order = (v: readonly number[]): number[] => (reversed ? [...v].reverse() : [...v]);
        const x = s.tensor(order(X));
        const what = `${name}${reversed ? ' (reversed)' : ''}`;
        assertValues(values(f(x)), order(expected.y), what);
        assertValues(gradOf(f, x), order(expected.dy), `${what} derivative`);
      }
    }));
  }

  test('softmax and log_softmax of rows holding NaN, Infinity and -Infinity, over the last and over another axis', () => s.tidy(() => {
    const rows = [[nan, 1, 2], [inf, 1, 2], [-inf, 0, 0], [-inf, -inf, -inf]];
    // A row holding NaN is NaN; Infinity / Infinity is NaN where the infinite logit is (TensorFlow: the whole
    // row NaN), the others get 0; a row of -Infinity sums to 0 and gives 0 / 0 = NaN (as in TensorFlow).
    const softmax = [nan, nan, nan, nan, 0, 0, 0, 0.5, 0.5, nan, nan, nan];
    const logSoftmax = [nan, nan, nan, nan, -inf, -inf, -inf, -Math.LN2, -Math.LN2, nan, nan, nan];
    assertValues(values(getActivation('softmax')(s.tensor(rows))), softmax, 'softmax');
    assertValues(values(getActivation('log_softmax')(s.tensor(rows))), logSoftmax, 'log_softmax');
    // The same rows as columns: softmax over axis 0 goes through exp(logSoftmax) instead of the fused kernel.
    const columns = s.transpose(s.tensor(rows));
    assertValues(values(s.transpose(s.softmax(columns, 0))), softmax, 'softmax over axis 0');
    assertValues(values(s.transpose(s.logSoftmax(columns, 0))), logSoftmax, 'logSoftmax over axis 0');
    // The gradient of a NaN row is NaN; a row with -Infinity passes nothing to it.
    const g = values(s.grad((t: s.Tensor) => s.sum(s.mul(s.softmax(t), s.tensor([[1, 2, 3], [1, 2, 3]]))))(s.tensor([[nan, 1, 2], [-inf, 0, 0]])));
    assertValues(g, [nan, nan, nan, 0, -0.25, 0.25], 'softmax gradient');
  }));
});

describe('maximum, minimum, clip and reluGrad: NaN and ±Infinity', () => {
  const a = [nan, 1, nan, inf, -inf, 3];
  const b = [1, nan, nan, 2, 2, 3];

  test('maximum and minimum are NaN where either operand is; an operand that is NaN gets a NaN gradient', () => s.tidy(() => {
    const [ta, tb] = [s.tensor(a), s.tensor(b)];
    assertValues(values(s.maximum(ta, tb)), [nan, nan, nan, inf, 2, 3], 'maximum');
    assertValues(values(s.minimum(ta, tb)), [nan, nan, nan, 2, -inf, 3], 'minimum');
    for (const [op, ga, gb] of [
      [s.maximum, [nan, 0, nan, 1, 0, 1], [0, nan, nan, 0, 1, 0]],
      [s.minimum, [nan, 0, nan, 0, 1, 1], [0, nan, nan, 1, 0, 0]],
    ] as const) {
      const grads = s.grads((x: s.Tensor, y: s.Tensor) => s.sum(op(x, y)))([ta, tb]);
      assertValues(values(grads[0]!), ga, `${op.name} gradient of a`);
      assertValues(values(grads[1]!), gb, `${op.name} gradient of b`);
    }
    // Broadcast against a scalar NaN: everything is NaN.
    assertValues(values(s.maximum(s.tensor([1, 2, 3, 4, 5]), nan)), [nan, nan, nan, nan, nan], 'maximum with a NaN scalar');
  }));

  test('isNaN is true at NaN only, and false everywhere in an integer tensor', () => s.tidy(() => {
    const flags = s.isNaN(s.tensor([1, nan, inf, -inf, -0, nan]));
    assert.equal(flags.dtype, 'bool');
    assert.deepEqual(values(flags), [0, 1, 0, 0, 0, 1]);
    assert.deepEqual(values(s.isNaN(s.tensor(new Int32Array([0, -1, 7])))), [0, 0, 0]);
  }));

  test('clip keeps NaN, clamps ±Infinity, and its gradient is NaN at NaN, 0 outside and 1 inside', () => s.tidy(() => {
    const x = s.tensor([nan, -inf, inf, -0, 0.5, 2]);
    assertValues(values(s.clip(x, 0, 1)), [nan, 0, 1, -0, 0.5, 1], 'clip');
    assertValues(gradOf((t) => s.clip(t, 0, 1), x), [nan, 0, 0, 1, 1, 0], 'clip gradient');
  }));

  test('reluGrad is dy where x > 0, 0 where x <= 0 and NaN where x is NaN; infinite dy times 0 is NaN', () => s.tidy(() => {
    const x = s.tensor([nan, -1, 2, inf, -inf, -0, 0, nan, 3]);
    assertValues(values(s.reluGrad(s.tensor([5, 5, 5, 5, 5, 5, 5, 5, 5]), x)), [nan, 0, 5, 5, 0, 0, 0, nan, 5], 'reluGrad');
    assertValues(values(s.reluGrad(s.tensor([inf, inf, nan, -inf, 1]), s.tensor([-1, 1, 1, 1, nan]))), [nan, inf, nan, -inf, nan], 'reluGrad of infinite dy');
  }));
});

describe('reductions: NaN and ±Infinity', () => {
  const rows = [[nan, 1, 2], [inf, 1, 2], [-inf, 1, 2], [inf, -inf, 1]];

  test('sum, mean, max, min, logSumExp, variance, argmax and argmin of rows', () => s.tidy(() => {
    const x = s.tensor(rows);
    assertValues(values(s.sum(x, 1)), [nan, inf, -inf, nan], 'sum');
    assertValues(values(s.mean(x, 1)), [nan, inf, -inf, nan], 'mean');
    assertValues(values(s.max(x, 1)), [nan, inf, 2, inf], 'max');
    assertValues(values(s.min(x, 1)), [nan, 1, -inf, -inf], 'min');
    // A row holding Infinity has logSumExp Infinity (TensorFlow shifts such rows by 0, as Strata does).
    assertValues(values(s.logSumExp(x, 1)), [nan, inf, 2.3132616875182226, inf], 'logSumExp');
    // mean([Infinity, 1, 2]) is Infinity, and Infinity - Infinity is NaN.
    assertValues(values(s.variance(x, 1)), [nan, nan, nan, nan], 'variance');
    assertValues(values(s.argmax(x, 1)), [0, 0, 2, 0], 'argmax');
    assertValues(values(s.argmin(x, 1)), [0, 1, 0, 1], 'argmin');
  }));

  test('a NaN anywhere in a row or a column of eight makes its max and min NaN, and argmax/argmin index the first NaN', () => s.tidy(() => {
    // Eight columns: the wasm kernels reduce rows and columns in SIMD lanes of four, then a scalar tail.
    const x = s.tensor([
      [nan, 1, 2, 3, 4, 5, 6, 7],
      [0, 9, inf, -inf, 1, nan, 2, 3],
      [1, 2, 3, 4, 5, 6, 7, -8],
    ]);
    assertValues(values(s.max(x, 1)), [nan, nan, 7], 'max of rows');
    assertValues(values(s.min(x, 1)), [nan, nan, -8], 'min of rows');
    assertValues(values(s.max(x, 0)), [nan, 9, inf, 4, 5, nan, 7, 7], 'max of columns');
    assertValues(values(s.min(x, 0)), [nan, 1, 2, -inf, 1, nan, 2, -8], 'min of columns');
    assertValues(values(s.argmax(x, 1)), [0, 5, 6], 'argmax of rows');
    assertValues(values(s.argmin(x, 1)), [0, 5, 7], 'argmin of rows');
    assertValues(values(s.argmax(x, 0)), [0, 1, 1, 2, 2, 1, 2, 0], 'argmax of columns');
    assertValues(values(s.argmin(x, 0)), [0, 0, 0, 1, 1, 1, 1, 2], 'argmin of columns');
    // The first NaN of a row that starts with NaN and holds more, and of a row that is all NaN.
    assertValues(values(s.argmax(s.tensor([[nan, 5, nan, 9], [nan, nan, nan, nan]]), 1)), [0, 0], 'argmax of NaN-led rows');
    assertValues(values(s.argmin(s.tensor([[1, 5, nan, -9, nan]]), 1)), [2], 'argmin past a NaN');
  }));

  test('gradients: max and min give NaN to each NaN and nothing to the rest of its row; sum and mean pass dy everywhere', () => s.tidy(() => {
    const x = s.tensor(rows);
    assertValues(gradOf((t) => s.max(t, 1), x), [nan, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0], 'max gradient');
    assertValues(gradOf((t) => s.min(t, 1), x), [nan, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0], 'min gradient');
    // Ties still share: two NaNs each get NaN, two equal maxima each get half.
    assertValues(gradOf((t) => s.max(t, 1), s.tensor([[nan, 1, nan], [3, 1, 3]])), [nan, 0, nan, 0.5, 0, 0.5], 'max gradient with ties');
    assertValues(gradOf((t) => s.sum(t, 1), x), new Array<number>(12).fill(1), 'sum gradient');
    assertValues(gradOf((t) => s.mean(t, 1), x), new Array<number>(12).fill(1 / 3), 'mean gradient');
    const lse = gradOf((t) => s.logSumExp(t, 1), s.tensor([[nan, 1, 2], [-inf, 1, 2]]));
    assertValues(lse, [nan, nan, nan, 0, 0.2689414213699951, 0.7310585786300049], 'logSumExp gradient');
  }));
});

describe('pooling: NaN and ±Infinity', () => {
  // A 4×6 image, six 2×2 windows: [1, NaN; 5, 6], [3, 4; -Inf, -Inf], [NaN, 7; 8, NaN],
  // [Inf, 2; 0, NaN], [-Inf, -Inf; -Inf, -Inf], [Inf, 1; Inf, -0].
  const image = [
    [1, nan, 3, 4, nan, 7],
    [5, 6, -inf, -inf, 8, nan],
    [inf, 2, -inf, -inf, inf, 1],
    [0, nan, -inf, -inf, inf, -0],
  ].flat();
  // The same image with its NaNs replaced by -5.
  const finite = image.map((v) => (Number.isNaN(v) ? -5 : v));
  // Five channels, NaN in the even ones only: on wasm four channels are one SIMD vector (so lanes with and
  // without NaN share it) and the fifth is the scalar tail.
  const channels = 5;
  const x = (): s.Tensor => s.tensor(image.flatMap((v, i) => Array.from({ length: channels }, (_, c) => (c % 2 ? finite[i]! : v))), [1, 4, 6, channels]);
  const channel = (all: number[], c: number): number[] => all.filter((_, i) => i % channels === c);

  const maxEven = [nan, 4, nan, nan, -inf, inf];
  const maxOdd = [6, 4, 8, inf, -inf, inf];
  // The first maximum of each window takes dy = 1; the first NaN is the maximum, and its slope is NaN.
  const maxGradEven = [
    [0, nan, 0, 1, nan, 0],
    [0, 0, 0, 0, 0, 0],
    [0, 0, 1, 0, 1, 0],
    [0, nan, 0, 0, 0, 0],
  ].flat();
  const maxGradOdd = [
    [0, 0, 0, 1, 0, 0],
    [0, 1, 0, 0, 1, 0],
    [1, 0, 1, 0, 1, 0],
    [0, 0, 0, 0, 0, 0],
  ].flat();

  test('2-D max pooling: a window holding NaN is NaN; the gradient is NaN at its first NaN, 0 elsewhere', () => s.tidy(() => {
    const y = values(s.maxPool(x(), 2));
    const g = gradOf((t) => s.maxPool(t, 2), x());
    for (let c = 0; c < channels; c++) {
      assertValues(channel(y, c), c % 2 ? maxOdd : maxEven, `maxPool channel ${c}`);
      assertValues(channel(g, c), c % 2 ? maxGradOdd : maxGradEven, `maxPool gradient channel ${c}`);
    }
  }));

  test('2-D average pooling: NaN, or Infinity and -Infinity together, give NaN; its gradient does not depend on x', () => s.tidy(() => {
    const y = values(s.avgPool(x(), 2));
    const g = gradOf((t) => s.avgPool(t, 2), x());
    for (let c = 0; c < channels; c++) {
      assertValues(channel(y, c), c % 2 ? [1.75, -inf, 1.25, inf, -inf, inf] : [nan, -inf, nan, nan, -inf, inf], `avgPool channel ${c}`);
      assertValues(channel(g, c), new Array<number>(24).fill(0.25), `avgPool gradient channel ${c}`);
    }
  }));

  test('1-D max and average pooling layers', () => s.tidy(() => {
    const seq = s.tensor([1, nan, inf, 2, -inf, -inf, 3, -inf], [1, 8, 1]);
    assertValues(values(s.layers.maxPooling1d({ poolSize: 2 }).apply(seq) as s.Tensor), [nan, inf, -inf, 3], 'MaxPooling1D');
    assertValues(values(s.layers.averagePooling1d({ poolSize: 2 }).apply(seq) as s.Tensor), [nan, inf, -inf, -inf], 'AveragePooling1D');
  }));

  test('global max and average pooling layers, 1-D and 2-D', () => s.tidy(() => {
    // Over all 24 positions: the even channels hold NaN; the odd ones hold Infinity and -Infinity.
    const even = (v: number[]): number[] => v.filter((_, c) => c % 2 === 0);
    const odd = (v: number[]): number[] => v.filter((_, c) => c % 2 === 1);
    const gmax = values(s.layers.globalMaxPooling2d().apply(x()) as s.Tensor);
    const gavg = values(s.layers.globalAveragePooling2d().apply(x()) as s.Tensor);
    assertValues(even(gmax), [nan, nan, nan], 'GlobalMaxPooling2D, channels with NaN');
    assertValues(odd(gmax), [inf, inf], 'GlobalMaxPooling2D, channels with Infinity');
    assertValues(gavg, [nan, nan, nan, nan, nan], 'GlobalAveragePooling2D');
    const steps = s.reshape(x(), [1, 24, channels]);
    assertValues(values(s.layers.globalMaxPooling1d().apply(steps) as s.Tensor), gmax, 'GlobalMaxPooling1D');
    assertValues(values(s.layers.globalAveragePooling1d().apply(steps) as s.Tensor), gavg, 'GlobalAveragePooling1D');
    const g = gradOf((t) => s.layers.globalMaxPooling2d().apply(t) as s.Tensor, x());
    // Each NaN gets NaN and the rest of its channel nothing; an odd channel's three Infinity maxima share dy.
    assertValues(channel(g, 0), image.map((v) => (Number.isNaN(v) ? nan : 0)), 'GlobalMaxPooling2D gradient, channel 0');
    assertValues(channel(g, 1), finite.map((v) => (v === inf ? 1 / 3 : 0)), 'GlobalMaxPooling2D gradient, channel 1');
  }));
});

describe('products: 0 · NaN and 0 · Infinity are NaN', () => {
  // The reference kernels skip zeros (most inputs after relu are 0); they may do so only when the
  // other factor holds no NaN or Infinity.
  test('matMul with a zero against NaN and Infinity', () => {
    assertValues(values(s.matMul(s.tensor([[0, 1]]), s.tensor([[nan], [1]]))), [nan], 'matMul([[0,1]], [[NaN],[1]])');
    assertValues(values(s.matMul(s.tensor([[0, 1]]), s.tensor([[inf], [1]]))), [nan], 'matMul([[0,1]], [[Infinity],[1]])');
    assertValues(values(s.matMul(s.tensor([[0, 1]]), s.tensor([[5], [1]]))), [1], 'matMul([[0,1]], [[5],[1]])');
  });

  test('conv2d and its gradients with zeros against NaN', () => {
    const x = s.tensor([0, 0, 0, 1], [1, 2, 2, 1]);
    const f = s.tensor([nan, 1, 1, 1], [2, 2, 1, 1]);
    assertValues(values(s.conv2d(x, f)), [nan], 'conv2d, input 0 under a NaN tap');
    const [dx, df] = s.grads((a: s.Tensor, b: s.Tensor) => s.sum(s.mul(s.conv2d(a, b), 0)))([x, s.tensor([1, 1, 1, 1], [2, 2, 1, 1])]);
    assertValues(values(dx!), [0, 0, 0, 0], 'conv2d input gradient, dy 0, finite filter');
    assertValues(values(df!), [0, 0, 0, 0], 'conv2d filter gradient, dy 0, finite input');
    const [dxNan] = s.grads((a: s.Tensor, b: s.Tensor) => s.sum(s.mul(s.conv2d(a, b), 0)))([x, f]);
    assertValues(values(dxNan!), [nan, 0, 0, 0], 'conv2d input gradient, dy 0 against a NaN tap');
  });
});

describe('wasm kernels against the reference on NaN-laden data', () => {
  // Both backends are made here, so this runs whatever STRATA_BACKEND says.
  const cpu = new CpuBackend();
  const wasm = new WasmBackend();
  /** Values in [-2, 2) with NaN, ±Infinity, -0 and ties sprinkled in, from a seeded generator. */
  function data(n: number, seed: number): Float32Array {
    const special = [nan, inf, -inf, -0, 1, 1];
    let state = seed;
    return Float32Array.from({ length: n }, () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      const r = state / 2 ** 32;
      return r < 0.3 ? special[Math.floor(r * 20)]! : 4 * r - 2;
    });
  }
  function both(inputs: [Float32Array, number[]][], kernel: (b: Backend, xs: TensorInfo[]) => TensorInfo, what: string): void {
    const run = (b: Backend): Float32Array | Int32Array => {
      const out = kernel(b, inputs.map(([v, shape]) => ({ dataId: b.write(v, shape, 'float32'), shape, dtype: 'float32' })));
      return b.read(out.dataId) as Float32Array | Int32Array;
    };
    const [got, want] = [run(wasm), run(cpu)];
    assertValues(got, Array.from(want), what, 1e-6);
  }

  test('the product kernel (no public op yet): NaN, and Infinity times -Infinity', () => {
    for (const b of [cpu, wasm]) {
      const shape = [4, 3];
      const x = { dataId: b.write(Float32Array.from([nan, 1, 2, inf, 1, 2, -inf, 1, 2, inf, -inf, 1]), shape, 'float32'), shape, dtype: 'float32' } as const;
      assertValues(b.read(b.reduce(x, [1], 'prod').dataId), [nan, inf, -inf, -inf], `prod on ${b.name}`);
    }
  });

  test('relu, reluGrad, maximum, minimum, max/min reductions, argmax/argmin, max pooling and its gradient', () => {
    const x = data(203, 7);
    const dy = data(203, 8);
    both([[x, [203]]], (b, [t]) => b.unary(t!, 'relu'), 'relu');
    for (const op of ['reluGrad', 'maximum', 'minimum'] as const) both([[dy, [203]], [x, [203]]], (b, [d, t]) => b.binary(d!, t!, op, [203], 'float32'), op);
    const m = data(7 * 29, 9);
    for (const op of ['max', 'min'] as const) {
      both([[m, [7, 29]]], (b, [t]) => b.reduce(t!, [1], op), `${op} of rows`);
      both([[m, [7, 29]]], (b, [t]) => b.reduce(t!, [0], op), `${op} of columns`);
    }
    for (const op of ['argmax', 'argmin'] as const) both([[m, [7, 29]]], (b, [t]) => b.argReduce(t!, 1, op), op);
    const image = data(2 * 7 * 9 * 11, 10);
    const shape = [2, 7, 9, 11];
    const pads = [1, 1, 1, 1] as const;
    both([[image, shape]], (b, [t]) => b.pool2d(t!, 'max', [3, 3], [2, 2], pads), 'max pool 3×3 stride 2, padded');
    const outShape = [2, 4, 5, 11];
    const dyPool = data(2 * 4 * 5 * 11, 11);
    both([[dyPool, outShape], [image, shape]], (b, [d, t]) => b.maxPool2dGrad(d!, t!, [3, 3], [2, 2], pads), 'maxPool2dGrad 3×3 stride 2, padded');
  });
});
