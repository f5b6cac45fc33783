/**
 * Strata's activation functions as ONNX nodes (each as Strata defines it: leaky_relu's slope is
 * 0.2, hard_sigmoid is clip(x/6 + 0.5, 0, 1), gelu is the exact erf form), and the layers that
 * only apply one (Activation, LeakyReLU).
 */
import { derived, notExportable, single, asFloat, type Converter, type LayerEntry } from './converter.js';
import type { OnnxGraph } from './graph.js';

type Emit = (graph: OnnxGraph, scope: string, x: string) => string;

const unary = (opType: string, attributes = {}): Emit => (g, s, x) => g.op1(s, opType, [x], attributes);
const times = (f: Emit): Emit => (g, s, x) => g.op1(s, 'Mul', [x, f(g, s, x)]);

/** Keras's SELU constants, as Strata's selu uses them. */
const SELU = { alpha: 1.6732632423543772, gamma: 1.0507009873554805 };

const ACTIVATIONS: Record<string, Emit> = {
  linear: (_g, _s, x) => x,
  relu: unary('Relu'),
  relu6: (g, s, x) => g.op1(s, 'Clip', [x, g.scalar(0), g.scalar(6)]),
  leaky_relu: unary('LeakyRelu', { alpha: { float: 0.2 } }),
  elu: unary('Elu', { alpha: { float: 1 } }),
  selu: unary('Selu', { alpha: { float: SELU.alpha }, gamma: { float: SELU.gamma } }),
  // x/2 · (1 + erf(x/√2)): ONNX's Gelu op arrives only in opset 20.
  gelu: (g, s, x) => {
    const erf = g.op1(s, 'Erf', [g.op1(s, 'Mul', [x, g.scalar(Math.SQRT1_2)])]);
    return g.op1(s, 'Mul', [g.op1(s, 'Mul', [x, g.scalar(0.5)]), g.op1(s, 'Add', [erf, g.scalar(1)])]);
  },
  sigmoid: unary('Sigmoid'),
  hard_sigmoid: unary('HardSigmoid', { alpha: { float: 1 / 6 }, beta: { float: 0.5 } }),
  tanh: unary('Tanh'),
  softmax: unary('Softmax', { axis: { int: -1 } }),
  log_softmax: unary('LogSoftmax', { axis: { int: -1 } }),
  softplus: unary('Softplus'),
  softsign: unary('Softsign'),
  silu: times(unary('Sigmoid')),
  swish: times(unary('Sigmoid')),
  // x · tanh(softplus(x)): ONNX's Mish op arrives only in opset 18.
  mish: times((g, s, x) => g.op1(s, 'Tanh', [g.op1(s, 'Softplus', [x])])),
  exponential: unary('Exp'),
};

/** The ONNX name of `activation` (a name as configs save it), or the NotSupportedError naming `layer`. */
export function activationName(layer: LayerEntry, activation: unknown): string {
  const name = activation === null || activation === undefined ? 'linear' : String(activation);
  const key = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  if (!(key in ACTIVATIONS)) {
    throw notExportable(layer, `its activation '${name}' has no ONNX form (exportable: ${Object.keys(ACTIVATIONS).join(', ')})`);
  }
  return key;
}

/** Applies the activation `activation` (as the layer's config names it) to `x`; returns the result's name. */
export function activate(graph: OnnxGraph, layer: LayerEntry, x: string, activation: unknown): string {
  return ACTIVATIONS[activationName(layer, activation)]!(graph, layer.name, x);
}

/** The Activation layer. */
export const activationLayer: Converter = (call) => {
  const x = asFloat(call.graph, call.layer.name, single(call));
  return [derived(x, activate(call.graph, call.layer, x.name, call.layer.config['activation']), x.shape)];
};

/** The LeakyReLU layer: Keras 3 saves its slope as `negative_slope` (default 0.3), Keras 2 as `alpha`. */
export const leakyReluLayer: Converter = (call) => {
  const x = asFloat(call.graph, call.layer.name, single(call));
  const c = call.layer.config;
  const slope = Number(c['negativeSlope'] ?? c['alpha'] ?? 0.3);
  return [derived(x, call.graph.op1(call.layer.name, 'LeakyRelu', [x.name], { alpha: { float: slope } }), x.shape)];
};
