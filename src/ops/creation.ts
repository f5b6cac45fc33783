/** Creating tensors: from JavaScript values, constant fills, ranges, identity matrices and seeded random draws. */
import { ENGINE } from '../core/engine.js';
import { allocArray, assertDType, dtypeOfArray, type DType, type TypedArray } from '../core/dtype.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../core/errors.js';
import { checkOptions, optionKeys } from '../core/options.js';
import { RandomGenerator, generatorFor } from '../core/random.js';
import { SESSION } from '../core/session.js';
import { assertValidShape, shapesEqual, sizeOf, type Shape } from '../core/shape.js';
import { Tensor, Variable, type NestedArray } from '../core/tensor.js';
import { checkFinite, checkFloatDType } from '../core/validate.js';

/** Values `tensor()` accepts: a number, nested arrays of numbers or booleans, or a typed array. */
export type TensorValues = NestedArray | ArrayBufferView;

function inferShape(values: NestedArray): number[] {
  const shape: number[] = [];
  let v: NestedArray = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0]!;
  }
  return shape;
}

function flatten(values: NestedArray, shape: readonly number[], out: (number | boolean)[], depth = 0): void {
  if (depth === shape.length) {
    if (Array.isArray(values)) throw new ShapeError(`tensor: the nested array is ragged: expected a number at depth ${depth}, found an array (inferred shape ${fmtShape(shape)}).`);
    out.push(values);
    return;
  }
  if (!Array.isArray(values) || values.length !== shape[depth]) {
    throw new ShapeError(
      `tensor: the nested array is ragged: at depth ${depth} expected an array of length ${shape[depth]}, ` +
        `found ${Array.isArray(values) ? `one of length ${values.length}` : `the value ${String(values)}`} (inferred shape ${fmtShape(shape)}).`,
    );
  }
  for (const v of values) flatten(v, shape, out, depth + 1);
}

/**
 * Makes a tensor from JavaScript values. The shape is inferred from nested arrays, or given
 * (a flat array or typed array is then laid out row-major). The dtype defaults to float32 for
 * numbers, bool for booleans, and the array's own type for typed arrays (bytes are uint8, other
 * integers int32).
 *
 * @example
 * tensor([[1, 2, 3], [4, 5, 6]]);          // float32 [2,3]
 * tensor([1, 2, 3, 4], [2, 2], 'int32');   // int32 [2,2]
 * tensor(new Float32Array(784), [28, 28]);
 */
export function tensor(values: TensorValues, shape?: Shape, dtype?: DType): Tensor {
  if (dtype !== undefined) assertDType('tensor', dtype);
  let flat: ArrayLike<number> | (number | boolean)[];
  let inferred: number[];
  let inferredDType: DType;
  if (ArrayBuffer.isView(values)) {
    const dt = dtypeOfArray(values);
    if (!dt) throw new DTypeError(`tensor: ${values.constructor.name} is not supported; use a Float32Array, Float64Array, Int32Array, Uint8Array or Uint8ClampedArray.`);
    flat = values as unknown as ArrayLike<number>;
    inferred = [flat.length];
    inferredDType = dt;
  } else {
    inferred = inferShape(values);
    const out: (number | boolean)[] = [];
    flatten(values, inferred, out);
    flat = out;
    inferredDType = typeof out[0] === 'boolean' ? 'bool' : 'float32';
  }
  const finalShape = shape ?? inferred;
  assertValidShape('tensor', finalShape);
  if (sizeOf(finalShape) !== flat.length) {
    throw new ShapeError(`tensor: ${flat.length} values cannot fill shape ${fmtShape(finalShape)}, which holds ${sizeOf(finalShape)}.`);
  }
  if (shape && !ArrayBuffer.isView(values) && inferred.length > 1 && !shapesEqual(shape, inferred)) {
    throw new ShapeError(`tensor: the nested array has shape ${fmtShape(inferred)} but shape ${fmtShape(shape)} was given; pass a flat array to reshape.`);
  }
  const finalDType = dtype ?? inferredDType;
  // A typed array goes to the backend as it is: its write converts while copying (bool needs 0/1, so it is converted here).
  if (ArrayBuffer.isView(values) && finalDType !== 'bool') return ENGINE.fromValues(values as TypedArray, finalShape, finalDType);
  const storage = allocArray(finalDType, flat.length);
  for (let i = 0; i < flat.length; i++) storage[i] = Number(flat[i]);
  return ENGINE.fromValues(storage, finalShape, finalDType);
}

/** A rank-0 tensor holding `value`. */
export function scalar(value: number | boolean, dtype?: DType): Tensor {
  return tensor(value, [], dtype);
}

/** A tensor of `shape` with every element equal to `value`. */
export function fill(shape: Shape, value: number, dtype: DType = 'float32'): Tensor {
  assertValidShape('fill', shape);
  assertDType('fill', dtype);
  const storage = allocArray(dtype, sizeOf(shape));
  storage.fill(value);
  return ENGINE.fromValues(storage, shape, dtype);
}

/** A tensor of zeros. */
export function zeros(shape: Shape, dtype: DType = 'float32'): Tensor {
  return fill(shape, 0, dtype);
}

/** A tensor of ones. */
export function ones(shape: Shape, dtype: DType = 'float32'): Tensor {
  return fill(shape, 1, dtype);
}

/** Zeros with the shape and dtype of `x`. */
export function zerosLike(x: Tensor): Tensor {
  return fill(x.shape, 0, x.dtype);
}

/** Ones with the shape and dtype of `x`. */
export function onesLike(x: Tensor): Tensor {
  return fill(x.shape, 1, x.dtype);
}

/**
 * The numbers `start, start + step, ...` below `stop` (above it for a negative step), as in
 * Python's `range`.
 *
 * @example
 * range(0, 5).arraySync();        // [0, 1, 2, 3, 4]
 * range(1, 0, -0.25).arraySync(); // [1, 0.75, 0.5, 0.25]
 */
export function range(start: number, stop: number, step = 1, dtype: DType = 'float32'): Tensor {
  if (step === 0 || !Number.isFinite(step)) throw new ValueError(`range: step must be a finite non-zero number, got ${step}.`);
  if (!Number.isFinite(start) || !Number.isFinite(stop)) throw new ValueError(`range: start and stop must be finite, got ${start} and ${stop}.`);
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const storage = allocArray(dtype, n);
  for (let i = 0; i < n; i++) storage[i] = start + i * step;
  return ENGINE.fromValues(storage, [n], dtype);
}

/**
 * An identity matrix with `numRows` rows (and `numColumns` columns, equal by default).
 *
 * @example
 * eye(2).arraySync(); // [[1, 0], [0, 1]]
 */
export function eye(numRows: number, numColumns = numRows, dtype: DType = 'float32'): Tensor {
  assertValidShape('eye', [numRows, numColumns]);
  const storage = allocArray(dtype, numRows * numColumns);
  for (let i = 0; i < Math.min(numRows, numColumns); i++) storage[i * numColumns + i] = 1;
  return ENGINE.fromValues(storage, [numRows, numColumns], dtype);
}

/**
 * Draws the values in JavaScript, as a host computation: inside `jit` the draw runs again at every call,
 * from the generator's state then, so that a replayed step gets fresh numbers as an eager one does.
 */
function randomTensor(op: string, shape: Shape, dtype: DType, seed: number | RandomGenerator | undefined, draw: (g: RandomGenerator) => number): Tensor {
  assertValidShape(op, shape);
  checkFloatDType(op, 'dtype', dtype);
  if (typeof seed === 'number') checkFinite(op, 'the seed', seed);
  const size = sizeOf(shape);
  return ENGINE.runHost(op, [], () => {
    const g = seed instanceof RandomGenerator ? new RandomGenerator(seed.nextUint32()) : generatorFor(seed);
    const values: TypedArray = allocArray(dtype, size);
    for (let i = 0; i < size; i++) values[i] = draw(g);
    return [{ values, shape, dtype }];
  }, false)[0]!;
}

/** Options shared by the random creation functions. */
export interface RandomArgs {
  /** Element type (float32 by default). */
  dtype?: DType;
  /**
   * A seed for this call only; without one the global generator (see `setSeed`) is used. A generator
   * instead gives each call (each run of a `jit` graph too) a seed drawn from it: what a layer that
   * draws a new mask per call passes.
   */
  seed?: number | RandomGenerator;
}

const RANDOM_KEYS = optionKeys<RandomArgs>({ dtype: true, seed: true });

/**
 * Samples from a normal distribution.
 *
 * @example
 * setSeed(0);
 * const w = randomNormal([784, 100], 0, 0.05);
 */
export function randomNormal(shape: Shape, mean = 0, stddev = 1, args: RandomArgs = {}): Tensor {
  checkOptions('randomNormal', args, RANDOM_KEYS);
  return randomTensor('randomNormal', shape, args.dtype ?? 'float32', args.seed, (g) => mean + stddev * g.normal());
}

/** Samples uniformly from [minval, maxval). */
export function randomUniform(shape: Shape, minval = 0, maxval = 1, args: RandomArgs = {}): Tensor {
  checkOptions('randomUniform', args, RANDOM_KEYS);
  if (!(maxval > minval)) throw new ValueError(`randomUniform: maxval (${maxval}) must be greater than minval (${minval}).`);
  return randomTensor('randomUniform', shape, args.dtype ?? 'float32', args.seed, (g) => minval + (maxval - minval) * g.uniform());
}

/**
 * Samples from a normal distribution, redrawing every value more than two standard deviations
 * from the mean (as TensorFlow's `truncated_normal` does).
 */
export function truncatedNormal(shape: Shape, mean = 0, stddev = 1, args: RandomArgs = {}): Tensor {
  checkOptions('truncatedNormal', args, RANDOM_KEYS);
  return randomTensor('truncatedNormal', shape, args.dtype ?? 'float32', args.seed, (g) => {
    let z: number;
    do z = g.normal();
    while (Math.abs(z) > 2);
    return mean + stddev * z;
  });
}

/** Options of `variable`. */
export interface VariableArgs {
  /** Name shown in errors and saved files (default `variable_<id>`). */
  name?: string;
  /** Whether optimizers train it (default true). */
  trainable?: boolean;
}

const VARIABLE_KEYS = optionKeys<VariableArgs>({ name: true, trainable: true });

/**
 * A mutable, trainable tensor holding `initial`'s value. Variables are never disposed by `tidy`.
 *
 * @example
 * const w = variable(randomNormal([2, 1]), { name: 'w' });
 */
export function variable(initial: Tensor, args: VariableArgs = {}): Variable {
  checkOptions('variable', args, VARIABLE_KEYS);
  return ENGINE.makeVariable(initial, args.name ?? `variable_${SESSION.variableCount++}`, args.trainable ?? true);
}
