/** Moving the channel axis of image-like data: layers compute channels-last and accept channels-first by transposing. */
import type { Tensor } from '../core/tensor.js';
import { transpose } from '../ops/shape.js';
import type { DataFormat } from './flatten.js';
import type { SymbolicShape } from './symbolic-tensor.js';

/** The permutation [0, 2, ..., rank - 1, 1] from channels-first to channels-last (and its inverse). */
function perms(rank: number): { toLast: number[]; toFirst: number[] } {
  const spatial = Array.from({ length: rank - 2 }, (_, i) => i + 2);
  return { toLast: [0, ...spatial, 1], toFirst: [0, rank - 1, ...spatial.map((a) => a - 1)] };
}

/** `x` with its channels last (a view of it when they already are). */
export function toChannelsLast(x: Tensor, format: DataFormat): Tensor {
  return format === 'channelsLast' ? x : transpose(x, perms(x.rank).toLast);
}

/** A channels-last result back in `format`. */
export function fromChannelsLast(y: Tensor, format: DataFormat): Tensor {
  return format === 'channelsLast' ? y : transpose(y, perms(y.rank).toFirst);
}

/** A shape with its channels last. */
export function shapeToChannelsLast(shape: SymbolicShape, format: DataFormat): SymbolicShape {
  return format === 'channelsLast' ? shape : perms(shape.length).toLast.map((a) => shape[a]!);
}

/** A channels-last shape back in `format`. */
export function shapeFromChannelsLast(shape: SymbolicShape, format: DataFormat): SymbolicShape {
  return format === 'channelsLast' ? shape : perms(shape.length).toFirst.map((a) => shape[a]!);
}
