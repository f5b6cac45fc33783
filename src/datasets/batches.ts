/** batches: in-memory samples served as shuffled mini-batches, a data source that `fit` and `evaluate` accept. */
import { ValueError, fmtShape } from '../core/errors.js';
import { tidy } from '../core/memory.js';
import { checkOptions, optionKeys } from '../core/options.js';
import { generatorFor } from '../core/random.js';
import type { Tensor } from '../core/tensor.js';
import { gather, tensor } from '../ops/index.js';

/** Options of `batches`. */
export interface BatchesArgs {
  /** Samples per batch (default 32). */
  batchSize?: number;
  /** A new random order on each pass (default true). */
  shuffle?: boolean;
  /** Seed of the shuffle: the sequence of orders is then the same on every run (default: the global generator). */
  seed?: number;
  /** Leave out the last batch when it is smaller than batchSize (default false). */
  dropRemainder?: boolean;
  /**
   * Applied to each batch before it is served, e.g. to scale uint8 images batch by batch so that
   * only the bytes stay in memory: `map: (x, y) => [scaleImages(x), y]`.
   */
  map?: (x: Tensor, y: Tensor) => [Tensor, Tensor];
}

/**
 * The samples of `x` and `y` (same first axis) as an iterable of `[xBatch, yBatch]` pairs; each
 * pass over it is one epoch, in a fresh order when shuffling. The batches belong to the reader
 * (`fit` and `evaluate` dispose them); `x` and `y` are left as they are.
 *
 * @example
 * const train = batches(xTrain, yTrain, { batchSize: 128, seed: 1, map: (x, y) => [scaleImages(x), y] });
 * await model.fit(train, undefined, { epochs: 5 });
 */
export function batches(x: Tensor, y: Tensor, args: BatchesArgs = {}): Iterable<[Tensor, Tensor]> {
  checkOptions('batches', args, optionKeys<BatchesArgs>({ batchSize: true, shuffle: true, seed: true, dropRemainder: true, map: true }));
  x.assertAlive('batches');
  y.assertAlive('batches');
  const n = x.shape[0];
  if (n === undefined || y.shape[0] !== n) throw new ValueError(`batches: x and y need the same number of samples (first axis), got ${fmtShape(x.shape)} and ${fmtShape(y.shape)}.`);
  const batchSize = args.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize <= 0) throw new ValueError(`batches: batchSize must be a positive integer, got ${batchSize}.`);
  const shuffle = args.shuffle ?? true;
  // One generator for the whole stream, so that each epoch's order differs and the sequence repeats run to run.
  const g = generatorFor(args.seed);
  return {
    *[Symbol.iterator](): Generator<[Tensor, Tensor]> {
      const order = Int32Array.from({ length: n }, (_, i) => i);
      if (shuffle) {
        for (let i = n - 1; i > 0; i--) {
          const j = g.int(i + 1);
          const t = order[i]!;
          order[i] = order[j]!;
          order[j] = t;
        }
      }
      const end = args.dropRemainder ? n - (n % batchSize) : n;
      for (let start = 0; start < end; start += batchSize) {
        const rows = order.subarray(start, Math.min(start + batchSize, n));
        yield tidy(() => {
          const idx = tensor(rows, [rows.length], 'int32');
          const pair: [Tensor, Tensor] = [gather(x, idx), gather(y, idx)];
          return args.map ? args.map(pair[0], pair[1]) : pair;
        });
      }
    },
  };
}
