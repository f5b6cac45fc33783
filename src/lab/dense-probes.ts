/**
 * A look inside a stack of layers on one batch: the norm of the loss's gradient with respect to each
 * Dense layer's kernel (where gradients vanish), and what each Dense layer outputs (saturation,
 * sparsity). The stack is called layer by layer, so no second model is built to expose the insides.
 */
import { variableGrads } from '../core/gradients.js';
import { tidy } from '../core/memory.js';
import type { Tensor } from '../core/tensor.js';
import { Dense } from '../layers/dense.js';
import { sparseCategoricalCrossentropy } from '../losses/categorical-crossentropy.js';
import type { Sequential } from '../models/sequential.js';
import { mean } from '../ops/reduction.js';

/** The L2 norm of a tensor's values, read on the host (gradients of a small network are small). */
function l2Norm(t: Tensor): number {
  const values = t.dataSync() as ArrayLike<number>;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]! * values[i]!;
  return Math.sqrt(sum);
}

/**
 * ‖∂L/∂W‖ for the kernel W of each Dense layer of `model`, first layer first, where L is the mean
 * sparse categorical cross-entropy of `model` on images `x` and class ids `y`. The model must be built.
 *
 * @example
 * kernelGradientNorms(model, xBatch, yBatch); // [2.1e-6, ..., 0.64] for a deep sigmoid network
 */
export function kernelGradientNorms(model: Sequential, x: Tensor, y: Tensor): number[] {
  const kernels = model.layers.filter((layer): layer is Dense => layer instanceof Dense).map((layer) => layer.kernel!);
  return tidy(() => {
    const { grads } = variableGrads(() => mean(sparseCategoricalCrossentropy(y, model.apply(x) as Tensor)), kernels);
    return grads.map(l2Norm);
  }) as number[];
}

/**
 * The outputs (after the activation) of each Dense layer of `model` on `x`, first layer first, as
 * flat arrays of `batch · units` values.
 *
 * @example
 * const [first] = denseOutputs(model, xBatch);
 * first.filter((v) => v === 0).length / first.length; // the share of the first layer's ReLUs that are off
 */
export function denseOutputs(model: Sequential, x: Tensor): Float32Array[] {
  const outputs: Float32Array[] = [];
  tidy(() => {
    let h = x;
    for (const layer of model.layers) {
      h = layer.apply(h) as Tensor;
      if (layer instanceof Dense) outputs.push(Float32Array.from(h.dataSync() as ArrayLike<number>));
    }
  });
  return outputs;
}
