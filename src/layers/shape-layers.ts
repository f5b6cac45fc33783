/** Layers that move values without computing: RepeatVector (one vector repeated as a sequence) and Permute (axes reordered). */
import { ValueError } from '../core/errors.js';
import type { ConfigDict } from '../core/serialization.js';
import type { Tensor } from '../core/tensor.js';
import { checkPositiveInt } from '../core/validate.js';
import { expandDims, transpose } from '../ops/shape.js';
import { tile } from '../ops/slicing.js';
import { Layer, layerArgKeys, type LayerArgs } from './layer.js';
import { registerLayer } from './registry.js';
import type { SymbolicShape } from './symbolic-tensor.js';

/** Arguments of `RepeatVector`. */
export interface RepeatVectorLayerArgs extends LayerArgs {
  /** How many times the vector is repeated: the number of steps of the output. */
  n: number;
}

/**
 * Repeats each sample's vector `n` times: [batch, features] → [batch, n, features] — the bridge
 * from an encoder's last state to a decoder that needs a sequence.
 *
 * @example
 * new RepeatVector({ n: 3 }).apply(tensor([[1, 2]])).arraySync(); // [[[1, 2], [1, 2], [1, 2]]]
 */
export class RepeatVector extends Layer {
  static override readonly className: string = 'RepeatVector';
  static override readonly argKeys = layerArgKeys<RepeatVectorLayerArgs>({ n: true });
  /** The number of repetitions. */
  readonly n: number;

  constructor(args: RepeatVectorLayerArgs) {
    super(args);
    this.n = checkPositiveInt(this.describe(), 'n', args.n);
    this.inputSpec = { ndim: 2 };
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tile(expandDims(this.singleInput(inputs), 1), [1, this.n, 1]);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const [batch, features] = this.singleShape(inputShape);
    return [batch ?? null, this.n, features ?? null];
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), n: this.n };
  }
}
registerLayer(RepeatVector);

/** Arguments of `Permute`. */
export interface PermuteLayerArgs extends LayerArgs {
  /** The new order of the sample's axes, counted from 1 (the batch axis stays first): `[2, 1]` swaps the two axes of a sequence. */
  dims: readonly number[];
}

/**
 * Reorders the axes of each sample: with `dims: [2, 1]`, [batch, steps, features] → [batch, features, steps].
 *
 * @example
 * new Permute({ dims: [2, 1] }); // [n, 10, 64] -> [n, 64, 10]
 */
export class Permute extends Layer {
  static override readonly className: string = 'Permute';
  static override readonly argKeys = layerArgKeys<PermuteLayerArgs>({ dims: true });
  /** The order of the sample's axes, from 1. */
  readonly dims: readonly number[];

  constructor(args: PermuteLayerArgs) {
    super(args);
    const dims = args.dims;
    const sorted = Array.isArray(dims) ? [...dims].sort((a, b) => a - b) : [];
    if (!Array.isArray(dims) || dims.length === 0 || sorted.some((d, i) => d !== i + 1)) {
      throw new ValueError(
        `${this.describe()}: dims must be a permutation of 1..n (the sample's axes, the batch axis not counted), got ${JSON.stringify(dims)}. ` +
          'For example [2, 1] swaps the axes of [batch, steps, features].',
      );
    }
    this.dims = [...dims];
    this.inputSpec = { ndim: dims.length + 1 };
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return transpose(this.singleInput(inputs), [0, ...this.dims]);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const shape = this.singleShape(inputShape);
    return [shape[0] ?? null, ...this.dims.map((d) => shape[d] ?? null)];
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), dims: [...this.dims] };
  }
}
registerLayer(Permute);
