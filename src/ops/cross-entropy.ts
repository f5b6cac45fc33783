/**
 * Softmax cross-entropy as one primitive: the loss of logits against labels and its gradient each in
 * one pass, instead of the dozen small ops (shift, exp, sum, log, one-hot, product, sum) of the composite.
 */
import { isFloat } from '../core/dtype.js';
import { ENGINE } from '../core/engine.js';
import { ShapeError, fmtShape } from '../core/errors.js';
import { shapesEqual } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { checkFloatDType } from '../core/validate.js';
import { logSoftmax, softmax } from './activations.js';
import { mul, neg, sub } from './arithmetic.js';
import { cast, toTensor } from './convert.js';
import { expandDims } from './shape.js';
import { oneHot } from './slicing.js';
import { sum } from './sum-broadcast.js';

/**
 * Cross-entropy of `softmax(logits)` along the last axis against `labels`, one value per sample
 * ([...batch]): `-sum(t · logSoftmax(logits))`. `labels` are int32 class ids of shape [...batch], or
 * probabilities (one-hot rows) of the logits' shape [...batch, classes]. Stable for large logits; the
 * gradient with respect to the logits is `softmax(logits) · sum(t) - t`.
 *
 * @example
 * softmaxCrossEntropy(tensor([0], [1], 'int32'), tensor([[2, 0]])).arraySync(); // [0.1269...] = log(1 + e^-2)
 */
export function softmaxCrossEntropy(labels: Tensor, logits: Tensor): Tensor {
  const op = 'softmaxCrossEntropy';
  const z = toTensor(op, 'logits', logits);
  let t = toTensor(op, 'labels', labels);
  checkFloatDType(op, 'logits', z.dtype);
  if (z.rank === 0) throw new ShapeError(`${op}: logits need a class axis, got a scalar.`);
  const batch = z.shape.slice(0, -1);
  if (isFloat(t.dtype) || t.dtype === 'bool') {
    if (!shapesEqual(t.shape, z.shape)) throw new ShapeError(`${op}: probability labels must have the logits' shape ${fmtShape(z.shape)}, got ${fmtShape(t.shape)}; class ids must be int32 of shape ${fmtShape(batch)}.`);
    if (t.dtype !== z.dtype) t = cast(t, z.dtype);
  } else if (!shapesEqual(t.shape, batch)) {
    throw new ShapeError(`${op}: int32 class ids must have the logits' shape without the class axis, ${fmtShape(batch)}, got ${fmtShape(t.shape)}.`);
  }
  const dense = t.dtype !== 'int32';
  const target = t;
  return ENGINE.runOp(op, [target, z], (k) => k.softmaxCrossEntropy(z, target), {
    saved: [target, z],
    backward: (dy, [st, sz], needs) => [
      // d/dt = -logSoftmax(z): labels given as probabilities can be learned too.
      needs[0] && dense ? neg(mul(logSoftmax(sz!), expandDims(dy, -1))) : null,
      needs[1] ? crossEntropyGrad(sz!, st!, dy, dense) : null,
    ],
  });
}

/**
 * The gradient with respect to the logits, G = (s · T - p) · dy in one pass, where s = softmax(z), p the label
 * probabilities (one-hot rows for class ids) and T = Σ p along the classes. Its own gradients, from g:
 * for z, softmax's Jacobian s ⊙ (v - Σ v s) applied to v = g · T · dy; for p, dy · (Σ g s - g); for dy, Σ g · (s T - p).
 */
function crossEntropyGrad(z: Tensor, t: Tensor, dy: Tensor, dense: boolean): Tensor {
  return ENGINE.runOp('softmaxCrossEntropyGrad', [z, t, dy], (k) => k.softmaxCrossEntropyGrad(z, t, dy), {
    saved: [z, t, dy],
    backward: (g, [sz, st, sdy], needs) => {
      const s = softmax(sz!);
      const p = dense ? st! : cast(oneHot(st!, sz!.shape[sz!.rank - 1]!), sz!.dtype);
      const total = sum(p, -1, true);
      const d = expandDims(sdy!, -1);
      const v = mul(g, mul(total, d));
      return [
        needs[0] ? mul(s, sub(v, sum(mul(v, s), -1, true))) : null,
        needs[1] ? mul(d, sub(sum(mul(g, s), -1, true), g)) : null,
        needs[2] ? sum(mul(g, sub(mul(s, total), p)), -1) : null,
      ];
    },
  });
}
