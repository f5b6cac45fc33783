/** The small vocabulary shared by the Keras config translators: JSON shapes, case conversion of keys, and the errors they raise. */
import { ValueError } from '../../core/errors.js';

/** A JSON object as Keras writes it. */
export type Dict = Record<string, unknown>;

/** True for a plain JSON object (not an array, not null). */
export const isDict = (x: unknown): x is Dict => typeof x === 'object' && x !== null && !Array.isArray(x);

/** `kernel_size` → `kernelSize`, `beta_1` → `beta1`. */
export const toCamel = (key: string): string => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** `kernelSize` → `kernel_size`, `beta1` → `beta_1` (Keras writes a digit after an underscore only in `beta_1`/`beta_2`). */
export const toSnake = (key: string): string =>
  key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/^beta([12])$/, 'beta_$1');

/** A JSON value shortened for a message. */
export function shown(x: unknown): string {
  const s = JSON.stringify(x);
  if (s === undefined) return String(x);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** The ValueError for a malformed field of a Keras config: where, what was expected, what came. */
export function malformed(source: string, field: string, expected: string, got: unknown): ValueError {
  return new ValueError(`${source}: ${field} must be ${expected}, got ${shown(got)} (the Keras config is corrupt or was edited).`);
}

/** `x` as an object, or a ValueError naming the field. */
export function dictAt(source: string, field: string, x: unknown): Dict {
  if (!isDict(x)) throw malformed(source, field, 'an object', x);
  return x;
}

/** `x` as an array, or a ValueError naming the field. */
export function listAt(source: string, field: string, x: unknown): unknown[] {
  if (!Array.isArray(x)) throw malformed(source, field, 'an array', x);
  return x;
}

/** `x` as a string, or a ValueError naming the field. */
export function stringAt(source: string, field: string, x: unknown): string {
  if (typeof x !== 'string') throw malformed(source, field, 'a string', x);
  return x;
}
