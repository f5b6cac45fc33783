/** Runs optimizers on a tiny fixed problem and computes the expected values by hand, element by element. */
import { dispose, tensor, tidy, variable, type Variable } from '../../src/index.js';
import type { Optimizer } from '../../src/optimizers/index.js';

/** The starting weights of every optimizer test. */
export const W0 = [1, -2, 3];
/** The gradients of the first and the second update. */
export const GRADS = [
  [0.5, -1, 2],
  [-0.3, 0.2, 1.5],
];

/** Applies `grads` (one array per update) to a float32 variable starting at `w0`; returns the weights after each update. */
export function runSteps(opt: Optimizer, grads: number[][] = GRADS, w0: number[] = W0, name = 'w'): number[][] {
  const w: Variable = variable(tensor(w0), { name });
  const after = grads.map((g) => {
    tidy(() => opt.applyGradients([[tensor(g), w]]));
    return Array.from(w.dataSync());
  });
  dispose(w);
  opt.dispose();
  return after;
}

/**
 * The weights after each update by a reference rule: `step(w, g, state, t)` updates one element
 * in plain arithmetic (state starts as `init()` per element) and returns the new weight.
 */
export function expectedSteps<S>(init: () => S, step: (w: number, g: number, s: S, t: number) => number, grads: number[][] = GRADS, w0: number[] = W0): number[][] {
  const w = [...w0];
  const states = w0.map(init);
  return grads.map((g, k) => {
    for (let i = 0; i < w.length; i++) w[i] = step(w[i]!, g[i]!, states[i]!, k + 1);
    return [...w];
  });
}
