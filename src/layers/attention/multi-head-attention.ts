/**
 * MultiHeadAttention: scaled dot-product attention run by several heads side by side, each on its
 * own learned projections of the query, key and value, as in "Attention Is All You Need" and Keras 3.
 */
import { NotSupportedError, ShapeError, ValueError } from '../../core/errors.js';
import { RandomGenerator, generatorFor } from '../../core/random.js';
import type { ConfigDict } from '../../core/serialization.js';
import type { Tensor, Variable } from '../../core/tensor.js';
import { checkBoolean, checkInterval, checkPositiveInt, checkSeed } from '../../core/validate.js';
import { getInitializer, serializeInitializer, type InitializerIdentifier } from '../../initializers/get-initializer.js';
import type { Initializer } from '../../initializers/initializer.js';
import { add, mul } from '../../ops/arithmetic.js';
import { dropout } from '../../ops/dropout.js';
import { matMul } from '../../ops/linalg.js';
import { reshape, transpose } from '../../ops/shape.js';
import { getRegularizer, serializeRegularizer, type RegularizerIdentifier } from '../../regularizers/get-regularizer.js';
import type { Regularizer } from '../../regularizers/regularizer.js';
import { CALL_KEYS } from '../layer-args.js';
import { Layer, layerArgKeys, type CallArgs, type LayerArgs, type LayerOptions, type Mask, type ShapeOrShapes } from '../layer.js';
import { paramFormula, sumFormula, term, type ParamFormula, type ParamTerm } from '../param-formula.js';
import { optionKeys } from '../../core/options.js';
import { registerLayer } from '../registry.js';
import { fmtSymbolicShape, isShapeList, type SymbolicShape } from '../symbolic-tensor.js';
import { attend, attentionMask, type AttentionInputs } from './attend.js';

/** Arguments of `MultiHeadAttention`. */
export interface MultiHeadAttentionLayerArgs extends LayerArgs {
  /** The number of heads. */
  numHeads: number;
  /** The size of each head's query and key projections. */
  keyDim: number;
  /** The size of each head's value projection (default `keyDim`). */
  valueDim?: number | null;
  /** The fraction of attention weights dropped while training (default 0). */
  dropout?: number;
  /** Whether the projections add biases (default true). */
  useBias?: boolean;
  /** The size of the output's last axis, or its last axes (default: the query's last axis). */
  outputShape?: number | number[] | null;
  /**
   * The axes attention runs over, batch axis counted (default: every axis but the batch and the
   * features). Only the default is supported; it is accepted written out.
   */
  attentionAxes?: number | number[] | null;
  /** How the projection kernels start (default `'glorotUniform'`). */
  kernelInitializer?: InitializerIdentifier;
  /** How the projection biases start (default `'zeros'`). */
  biasInitializer?: InitializerIdentifier;
  /** A penalty on the projection kernels (none by default). */
  kernelRegularizer?: RegularizerIdentifier | null;
  /** A penalty on the projection biases (none by default). */
  biasRegularizer?: RegularizerIdentifier | null;
  /** Makes the dropout masks reproducible. */
  seed?: number | null;
}

/** The options of a MultiHeadAttention call, besides `training` and `mask`. */
export interface MultiHeadAttentionCallArgs extends CallArgs {
  /**
   * Which query steps may attend to which key steps: bool [batch, targetSteps, sourceSteps], true
   * where attention is allowed. Combined (and) with the inputs' masks and the causal mask.
   */
  attentionMask?: Tensor | null;
  /** Lets each query step attend only to key steps at or before it (a decoder's self-attention). */
  useCausalMask?: boolean;
  /** Also returns the attention weights [batch, heads, targetSteps, sourceSteps] as a second output. */
  returnAttentionScores?: boolean;
}

const MHA_CALL_KEYS = [...CALL_KEYS, ...optionKeys<Omit<MultiHeadAttentionCallArgs, 'training' | 'mask'>>({ attentionMask: true, useCausalMask: true, returnAttentionScores: true })];

/** One projection: a kernel [inputDim, heads, dim] (or [heads, dim, ...outputShape] for the output) and its bias. */
interface Projection {
  kernel: Variable;
  bias: Variable | null;
}

/**
 * Multi-head attention. Called on `[query, value]` or `[query, value, key]` (the key is the value
 * when not given), of shapes [batch, targetSteps, queryDim] and [batch, sourceSteps, valueDim]
 * (more axes between batch and features are flattened into one, as Keras's default attention axes
 * do). Each head projects the query and key to `keyDim` and the value to `valueDim`, scores every
 * (query step, key step) pair by the dot product scaled by 1/√keyDim, turns the scores into weights
 * with a softmax over the key steps, and sums the values with them; the heads' results are joined
 * and projected to the output size. Padding masks of the inputs (from an Embedding with
 * `maskZero`, or a Masking layer) keep padded key steps from being attended to; call options add an
 * explicit `attentionMask`, a causal mask (`useCausalMask`) and the weights as a second output
 * (`returnAttentionScores`).
 *
 * Parameters: per head, query and key projections of (queryDim + 1) · keyDim and
 * (keyDimIn + 1) · keyDim, a value projection of (valueDimIn + 1) · valueDim, and an output
 * projection of numHeads · valueDim · outDim + outDim. Two heads of 16 on 32 features: 4,224.
 *
 * @example
 * const mha = new MultiHeadAttention({ numHeads: 2, keyDim: 16 });
 * const x = randomNormal([4, 10, 32]);
 * mha.apply([x, x]).shape;                                      // [4, 10, 32]; self-attention
 * mha.applyMulti([x, x], { returnAttentionScores: true })[1].shape; // [4, 2, 10, 10]
 * mha.countParams();                                            // 4224
 */
export class MultiHeadAttention extends Layer {
  static override readonly className: string = 'MultiHeadAttention';
  static override readonly argKeys = layerArgKeys<MultiHeadAttentionLayerArgs>({
    numHeads: true, keyDim: true, valueDim: true, dropout: true, useBias: true, outputShape: true, attentionAxes: true,
    kernelInitializer: true, biasInitializer: true, kernelRegularizer: true, biasRegularizer: true, seed: true,
  });
  static override readonly callArgKeys = MHA_CALL_KEYS;
  /** The number of heads. */
  readonly numHeads: number;
  /** Each head's query and key size. */
  readonly keyDim: number;
  /** Each head's value size. */
  readonly valueDim: number;
  /** The dropout rate of the attention weights. */
  readonly dropout: number;
  /** Whether the projections have biases. */
  readonly useBias: boolean;
  /** The output's last axes as given as `outputShape` (null: the query's feature size). */
  readonly outputDims: number[] | null;
  /** The attention axes as given (null: the default, the only one supported). */
  readonly attentionAxes: number | number[] | null;
  /** How the kernels start. */
  readonly kernelInitializer: Initializer;
  /** How the biases start. */
  readonly biasInitializer: Initializer;
  /** The kernels' penalty. */
  readonly kernelRegularizer: Regularizer | null;
  /** The biases' penalty. */
  readonly biasRegularizer: Regularizer | null;
  /** The seed given, or null. */
  readonly seed: number | null;
  private readonly generator: RandomGenerator;
  private projections: { query: Projection; key: Projection; value: Projection; output: Projection } | null = null;

  constructor(args: MultiHeadAttentionLayerArgs) {
    super(args);
    const who = this.describe();
    this.supportsMasking = true;
    this.numHeads = checkPositiveInt(who, 'numHeads', args.numHeads);
    this.keyDim = checkPositiveInt(who, 'keyDim', args.keyDim);
    this.valueDim = args.valueDim === undefined || args.valueDim === null ? this.keyDim : checkPositiveInt(who, 'valueDim', args.valueDim);
    this.dropout = checkInterval(who, 'dropout', args.dropout ?? 0, 0, 1, '[)');
    this.useBias = checkBoolean(who, 'useBias', args.useBias ?? true);
    const outputShape = args.outputShape ?? null;
    this.outputDims = outputShape === null ? null : (Array.isArray(outputShape) ? outputShape : [outputShape]).map((d, i) => checkPositiveInt(who, `outputShape[${i}]`, d));
    this.attentionAxes = args.attentionAxes ?? null;
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorotUniform');
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros');
    this.kernelRegularizer = getRegularizer(args.kernelRegularizer);
    this.biasRegularizer = getRegularizer(args.biasRegularizer);
    this.seed = checkSeed(who, 'seed', args.seed);
    this.generator = new RandomGenerator(this.seed ?? generatorFor(undefined).nextUint32());
  }

  override build(inputShape: ShapeOrShapes): void {
    const [query, value, key] = this.inputShapes(inputShape);
    const features = (shape: SymbolicShape, what: string): number => {
      const d = shape[shape.length - 1];
      if (d === null || d === undefined) throw new ShapeError(`${this.describe()} needs the feature size (last axis) of its ${what} to make its projections, but it is unknown in ${fmtSymbolicShape(shape)}.`);
      return d;
    };
    this.checkAttentionAxes(query.length);
    const queryDim = features(query, 'query');
    const outShape = this.outputDims ?? [queryDim];
    const make = (name: string, kernelShape: number[], biasShape: number[]): Projection => ({
      kernel: this.addWeight(`${name}/kernel`, kernelShape, { initializer: this.kernelInitializer, regularizer: this.kernelRegularizer }),
      bias: this.useBias ? this.addWeight(`${name}/bias`, biasShape, { initializer: this.biasInitializer, regularizer: this.biasRegularizer }) : null,
    });
    // Keras 3's order and shapes (its EinsumDense sublayers), so that weight lists and .keras files line up.
    this.projections = {
      query: make('query', [queryDim, this.numHeads, this.keyDim], [this.numHeads, this.keyDim]),
      key: make('key', [features(key ?? value, 'key'), this.numHeads, this.keyDim], [this.numHeads, this.keyDim]),
      value: make('value', [features(value, 'value'), this.numHeads, this.valueDim], [this.numHeads, this.valueDim]),
      output: make('attention_output', [this.numHeads, this.valueDim, ...outShape], outShape),
    };
  }

  override call(inputs: Tensor | Tensor[], args: MultiHeadAttentionCallArgs): Tensor | Tensor[] {
    const [query, value, key] = this.inputTensors(inputs);
    const p = this.projections!;
    const batch = query.shape[0]!;
    const queryRows = reshape(query, [batch, -1, query.shape[query.rank - 1]!]);
    const valueRows = reshape(value, [batch, -1, value.shape[value.rank - 1]!]);
    const keyRows = key ? reshape(key, [batch, -1, key.shape[key.rank - 1]!]) : valueRows;
    const t = queryRows.shape[1]!;
    const s = valueRows.shape[1]!;
    // [batch, steps, features] · [features, heads · dim] → [batch, heads, steps, dim]
    const heads = (x: Tensor, proj: Projection, dim: number): Tensor => {
      const [, steps, features] = x.shape as [number, number, number];
      let y = matMul(reshape(x, [-1, features]), reshape(proj.kernel, [features, this.numHeads * dim]));
      if (proj.bias) y = add(y, reshape(proj.bias, [this.numHeads * dim]));
      return transpose(reshape(y, [batch, steps, this.numHeads, dim]), [0, 2, 1, 3]);
    };
    const masks = this.inputMasks(args.mask, key !== undefined && key !== value);
    const mask = attentionMask(this.describe(), { batch, targetSteps: t, sourceSteps: s, ...masks, attentionMask: args.attentionMask ?? null, causal: args.useCausalMask ?? false } satisfies AttentionInputs);
    // NOTE: Keras scales the projected query (not the scores) by 1/√keyDim; the same up to rounding, kept for parity.
    const q = mul(heads(queryRows, p.query, this.keyDim), 1 / Math.sqrt(this.keyDim));
    const weights0 = attend(matMul(q, heads(keyRows, p.key, this.keyDim), false, true), mask === null ? null : reshape(mask, [batch, 1, t, s]));
    const weights = args.training && this.dropout > 0 ? dropout(weights0, this.dropout, { seed: this.generator }) : weights0;
    const context = matMul(weights, heads(valueRows, p.value, this.valueDim)); // [batch, heads, t, valueDim]
    const joined = reshape(transpose(context, [0, 2, 1, 3]), [batch * t, this.numHeads * this.valueDim]);
    const outShape = p.output.kernel.shape.slice(2);
    const outSize = outShape.reduce((a, b) => a * b, 1);
    let out = matMul(joined, reshape(p.output.kernel, [this.numHeads * this.valueDim, outSize]));
    if (p.output.bias) out = add(out, reshape(p.output.bias, [outSize]));
    const output = reshape(out, [...query.shape.slice(0, -1), ...outShape]);
    if (!args.returnAttentionScores) return output;
    return [output, reshape(weights0, [batch, this.numHeads, ...query.shape.slice(1, -1), ...value.shape.slice(1, -1)])];
  }

  /** The output's mask is the query's, as in Keras: a padded query step stays padded. */
  override computeMask(_inputs: Tensor | Tensor[], mask: Mask): Mask {
    if (mask === null || mask === undefined) return null;
    return Array.isArray(mask) ? (mask[0] ?? null) : mask;
  }

  override computeOutputShape(inputShape: ShapeOrShapes, options: LayerOptions = {}): SymbolicShape | SymbolicShape[] {
    const [query, value] = this.inputShapes(inputShape);
    const outShape = this.outputDims ?? [query[query.length - 1]!];
    const output = [...query.slice(0, -1), ...outShape];
    if (!options['returnAttentionScores']) return output;
    return [output, [query[0]!, this.numHeads, ...query.slice(1, -1), ...value.slice(1, -1)]];
  }

  /**
   * The four projections: the query's, key's and value's `(d + 1) × heads × keyDim` (valueDim for
   * the value), and the output's `(heads × valueDim + 1) × out`.
   */
  override explainParams(): ParamFormula | undefined {
    const p = this.projections;
    if (!p) return undefined;
    const [heads, keyDim, valueDim] = [term('heads', this.numHeads), term('keyDim', this.keyDim), term('valueDim', this.valueDim)];
    const out = term('out', p.output.kernel.shape.slice(2).reduce((a, b) => a * b, 1));
    const input = (symbol: string, projection: Projection, size: ParamTerm): ParamFormula => {
      const d = term(symbol, projection.kernel.shape[0]!);
      return this.useBias ? paramFormula`(${d} + 1) × ${heads} × ${size}` : paramFormula`${d} × ${heads} × ${size}`;
    };
    const output = this.useBias ? paramFormula`(${heads} × ${valueDim} + 1) × ${out}` : paramFormula`${heads} × ${valueDim} × ${out}`;
    return sumFormula([input('dq', p.query, keyDim), input('dk', p.key, keyDim), input('dv', p.value, valueDim), output]);
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      numHeads: this.numHeads,
      keyDim: this.keyDim,
      valueDim: this.valueDim,
      dropout: this.dropout,
      useBias: this.useBias,
      outputShape: this.outputDims ? [...this.outputDims] : null,
      attentionAxes: this.attentionAxes,
      kernelInitializer: serializeInitializer(this.kernelInitializer),
      biasInitializer: serializeInitializer(this.biasInitializer),
      kernelRegularizer: serializeRegularizer(this.kernelRegularizer),
      biasRegularizer: serializeRegularizer(this.biasRegularizer),
      seed: this.seed,
    };
  }

  private inputShapes(inputShape: ShapeOrShapes): [SymbolicShape, SymbolicShape, SymbolicShape | undefined] {
    if (!isShapeList(inputShape) || inputShape.length < 2 || inputShape.length > 3) {
      throw new ValueError(`${this.describe()} is called on [query, value] or [query, value, key]; got ${isShapeList(inputShape) ? `${inputShape.length} inputs` : 'one input'}. For self-attention pass the same tensor twice: apply([x, x]).`);
    }
    const [query, value, key] = inputShape as [SymbolicShape, SymbolicShape, SymbolicShape?];
    for (const [what, shape] of [['query', query], ['value', value], ['key', key]] as const) {
      if (shape && shape.length < 3) throw new ShapeError(`${this.describe()}: the ${what} must be [batch, steps, features] (rank 3 or more), got ${fmtSymbolicShape(shape)}.`);
    }
    if (key && fmtSymbolicShape(key.slice(1, -1)) !== fmtSymbolicShape(value.slice(1, -1))) {
      throw new ShapeError(`${this.describe()}: the key ${fmtSymbolicShape(key)} and the value ${fmtSymbolicShape(value)} must have the same steps; each key step scores the value step at its position.`);
    }
    return [query, value, key];
  }

  private inputTensors(inputs: Tensor | Tensor[]): [Tensor, Tensor, Tensor | undefined] {
    this.inputShapes(Array.isArray(inputs) ? inputs.map((x) => x.shape) : inputs.shape);
    const [query, value, key] = inputs as [Tensor, Tensor, Tensor?];
    return [query, value, key];
  }

  /** The query's, value's and key's padding masks (the key's only when a key distinct from the value is given, as Keras). */
  private inputMasks(mask: Mask | undefined, distinctKey: boolean): { queryMask: Tensor | null; valueMask: Tensor | null; keyMask: Tensor | null } {
    if (mask === null || mask === undefined) return { queryMask: null, valueMask: null, keyMask: null };
    if (!Array.isArray(mask)) throw new ValueError(`${this.describe()}: the mask must be a list, one per input ([queryMask, valueMask] or with a keyMask), got one tensor.`);
    return { queryMask: mask[0] ?? null, valueMask: mask[1] ?? null, keyMask: distinctKey ? (mask[2] ?? null) : null };
  }

  private checkAttentionAxes(rank: number): void {
    if (this.attentionAxes === null) return;
    const given = (Array.isArray(this.attentionAxes) ? this.attentionAxes : [this.attentionAxes]).map((a) => (a < 0 ? a + rank : a));
    const defaults = Array.from({ length: rank - 2 }, (_, i) => i + 1);
    if (given.length !== defaults.length || given.some((a, i) => a !== defaults[i])) {
      throw new NotSupportedError(`${this.describe()}: attentionAxes ${JSON.stringify(this.attentionAxes)} are not supported; Strata attends over every axis between the batch and the features (${JSON.stringify(defaults)} for rank ${rank}). Reshape or transpose the input to put the attended axes there.`);
    }
  }
}
registerLayer(MultiHeadAttention);
