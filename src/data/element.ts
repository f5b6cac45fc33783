/** What a dataset yields: tensors, string tensors, numbers and strings, nested in arrays and objects; and who frees them. */
import { StringTensor } from '../core/string-tensor.js';
import { Tensor } from '../core/tensor.js';

/**
 * One element of a dataset: a tensor, a string tensor, a number or a string, or arrays and plain
 * objects of elements (`[x, y]`, `{ image, label }`).
 *
 * @example
 * const e: Element = { features: tensor([1, 2]), label: 3, name: 'a' };
 */
export type Element = Tensor | StringTensor | number | string | readonly Element[] | { readonly [key: string]: Element };

/**
 * The type of a batch of elements of type `T`: numbers and tensors become tensors with a leading
 * batch axis, strings and string tensors become string tensors, arrays and objects keep their
 * structure.
 *
 * @example
 * type B = Batched<{ x: Tensor; label: number; name: string }>; // { x: Tensor; label: Tensor; name: StringTensor }
 */
export type Batched<T> = Element extends T
  ? Element // An element of any structure batches to one of any structure (and the recursion ends).
  : T extends Tensor | number
  ? Tensor
  : T extends StringTensor | string
    ? StringTensor
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: Batched<T[K]> }
      : { -readonly [K in keyof T]: Batched<T[K]> };

/** True for a plain object of elements (not a tensor, not an array). */
export function isRecord(e: unknown): e is { readonly [key: string]: Element } {
  return e !== null && typeof e === 'object' && !Array.isArray(e) && !(e instanceof Tensor) && !(e instanceof StringTensor);
}

/** Every tensor an element holds, once each. */
export function tensorsOf(e: unknown, into: Set<Tensor> = new Set()): Set<Tensor> {
  if (e instanceof Tensor) into.add(e);
  else if (Array.isArray(e)) for (const item of e) tensorsOf(item, into);
  else if (isRecord(e)) for (const item of Object.values(e)) tensorsOf(item, into);
  return into;
}

/**
 * Frees the tensors of an element: whoever takes an element from a dataset owns it, and a stage
 * that drops one (filter, skip, a shuffle buffer left behind) frees it.
 */
export function disposeElement(e: unknown): void {
  for (const t of tensorsOf(e)) if (!t.isDisposed) t.dispose();
}

/** Frees the tensors of `input` that `output` does not hold: what a `map` function consumed. */
export function disposeConsumed(input: unknown, output: unknown): void {
  const kept = tensorsOf(output);
  for (const t of tensorsOf(input)) if (!kept.has(t) && !t.isDisposed) t.dispose();
}
