/**
 * Fused ops (`fused.matMul`, `fused.conv2d`, `fused.biasActivation`), as TensorFlow.js names them: a product,
 * its bias and its activation as one op forward and one op backward, so that a Dense or Conv2D layer
 * records one tape entry and reads its output once for the bias and activation, and once for their gradients.
 */
import type { FusedActivation } from '../core/backend.js';
import { isFloat } from '../core/dtype.js';
import { ENGINE } from '../core/engine.js';
import { ShapeError, ValueError, fmtShape } from '../core/errors.js';
import { checkOptions, optionKeys } from '../core/options.js';
import type { Tensor } from '../core/tensor.js';
import { mul, sub } from './arithmetic.js';
import { conv2d as plainConv2d, conv2dOperands, convGradients, type Conv2DArgs } from './conv.js';
import { cast, toTensor } from './convert.js';
import { matMul as plainMatMul, matMulGradients, matMulOperands } from './linalg.js';
import { broadcastTo, reduceTo } from './sum-broadcast.js';
import type { PairLike, Padding } from './windows.js';

export type { FusedActivation } from '../core/backend.js';

const ACTIVATIONS: readonly FusedActivation[] = ['linear', 'relu', 'relu6', 'sigmoid', 'tanh'];

function checkActivation(op: string, activation: FusedActivation | undefined): FusedActivation {
  const act = activation ?? 'linear';
  if (!ACTIVATIONS.includes(act)) throw new ValueError(`${op}: activation must be one of ${ACTIVATIONS.join(', ')}, got ${JSON.stringify(activation)}; apply others after the op.`);
  return act;
}

/** The bias as a tensor of `dtype` and shape [channels], or null where none is given. */
function biasOperand(op: string, bias: Tensor | null | undefined, channels: number, dtype: Tensor['dtype']): Tensor | null {
  if (bias === undefined || bias === null) return null;
  const b = toTensor(op, 'bias', bias);
  if (b.rank !== 1 || b.shape[0] !== channels) throw new ShapeError(`${op}: bias must be [${channels}] (one value per output channel), got shape ${fmtShape(b.shape)}.`);
  return cast(b, dtype);
}

/**
 * The gradients of `activation(z + bias)` from its output `y`: dz = dy · activation'(y) and, where `withBias`,
 * the bias's, dz summed over all but the last axis, both from one kernel pass. Each is recorded as an op of
 * its own so that the gradient can be differentiated again: dz is bilinear in dy and activation'(y), whose
 * derivative in y is 0 for the piecewise-linear activations, -2y for tanh (1 - y²) and 1 - 2y for sigmoid (y - y²).
 */
function biasActivationGrad(dy: Tensor, y: Tensor, activation: FusedActivation, withBias: boolean): [Tensor, Tensor | null] {
  if (activation === 'linear') return [dy, withBias ? reduceTo(dy, [y.shape[y.rank - 1]!]) : null];
  const backend = ENGINE.backend;
  const [dzInfo, dBiasInfo] = backend.biasActivationGrad(dy, y, activation, withBias);
  const dz = ENGINE.makeTensor(dzInfo!);
  ENGINE.recordOp('biasActivationGrad', [dy, y], dz, {
    saved: [dy, y],
    backward: (g, [sdy, sy], needs) => [
      needs[0] ? biasActivationGrad(g, sy!, activation, false)[0] : null,
      needs[1] ? mul(mul(g, sdy!), activation === 'tanh' ? mul(sy!, -2) : activation === 'sigmoid' ? sub(1, mul(sy!, 2)) : 0) : null,
    ],
  });
  if (!dBiasInfo) return [dz, null];
  const dBias = ENGINE.makeTensor(dBiasInfo);
  ENGINE.recordOp('sum', [dz], dBias, { backward: (g) => [broadcastTo(g, dz.shape)] });
  return [dz, dBias];
}

/**
 * Records a fused op whose output is `activation(product + bias)`: the product's gradients come from
 * `productGradients` at dz, the bias's from the same pass as dz.
 */
function fusedOp(
  name: string, operands: [Tensor, Tensor], bias: Tensor | null, activation: FusedActivation,
  kernel: Parameters<typeof ENGINE.runOp>[2],
  productGradients: (dz: Tensor, a: Tensor, b: Tensor, needs: readonly boolean[]) => (Tensor | null)[],
): Tensor {
  const inputs = bias ? [...operands, bias] : operands;
  return ENGINE.runOp(name, inputs, kernel, {
    saved: operands,
    saveOutput: true,
    backward: (dy, [a, b, y], needs) => {
      const [dz, dBias] = biasActivationGrad(dy, y!, activation, bias !== null && needs[2] === true);
      const grads = productGradients(dz, a!, b!, needs);
      return bias ? [...grads, dBias] : grads;
    },
  });
}

/** Arguments of `fused.matMul`. */
export interface FusedMatMulArgs {
  /** [..., m, k] ([..., k, m] with `transposeA`). */
  a: Tensor;
  /** [..., k, n] ([..., n, k] with `transposeB`). */
  b: Tensor;
  transposeA?: boolean;
  transposeB?: boolean;
  /** [n], added to every row of the product (none by default). */
  bias?: Tensor | null;
  /** Applied last (default `'linear'`). */
  activation?: FusedActivation;
}

const MATMUL_KEYS = optionKeys<FusedMatMulArgs>({ a: true, b: true, transposeA: true, transposeB: true, bias: true, activation: true });

/**
 * `activation(matMul(a, b, transposeA, transposeB) + bias)` as one op, in float (integer operands in float32):
 * the result is [...batch, m, n], equal to the unfused ops' (rounded the same way); its gradient is one op
 * for dz and the bias, then the product's two (with neither bias nor activation, it is `matMul`). relu6's
 * slope at exactly 6 is 0 (TensorFlow's), not the composite's 1.
 *
 * @example
 * const y = fused.matMul({ a: x, b: kernel, bias, activation: 'relu' }); // [32, 784] · [784, 100] + [100] -> [32, 100]
 */
export function matMul(args: FusedMatMulArgs): Tensor {
  const op = 'fused.matMul';
  checkOptions(op, args, MATMUL_KEYS);
  const transposeA = args.transposeA ?? false;
  const transposeB = args.transposeB ?? false;
  const activation = checkActivation(op, args.activation);
  const { a, b, batchShape } = matMulOperands(op, args.a, args.b, transposeA, transposeB, true);
  const bias = biasOperand(op, args.bias, b.shape[transposeB ? b.rank - 2 : b.rank - 1]!, a.dtype);
  if (!bias && activation === 'linear') return plainMatMul(a, b, transposeA, transposeB);
  return fusedOp(
    'fusedMatMul', [a, b], bias, activation,
    (k) => k.fusedMatMul(a, b, transposeA, transposeB, batchShape, bias, activation),
    (dz, sa, sb, needs) => matMulGradients(dz, sa, sb, transposeA, transposeB, needs),
  );
}

/** Arguments of `fused.conv2d`. */
export interface FusedConv2DArgs {
  /** [batch, height, width, inChannels]. */
  x: Tensor;
  /** [filterHeight, filterWidth, inChannels / groups, outChannels]. */
  filter: Tensor;
  /** Steps between windows, one number or [height, width] (default 1). */
  strides?: PairLike;
  /** `'valid'` (default), `'same'`, or explicit [[top, bottom], [left, right]]. */
  pad?: Padding;
  /** Spacing between the filter's taps (default 1). */
  dilations?: PairLike;
  /** Splits the channels into this many independent blocks (default 1). */
  groups?: number;
  /** [outChannels], added to every output position (none by default). */
  bias?: Tensor | null;
  /** Applied last (default `'linear'`). */
  activation?: FusedActivation;
}

const CONV_KEYS = optionKeys<FusedConv2DArgs>({ x: true, filter: true, strides: true, pad: true, dilations: true, groups: true, bias: true, activation: true });

/**
 * `activation(conv2d(x, filter) + bias)` as one op, giving [batch, outHeight, outWidth, outChannels]; see
 * `conv2d` for the windows and `fused.matMul` for the bias, activation and gradient.
 *
 * @example
 * fused.conv2d({ x: images, filter, pad: 'same', bias, activation: 'relu' }); // [n, 28, 28, 1] * [3, 3, 1, 8] -> [n, 28, 28, 8]
 */
export function conv2d(args: FusedConv2DArgs): Tensor {
  const op = 'fused.conv2d';
  checkOptions(op, args, CONV_KEYS);
  const activation = checkActivation(op, args.activation);
  const convArgs: Conv2DArgs = { strides: args.strides, padding: args.pad, dilations: args.dilations, groups: args.groups };
  const { x, filter, geometry: g } = conv2dOperands(op, args.x, args.filter, convArgs);
  const bias = biasOperand(op, args.bias, filter.shape[3]!, x.dtype);
  if (!bias && activation === 'linear') return plainConv2d(x, filter, convArgs);
  return fusedOp(
    'fusedConv2d', [x, filter], bias, activation,
    (k) => k.fusedConv2d(x, filter, g.strides, g.pads, g.dilations, g.groups, bias, activation),
    (dz, sx, sf, needs) => convGradients(dz, sx, sf, g, needs),
  );
}

/** Arguments of `fused.biasActivation`. */
export interface BiasActivationArgs {
  /** [..., channels], in a float dtype. */
  x: Tensor;
  /** [channels] (none by default). */
  bias?: Tensor | null;
  /** Applied last (default `'linear'`). */
  activation?: FusedActivation;
}

const BIAS_KEYS = optionKeys<BiasActivationArgs>({ x: true, bias: true, activation: true });

/**
 * `activation(x + bias)`, the bias added along the last axis, as one op (one pass over x forward and one
 * backward): what a layer whose product is not fused applies to it.
 *
 * @example
 * fused.biasActivation({ x: tensor([[-1, 2]]), bias: tensor([0.5, 0.5]), activation: 'relu' }).arraySync(); // [[0, 2.5]]
 */
export function biasActivation(args: BiasActivationArgs): Tensor {
  const op = 'fused.biasActivation';
  checkOptions(op, args, BIAS_KEYS);
  const activation = checkActivation(op, args.activation);
  let x = toTensor(op, 'x', args.x);
  if (!isFloat(x.dtype)) x = cast(x, 'float32');
  if (x.rank === 0) throw new ShapeError(`${op}: x needs a channel axis, got a scalar.`);
  const input = x;
  const bias = biasOperand(op, args.bias, x.shape[x.rank - 1]!, x.dtype);
  if (!bias && activation === 'linear') return x;
  const inputs = bias ? [x, bias] : [x];
  return ENGINE.runOp('biasActivation', inputs, (k) => k.biasActivation(input, bias, activation), {
    saveOutput: true,
    backward: (dy, [y], needs) => {
      const [dz, dBias] = biasActivationGrad(dy, y!, activation, bias !== null && needs[1] === true);
      return bias ? [needs[0] ? dz : null, dBias] : [dz];
    },
  });
}
