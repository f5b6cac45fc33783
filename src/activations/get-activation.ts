/** Activation functions by their Keras names, so that layers can take `activation: 'relu'` and save it as a name. */
import type { FusedActivation } from '../core/backend.js';
import { ValueError } from '../core/errors.js';
import { NameRegistry } from '../core/serialization.js';
import type { Tensor } from '../core/tensor.js';
import {
  elu, gelu, hardSigmoid, leakyRelu, logSoftmax, mish, relu6, selu, softmax, softplus, softsign, swish,
} from '../ops/activations.js';
import { exp, relu, sigmoid, tanh } from '../ops/unary.js';

/** An elementwise (or, for softmax, last-axis) function applied to a layer's output. */
export type ActivationFn = (x: Tensor) => Tensor;

/** What layers accept for `activation`: a Keras name (`'relu'`, `'leaky_relu'` or `'leakyRelu'`) or a registered function. */
export type ActivationIdentifier = string | ActivationFn;

/** The identity: the activation of a layer given none. */
const linear: ActivationFn = (x) => x;

const registry = new NameRegistry<ActivationFn>('activation');
const builtIn: [string, ActivationFn][] = [
  ['linear', linear],
  ['relu', relu],
  ['relu6', relu6],
  ['leaky_relu', (x) => leakyRelu(x)],
  ['elu', (x) => elu(x)],
  ['selu', selu],
  ['gelu', (x) => gelu(x)],
  ['sigmoid', sigmoid],
  ['hard_sigmoid', (x) => hardSigmoid(x)],
  // Keras 2's and TensorFlow.js's hard_sigmoid: files they wrote name it 'hard_sigmoid' and mean this one.
  ['legacy_hard_sigmoid', (x) => hardSigmoid(x, 5)],
  ['tanh', tanh],
  ['softmax', (x) => softmax(x)],
  ['log_softmax', (x) => logSoftmax(x)],
  ['softplus', softplus],
  ['softsign', softsign],
  ['silu', swish],
  ['swish', swish],
  ['mish', mish],
  ['exponential', exp],
];
for (const [name, fn] of builtIn) registry.register(name, fn);

/**
 * The activation function an identifier names; null or undefined give the identity ('linear').
 * Defaults are Keras's: leaky_relu has slope 0.2, elu alpha 1, gelu is exact, softmax is over the last axis.
 *
 * @example
 * getActivation('relu')(tensor([-1, 2])).arraySync(); // [0, 2]
 */
export function getActivation(identifier: ActivationIdentifier | null | undefined): ActivationFn {
  if (identifier === null || identifier === undefined) return linear;
  if (typeof identifier === 'function') return identifier;
  if (typeof identifier === 'string') return registry.get(identifier, 'getActivation');
  throw new ValueError(`getActivation: expected an activation name or function, got ${JSON.stringify(identifier)}.`);
}

/** The name an activation function is saved under; a function of your own must be registered first. */
export function serializeActivation(fn: ActivationFn): string {
  const name = registry.nameOf(fn);
  if (name === undefined) {
    throw new ValueError(
      `serializeActivation: the function '${fn.name || '(anonymous)'}' is not a registered activation; ` +
        `call registerActivation('${fn.name || 'myActivation'}', fn) so that configs can name it.`,
    );
  }
  return name;
}

/**
 * Makes `fn` available under `name` to `getActivation`, layer configs and saved models.
 *
 * @example
 * registerActivation('cube', (x) => mul(mul(x, x), x));
 * new Dense({ units: 4, activation: 'cube' });
 */
export function registerActivation(name: string, fn: ActivationFn): void {
  registry.register(name, fn);
}

/** Every registered activation name. */
export function activationNames(): string[] {
  return registry.names();
}

/** The built-in activations the fused ops apply themselves, by function. */
const fusable = new Map<ActivationFn, FusedActivation>([[linear, 'linear'], [relu, 'relu'], [relu6, 'relu6'], [sigmoid, 'sigmoid'], [tanh, 'tanh']]);

/**
 * The name under which the fused ops (`fused.matMul`, `fused.conv2d`) apply `fn`, when `fn` is one of the
 * built-in activations they know; undefined for any other function (a layer then applies it after the op).
 *
 * @example
 * fusedActivationOf(getActivation('relu')); // 'relu'
 * fusedActivationOf(getActivation('gelu')); // undefined
 */
export function fusedActivationOf(fn: ActivationFn): FusedActivation | undefined {
  return fusable.get(fn);
}
