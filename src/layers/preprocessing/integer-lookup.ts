/** IntegerLookup: maps integer categories (ids, codes) to contiguous indices through a vocabulary learned by `adapt` or given. */
import { NotSupportedError } from '../../core/errors.js';
import type { ConfigDict } from '../../core/serialization.js';
import type { Tensor } from '../../core/tensor.js';
import { StringTensor } from '../../core/string-tensor.js';
import { tensor } from '../../ops/creation.js';
import { layerArgKeys, type LayerInput } from '../layer.js';
import { registerLayer } from '../registry.js';
import { IndexLookup, type IndexLookupArgs } from './index-lookup.js';
import { integersOf, rowsOf } from './token-data.js';

/** Arguments of `IntegerLookup` (Keras's names and defaults: no mask token, OOV token -1). */
export interface IntegerLookupLayerArgs extends IndexLookupArgs<number> {
  /** The type of the tokens, as Keras writes it: only 'int64' (whole numbers). */
  vocabularyDtype?: 'int64';
}

/**
 * Maps integers to indices: [batch, ...] integers → [batch, ...] int32 indices (or, with another
 * `outputMode`, [batch, depth] encodings). With `invert`, maps indices back to the integers.
 *
 * @example
 * const lookup = new IntegerLookup();
 * lookup.adapt(tensor([12, 36, 12, 1138]));
 * lookup.getVocabulary();                          // [-1, 12, 1138, 36]
 * lookup.apply(tensor([[12], [7]])).arraySync();   // [[1], [0]]
 */
export class IntegerLookup extends IndexLookup<number> {
  static override readonly className: string = 'IntegerLookup';
  static override readonly argKeys = layerArgKeys<IntegerLookupLayerArgs>({
    maxTokens: true, numOovIndices: true, maskToken: true, oovToken: true, vocabulary: true, idfWeights: true, invert: true,
    outputMode: true, padToMaxTokens: true, sparse: true, oovMethod: true, salt: true, vocabularySize: true, vocabularyDtype: true,
  });

  constructor(args: IntegerLookupLayerArgs = {}) {
    super(args, { maskToken: null, oovToken: -1 });
    if (args.vocabularyDtype !== undefined && args.vocabularyDtype !== 'int64') {
      throw new NotSupportedError(`${this.describe()}: vocabularyDtype '${String(args.vocabularyDtype)}' is not supported; only 'int64' (Keras's only choice).`);
    }
  }

  /**
   * Counts the integers of one batch of `adapt` (each row of a tensor a document); `finalizeState`
   * makes the vocabulary.
   *
   * @example
   * lookup.adapt(tensor([3, 3, 5]));
   */
  override updateState(batch: Tensor | StringTensor): void {
    if (batch instanceof StringTensor) throw this.badInput('a StringTensor', batch.shape, 'integers to adapt on (use StringLookup for strings)');
    this.countRows(rowsOf(integersOf(this.describe(), batch), batch.shape));
  }

  /** Keras's bucket for integers: the token modulo the number of OOV indices (floored, so never negative). */
  protected override oovBucket(token: number): number {
    return ((token % this.numOovIndices) + this.numOovIndices) % this.numOovIndices;
  }

  override call(inputs: LayerInput | LayerInput[]): Tensor {
    const x = this.singleInput(inputs);
    if (x instanceof StringTensor) throw this.badInput('a StringTensor', x.shape, 'a tensor of integers (use StringLookup for strings)');
    const values = integersOf(this.describe(), x);
    if (this.invert) return tensor(Int32Array.from(values, (i) => this.tokenAt(i)), x.shape, 'int32');
    return this.encode(Int32Array.from(values, (t) => this.lookupToken(t)), x.shape);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), vocabularyDtype: 'int64' };
  }
}
registerLayer(IntegerLookup);
