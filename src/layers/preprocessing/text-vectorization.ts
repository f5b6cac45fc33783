/**
 * TextVectorization: raw text to token indices or bag-of-words vectors inside the model —
 * standardize (lowercase, strip punctuation), split into words or characters, form n-grams, and
 * look the tokens up in a vocabulary that `adapt` learns as Keras does ('' then '[UNK]' then by frequency).
 */
import { ValueError } from '../../core/errors.js';
import type { ConfigDict } from '../../core/serialization.js';
import { StringTensor } from '../../core/string-tensor.js';
import type { Tensor } from '../../core/tensor.js';
import { checkBoolean, checkChoice, checkPositiveInt, checkPositiveInts } from '../../core/validate.js';
import { tensor } from '../../ops/creation.js';
import { layerArgKeys, type LayerArgs, type LayerInput } from '../layer.js';
import { registerLayer } from '../registry.js';
import type { SymbolicShape } from '../symbolic-tensor.js';
import type { IndexLookupArgs, TokenRows } from './index-lookup.js';
import { PreprocessingLayer } from './preprocessing-layer.js';
import { StringLookup } from './string-lookup.js';
import { rowsOf } from './token-data.js';

/** How text is standardized before it is split. */
export type Standardize = 'lower_and_strip_punctuation' | 'lower' | 'strip_punctuation' | null;
/** How text is split into tokens: on whitespace, into characters, or not at all (each string a token). */
export type TextSplit = 'whitespace' | 'character' | null;
/** What TextVectorization outputs: token indices, or one vector per text. */
export type TextOutputMode = 'int' | 'multi_hot' | 'count' | 'tf_idf';

/**
 * Arguments of `TextVectorization` (Keras's names and defaults). The vocabulary's arguments are
 * the lookup layers' (its special tokens are '' for padding and '[UNK]').
 */
export interface TextVectorizationLayerArgs
  extends LayerArgs, Pick<IndexLookupArgs<string>, 'maxTokens' | 'vocabulary' | 'idfWeights' | 'padToMaxTokens' | 'sparse' | 'vocabularySize'> {
  /** Default 'lower_and_strip_punctuation'. */
  standardize?: Standardize;
  /** Default 'whitespace'. */
  split?: TextSplit;
  /** N-grams to add after splitting: n for all sizes 1 to n, or a list of sizes (none by default). */
  ngrams?: number | readonly number[] | null;
  /** Default 'int'. */
  outputMode?: TextOutputMode;
  /** In 'int' mode, pad or cut every text to this many tokens (default: pad to the longest of the batch). */
  outputSequenceLength?: number | null;
  /** Keras's ragged outputs: only false (outputs are padded). */
  ragged?: boolean;
  /** Only 'utf-8'. */
  encoding?: 'utf-8';
}

// NOTE: Keras's punctuation class, ASCII only: r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']'.
const PUNCTUATION = /[!"#$%&()*+,\-./:;<=>?@[\\\]^_`{|}~']/g;
// NOTE: TensorFlow splits on ASCII whitespace only (not on no-break spaces), dropping empty tokens.
const WHITESPACE = /[ \t\n\v\f\r]+/;

/**
 * Turns strings into token indices: [batch] (or [batch, 1]) strings → [batch, outputSequenceLength]
 * int32 indices (0 is padding, 1 '[UNK]'), or [batch, depth] multi-hot, count or TF-IDF vectors.
 *
 * @example
 * const vectorize = new TextVectorization({ outputSequenceLength: 4 });
 * vectorize.adapt(strings(['The cat sat.', 'The dog ran!']));
 * vectorize.getVocabulary();                               // ['', '[UNK]', 'the', 'sat', 'ran', 'dog', 'cat']
 * vectorize.apply(strings(['the cat flew'])).arraySync();  // [[2, 6, 1, 0]]
 */
export class TextVectorization extends PreprocessingLayer {
  static override readonly className: string = 'TextVectorization';
  static override readonly argKeys = layerArgKeys<TextVectorizationLayerArgs>({
    maxTokens: true, standardize: true, split: true, ngrams: true, outputMode: true, outputSequenceLength: true, padToMaxTokens: true,
    vocabulary: true, idfWeights: true, sparse: true, ragged: true, encoding: true, vocabularySize: true,
  });
  readonly standardize: Standardize;
  readonly split: TextSplit;
  /** The n-gram sizes (null for none), as given: a number n stands for 1 to n. */
  readonly ngrams: number | readonly number[] | null;
  readonly outputMode: TextOutputMode;
  readonly outputSequenceLength: number | null;
  /** The vocabulary and its encodings: a StringLookup with mask '' (padding) and OOV '[UNK]', as in Keras. */
  private readonly lookup: StringLookup;
  private readonly ngramSizes: readonly number[] | null;

  constructor(args: TextVectorizationLayerArgs = {}) {
    super({ ...args, dtype: undefined });
    const who = this.describe();
    this.standardize = checkChoice(who, 'standardize', args.standardize === undefined ? 'lower_and_strip_punctuation' : args.standardize, ['lower_and_strip_punctuation', 'lower', 'strip_punctuation', null]);
    this.split = checkChoice(who, 'split', args.split === undefined ? 'whitespace' : args.split, ['whitespace', 'character', null]);
    this.outputMode = checkChoice(who, 'outputMode', args.outputMode ?? 'int', ['int', 'multi_hot', 'count', 'tf_idf']);
    this.ngrams = args.ngrams ?? null;
    this.ngramSizes = this.ngrams === null ? null
      : typeof this.ngrams === 'number' ? Array.from({ length: checkPositiveInt(who, 'ngrams', this.ngrams) }, (_, i) => i + 1)
      : checkPositiveInts(who, 'ngrams', this.ngrams, this.ngrams.length);
    this.outputSequenceLength = args.outputSequenceLength == null ? null : checkPositiveInt(who, 'outputSequenceLength', args.outputSequenceLength);
    if (this.outputSequenceLength !== null && this.outputMode !== 'int') throw new ValueError(`${who}: outputSequenceLength is only for outputMode 'int', got outputMode '${this.outputMode}'.`);
    if (checkBoolean(who, 'ragged', args.ragged ?? false)) throw new ValueError(`${who}: ragged outputs are not supported; outputs are padded (set outputSequenceLength to fix their length).`);
    this.lookup = new StringLookup({
      name: `${this.name}_lookup`, maxTokens: args.maxTokens, maskToken: '', outputMode: this.outputMode, padToMaxTokens: args.padToMaxTokens,
      vocabulary: args.vocabulary, idfWeights: args.idfWeights, sparse: args.sparse, encoding: args.encoding,
    });
  }

  /** The largest vocabulary (null for unlimited). */
  get maxTokens(): number | null {
    return this.lookup.maxTokens;
  }

  /**
   * The vocabulary in index order: '' (padding, in 'int' mode), '[UNK]', then the tokens, most
   * frequent first after `adapt`; only the tokens with `includeSpecialTokens: false`.
   *
   * @example
   * vectorize.getVocabulary(false); // ['the', 'sat', ...]
   */
  getVocabulary(includeSpecialTokens = true): string[] {
    return this.lookup.getVocabulary(includeSpecialTokens);
  }

  /**
   * The number of indices, '' and '[UNK]' included: the `inputDim` an Embedding after this layer needs.
   *
   * @example
   * new Embedding({ inputDim: vectorize.vocabularySize(), outputDim: 16 });
   */
  vocabularySize(): number {
    return this.lookup.vocabularySize();
  }

  /**
   * Replaces the vocabulary ('' and '[UNK]' may lead it) and, in 'tf_idf' mode, the idf weights.
   *
   * @example
   * vectorize.setVocabulary(['the', 'cat']);
   */
  setVocabulary(vocabulary: readonly string[], idfWeights?: readonly number[]): void {
    this.lookup.setVocabulary(vocabulary, idfWeights);
  }

  /**
   * Counts the tokens of one batch of texts of `adapt` ([n] or [n, 1]); `finalizeState` makes the
   * vocabulary: '' and '[UNK]', then the tokens by decreasing frequency, ties as Keras breaks them
   * (the larger string first).
   *
   * @example
   * vectorize.adapt(strings(trainTexts));
   */
  override updateState(batch: Tensor | StringTensor): void {
    if (!(batch instanceof StringTensor)) throw new ValueError(`${this.describe()}.adapt expects texts (StringTensors or arrays of strings), got a ${batch.dtype} tensor of shape [${batch.shape.join(', ')}].`);
    this.lookup.countRows(this.tokenize(batch));
  }

  /** Makes the vocabulary from what `updateState` counted. */
  override finalizeState(): void {
    this.lookup.finalizeState();
    this.adapted = this.lookup.isAdapted;
  }

  /** Forgets what `updateState` counted. */
  override resetState(): void {
    this.lookup.resetState();
  }

  /** One text standardized as `standardize` says. */
  private standardized(text: string): string {
    const lowered = this.standardize === 'lower' || this.standardize === 'lower_and_strip_punctuation' ? text.toLowerCase() : text;
    return this.standardize === 'strip_punctuation' || this.standardize === 'lower_and_strip_punctuation' ? lowered.replace(PUNCTUATION, '') : lowered;
  }

  /** One text's tokens: split, then the n-grams of each size in turn (as TensorFlow's ngrams op lists them). */
  private tokens(text: string): string[] {
    const s = this.standardized(text);
    const words = this.split === 'whitespace' ? s.split(WHITESPACE).filter((w) => w !== '') : this.split === 'character' ? Array.from(s) : [s];
    if (this.ngramSizes === null) return words;
    return this.ngramSizes.flatMap((n) => Array.from({ length: Math.max(0, words.length - n + 1) }, (_, i) => words.slice(i, i + n).join(' ')));
  }

  /** The tokens of each text: [batch] or [batch, 1] texts (a scalar is one text). */
  private tokenize(texts: StringTensor): TokenRows<string> {
    const { shape } = texts;
    if (shape.length > 2 || (shape.length === 2 && shape[1] !== 1)) {
      throw new ValueError(`${this.describe()} expects texts of shape [batch] or [batch, 1], got [${shape.join(', ')}]. Give one string per sample.`);
    }
    return rowsOf(texts.dataSync(), [texts.size, 1]).map(([t]) => this.tokens(t!));
  }

  override call(inputs: LayerInput | LayerInput[]): Tensor {
    const x = this.singleInput(inputs);
    if (!(x instanceof StringTensor)) throw new ValueError(`${this.describe()} expects a StringTensor of texts (strings()), got a ${x.dtype} tensor of shape [${x.shape.join(', ')}].`);
    const rows = this.tokenize(x).map((r) => this.lookup.lookupTokens(r));
    if (this.outputMode !== 'int') return this.lookup.encodeRows(rows, [rows.length]);
    const length = this.outputSequenceLength ?? Math.max(0, ...rows.map((r) => r.length));
    const out = new Int32Array(rows.length * length);
    // Padding is index 0 (the mask token ''); longer texts are cut at `length` tokens.
    rows.forEach((r, i) => out.set(r.subarray(0, length), i * length));
    return tensor(out, [rows.length, length], 'int32');
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const batch = this.singleShape(inputShape)[0] ?? null;
    if (this.outputMode === 'int') return [batch, this.outputSequenceLength];
    return [batch, this.lookup.padToMaxTokens && this.maxTokens !== null ? this.maxTokens : this.vocabularySize()];
  }

  override getConfig(): ConfigDict {
    const { dtype: _dtype, ...base } = super.getConfig();
    const lookup = this.lookup.getConfig();
    return {
      ...base,
      maxTokens: this.maxTokens,
      standardize: this.standardize,
      split: this.split,
      ngrams: this.ngrams === null || typeof this.ngrams === 'number' ? this.ngrams : [...this.ngrams],
      outputMode: this.outputMode,
      outputSequenceLength: this.outputSequenceLength,
      padToMaxTokens: this.lookup.padToMaxTokens,
      sparse: false,
      ragged: false,
      vocabulary: lookup['vocabulary'] ?? null,
      idfWeights: lookup['idfWeights'] ?? null,
      encoding: 'utf-8',
      vocabularySize: this.vocabularySize(),
    };
  }
}
registerLayer(TextVectorization);
