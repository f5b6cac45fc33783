/** Embedding: maps integer ids (tokens, characters) to learned vectors, and marks padding with a mask. */
import { DTypeError, ValueError, fmtShape } from '../core/errors.js';
import type { ConfigDict } from '../core/serialization.js';
import type { Tensor, Variable } from '../core/tensor.js';
import { checkPositiveInt } from '../core/validate.js';
import { getInitializer, serializeInitializer, type InitializerIdentifier } from '../initializers/get-initializer.js';
import type { Initializer } from '../initializers/initializer.js';
import { notEqual } from '../ops/compare.js';
import { cast } from '../ops/convert.js';
import { reshape } from '../ops/shape.js';
import { gather } from '../ops/slicing.js';
import { getRegularizer, serializeRegularizer, type RegularizerIdentifier } from '../regularizers/get-regularizer.js';
import type { Regularizer } from '../regularizers/regularizer.js';
import { Layer, layerArgKeys, type LayerArgs, type Mask } from './layer.js';
import { paramFormula, term, type ParamFormula } from './param-formula.js';
import { registerLayer } from './registry.js';
import type { SymbolicShape } from './symbolic-tensor.js';

/** Arguments of `Embedding`. */
export interface EmbeddingLayerArgs extends LayerArgs {
  /** The number of distinct ids: ids run from 0 to inputDim - 1 (with `maskZero`, the vocabulary size + 1). */
  inputDim: number;
  /** The length of each vector. */
  outputDim: number;
  /** How the vectors start (default `'randomUniform'`, in [-0.05, 0.05) as Keras's `'uniform'`). */
  embeddingsInitializer?: InitializerIdentifier;
  /** A penalty on the vectors (none by default). */
  embeddingsRegularizer?: RegularizerIdentifier | null;
  /**
   * Whether id 0 is padding (default false): the layer then gives the next layers a mask, false
   * at the zeros, so that recurrent layers skip those steps.
   */
  maskZero?: boolean;
}

/**
 * Looks up a learned vector for each id: [batch, ...] integer ids → [batch, ..., outputDim]. The
 * table `embeddings` is [inputDim, outputDim]. Ids may come as int32 or as floats holding whole numbers.
 *
 * @example
 * const emb = new Embedding({ inputDim: 1000, outputDim: 16, maskZero: true });
 * emb.apply(tensor([[4, 7, 0, 0]], [1, 4], 'int32')).shape; // [1, 4, 16]
 * emb.computeMask(ids, null);                               // [[true, true, false, false]]
 */
export class Embedding extends Layer {
  static override readonly className: string = 'Embedding';
  static override readonly argKeys = layerArgKeys<EmbeddingLayerArgs>({ inputDim: true, outputDim: true, embeddingsInitializer: true, embeddingsRegularizer: true, maskZero: true });
  /** The number of distinct ids. */
  readonly inputDim: number;
  /** The length of each vector. */
  readonly outputDim: number;
  /** How the vectors start. */
  readonly embeddingsInitializer: Initializer;
  /** The vectors' penalty, if any. */
  readonly embeddingsRegularizer: Regularizer | null;
  /** Whether id 0 marks padding. */
  readonly maskZero: boolean;
  /** [inputDim, outputDim], made on the first call. */
  embeddings: Variable | null = null;

  constructor(args: EmbeddingLayerArgs) {
    super(args);
    this.inputDim = checkPositiveInt(this.describe(), 'inputDim', args.inputDim);
    this.outputDim = checkPositiveInt(this.describe(), 'outputDim', args.outputDim);
    this.embeddingsInitializer = getInitializer(args.embeddingsInitializer ?? 'randomUniform');
    this.embeddingsRegularizer = getRegularizer(args.embeddingsRegularizer);
    this.maskZero = args.maskZero ?? false;
  }

  override build(): void {
    this.embeddings = this.addWeight('embeddings', [this.inputDim, this.outputDim], { initializer: this.embeddingsInitializer, regularizer: this.embeddingsRegularizer });
  }

  /** Throws the errors users meet most: fractional ids (normalized data fed by mistake) and ids out of range. */
  private checkIds(x: Tensor): void {
    if (x.dtype === 'bool') throw new DTypeError(`${this.describe()} expects integer ids, got a bool tensor of shape ${fmtShape(x.shape)}.`);
    const values = x.dataSync();
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!Number.isInteger(v)) {
        throw new DTypeError(
          `${this.describe()} expects integer ids, but its ${x.dtype} input of shape ${fmtShape(x.shape)} holds ${v} (flat index ${i}). ` +
            'Feed token or character ids (int32), not normalized or one-hot data; the ids must not be scaled.',
        );
      }
      if (v < 0 || v >= this.inputDim) {
        const hint = v === this.inputDim
          ? ` With ids counted from 1 (0 being padding), inputDim must be the vocabulary size + 1 = ${v + 1}.`
          : ' Make inputDim larger than the largest id (the vocabulary size, + 1 when 0 is padding).';
        throw new ValueError(`${this.describe()}: id ${v} (flat index ${i} of input shape ${fmtShape(x.shape)}) is out of range for inputDim ${this.inputDim}; ids must be in [0, ${this.inputDim - 1}].${hint}`);
      }
    }
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = this.singleInput(inputs);
    this.checkIds(x);
    const ids = x.dtype === 'int32' ? x : cast(x, 'int32');
    return reshape(gather(this.embeddings!, reshape(ids, [ids.size])), [...x.shape, this.outputDim]);
  }

  /** With `maskZero`, true where the id is not 0; otherwise no mask. */
  override computeMask(inputs: Tensor | Tensor[], _mask: Mask = null): Mask {
    return this.maskZero ? notEqual(this.singleInput(inputs), 0) : null;
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return [...this.singleShape(inputShape), this.outputDim];
  }

  /** `in × out`: a vector of `out` numbers per token id. */
  override explainParams(): ParamFormula | undefined {
    return this.built ? paramFormula`${term('in', this.inputDim)} × ${term('out', this.outputDim)}` : undefined;
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      inputDim: this.inputDim,
      outputDim: this.outputDim,
      embeddingsInitializer: serializeInitializer(this.embeddingsInitializer),
      embeddingsRegularizer: serializeRegularizer(this.embeddingsRegularizer),
      maskZero: this.maskZero,
    };
  }
}
registerLayer(Embedding);
