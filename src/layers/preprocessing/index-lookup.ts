/**
 * IndexLookup: the vocabulary behind StringLookup, IntegerLookup and TextVectorization, as Keras
 * keeps it — a mask token, out-of-vocabulary (OOV) indices, then the tokens learned by `adapt` (by
 * frequency) or given — and the encodings of looked-up indices ('int', 'one_hot', 'multi_hot',
 * 'count', 'tf_idf').
 */
import { NotSupportedError, ValueError, fmtShape } from '../../core/errors.js';
import type { ConfigDict } from '../../core/serialization.js';
import type { Shape } from '../../core/shape.js';
import type { Tensor } from '../../core/tensor.js';
import { checkBoolean, checkChoice, checkNonNegativeInt, checkPositiveInt } from '../../core/validate.js';
import { tensor } from '../../ops/creation.js';
import type { LayerArgs } from '../layer.js';
import type { SymbolicShape } from '../symbolic-tensor.js';
import { PreprocessingLayer } from './preprocessing-layer.js';

/** How a lookup layer encodes its indices: the indices themselves, or a vector of `depth` per sample. */
export type LookupOutputMode = 'int' | 'one_hot' | 'multi_hot' | 'count' | 'tf_idf';

/** The output modes, in Keras's spelling. */
export const LOOKUP_OUTPUT_MODES: readonly LookupOutputMode[] = ['int', 'one_hot', 'multi_hot', 'count', 'tf_idf'];

/** Arguments every lookup layer takes (Keras's names); `T` is the token type (string or integer). */
export interface IndexLookupArgs<T extends string | number> extends LayerArgs {
  /** The largest vocabulary, special tokens included (unlimited by default): `adapt` keeps the most frequent tokens. */
  maxTokens?: number | null;
  /** How many indices out-of-vocabulary tokens share (default 1; with more, a token's hash picks one). */
  numOovIndices?: number;
  /** The token that means padding: it maps to index 0 (in 'int' mode) and is left out of other encodings. None by default. */
  maskToken?: T | null;
  /** The token `getVocabulary` shows at the OOV indices (and `invert` gives for them). */
  oovToken?: T;
  /** A fixed vocabulary instead of `adapt` (the mask and OOV tokens may lead it, in that order). */
  vocabulary?: readonly T[] | null;
  /** With `outputMode: 'tf_idf'` and a given vocabulary: the inverse document frequency of each token. */
  idfWeights?: readonly number[] | null;
  /** Map indices back to tokens (default false; 'int' mode only). */
  invert?: boolean;
  /** What the layer outputs (default 'int'). */
  outputMode?: LookupOutputMode;
  /** Make encodings `maxTokens` wide whatever the vocabulary's size (default false). */
  padToMaxTokens?: boolean;
  /** Keras's sparse outputs: only false (dense) is supported. */
  sparse?: boolean;
  /** How integer OOV tokens pick one of several OOV indices: only Keras's default, 'floormod' (the token modulo their number). */
  oovMethod?: 'floormod';
  /** Keras's key for a salted hash of OOV tokens: only null (no salt). */
  salt?: null;
  /** The vocabulary's size, as Keras writes it in configs (it follows from the vocabulary). */
  vocabularySize?: number | null;
}

/** Rows of tokens: each row a document (for document frequencies). */
export type TokenRows<T> = readonly (readonly T[])[];

/**
 * Compares two tokens as Keras sorts them: numbers by value, strings by their UTF-8 bytes (the
 * order of their code points, which JavaScript's `<` on UTF-16 units does not always give).
 */
function compareTokens<T extends string | number>(a: T, b: T): number {
  if (typeof a === 'number') return a - (b as number);
  const ia = (a as string)[Symbol.iterator]();
  const ib = (b as string)[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return (x.done ? 0 : 1) - (y.done ? 0 : 1);
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

/**
 * The base of the lookup layers: the vocabulary, `adapt` (the counting behind `updateState` and
 * `finalizeState`), and the lookup and its encodings. Subclasses say how tokens are read from
 * batches and inputs and how an OOV token picks one of several OOV indices.
 */
export abstract class IndexLookup<T extends string | number> extends PreprocessingLayer {
  readonly maxTokens: number | null;
  readonly numOovIndices: number;
  readonly maskToken: T | null;
  readonly oovToken: T;
  readonly invert: boolean;
  readonly outputMode: LookupOutputMode;
  readonly padToMaxTokens: boolean;
  /** The tokens after the special ones, in index order. */
  private tokens: T[] = [];
  private indexOf = new Map<T, number>();
  /** Inverse document frequencies, one per index (tf_idf mode, once known). */
  private idf: Float32Array | null = null;
  /** Whether the vocabulary was given (then `adapt` refuses to replace it, as in Keras). */
  private readonly fixedVocabulary: boolean;
  /** Counts while adapting: occurrences, documents holding each token, documents. */
  private counts = new Map<T, number>();
  private documentCounts = new Map<T, number>();
  private documents = 0;

  constructor(args: IndexLookupArgs<T>, defaults: { maskToken: T | null; oovToken: T }) {
    super({ ...args, dtype: undefined });
    const who = this.describe();
    this.maxTokens = args.maxTokens == null ? null : checkPositiveInt(who, 'maxTokens', args.maxTokens);
    this.numOovIndices = checkNonNegativeInt(who, 'numOovIndices', args.numOovIndices ?? 1);
    this.maskToken = args.maskToken === undefined ? defaults.maskToken : args.maskToken;
    this.oovToken = args.oovToken ?? defaults.oovToken;
    this.invert = checkBoolean(who, 'invert', args.invert ?? false);
    this.outputMode = checkChoice(who, 'outputMode', args.outputMode ?? 'int', LOOKUP_OUTPUT_MODES);
    this.padToMaxTokens = checkBoolean(who, 'padToMaxTokens', args.padToMaxTokens ?? false);
    if (args.sparse) throw new ValueError(`${who}: sparse outputs are not supported; leave sparse false (dense outputs).`);
    if (args.oovMethod !== undefined && args.oovMethod !== 'floormod') throw new NotSupportedError(`${who}: oovMethod '${String(args.oovMethod)}' is not supported; only 'floormod' (Keras's default).`);
    if (args.salt != null) throw new NotSupportedError(`${who}: a salted OOV hash (salt) is not supported; leave salt null.`);
    // Lookups output indices (or counts of them): there is nothing for an activity penalty to act on.
    if (this.activityRegularizer) throw new ValueError(`${who}: an activityRegularizer has nothing to penalize on a lookup's output; remove it.`);
    if (this.invert && this.outputMode !== 'int') throw new ValueError(`${who}: invert needs outputMode 'int', got '${this.outputMode}'.`);
    if (this.padToMaxTokens && this.maxTokens === null && this.outputMode !== 'int') {
      throw new ValueError(`${who}: padToMaxTokens needs maxTokens (the width of the encoding).`);
    }
    if (args.idfWeights != null && this.outputMode !== 'tf_idf') {
      throw new ValueError(`${who}: idfWeights is only for outputMode 'tf_idf', got outputMode '${this.outputMode}'.`);
    }
    this.fixedVocabulary = args.vocabulary != null;
    if (args.vocabulary != null) this.setVocabulary(args.vocabulary, args.idfWeights ?? undefined);
    else if (args.idfWeights != null) throw new ValueError(`${who}: idfWeights needs the vocabulary it weighs; pass vocabulary too.`);
  }

  // ---- what a subclass says ----

  /** The OOV bucket of a token when there are several OOV indices, in [0, numOovIndices). */
  protected abstract oovBucket(token: T): number;

  // ---- the vocabulary ----

  /** The index of the first OOV index: 1 when a mask token takes index 0 ('int' mode), else 0. */
  protected oovStart(): number {
    return this.maskToken !== null && this.outputMode === 'int' ? 1 : 0;
  }

  /** The index of the first learned token. */
  protected tokenStart(): number {
    return this.oovStart() + this.numOovIndices;
  }

  /**
   * The vocabulary in index order: the mask token (in 'int' mode), the OOV token once per OOV
   * index, then the tokens; only the tokens with `includeSpecialTokens: false`.
   *
   * @example
   * const lookup = new StringLookup({ vocabulary: ['a', 'b'] });
   * lookup.getVocabulary(); // ['[UNK]', 'a', 'b']
   */
  getVocabulary(includeSpecialTokens = true): T[] {
    if (!includeSpecialTokens) return [...this.tokens];
    const special: T[] = [...(this.oovStart() ? [this.maskToken!] : []), ...Array.from({ length: this.numOovIndices }, () => this.oovToken)];
    return [...special, ...this.tokens];
  }

  /**
   * The number of indices: special tokens and learned tokens.
   *
   * @example
   * new StringLookup({ vocabulary: ['a', 'b'] }).vocabularySize(); // 3
   */
  vocabularySize(): number {
    return this.tokenStart() + this.tokens.length;
  }

  /**
   * Replaces the vocabulary (and, in 'tf_idf' mode, the inverse document frequencies). The special
   * tokens may lead it, in Keras's order (mask, then OOV), or be left out.
   *
   * @example
   * lookup.setVocabulary(['cat', 'dog']);
   */
  setVocabulary(vocabulary: readonly T[], idfWeights?: readonly number[]): void {
    const who = this.describe();
    if (vocabulary.length === 0) throw new ValueError(`${who}: the vocabulary must not be empty.`);
    const special = this.getVocabulary().slice(0, this.tokenStart());
    const leading = special.every((t, i) => vocabulary[i] === t);
    const tokens = leading ? vocabulary.slice(special.length) : [...vocabulary];
    const seen = new Set<T>();
    for (const t of tokens) {
      if (seen.has(t)) throw new ValueError(`${who}: the vocabulary repeats the token ${JSON.stringify(t)}; each token must appear once.`);
      seen.add(t);
      if (t === this.maskToken) throw new ValueError(`${who}: the mask token ${JSON.stringify(t)} may only lead the vocabulary, in this order: ${JSON.stringify(special)}.`);
      if (this.invert && t === this.oovToken) throw new ValueError(`${who}: the OOV token ${JSON.stringify(t)} may only lead the vocabulary, in this order: ${JSON.stringify(special)}.`);
    }
    if (this.maxTokens !== null && this.tokenStart() + tokens.length > this.maxTokens) {
      throw new ValueError(`${who}: a vocabulary of ${this.tokenStart() + tokens.length} indices (special tokens included) exceeds maxTokens ${this.maxTokens}.`);
    }
    if (this.outputMode === 'tf_idf') {
      if (idfWeights === undefined) throw new ValueError(`${who}: outputMode 'tf_idf' needs idfWeights with the vocabulary (one per token).`);
      if (idfWeights.length !== vocabulary.length) {
        throw new ValueError(`${who}: idfWeights must have one weight per vocabulary entry: ${vocabulary.length}, got ${idfWeights.length}.`);
      }
      // As Keras: weights for a vocabulary without its special tokens get the mean weight at the OOV indices.
      const front = leading ? [] : Array<number>(this.tokenStart()).fill(idfWeights.reduce((s, w) => s + w, 0) / idfWeights.length);
      this.setIdf([...front, ...idfWeights]);
    } else if (idfWeights !== undefined) {
      throw new ValueError(`${who}: idfWeights is only for outputMode 'tf_idf', got outputMode '${this.outputMode}'.`);
    }
    this.useTokens(tokens);
  }

  private useTokens(tokens: readonly T[]): void {
    this.adapted = true;
    this.tokens = [...tokens];
    const start = this.tokenStart();
    this.indexOf = new Map(this.tokens.map((t, i) => [t, start + i]));
  }

  /** Keeps the inverse document frequencies, zero-padded to maxTokens with padToMaxTokens (as Keras). */
  private setIdf(weights: readonly number[]): void {
    const width = this.padToMaxTokens && this.maxTokens !== null ? Math.max(this.maxTokens, weights.length) : weights.length;
    this.idf = new Float32Array(width);
    this.idf.set(weights);
  }

  // ---- adapt ----

  /**
   * Forgets what `updateState` counted so far.
   *
   * @example
   * lookup.resetState();
   */
  override resetState(): void {
    this.counts = new Map();
    this.documentCounts = new Map();
    this.documents = 0;
  }

  /** @internal Counts the tokens of rows of tokens (each row a document); what `updateState` and TextVectorization call. */
  countRows(rows: TokenRows<T>): void {
    if (this.fixedVocabulary) throw new ValueError(`${this.describe()}: cannot adapt a layer made with a fixed vocabulary (the vocabulary argument).`);
    for (const row of rows) {
      for (const t of row) this.counts.set(t, (this.counts.get(t) ?? 0) + 1);
      if (this.outputMode === 'tf_idf') for (const t of new Set(row)) this.documentCounts.set(t, (this.documentCounts.get(t) ?? 0) + 1);
    }
    this.documents += rows.length;
  }

  /**
   * Makes the vocabulary from the counts: the special tokens, then the tokens by decreasing count,
   * at most `maxTokens` indices in all.
   *
   * @example
   * lookup.updateState(batch1); lookup.updateState(batch2); lookup.finalizeState();
   */
  override finalizeState(): void {
    if (this.fixedVocabulary || this.counts.size === 0) return;
    this.counts.delete(this.oovToken);
    if (this.maskToken !== null) this.counts.delete(this.maskToken);
    // NOTE: Keras sorts with np.lexsort((tokens, counts))[::-1]: ties in count go to the LARGER token
    // first (reverse byte order for strings, decreasing value for integers), not to the first seen.
    const sorted = [...this.counts.entries()].sort(([ta, ca], [tb, cb]) => cb - ca || compareTokens(tb, ta)).map(([t]) => t);
    const kept = this.maxTokens === null ? sorted : sorted.slice(0, Math.max(0, this.maxTokens - this.tokenStart()));
    if (this.outputMode === 'tf_idf') {
      // Keras's weights: log(1 + documents / (1 + documents holding the token)); the OOV indices get their mean.
      const weights = kept.map((t) => Math.log(1 + this.documents / (1 + (this.documentCounts.get(t) ?? 0))));
      const mean = weights.reduce((s, w) => s + Math.fround(w), 0) / Math.max(1, weights.length);
      this.setIdf([...Array<number>(this.tokenStart()).fill(mean), ...weights]);
    }
    this.useTokens(kept);
    this.resetState();
  }

  // ---- the lookup ----

  /** The index of one token: 0 for the mask ('int' mode; -1, left out, in the others), an OOV index for unknown tokens. */
  protected lookupToken(token: T): number {
    if (this.maskToken !== null && token === this.maskToken) return this.outputMode === 'int' ? 0 : -1;
    const index = this.indexOf.get(token);
    if (index !== undefined) return index;
    if (this.numOovIndices === 0) {
      throw new ValueError(`${this.describe()}: the token ${JSON.stringify(token)} is not in the vocabulary, and numOovIndices is 0. Set numOovIndices to 1 (or more) to map unknown tokens to an OOV index.`);
    }
    return this.oovStart() + (this.numOovIndices === 1 ? 0 : this.oovBucket(token));
  }

  /** The token of one index (for `invert`): the mask token at 0, the OOV token for OOV and unknown indices. */
  protected tokenAt(index: number): T {
    if (this.oovStart() && index === 0) return this.maskToken!;
    return this.tokens[index - this.tokenStart()] ?? this.oovToken;
  }

  /** The width of the encodings other than 'int'. */
  protected depth(): number {
    if (this.padToMaxTokens && this.maxTokens !== null) return this.maxTokens;
    if (this.tokens.length === 0 && !this.fixedVocabulary) {
      throw new ValueError(`${this.describe()}: outputMode '${this.outputMode}' needs the vocabulary's size; call adapt() or pass a vocabulary first (or set padToMaxTokens with maxTokens).`);
    }
    return this.vocabularySize();
  }

  /**
   * Encodes indices of shape `shape` as Keras does: 'int' gives them as int32; 'one_hot' adds an
   * axis of `depth` (replacing a last axis of 1); 'multi_hot', 'count' and 'tf_idf' replace the
   * last axis by `depth` (a scalar counts as one token).
   */
  protected encode(indices: Int32Array, shape: Shape): Tensor {
    if (this.outputMode === 'int') return tensor(indices, shape, 'int32');
    const depth = this.depth();
    if (this.outputMode === 'one_hot') {
      const base = shape.length > 1 && shape[shape.length - 1] === 1 ? shape.slice(0, -1) : shape;
      const out = new Float32Array(indices.length * depth);
      indices.forEach((k, i) => {
        if (k >= 0 && k < depth) out[i * depth + k] = 1;
      });
      return tensor(out, [...base, depth]);
    }
    const rows = shape.length === 0 ? [] : shape.slice(0, -1);
    const perRow = shape.length === 0 ? 1 : shape[shape.length - 1]!;
    return this.encodeRows(Array.from({ length: indices.length / Math.max(1, perRow) }, (_, r) => indices.subarray(r * perRow, (r + 1) * perRow)), rows);
  }

  /** @internal The indices of tokens (see `lookupToken`); what TextVectorization looks its tokens up with. */
  lookupTokens(tokens: readonly T[]): Int32Array {
    return Int32Array.from(tokens, (t) => this.lookupToken(t));
  }

  /** @internal 'multi_hot', 'count' or 'tf_idf' vectors, one per row of indices, as a tensor of shape [...rowsShape, depth]. */
  encodeRows(rows: readonly ArrayLike<number>[], rowsShape: Shape): Tensor {
    const depth = this.depth();
    const out = new Float32Array(rows.length * depth);
    rows.forEach((row, r) => {
      for (let i = 0; i < row.length; i++) {
        const k = row[i]!;
        // Masked tokens (-1) and indices past the encoding's width are left out, as Keras's bincount does.
        if (k < 0 || k >= depth) continue;
        if (this.outputMode === 'multi_hot') out[r * depth + k] = 1;
        else out[r * depth + k]! += 1;
      }
    });
    if (this.outputMode === 'tf_idf') {
      const idf = this.idf;
      if (!idf) throw new ValueError(`${this.describe()}: outputMode 'tf_idf' needs idf weights; call adapt() or pass vocabulary and idfWeights.`);
      for (let i = 0; i < out.length; i++) out[i]! *= idf[i % depth] ?? 0;
    }
    return tensor(out, [...rowsShape, depth]);
  }

  /** The output shape for inputs of `inputShape` (see `encode`). */
  protected encodedShape(inputShape: SymbolicShape): SymbolicShape {
    if (this.outputMode === 'int') return inputShape;
    const depth = this.padToMaxTokens && this.maxTokens !== null ? this.maxTokens : this.vocabularySize();
    if (this.outputMode === 'one_hot') {
      const base = inputShape.length > 1 && inputShape[inputShape.length - 1] === 1 ? inputShape.slice(0, -1) : inputShape;
      return [...base, depth];
    }
    return [...inputShape.slice(0, -1), depth];
  }

  /** Checks that a call's values are tokens; names the layer and the shape. */
  protected badInput(got: string, shape: readonly number[], hint: string): ValueError {
    return new ValueError(`${this.describe()} expects ${hint}, got ${got} of shape ${fmtShape(shape)}.`);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return this.encodedShape(this.singleShape(inputShape));
  }

  override getConfig(): ConfigDict {
    const { dtype: _dtype, activityRegularizer: _none, ...base } = super.getConfig();
    const known = this.tokens.length > 0;
    return {
      ...base,
      maxTokens: this.maxTokens,
      numOovIndices: this.numOovIndices,
      maskToken: this.maskToken,
      oovToken: this.oovToken,
      // The vocabulary (and idf weights) travel in the config, special tokens first, so that a saved
      // model looks tokens up as the adapted one did; Keras reads such a config as a given vocabulary.
      vocabulary: known ? this.getVocabulary() : null,
      idfWeights: known && this.idf ? Array.from(this.idf.subarray(0, this.vocabularySize())) : null,
      invert: this.invert,
      outputMode: this.outputMode,
      padToMaxTokens: this.padToMaxTokens,
      sparse: false,
      vocabularySize: known ? this.vocabularySize() : null,
      oovMethod: 'floormod',
      salt: null,
    };
  }
}
