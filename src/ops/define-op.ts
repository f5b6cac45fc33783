/**
 * `defineOp`: a new op from outside the engine, with its forward pass (a composite of ops), an optional
 * gradient and optional kernels per backend, which see plain typed arrays so that they run on any backend.
 */
import { checkedGradients, recordCustom } from '../core/custom-gradient.js';
import { allocArray, assertDType, type DType, type TypedArray } from '../core/dtype.js';
import { ENGINE, type GradientSpec } from '../core/engine.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../core/errors.js';
import { grads } from '../core/gradients.js';
import { sizeOf } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { toTensor } from './convert.js';

/** A tensor's contents as a kernel sees them, and what a kernel returns. */
export interface KernelTensor {
  values: TypedArray;
  shape: readonly number[];
  dtype: DType;
}

/** A kernel of a defined op: the inputs' values in, the output's values out (the inputs must not be changed). */
export type OpKernel = (inputs: KernelTensor[]) => KernelTensor;

/** What `defineOp` takes. */
export interface OpDefinition {
  /** The op's name, unique among defined ops; errors and the tape use it. */
  name: string;
  /** The op as a composite of ops: run where no kernel is given for the current backend, and the reference for the kernels. */
  forward: (...inputs: Tensor[]) => Tensor;
  /**
   * The inputs' gradients from the output's gradient `dy` (one per input, each of its input's shape), built
   * from ops so that they can be differentiated again. Without it, the gradient is forward's own.
   */
  gradient?: (dy: Tensor, inputs: Tensor[], output: Tensor) => Tensor | Tensor[];
  /** Kernels by backend name (`cpu`, `wasm`, ...); other backends run `forward`. */
  kernels?: Readonly<Record<string, OpKernel>>;
}

/** The names taken by `defineOp`, so that two ops cannot share one. */
const definedNames = new Set<string>();

/** Reads a kernel's result as a tensor's storage on `backend`, naming the op and backend when it is malformed. */
function kernelOutput(name: string, backendName: string, out: KernelTensor): KernelTensor {
  const where = `${name}: the ${backendName} kernel`;
  if (!out || typeof out !== 'object' || !ArrayBuffer.isView(out.values) || !Array.isArray(out.shape)) {
    throw new ValueError(`${where} must return { values, shape, dtype } with values a typed array and shape an array.`);
  }
  assertDType(where, out.dtype);
  if (out.shape.some((d) => !Number.isInteger(d) || d < 0)) throw new ShapeError(`${where} returned shape ${fmtShape(out.shape)}; dimensions must be non-negative integers.`);
  if (out.values.length !== sizeOf(out.shape)) {
    throw new ShapeError(`${where} returned ${out.values.length} values for shape ${fmtShape(out.shape)} (${sizeOf(out.shape)} elements).`);
  }
  if (out.values.constructor !== allocArray(out.dtype, 0).constructor) {
    throw new DTypeError(`${where} returned a ${out.values.constructor.name} for dtype ${out.dtype}; use a ${allocArray(out.dtype, 0).constructor.name}.`);
  }
  return out;
}

/** The gradient of a kernel-run op: the definition's, or else forward's own, taken at the saved inputs. */
function kernelGradient(def: OpDefinition, inputs: readonly Tensor[]): GradientSpec {
  return {
    saved: [...inputs],
    saveOutput: true,
    backward: (dy, saved, needs) => {
      const xs = saved.slice(0, inputs.length);
      if (def.gradient) return checkedGradients(def.name, def.gradient(dy, xs, saved[inputs.length]!), xs);
      const wanted = xs.flatMap((_, i) => (needs[i] ? [i] : []));
      const gs = grads((...picked) => def.forward(...xs.map((x, i) => (needs[i] ? picked[wanted.indexOf(i)]! : x))))(wanted.map((i) => xs[i]!), dy);
      return xs.map((_, i) => (needs[i] ? gs[wanted.indexOf(i)]! : null));
    },
  };
}

/**
 * Defines a new op without editing the engine, and returns it. Where `kernels` has one for the current
 * backend it computes the output from the inputs' typed arrays; elsewhere `forward` runs. The gradient is
 * `gradient` when given, else forward's. Two definitions with one name are refused.
 *
 * @example
 * const cube = defineOp({
 *   name: 'cube',
 *   forward: (x) => mul(mul(x, x), x),
 *   gradient: (dy, [x]) => mul(dy, mul(square(x!), 3)),
 *   kernels: { cpu: ([x]) => ({ values: x!.values.map((v) => v ** 3), shape: x!.shape, dtype: x!.dtype }) },
 * });
 * cube(tensor([1, 2])).arraySync(); // [1, 8]
 */
export function defineOp(def: OpDefinition): (...inputs: Tensor[]) => Tensor {
  const name = def?.name;
  if (typeof name !== 'string' || name === '') throw new ValueError('defineOp: the definition needs a name (a non-empty string).');
  if (typeof def.forward !== 'function') throw new ValueError(`defineOp: op '${name}' needs a forward function (a composite of ops).`);
  if (def.gradient !== undefined && typeof def.gradient !== 'function') throw new ValueError(`defineOp: op '${name}': gradient must be a function (dy, inputs, output) => gradients.`);
  for (const [backend, kernel] of Object.entries(def.kernels ?? {})) {
    if (typeof kernel !== 'function') throw new ValueError(`defineOp: op '${name}': the ${backend} kernel must be a function.`);
  }
  if (definedNames.has(name)) throw new ValueError(`defineOp: an op named '${name}' is already defined; give this one another name.`);
  definedNames.add(name);
  return (...args) => {
    const inputs = args.map((x, i) => toTensor(name, `inputs[${i}]`, x));
    const backend = ENGINE.backend;
    const kernel = def.kernels?.[backend.name];
    if (kernel) {
      // A host computation, so that inside `jit` the kernel runs again at every call on that call's inputs.
      const [out] = ENGINE.runHost(name, inputs, (xs) => [kernelOutput(name, backend.name, kernel(xs))], true);
      ENGINE.recordOp(name, inputs, out!, kernelGradient(def, inputs));
      return out!;
    }
    const gradient = def.gradient;
    if (!gradient) return def.forward(...inputs);
    return recordCustom(name, inputs, (save) => {
      const value = def.forward(...inputs);
      save([...inputs, value]);
      return { value, gradFunc: (dy, saved) => gradient(dy, saved.slice(0, inputs.length), saved[inputs.length]!) };
    });
  };
}
