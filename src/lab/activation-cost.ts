/**
 * What an activation costs on the machine at hand: nanoseconds per element of its forward pass and
 * of its gradient, timed on one large tensor on the active backend.
 */
import { grad } from '../core/gradients.js';
import { tidy } from '../core/memory.js';
import type { Tensor } from '../core/tensor.js';
import { randomNormal } from '../ops/creation.js';

/** How to time an activation. */
export interface ActivationCostArgs {
  /** Elements of the tensor it runs on (default 2¹⁹: large enough that per-op overhead is noise). */
  size?: number;
  /** Timed runs; the median is kept (default 9). */
  trials?: number;
  /** Untimed runs first, so that kernels are compiled and memory is allocated (default 2). */
  warmup?: number;
}

/**
 * The cost of an activation per element, in nanoseconds (medians over the trials). A type rather
 * than an interface, so that it is a JSON value a lab report can carry as it is.
 */
export type ActivationCost = {
  /** The forward pass, y = f(x). */
  forwardNs: number;
  /** The forward and backward passes together, what a training step pays: x ↦ f′(x)·dy. */
  totalNs: number;
  /** The backward pass alone: the median of `total − forward` over the paired trials. */
  gradientNs: number;
};

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Milliseconds `run` takes. */
function timeMs(run: () => void): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

/**
 * Times `activation` and its gradient on a standard normal tensor (half its elements negative, so a
 * ReLU takes both branches equally). Ops run eagerly, so each timed call has finished when it returns.
 * The forward and the forward-and-backward runs alternate, so that a machine busy with other work
 * slows both alike, and the gradient's cost is the median of their paired differences.
 *
 * @example
 * const { forwardNs, totalNs } = activationCost(relu, { size: 1 << 20, trials: 5 });
 */
export function activationCost(activation: (x: Tensor) => Tensor, args: ActivationCostArgs = {}): ActivationCost {
  const { size = 1 << 19, trials = 9, warmup = 2 } = args;
  const forward: number[] = [];
  const total: number[] = [];
  tidy(() => {
    const x = randomNormal([size]);
    const dy = randomNormal([size]);
    const backward = grad(activation);
    for (let i = 0; i < warmup + trials; i++) {
      const times = [timeMs(() => activation(x).dispose()), timeMs(() => backward(x, dy).dispose())];
      if (i < warmup) continue;
      forward.push(times[0]!);
      total.push(times[1]!);
    }
  });
  const perElement = (ms: number): number => (ms * 1e6) / size;
  return {
    forwardNs: perElement(median(forward)),
    totalNs: perElement(median(total)),
    gradientNs: perElement(median(total.map((t, i) => t - forward[i]!))),
  };
}
