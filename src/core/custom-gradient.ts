/**
 * Functions whose gradient is given rather than derived: `customGrad`, in TensorFlow.js's form, and
 * the recording it shares with ops defined by `defineOp`.
 */
import { ENGINE } from './engine.js';
import { ShapeError, ValueError, fmtShape } from './errors.js';
import { shapesEqual } from './shape.js';
import { Tensor } from './tensor.js';

/** Keeps tensors for the gradient function, which receives them as `saved`. */
export type GradSaveFunc = (tensors: Tensor[]) => void;

/** What the function given to `customGrad` returns: its value, and the gradient of each input given the value's. */
export interface CustomGradientResult {
  value: Tensor;
  /** One gradient per input, each of that input's shape (a single tensor for one input). */
  gradFunc: (dy: Tensor, saved: Tensor[]) => Tensor | Tensor[];
}

/**
 * The function given to `customGrad`: it is called with the inputs, then `save` as last argument, and is
 * written with its parameters typed, `(x: Tensor, save: GradSaveFunc) => ...` (any function of tensors and
 * a save function fits this type).
 */
export type CustomGradientFunc = (...args: never[]) => CustomGradientResult;

/**
 * `gradFunc`'s result as one gradient per input, checked: `name` (the op or `customGrad`) is named when
 * the count or a shape is wrong.
 */
export function checkedGradients(name: string, result: Tensor | Tensor[], inputs: readonly Tensor[]): Tensor[] {
  const gs = result instanceof Tensor ? [result] : result;
  if (!Array.isArray(gs) || gs.length !== inputs.length) {
    const got = Array.isArray(gs) ? `${gs.length}` : typeof gs;
    throw new ValueError(`${name}: the gradient function returned ${got} gradients for ${inputs.length} inputs; return one tensor per input, in order.`);
  }
  gs.forEach((g, i) => {
    if (!(g instanceof Tensor)) throw new ValueError(`${name}: gradient ${i} is not a Tensor (got ${g === null ? 'null' : typeof g}); return zerosLike(input) for an input that gets none.`);
    if (!shapesEqual(g.shape, inputs[i]!.shape)) {
      throw new ShapeError(`${name}: gradient ${i} has shape ${fmtShape(g.shape)} but input ${i} has shape ${fmtShape(inputs[i]!.shape)}; each gradient must have its input's shape.`);
    }
  });
  return gs;
}

/**
 * @internal Runs `f` and returns its value with `gradFunc` as its gradient, recorded under `name`.
 * f's own ops are recorded too: the tensors gradFunc uses may be computed from the inputs, and an
 * enclosing gradient must see how (second order). The value returned is a fresh view of f's value,
 * so only gradFunc's gradient reaches the inputs. f's intermediates are released unless a tape saved them.
 */
export function recordCustom(name: string, inputs: readonly Tensor[], f: (save: GradSaveFunc) => CustomGradientResult): Tensor {
  inputs.forEach((x, i) => {
    if (!(x instanceof Tensor)) throw new ValueError(`${name}: input ${i} is not a Tensor; wrap numbers and arrays with tensor().`);
    x.assertAlive(name);
  });
  return ENGINE.tidy(() => {
    let saved: Tensor[] = [];
    const result = f((tensors) => {
      if (!Array.isArray(tensors) || tensors.some((t) => !(t instanceof Tensor))) throw new ValueError(`${name}: save() takes an array of tensors.`);
      saved = [...tensors];
    });
    if (!result || !(result.value instanceof Tensor) || typeof result.gradFunc !== 'function') {
      throw new ValueError(`${name}: the function must return { value: Tensor, gradFunc: (dy, saved) => Tensor | Tensor[] }.`);
    }
    const { value, gradFunc } = result;
    const out = ENGINE.reshapeView(value, value.shape);
    ENGINE.recordOp(name, inputs, out, { saved, backward: (dy, s) => checkedGradients(name, gradFunc(dy, s), inputs) });
    return out;
  });
}

/**
 * Makes a function whose gradient is `gradFunc` instead of the one derived from its ops (TensorFlow.js's
 * `customGrad`). `f` receives the inputs and then `save`; it returns the value and `gradFunc(dy, saved)`,
 * which gives one gradient per input. gradFunc is built from ops, so it can be differentiated again.
 *
 * @example
 * // Straight-through rounding: the value is rounded, the gradient passes as if it were the identity.
 * const roundST = customGrad((x: Tensor) => ({ value: round(x), gradFunc: (dy) => dy }));
 * grad((x) => sum(roundST(x)))(tensor([0.4, 1.6])).arraySync(); // [1, 1]
 */
export function customGrad(f: CustomGradientFunc): (...inputs: Tensor[]) => Tensor {
  const run = f as (...args: (Tensor | GradSaveFunc)[]) => CustomGradientResult;
  return (...inputs) => recordCustom('customGrad', inputs, (save) => run(...inputs, save));
}
