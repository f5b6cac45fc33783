/** CategoryEncoding: turns integer category ids into one-hot, multi-hot or count vectors. */
import { DTypeError, NotSupportedError, ValueError, fmtShape } from '../../core/errors.js';
import type { ConfigDict } from '../../core/serialization.js';
import type { Tensor } from '../../core/tensor.js';
import { checkChoice, checkPositiveInt } from '../../core/validate.js';
import { Layer, layerArgKeys, type LayerArgs, type LayerInput } from '../layer.js';
import { registerLayer } from '../registry.js';
import type { SymbolicShape } from '../symbolic-tensor.js';
import { encodeCategorical, encodedShape, type CategoricalOutputMode } from './categorical-encoding.js';

/** Arguments of `CategoryEncoding` (Keras's names and defaults). */
export interface CategoryEncodingLayerArgs extends LayerArgs {
  /** The number of categories: inputs are ids in [0, numTokens). */
  numTokens: number;
  /** 'multi_hot' (default: 1 for each id present in a sample), 'one_hot' (one vector per id) or 'count' (how often each id occurs). Keras's old 'binary' means 'multi_hot'. */
  outputMode?: Exclude<CategoricalOutputMode, 'int'> | 'binary';
  /** Keras's sparse outputs: only false (dense) is supported. */
  sparse?: boolean;
}

/**
 * Encodes integer ids in [0, numTokens) as float32 vectors of `numTokens`, as Keras's layer:
 * 'one_hot' maps [batch] or [batch, 1] ids to [batch, numTokens] and [batch, n] to
 * [batch, n, numTokens]; 'multi_hot' and 'count' map [batch, n] ids to [batch, numTokens] (a
 * vector of ids is one sample). No weights; no gradient flows to the ids.
 *
 * @example
 * const enc = new CategoryEncoding({ numTokens: 4, outputMode: 'count' });
 * enc.apply(tensor([[0, 1, 1], [3, 3, 2]], undefined, 'int32')).arraySync(); // [[1, 2, 0, 0], [0, 0, 1, 2]]
 */
export class CategoryEncoding extends Layer {
  static override readonly className: string = 'CategoryEncoding';
  static override readonly argKeys = layerArgKeys<CategoryEncodingLayerArgs>({ numTokens: true, outputMode: true, sparse: true });
  /** The number of categories (the width of the output). */
  readonly numTokens: number;
  /** How ids are encoded. */
  readonly outputMode: Exclude<CategoricalOutputMode, 'int'>;

  constructor(args: CategoryEncodingLayerArgs) {
    super(args);
    const who = this.describe();
    this.numTokens = checkPositiveInt(who, 'numTokens', args?.numTokens);
    const mode = checkChoice(who, 'outputMode', args.outputMode ?? 'multi_hot', ['multi_hot', 'one_hot', 'count', 'binary'] as const);
    this.outputMode = mode === 'binary' ? 'multi_hot' : mode;
    if (args.sparse) throw new NotSupportedError(`${who}: sparse outputs are not supported; leave sparse false (dense outputs).`);
  }

  override call(inputs: LayerInput | LayerInput[]): Tensor {
    const x = this.singleInput(inputs);
    if (x.dtype === 'string') throw new DTypeError(`${this.describe()} expects integer ids, got a StringTensor of shape ${fmtShape(x.shape)}; map strings to ids with StringLookup or Hashing first.`);
    const ids = Int32Array.from(x.dataSync(), Number);
    const bad = Array.from(x.dataSync(), Number).findIndex((v) => !Number.isInteger(v) || v < 0 || v >= this.numTokens);
    if (bad >= 0) {
      throw new ValueError(`${this.describe()}: ids must be integers in [0, ${this.numTokens}) (numTokens), but the input of shape ${fmtShape(x.shape)} holds ${x.dataSync()[bad]} at flat index ${bad}; raise numTokens or map ids with IntegerLookup.`);
    }
    return encodeCategorical(ids, x.shape, this.outputMode, this.numTokens);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return encodedShape(this.singleShape(inputShape), this.outputMode, this.numTokens);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), numTokens: this.numTokens, outputMode: this.outputMode, sparse: false };
  }
}
registerLayer(CategoryEncoding);
