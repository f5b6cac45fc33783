/**
 * Reverse-mode automatic differentiation: record the ops a function runs on a tape, then walk
 * the tape backwards. The functional API (`grad`, `valueAndGrad`, ...) and `variableGrads`, which
 * layers and optimizers use, all come down to `gradientsOf` below. They nest to any depth:
 * `grad(grad(f))`, Hessian-vector products, a gradient penalty inside `variableGrads`.
 */
import { allocArray, isFloat } from './dtype.js';
import { ENGINE, Tape } from './engine.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from './errors.js';
import { shapesEqual } from './shape.js';
import { Tensor, type Variable } from './tensor.js';

function filled(like: Tensor, value: number): Tensor {
  const values = allocArray(like.dtype, like.size);
  values.fill(value);
  return ENGINE.fromValues(values, like.shape, like.dtype);
}

/** The sum of two gradients of one shape; recorded (d(a + b) = da + db) so that gradients can be differentiated again. */
function addGrads(a: Tensor, b: Tensor): Tensor {
  return ENGINE.runOp('add', [a, b], (backend) => backend.binary(a, b, 'add', a.shape, a.dtype), { backward: (dy) => [dy, dy] });
}

function checkSources(op: string, sources: readonly Tensor[]): void {
  sources.forEach((x, i) => {
    if (!(x instanceof Tensor)) throw new ValueError(`${op}: argument ${i} is not a Tensor; wrap numbers and arrays with tensor().`);
    x.assertAlive(op);
    if (!isFloat(x.dtype)) {
      throw new DTypeError(`${op}: cannot differentiate with respect to argument ${i}, a ${x.dtype} tensor; gradients exist only for float tensors (cast it to float32).`);
    }
  });
}

/**
 * Runs `f` while recording, then returns its value and the gradients of `sum(value * dy)` with
 * respect to `sources` (zeros for sources the value does not depend on). Every intermediate is
 * released before returning, except those an enclosing gradient computation saved (they live until
 * its scope ends); the value and the gradients belong to the caller's scope.
 */
function gradientsOf(op: string, f: () => Tensor, sources: readonly Tensor[], dy?: Tensor): { value: Tensor; grads: Tensor[] } {
  checkSources(op, sources);
  return ENGINE.tidy(() => {
    const tape = new Tape();
    for (const s of sources) tape.watched.add(s.id);
    const value = ENGINE.record(tape, f);
    if (!(value instanceof Tensor)) throw new ValueError(`${op}: the function must return a Tensor, but it returned ${typeof value}.`);
    if (dy === undefined && value.size !== 1) {
      throw new ShapeError(`${op}: the function must return a scalar (one element) when no output gradient dy is given, but it returned shape ${fmtShape(value.shape)}. Reduce it, e.g. with mean() or sum().`);
    }
    if (dy !== undefined && !shapesEqual(dy.shape, value.shape)) {
      throw new ShapeError(`${op}: dy has shape ${fmtShape(dy.shape)} but the function's value has shape ${fmtShape(value.shape)}; they must be equal.`);
    }
    const grads = backprop(tape, value, dy ?? filled(value, 1));
    return { value, grads: sources.map((s) => grads.get(s.id) ?? filled(s, 0)) };
  });
}

/**
 * Walks `tape` backwards from `y`. The tape is closed by now, so the backward ops do not record on
 * it; they do record on the tapes still open (those of enclosing gradient computations), which is
 * what makes grad(grad(f)) work: to an outer tape, a gradient is one more function of its sources.
 * With no outer tape (training), nothing is recorded and backprop costs what it always did.
 */
function backprop(tape: Tape, y: Tensor, dy: Tensor): Map<number, Tensor> {
  const grads = new Map<number, Tensor>([[y.id, dy]]);
  for (let i = tape.nodes.length - 1; i >= 0; i--) {
    const node = tape.nodes[i]!;
    const g = grads.get(node.output.id);
    if (!g) continue;
    const needs = node.inputs.map((x) => tape.watched.has(x.id) && isFloat(x.dtype));
    const inputGrads = node.backward(g, node.saved, needs);
    node.inputs.forEach((x, j) => {
      const gx = inputGrads[j];
      if (!gx || !needs[j]) return;
      if (!shapesEqual(gx.shape, x.shape)) {
        throw new ShapeError(`internal: the gradient of ${node.name} for input ${j} has shape ${fmtShape(gx.shape)}, expected ${fmtShape(x.shape)}`);
      }
      const prev = grads.get(x.id);
      grads.set(x.id, prev ? addGrads(prev, gx) : gx);
    });
  }
  return grads;
}

/** Disposes a gradient function's value unless an enclosing gradient computation saved it for its own backward pass. */
function release(value: Tensor): void {
  if (!ENGINE.isSavedForBackward(value)) value.dispose();
}

/**
 * The gradient function of a function of one tensor with a scalar value.
 *
 * @example
 * const df = grad((x) => sum(square(x)));
 * df(tensor([1, 2, 3])).arraySync(); // [2, 4, 6]
 * // Gradients are differentiable: the second derivative of x³ at 2 is 6 · 2.
 * grad(grad((x) => pow(x, 3)))(tensor(2)).item(); // 12
 */
export function grad(f: (x: Tensor) => Tensor): (x: Tensor, dy?: Tensor) => Tensor {
  return (x, dy) => {
    const { value, grads } = gradientsOf('grad', () => f(x), [x], dy);
    release(value);
    return grads[0]!;
  };
}

/**
 * The gradient function of a function of several tensors: returns one gradient per argument.
 *
 * @example
 * const [da, db] = grads((a, b) => sum(mul(a, b)))([tensor([1, 2]), tensor([3, 4])]);
 */
export function grads(f: (...xs: Tensor[]) => Tensor): (xs: Tensor[], dy?: Tensor) => Tensor[] {
  return (xs, dy) => {
    const { value, grads: gs } = gradientsOf('grads', () => f(...xs), xs, dy);
    release(value);
    return gs;
  };
}

/**
 * Like `grad`, but also returns the function's value.
 *
 * @example
 * const { value, grad: g } = valueAndGrad((x) => sum(square(x)))(tensor([3])); // 9, [6]
 */
export function valueAndGrad(f: (x: Tensor) => Tensor): (x: Tensor, dy?: Tensor) => { value: Tensor; grad: Tensor } {
  return (x, dy) => {
    const { value, grads: gs } = gradientsOf('valueAndGrad', () => f(x), [x], dy);
    return { value, grad: gs[0]! };
  };
}

/** Like `grads`, but also returns the function's value. */
export function valueAndGrads(f: (...xs: Tensor[]) => Tensor): (xs: Tensor[], dy?: Tensor) => { value: Tensor; grads: Tensor[] } {
  return (xs, dy) => gradientsOf('valueAndGrads', () => f(...xs), xs, dy);
}

/**
 * The primitive layers and optimizers use: runs `f` (a scalar loss) and returns its value and
 * its gradients with respect to `variables`, in the same order.
 *
 * @example
 * const w = variable(tensor([1, 2]));
 * const { value, grads } = variableGrads(() => sum(square(w)), [w]); // grads[0] = [2, 4]
 */
export function variableGrads(f: () => Tensor, variables: readonly Variable[]): { value: Tensor; grads: Tensor[] } {
  return gradientsOf('variableGrads', f, variables);
}
