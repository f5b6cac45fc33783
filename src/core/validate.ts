/** Argument checks shared by ops, layers, optimizers, losses and metrics: each returns the value it checked or throws a typed error naming the caller, the argument, what was expected and what was given. */
import { type DType, isFloat } from './dtype.js';
import { DTypeError, ValueError } from './errors.js';
import { normalizeName } from './serialization.js';

/**
 * How a message prints a value it got: numbers as JavaScript writes them (`NaN`, `-1`), anything
 * else as JSON (`"causal"`, `[2,0]`, `null`), so a string is told apart from a number.
 *
 * @example
 * ```ts
 * fmtValue(NaN);      // 'NaN'
 * fmtValue('same');   // '"same"'
 * fmtValue([3, 0]);   // '[3,0]'
 * ```
 */
export function fmtValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint' || value === undefined) return String(value);
  if (typeof value === 'function') return `a function (${value.name || 'anonymous'})`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** `a`, `a or b`, `a, b or c`: a list as a sentence reads it. */
function listOr(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]!}`;
}

function fail(who: string, name: string, expected: string, value: unknown): never {
  throw new ValueError(`${who}: ${name} must be ${expected}, got ${fmtValue(value)}.`);
}

/**
 * An integer (any sign), such as an axis before it is resolved against a rank.
 *
 * @example
 * ```ts
 * const axis = checkInteger('Concatenate', 'axis', args.axis ?? -1);
 * ```
 */
export function checkInteger(who: string, name: string, value: unknown): number {
  if (!Number.isInteger(value)) fail(who, name, 'an integer', value);
  return value as number;
}

/**
 * An integer ≥ 1: a number of units, filters, classes, steps.
 *
 * @example
 * ```ts
 * checkPositiveInt("Layer 'dense' (Dense)", 'units', 0);
 * // ValueError: Layer 'dense' (Dense): units must be a positive integer, got 0.
 * ```
 */
export function checkPositiveInt(who: string, name: string, value: unknown): number {
  if (!(Number.isInteger(value) && (value as number) >= 1)) fail(who, name, 'a positive integer', value);
  return value as number;
}

/**
 * An integer ≥ 0: a count, an index, a padding.
 *
 * @example
 * ```ts
 * checkNonNegativeInt('Adam', 'iterations', 3); // 3
 * ```
 */
export function checkNonNegativeInt(who: string, name: string, value: unknown): number {
  if (!(Number.isInteger(value) && (value as number) >= 0)) fail(who, name, 'a non-negative integer', value);
  return value as number;
}

/**
 * A finite number (not NaN, not ±Infinity).
 *
 * @example
 * ```ts
 * checkFinite('Rescaling', 'scale', 1 / 255); // 0.00392...
 * ```
 */
export function checkFinite(who: string, name: string, value: unknown): number {
  if (!(typeof value === 'number' && Number.isFinite(value))) fail(who, name, 'a finite number', value);
  return value as number;
}

/**
 * A finite number > 0: a learning rate's decay steps, a Huber delta, a standard deviation.
 *
 * @example
 * ```ts
 * checkPositive('huber', 'delta', 0);
 * // ValueError: huber: delta must be a positive number, got 0.
 * ```
 */
export function checkPositive(who: string, name: string, value: unknown): number {
  if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) fail(who, name, 'a positive number', value);
  return value as number;
}

/**
 * A finite number ≥ 0: a regularization factor, a weight decay, an epsilon.
 *
 * @example
 * ```ts
 * checkNonNegative('L2 regularizer', 'l2', 0.01); // 0.01
 * ```
 */
export function checkNonNegative(who: string, name: string, value: unknown): number {
  if (!(typeof value === 'number' && Number.isFinite(value) && value >= 0)) fail(who, name, 'a non-negative number', value);
  return value as number;
}

/**
 * A finite number at least `min` (when given), for bounds that are not 0.
 *
 * @example
 * ```ts
 * checkAtLeast("Layer 'r' (ReLU)", 'maxValue', null, 0);
 * // ValueError: Layer 'r' (ReLU): maxValue must be a finite number >= 0, got null.
 * ```
 */
export function checkAtLeast(who: string, name: string, value: unknown, min?: number): number {
  if (!(typeof value === 'number' && Number.isFinite(value) && (min === undefined || value >= min))) {
    fail(who, name, `a finite number${min === undefined ? '' : ` >= ${min}`}`, value);
  }
  return value as number;
}

/**
 * A number in the interval `[min, max]`; `open` excludes the ends it names, written as the
 * message prints the interval: `'[)'` for a dropout rate in [0, 1), `'()'` for a factor in (0, 1).
 *
 * @example
 * ```ts
 * checkInterval("Layer 'dropout' (Dropout)", 'rate', 1, 0, 1, '[)');
 * // ValueError: Layer 'dropout' (Dropout): rate must be in [0, 1), got 1.
 * ```
 */
export function checkInterval(who: string, name: string, value: unknown, min: number, max: number, ends: '[]' | '[)' | '(]' | '()' = '[]'): number {
  const v = value as number;
  const aboveMin = ends[0] === '[' ? v >= min : v > min;
  const belowMax = ends[1] === ']' ? v <= max : v < max;
  if (!(typeof value === 'number' && aboveMin && belowMax)) fail(who, name, `in ${ends[0]}${min}, ${max}${ends[1]}`, value);
  return v;
}

/**
 * A seed: a finite number, or `null`/`undefined` for "draw one from the global generator".
 *
 * @example
 * ```ts
 * checkSeed('RandomNormal initializer', 'seed', args.seed); // the seed, or null
 * ```
 */
export function checkSeed(who: string, name: string, value: unknown): number | null {
  return value === undefined || value === null ? null : checkFinite(who, name, value);
}

/**
 * A size given once for every axis or once per axis (a kernel size, strides): `count` positive
 * integers.
 *
 * @example
 * ```ts
 * checkPositiveInts('Conv2D', 'kernelSize', 3, 2);      // [3, 3]
 * checkPositiveInts('Conv2D', 'kernelSize', [3, 5], 2); // [3, 5]
 * ```
 */
export function checkPositiveInts(who: string, name: string, value: number | readonly number[], count: number): number[] {
  const list = typeof value === 'number' ? new Array<number>(count).fill(value) : Array.isArray(value) ? [...value] : [];
  if (list.length !== count || list.some((v) => !Number.isInteger(v) || v < 1)) {
    fail(who, name, `a positive integer or ${count} of them`, value);
  }
  return list;
}

/**
 * One of a fixed set of strings (a padding mode, a data format, a merge mode).
 *
 * @example
 * ```ts
 * checkChoice('Conv2D', 'padding', 'causal', ['valid', 'same']);
 * // ValueError: Conv2D: padding must be 'valid' or 'same', got "causal".
 * ```
 */
export function checkChoice<T extends string | null>(who: string, name: string, value: unknown, choices: readonly T[]): T {
  if (!choices.includes(value as T)) fail(who, name, listOr(choices.map((c) => (c === null ? 'null' : `'${c}'`))), value);
  return value as T;
}

/**
 * A boolean flag.
 *
 * @example
 * ```ts
 * checkBoolean('GlobalAveragePooling2D', 'keepdims', true); // true
 * ```
 */
export function checkBoolean(who: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') fail(who, name, 'a boolean', value);
  return value;
}

/**
 * A float dtype (float32 or float64), for ops and initializers that compute in floats.
 *
 * @example
 * ```ts
 * checkFloatDType('softmaxCrossEntropy', 'logits', 'int32');
 * // DTypeError: softmaxCrossEntropy: logits must be float32 or float64, got int32.
 * ```
 */
export function checkFloatDType(who: string, name: string, dtype: DType): DType {
  if (!isFloat(dtype)) throw new DTypeError(`${who}: ${name} must be float32 or float64, got ${dtype}.`);
  return dtype;
}

/**
 * One of a fixed set of names, spelled either way (camelCase or Keras's snake_case, any case);
 * returns the canonical spelling.
 *
 * @example
 * ```ts
 * checkSpelledChoice('VarianceScaling initializer', 'mode', 'fan_avg', ['fanIn', 'fanOut', 'fanAvg']); // 'fanAvg'
 * ```
 */
export function checkSpelledChoice<T extends string>(who: string, name: string, value: string, choices: readonly T[]): T {
  return choices.find((c) => normalizeName(c) === normalizeName(value)) ?? checkChoice(who, name, value, choices);
}
