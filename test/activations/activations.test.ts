import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValueError, activations, mul, tensor, tidy, type Tensor } from '../../src/index.js';
import { assertClose } from '../helpers/grad-check.js';

const { getActivation, serializeActivation, registerActivation } = activations;
const xs = [-2, -0.5, 0, 1, 3];
const erf = (x: number): number => {
  // Abramowitz–Stegun 7.1.26 is too coarse here; integrate instead (Simpson, 2000 steps).
  const n = 2000;
  const h = x / n;
  let s = 0;
  for (let i = 0; i <= n; i++) s += (i === 0 || i === n ? 1 : i % 2 ? 4 : 2) * Math.exp(-((i * h) ** 2));
  return ((2 / Math.sqrt(Math.PI)) * s * h) / 3;
};
const sig = (x: number): number => 1 / (1 + Math.exp(-x));
const softplus = (x: number): number => Math.log1p(Math.exp(x));

const expected: Record<string, (x: number) => number> = {
  linear: (x) => x,
  relu: (x) => Math.max(x, 0),
  relu6: (x) => Math.min(Math.max(x, 0), 6),
  leaky_relu: (x) => (x > 0 ? x : 0.2 * x),
  elu: (x) => (x > 0 ? x : Math.expm1(x)),
  selu: (x) => 1.0507009873554805 * (x > 0 ? x : 1.6732632423543772 * Math.expm1(x)),
  gelu: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
  sigmoid: sig,
  hard_sigmoid: (x) => Math.min(Math.max(x / 6 + 0.5, 0), 1),
  tanh: Math.tanh,
  softplus,
  softsign: (x) => x / (1 + Math.abs(x)),
  silu: (x) => x * sig(x),
  swish: (x) => x * sig(x),
  mish: (x) => x * Math.tanh(softplus(x)),
  exponential: Math.exp,
};

for (const [name, f] of Object.entries(expected)) {
  test(`activation '${name}' computes its formula`, () => tidy(() => {
    const y = getActivation(name)(tensor(xs, [5], 'float64'));
    assertClose(y.dataSync(), xs.map(f), 1e-9, name);
  }));
}

test('softmax and log_softmax act on the last axis', () => tidy(() => {
  const x = tensor([[1, 2, 3], [0, 0, 0]], undefined, 'float64');
  const z = Math.exp(1) + Math.exp(2) + Math.exp(3);
  const p = [Math.exp(1) / z, Math.exp(2) / z, Math.exp(3) / z, 1 / 3, 1 / 3, 1 / 3];
  assertClose(getActivation('softmax')(x).dataSync(), p, 1e-12);
  assertClose(getActivation('log_softmax')(x).dataSync(), p.map(Math.log), 1e-12);
}));

test('camelCase and snake_case names are the same function; serialization gives the Keras name', () => {
  assert.equal(getActivation('leakyRelu'), getActivation('leaky_relu'));
  assert.equal(getActivation('hardSigmoid'), getActivation('hard_sigmoid'));
  assert.equal(getActivation('logSoftmax'), getActivation('log_softmax'));
  assert.equal(serializeActivation(getActivation('leakyRelu')), 'leaky_relu');
  assert.equal(serializeActivation(getActivation('swish')), 'silu');
  assert.equal(serializeActivation(getActivation(null)), 'linear');
  for (const name of activations.activationNames()) assert.equal(getActivation(serializeActivation(getActivation(name))), getActivation(name));
});

test('unknown names list the known ones; unregistered functions cannot be serialized until registered', () => {
  assert.throws(() => getActivation('rellu'), (e: Error) => e instanceof ValueError && /getActivation: unknown activation 'rellu'. Known: linear, relu, relu6, leaky_relu/.test(e.message));
  const cube = (x: Tensor): Tensor => mul(mul(x, x), x);
  assert.equal(getActivation(cube), cube);
  assert.throws(() => serializeActivation(cube), /the function 'cube' is not a registered activation; call registerActivation\('cube', fn\)/);
  registerActivation('cube', cube);
  assert.equal(serializeActivation(cube), 'cube');
  assert.equal(getActivation('cube'), cube);
});
