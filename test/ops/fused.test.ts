import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as s from '../../src/index.js';
import { ENGINE } from '../../src/core/engine.js';
import { assertClose, checkGrad, checkSecondOrder } from '../helpers/grad-check.js';

const activations: s.fused.FusedActivation[] = ['linear', 'relu', 'relu6', 'sigmoid', 'tanh'];
/** The unfused composite each fused activation must equal. */
const unfused: Record<s.fused.FusedActivation, (x: s.Tensor) => s.Tensor> = {
  linear: (x) => x, relu: s.relu, relu6: s.relu6, sigmoid: s.sigmoid, tanh: s.tanh,
};
/** Kinks a finite difference must not straddle, per activation. */
const kinks: Record<s.fused.FusedActivation, number[]> = { linear: [], relu: [0], relu6: [0, 6], sigmoid: [], tanh: [] };

/** Random values in [-8, 8], so that relu6 is seen on both sides of 0 and 6, with 0 and 6 exactly among them. */
function draw(shape: number[], seed: number, dtype: s.DType = 'float32'): s.Tensor {
  const x = s.randomUniform(shape, -8, 8, { dtype, seed }).dataSync();
  if (x.length > 2) [x[0], x[1]] = [0, 6];
  return s.tensor(x, shape, dtype);
}

const productCases: [number[], number[], boolean, boolean][] = [
  [[3, 4], [4, 5], false, false],
  [[4, 3], [4, 5], true, false],
  [[3, 4], [5, 4], false, true],
  [[4, 3], [5, 4], true, true],
  [[2, 3, 4], [4, 6], false, false],
  [[2, 1, 3, 4], [3, 4, 9], false, false],
];

test('fused.matMul equals matMul, the bias added and the activation applied, for every activation, transposes and batches', () => {
  for (const [sa, sb, ta, tb] of productCases) {
    for (const activation of activations) {
      for (const withBias of [true, false]) {
        s.tidy(() => {
          const a = draw(sa, 1);
          const b = draw(sb, 2);
          const n = tb ? sb[sb.length - 2]! : sb[sb.length - 1]!;
          const bias = withBias ? draw([n], 3) : null;
          const z = s.matMul(a, b, ta, tb);
          const want = unfused[activation](bias ? s.add(z, bias) : z);
          const got = s.fused.matMul({ a, b, transposeA: ta, transposeB: tb, bias, activation });
          assert.deepEqual(got.shape, want.shape);
          assertClose(got.dataSync(), want.dataSync(), 1e-5, `[${sa}]${ta ? 'ᵀ' : ''}·[${sb}]${tb ? 'ᵀ' : ''} ${activation} bias=${withBias}`);
        });
      }
    }
  }
});

test('fused.conv2d equals conv2d, the bias added and the activation applied, with padding, strides, dilations and groups', () => {
  const geometries: [number[], number[], s.fused.FusedConv2DArgs['pad'], number, number, number][] = [
    [[2, 6, 6, 3], [3, 3, 3, 4], 'same', 1, 1, 1],
    [[1, 7, 5, 2], [3, 2, 2, 5], 'valid', 2, 1, 1],
    [[2, 8, 8, 4], [3, 3, 2, 6], [[1, 0], [2, 1]], 1, 2, 2],
  ];
  for (const [xs, fs, pad, strides, dilations, groups] of geometries) {
    for (const activation of activations) {
      s.tidy(() => {
        const x = draw(xs, 4);
        const filter = draw(fs, 5);
        const bias = draw([fs[3]!], 6);
        const want = unfused[activation](s.add(s.conv2d(x, filter, { padding: pad, strides, dilations, groups }), bias));
        const got = s.fused.conv2d({ x, filter, pad, strides, dilations, groups, bias, activation });
        assert.deepEqual(got.shape, want.shape);
        assertClose(got.dataSync(), want.dataSync(), 1e-5, `conv [${xs}] * [${fs}] ${activation}`);
      });
    }
  }
});

test('fused.biasActivation equals add then the activation, and keeps NaN', () => {
  for (const activation of activations) {
    const x = s.tensor([[NaN, -1, 0, 3], [6, 7, -0.5, 0.25]]);
    const bias = s.tensor([0, 0.5, 0, -1]);
    assertClose(s.fused.biasActivation({ x, bias, activation }).dataSync(), unfused[activation](s.add(x, bias)).dataSync(), 1e-6, activation);
  }
  assert.deepEqual(s.fused.biasActivation({ x: s.tensor([[-1, 2]]), bias: s.tensor([0.5, 0.5]), activation: 'relu' }).arraySync(), [[0, 2.5]]);
});

for (const activation of activations) {
  test(`fused.matMul gradient (${activation}) matches finite differences, with and without a bias, transposed and batched`, () => {
    const avoid = kinks[activation];
    const range: [number, number] = activation === 'relu6' ? [-3, 3] : [-2, 2];
    checkGrad(`fused.matMul ${activation}`, (a, b, bias) => s.fused.matMul({ a: a!, b: b!, bias, activation }), [{ shape: [3, 4], range }, { shape: [4, 5], range }, { shape: [5], avoid }], { tol32: 3e-3 });
    checkGrad(`fused.matMul ${activation} no bias`, (a, b) => s.fused.matMul({ a: a!, b: b!, transposeA: true, transposeB: true, activation }), [{ shape: [4, 3] }, { shape: [5, 4] }], { tol32: 3e-3 });
    checkGrad(`fused.matMul ${activation} batched`, (a, b, bias) => s.fused.matMul({ a: a!, b: b!, bias, activation }), [{ shape: [2, 3, 4] }, { shape: [4, 2] }, { shape: [2] }], { tol32: 3e-3 });
  });

  test(`fused.conv2d gradient (${activation}) matches finite differences, with padding and strides`, () => {
    checkGrad(`fused.conv2d ${activation}`, (x, f, bias) => s.fused.conv2d({ x: x!, filter: f!, pad: 'same', strides: 2, bias, activation }), [{ shape: [2, 5, 5, 2] }, { shape: [3, 3, 2, 3] }, { shape: [3] }], { tol32: 3e-3 });
  });

  test(`fused.matMul second-order gradient (${activation}) matches finite differences`, () => {
    checkSecondOrder(`fused.matMul ${activation}`, (a, b, bias) => s.fused.matMul({ a: a!, b: b!, bias, activation }), [{ shape: [2, 3] }, { shape: [3, 4] }, { shape: [4] }], { tol32: 5e-3 });
  });
}

test('fused.conv2d second-order gradient matches finite differences', () => {
  checkSecondOrder('fused.conv2d tanh', (x, f, bias) => s.fused.conv2d({ x: x!, filter: f!, pad: 'same', bias, activation: 'tanh' }), [{ shape: [1, 4, 4, 2] }, { shape: [3, 3, 2, 2] }, { shape: [2] }], { tol32: 5e-3 });
});

test('the fused gradients equal the unfused ones (relu6 at exactly 6 aside)', () => {
  for (const activation of activations) {
    s.tidy(() => {
      const [a, b, bias] = [draw([5, 7], 7), draw([7, 3], 8), draw([3], 9)];
      // Keep away from relu6's corner at 6, where the fused slope is TensorFlow's 0 and the composite's 1.
      const fusedGrads = s.grads((x, w, c) => s.sum(s.mul(s.fused.matMul({ a: x!, b: w!, bias: c, activation }), draw([5, 3], 10))))([a, b, bias]);
      const plainGrads = s.grads((x, w, c) => s.sum(s.mul(unfused[activation](s.add(s.matMul(x!, w!), c!)), draw([5, 3], 10))))([a, b, bias]);
      fusedGrads.forEach((g, i) => assertClose(g.dataSync(), plainGrads[i]!.dataSync(), 1e-4, `${activation} gradient ${i}`));
    });
  }
});

test('fused ops refuse unknown activations and misshapen biases, naming the op', () => {
  assert.throws(() => s.fused.matMul({ a: s.zeros([2, 3]), b: s.zeros([3, 4]), activation: 'gelu' as s.fused.FusedActivation }), (e: unknown) => e instanceof s.ValueError && /fused\.matMul: activation must be one of/.test((e as Error).message));
  assert.throws(() => s.fused.matMul({ a: s.zeros([2, 3]), b: s.zeros([3, 4]), bias: s.zeros([3]) }), (e: unknown) => e instanceof s.ShapeError && /fused\.matMul: bias must be \[4\]/.test((e as Error).message));
  assert.throws(() => s.fused.conv2d({ x: s.zeros([1, 4, 4, 2]), filter: s.zeros([3, 3, 3, 1]) }), (e: unknown) => e instanceof s.ShapeError && /^fused\.conv2d: x has 2 channels/.test((e as Error).message));
});

test('a Dense(relu) training step records one tape entry for the layer instead of three', () => {
  const layer = new s.layers.Dense({ units: 4, activation: 'relu' });
  const x = s.ones([2, 3]);
  layer.apply(x);
  const original = ENGINE.recordOp.bind(ENGINE);
  const forward: string[] = [];
  let recording = false;
  ENGINE.recordOp = (name, inputs, output, gradient) => {
    if (recording) forward.push(name);
    original(name, inputs, output, gradient);
  };
  try {
    const { grads } = s.variableGrads(() => {
      recording = true;
      const loss = s.sum(layer.apply(x) as s.Tensor);
      recording = false;
      return loss;
    }, [layer.kernel!, layer.bias!]);
    // relu(x · 1 + 0) with a kernel of any sign: the bias's gradient counts the positive outputs.
    const positive = (layer.apply(x) as s.Tensor).arraySync() as number[][];
    assert.deepEqual(grads[1]!.arraySync(), positive[0]!.map((_, j) => positive.filter((row) => row[j]! > 0).length));
  } finally {
    ENGINE.recordOp = original;
  }
  // Unfused, the layer recorded matMul, add and relu.
  assert.deepEqual(forward, ['fusedMatMul', 'sum']);
});
