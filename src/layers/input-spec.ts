/** What a layer requires of its input's shape, and the checks (with hints) that enforce it. */
import { ShapeError } from '../core/errors.js';
import { fmtSymbolicShape, sizePerSample, type SymbolicShape } from './symbolic-tensor.js';

/**
 * Constraints on one input of a layer, checked on every call. Dense, after it is built, requires
 * `{minNdim: 2, axes: {[-1]: inputDim}}`.
 */
export interface InputSpec {
  /** Exact rank, batch axis included. */
  ndim?: number;
  /** Smallest rank. */
  minNdim?: number;
  /** Largest rank. */
  maxNdim?: number;
  /** Required sizes of some axes (negative axes count from the end). */
  axes?: { [axis: number]: number };
}

/** A hint for an input whose rank is wrong; the common cases are a missing Flatten and a missing channel axis. */
function rankHint(shape: SymbolicShape, expectedRank: number): string {
  if (shape.length === 1 && expectedRank >= 2) {
    return ` The first axis is the batch: for one sample add it with expandDims(x, 0); for a batch of scalars use reshape(x, [${shape[0] ?? -1}, 1]).`;
  }
  if (shape.length === expectedRank - 1) {
    const withChannel = [...shape.map((d) => d ?? -1), 1];
    return ` If the data have no channel axis, add one: reshape(x, [${withChannel.join(', ')}]) or expandDims(x, -1).`;
  }
  if (shape.length > expectedRank && expectedRank === 2) return ' Did you forget a Flatten layer?';
  return '';
}

/**
 * Throws a ShapeError naming the layer, the shape it got and the one it expected, unless `shape`
 * satisfies `spec`. `who` may be a function, called only to word an error (layers check every call).
 */
export function checkInputSpec(who: string | (() => string), spec: InputSpec, shape: SymbolicShape): void {
  const rank = shape.length;
  const fail = (expected: string, hint: string): never => {
    throw new ShapeError(`${typeof who === 'string' ? who : who()} expected ${expected}, got shape ${fmtSymbolicShape(shape)}${hint}`);
  };
  if (spec.ndim !== undefined && rank !== spec.ndim) fail(`input of rank ${spec.ndim}`, ` (rank ${rank}).${rankHint(shape, spec.ndim)}`);
  if (spec.minNdim !== undefined && rank < spec.minNdim) fail(`input of rank at least ${spec.minNdim}`, ` (rank ${rank}).${rankHint(shape, spec.minNdim)}`);
  if (spec.maxNdim !== undefined && rank > spec.maxNdim) fail(`input of rank at most ${spec.maxNdim}`, ` (rank ${rank}).${rankHint(shape, spec.maxNdim)}`);
  if (spec.axes === undefined) return;
  for (const key in spec.axes) {
    const size = spec.axes[key]!;
    const axis = Number(key);
    const a = axis < 0 ? rank + axis : axis;
    const actual = shape[a];
    if (actual === null || actual === undefined || actual === size) continue;
    const what = a === rank - 1 ? `last dimension ${size}` : `axis ${axis} of size ${size}`;
    const flattenHint = a === rank - 1 && rank > 2 && sizePerSample(shape) === size ? ' Did you forget a Flatten layer?' : '';
    fail(`input with ${what}`, `.${flattenHint}`);
  }
}
