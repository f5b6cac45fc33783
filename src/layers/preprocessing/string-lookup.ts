/** StringLookup: maps strings (categories, words) to integer indices through a vocabulary learned by `adapt` or given. */
import { NotSupportedError } from '../../core/errors.js';
import type { ConfigDict } from '../../core/serialization.js';
import { StringTensor } from '../../core/string-tensor.js';
import type { Tensor } from '../../core/tensor.js';
import { layerArgKeys, type LayerInput } from '../layer.js';
import { registerLayer } from '../registry.js';
import { IndexLookup, type IndexLookupArgs } from './index-lookup.js';
import { rowsOf } from './token-data.js';

/** Arguments of `StringLookup` (Keras's names and defaults). */
export interface StringLookupLayerArgs extends IndexLookupArgs<string> {
  /** The text encoding: only 'utf-8' (JavaScript strings are Unicode). */
  encoding?: 'utf-8';
}

/**
 * Maps strings to indices: [batch, ...] strings → [batch, ...] int32 indices (or, with another
 * `outputMode`, [batch, depth] encodings). Index 0 is the mask token when there is one, then the
 * OOV index (`'[UNK]'`), then the vocabulary, most frequent first after `adapt`.
 *
 * @example
 * const lookup = new StringLookup();
 * lookup.adapt(strings(['b', 'a', 'c', 'a']));
 * lookup.getVocabulary();                            // ['[UNK]', 'a', 'c', 'b']
 * lookup.apply(strings([['a'], ['z']])).arraySync(); // [[1], [0]]
 */
export class StringLookup extends IndexLookup<string> {
  static override readonly className: string = 'StringLookup';
  static override readonly argKeys = layerArgKeys<StringLookupLayerArgs>({
    maxTokens: true, numOovIndices: true, maskToken: true, oovToken: true, vocabulary: true, idfWeights: true, invert: true,
    outputMode: true, padToMaxTokens: true, sparse: true, oovMethod: true, salt: true, vocabularySize: true, encoding: true,
  });

  constructor(args: StringLookupLayerArgs = {}) {
    super(args, { maskToken: null, oovToken: '[UNK]' });
    if (args.encoding !== undefined && args.encoding !== 'utf-8') throw new NotSupportedError(`${this.describe()}: only encoding 'utf-8' is supported, got '${String(args.encoding)}'.`);
    if (this.invert) {
      throw new NotSupportedError(`${this.describe()}: invert is not supported for strings (a layer's output is a numeric tensor); read tokens with getVocabulary()[index] instead.`);
    }
  }

  /**
   * Counts the strings of one batch of `adapt` (each a token; each row of a tensor a document);
   * `finalizeState` makes the vocabulary.
   *
   * @example
   * lookup.adapt(strings(['red', 'green', 'red']));   // one batch
   * await lookup.adapt(batchesOfCategories());         // an async generator of StringTensors
   */
  override updateState(batch: Tensor | StringTensor): void {
    if (!(batch instanceof StringTensor)) throw this.badInput(`a ${batch.dtype} tensor`, batch.shape, 'StringTensors (or arrays of strings) to adapt on');
    this.countRows(rowsOf(batch.dataSync(), batch.shape));
  }

  protected override oovBucket(_token: string): number {
    throw new NotSupportedError(`${this.describe()}: numOovIndices > 1 needs string hashing, which is not available; use numOovIndices 1.`);
  }

  override call(inputs: LayerInput | LayerInput[]): Tensor {
    const x = this.singleInput(inputs);
    if (!(x instanceof StringTensor)) throw this.badInput(`a ${x.dtype} tensor`, x.shape, 'a StringTensor of tokens (strings())');
    return this.encode(Int32Array.from(x.dataSync(), (t) => this.lookupToken(t)), x.shape);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), encoding: 'utf-8' };
  }
}
registerLayer(StringLookup);
