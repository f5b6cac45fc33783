/**
 * Tensors of strings: raw text and categories as preprocessing layers (StringLookup, Hashing,
 * TextVectorization) and data pipelines take them. They live in JavaScript, not on a backend:
 * no kernel computes on strings, so they need no storage handle and no `dispose`.
 */
import { ShapeError, ValueError, fmtShape } from './errors.js';
import { assertValidShape, sizeOf, type Shape } from './shape.js';

/** Strings nested to any depth, as `strings()` takes them. */
export type NestedStrings = string | NestedStrings[];

/**
 * An immutable, row-major tensor of strings. Its `dtype` is `'string'`; its rows can be gathered
 * and sliced along the first axis, which is all batching needs.
 *
 * @example
 * const t = strings([['a cat', 'a dog'], ['', 'the end']]);
 * t.shape;                 // [2, 2]
 * t.gather([1]).arraySync(); // [['', 'the end']]
 */
export class StringTensor {
  /** Always `'string'`, so code that switches on `dtype` sees these tensors as text. */
  readonly dtype = 'string' as const;
  readonly shape: Shape;
  private readonly values: readonly string[];

  constructor(values: readonly string[], shape: readonly number[]) {
    assertValidShape('strings', shape);
    if (sizeOf(shape) !== values.length) {
      throw new ShapeError(`strings: ${values.length} values cannot fill shape ${fmtShape(shape)} (${sizeOf(shape)} elements); pass a shape whose sizes multiply to the number of values.`);
    }
    for (let i = 0; i < values.length; i++) {
      if (typeof values[i] !== 'string') throw new ValueError(`strings: element ${i} is ${typeof values[i]}, expected a string.`);
    }
    this.values = Object.freeze([...values]);
    this.shape = Object.freeze([...shape]);
  }

  /** The number of axes. */
  get rank(): number {
    return this.shape.length;
  }

  /** The number of strings. */
  get size(): number {
    return this.values.length;
  }

  /** The strings in row-major order (a frozen array: not a copy). */
  dataSync(): readonly string[] {
    return this.values;
  }

  /** The strings nested as the shape says. */
  arraySync(): NestedStrings {
    if (this.rank === 0) return this.values[0]!;
    const nest = (axis: number, offset: number): NestedStrings[] => {
      const n = this.shape[axis]!;
      if (axis === this.rank - 1) return this.values.slice(offset, offset + n);
      const inner = sizeOf(this.shape.slice(axis + 1));
      return Array.from({ length: n }, (_, i) => nest(axis + 1, offset + i * inner));
    };
    return nest(0, 0);
  }

  /** The same strings under another shape with as many elements (-1 infers one size). */
  reshape(shape: readonly number[]): StringTensor {
    const known = shape.filter((d) => d !== -1);
    const inferred = shape.map((d) => (d === -1 ? this.size / Math.max(1, sizeOf(known)) : d));
    return new StringTensor(this.values, inferred);
  }

  /** The rows at `indices` along the first axis, in that order (a batch of samples). */
  gather(indices: readonly number[]): StringTensor {
    const rows = this.shape[0];
    if (rows === undefined) throw new ShapeError('StringTensor.gather: a scalar has no rows to gather.');
    const rowSize = this.size / Math.max(1, rows);
    const out: string[] = [];
    for (const r of indices) {
      if (!Number.isInteger(r) || r < 0 || r >= rows) throw new ValueError(`StringTensor.gather: row ${r} is out of range [0, ${rows}).`);
      for (let j = 0; j < rowSize; j++) out.push(this.values[r * rowSize + j]!);
    }
    return new StringTensor(out, [indices.length, ...this.shape.slice(1)]);
  }

  /** `count` rows from `start` along the first axis. */
  sliceRows(start: number, count: number): StringTensor {
    return this.gather(Array.from({ length: count }, (_, i) => start + i));
  }

  /** For symmetry with `Tensor`: string tensors hold no backend storage, so there is nothing to free. */
  dispose(): void {}

  toString(): string {
    return `StringTensor ${fmtShape(this.shape)} ${JSON.stringify(this.arraySync())}`;
  }
}

/**
 * A tensor of strings from nested arrays (or a flat array and a shape).
 *
 * @example
 * strings(['the cat sat', 'a dog']).shape; // [2]
 * strings(['a', 'b', 'c', 'd'], [2, 2]).arraySync(); // [['a', 'b'], ['c', 'd']]
 */
export function strings(values: NestedStrings, shape?: readonly number[]): StringTensor {
  const flat: string[] = [];
  const inferred: number[] = [];
  let leafDepth = -1;
  const ragged = (what: string): ShapeError => new ShapeError(`strings: the nested arrays are ragged (${what}); pad them to one length.`);
  const walk = (v: NestedStrings, depth: number): void => {
    if (!Array.isArray(v)) {
      if (leafDepth === -1) leafDepth = depth;
      else if (leafDepth !== depth) throw ragged(`strings at depths ${leafDepth} and ${depth}`);
      flat.push(v);
      return;
    }
    if (depth === inferred.length) inferred.push(v.length);
    else if (inferred[depth] !== v.length) throw ragged(`length ${v.length} at depth ${depth}, ${inferred[depth]} elsewhere`);
    for (const item of v) walk(item, depth + 1);
  };
  walk(values, 0);
  return new StringTensor(flat, shape ?? inferred);
}
