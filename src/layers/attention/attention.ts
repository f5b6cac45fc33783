/**
 * Attention and AdditiveAttention: attention without projections, each query step a weighted sum
 * of the value steps, scored by a dot product (Luong) or by a sum of tanh (Bahdanau), as in Keras 3.
 */
import { ShapeError, ValueError } from '../../core/errors.js';
import { optionKeys } from '../../core/options.js';
import { RandomGenerator, generatorFor } from '../../core/random.js';
import type { ConfigDict } from '../../core/serialization.js';
import type { Tensor, Variable } from '../../core/tensor.js';
import { checkBoolean, checkChoice, checkInterval, checkSeed } from '../../core/validate.js';
import { add, mul } from '../../ops/arithmetic.js';
import { where } from '../../ops/compare.js';
import { dropout } from '../../ops/dropout.js';
import { matMul } from '../../ops/linalg.js';
import { expandDims } from '../../ops/shape.js';
import { sum } from '../../ops/sum-broadcast.js';
import { tanh } from '../../ops/unary.js';
import { CALL_KEYS } from '../layer-args.js';
import { Layer, layerArgKeys, type CallArgs, type LayerArgs, type LayerOptions, type Mask, type ShapeOrShapes } from '../layer.js';
import { paramFormula, sumFormula, term, type ParamFormula } from '../param-formula.js';
import { registerLayer } from '../registry.js';
import { fmtSymbolicShape, isShapeList, type SymbolicShape } from '../symbolic-tensor.js';
import { attend, attentionMask } from './attend.js';

/** Arguments of `Attention`. */
export interface AttentionLayerArgs extends LayerArgs {
  /** Whether the scores are multiplied by a learned scalar (default false). */
  useScale?: boolean;
  /**
   * How a query step and a key step are scored (default `'dot'`): `'dot'` their dot product,
   * `'concat'` the sum of tanh(query + key), times a learned scalar.
   */
  scoreMode?: 'dot' | 'concat';
  /** The fraction of attention weights dropped while training (default 0). */
  dropout?: number;
  /** Makes the dropout masks reproducible. */
  seed?: number | null;
}

/** Arguments of `AdditiveAttention`. */
export type AdditiveAttentionLayerArgs = Omit<AttentionLayerArgs, 'scoreMode'>;

/** The options of an Attention or AdditiveAttention call, besides `training` and `mask`. */
export interface AttentionCallArgs extends CallArgs {
  /** Lets each query step attend only to value steps at or before it. */
  useCausalMask?: boolean;
  /** Also returns the attention weights [batch, targetSteps, sourceSteps] as a second output. */
  returnAttentionScores?: boolean;
}

const ATTENTION_CALL_KEYS = [...CALL_KEYS, ...optionKeys<Omit<AttentionCallArgs, 'training' | 'mask'>>({ useCausalMask: true, returnAttentionScores: true })];

/**
 * Dot-product (Luong-style) attention. Called on `[query, value]` or `[query, value, key]` (the key
 * is the value when not given), of shapes [batch, targetSteps, dim] and [batch, sourceSteps, dim]:
 * each query step scores every key step (`scoreMode` `'dot'`: q·k, times a learned `scale` with
 * `useScale`; `'concat'`: w · Σ tanh(scale · (q + k))), the scores become weights by a softmax over
 * the key steps, and the output [batch, targetSteps, valueDim] is the weighted sum of the values.
 * The value's padding mask keeps padded steps from being attended to; a padded query step gives
 * zeros, and the output keeps the query's mask, as in Keras.
 *
 * Parameters: 1 with `useScale`, and 1 more with `scoreMode: 'concat'`.
 *
 * @example
 * const q = randomNormal([2, 3, 4]);
 * const v = randomNormal([2, 5, 4]);
 * new Attention().apply([q, v]).shape;                                          // [2, 3, 4]
 * new Attention().applyMulti([q, v], { returnAttentionScores: true })[1].shape; // [2, 3, 5]
 */
export class Attention extends Layer {
  static override readonly className: string = 'Attention';
  static override readonly argKeys = layerArgKeys<AttentionLayerArgs>({ useScale: true, scoreMode: true, dropout: true, seed: true });
  static override readonly callArgKeys = ATTENTION_CALL_KEYS;
  /** Whether the scores have a learned scale. */
  readonly useScale: boolean;
  /** How scores are computed. */
  readonly scoreMode: 'dot' | 'concat';
  /** The dropout rate of the attention weights. */
  readonly dropout: number;
  /** The seed given, or null. */
  readonly seed: number | null;
  /** The learned scale (a scalar; AdditiveAttention's is [dim]), null without `useScale`. */
  scale: Variable | null = null;
  /** The learned factor of concat scores, null in `'dot'` mode. */
  concatScoreWeight: Variable | null = null;
  private readonly generator: RandomGenerator;

  constructor(args: AttentionLayerArgs = {}, defaultUseScale = false) {
    super(args);
    const who = this.describe();
    this.supportsMasking = true;
    this.useScale = checkBoolean(who, 'useScale', args.useScale ?? defaultUseScale);
    this.scoreMode = checkChoice(who, 'scoreMode', args.scoreMode ?? 'dot', ['dot', 'concat'] as const);
    this.dropout = checkInterval(who, 'dropout', args.dropout ?? 0, 0, 1, '[)');
    this.seed = checkSeed(who, 'seed', args.seed);
    this.generator = new RandomGenerator(this.seed ?? generatorFor(undefined).nextUint32());
  }

  override build(inputShape: ShapeOrShapes): void {
    this.inputShapes(inputShape);
    if (this.useScale) this.scale = this.addWeight('scale', [], { initializer: 'ones' });
    if (this.scoreMode === 'concat') this.concatScoreWeight = this.addWeight('concat_score_weight', [], { initializer: 'ones' });
  }

  /** Scores [batch, targetSteps, sourceSteps] of every (query step, key step) pair. */
  protected scores(query: Tensor, key: Tensor): Tensor {
    if (this.scoreMode === 'dot') {
      const dot = matMul(query, key, false, true);
      return this.scale ? mul(dot, this.scale) : dot;
    }
    const pairs = add(expandDims(query, -2), expandDims(key, -3)); // [batch, t, s, dim]
    return mul(this.concatScoreWeight!, sum(tanh(this.scale ? mul(this.scale, pairs) : pairs), -1));
  }

  override call(inputs: Tensor | Tensor[], args: AttentionCallArgs): Tensor | Tensor[] {
    this.inputShapes(Array.isArray(inputs) ? inputs.map((x) => x.shape) : inputs.shape);
    const [query, value, key] = inputs as [Tensor, Tensor, Tensor?];
    const masks = Array.isArray(args.mask) ? args.mask : args.mask ? [args.mask] : [];
    const [batch, t] = query.shape as [number, number];
    const s = value.shape[1]!;
    // NOTE: Keras masks the scores by the value's mask and the causal triangle only; the query's mask
    // zeroes the output afterwards, and the key's mask is not read.
    const mask = attentionMask(this.describe(), { batch, targetSteps: t, sourceSteps: s, queryMask: null, valueMask: masks[1] ?? null, keyMask: null, attentionMask: null, causal: args.useCausalMask ?? false });
    const weights = attend(this.scores(query, key ?? value), mask);
    const dropped = args.training && this.dropout > 0 ? dropout(weights, this.dropout, { seed: this.generator }) : weights;
    const context = matMul(dropped, value);
    const queryMask = masks[0];
    const output = queryMask ? where(expandDims(queryMask, -1), context, 0) : context;
    return args.returnAttentionScores ? [output, weights] : output;
  }

  /** The output's mask is the query's. */
  override computeMask(_inputs: Tensor | Tensor[], mask: Mask): Mask {
    return Array.isArray(mask) ? (mask[0] ?? null) : null;
  }

  override computeOutputShape(inputShape: ShapeOrShapes, options: LayerOptions = {}): SymbolicShape | SymbolicShape[] {
    const [query, value] = this.inputShapes(inputShape);
    const output = [...query.slice(0, -1), value[value.length - 1]!];
    return options['returnAttentionScores'] ? [output, [query[0]!, query[1]!, value[1]!]] : output;
  }

  /** The score's scale (`useScale`) and the concat score's weight, one number each. */
  override explainParams(): ParamFormula | undefined {
    const parts = [this.scale ? paramFormula`${term('scale', this.scale.size)}` : null, this.concatScoreWeight ? paramFormula`${term('concat', this.concatScoreWeight.size)}` : null];
    const present = parts.filter((p): p is ParamFormula => p !== null);
    return present.length ? sumFormula(present) : super.explainParams();
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), useScale: this.useScale, scoreMode: this.scoreMode, dropout: this.dropout, seed: this.seed };
  }

  /** Checks `[query, value]` or `[query, value, key]`, each [batch, steps, dim], and returns their shapes. */
  protected inputShapes(inputShape: ShapeOrShapes): [SymbolicShape, SymbolicShape, SymbolicShape | undefined] {
    if (!isShapeList(inputShape) || inputShape.length < 2 || inputShape.length > 3) {
      throw new ValueError(`${this.describe()} is called on [query, value] or [query, value, key]; got ${isShapeList(inputShape) ? `${inputShape.length} inputs` : 'one input'}. For self-attention pass the same tensor twice: apply([x, x]).`);
    }
    const [query, value, key] = inputShape as [SymbolicShape, SymbolicShape, SymbolicShape?];
    for (const [what, shape] of [['query', query], ['value', value], ['key', key]] as const) {
      if (shape && shape.length !== 3) throw new ShapeError(`${this.describe()}: the ${what} must be [batch, steps, dim], got ${fmtSymbolicShape(shape)}.`);
    }
    const keyShape = key ?? value;
    if (key && key[1] !== null && value[1] !== null && key[1] !== value[1]) {
      throw new ShapeError(`${this.describe()}: the key ${fmtSymbolicShape(key)} and the value ${fmtSymbolicShape(value)} must have the same steps.`);
    }
    if (query[2] !== null && keyShape[2] !== null && query[2] !== keyShape[2]) {
      throw new ShapeError(`${this.describe()}: the query ${fmtSymbolicShape(query)} and the key ${fmtSymbolicShape(keyShape)} must have the same last dimension to be scored against each other. Project one of them with a Dense layer first.`);
    }
    return [query, value, key];
  }
}
registerLayer(Attention);

/**
 * Additive (Bahdanau-style) attention: as `Attention`, but each (query step, key step) pair is
 * scored by Σ scale · tanh(q + k) over the features, with a learned `scale` [dim] (`useScale`,
 * true by default).
 *
 * Parameters: dim with `useScale`, else 0.
 *
 * @example
 * const layer = new AdditiveAttention();
 * layer.apply([randomNormal([2, 3, 4]), randomNormal([2, 5, 4])]).shape; // [2, 3, 4]
 * layer.countParams(); // 4
 */
export class AdditiveAttention extends Attention {
  static override readonly className: string = 'AdditiveAttention';
  static override readonly argKeys = layerArgKeys<AdditiveAttentionLayerArgs>({ useScale: true, dropout: true, seed: true });

  constructor(args: AdditiveAttentionLayerArgs = {}) {
    super(args, true);
  }

  override build(inputShape: ShapeOrShapes): void {
    const [query] = this.inputShapes(inputShape);
    const dim = query[2];
    if (dim === null || dim === undefined) throw new ShapeError(`${this.describe()} needs the query's last dimension to make its scale, but it is unknown in ${fmtSymbolicShape(query)}.`);
    if (this.useScale) this.scale = this.addWeight('scale', [dim], { initializer: 'glorotUniform' });
  }

  protected override scores(query: Tensor, key: Tensor): Tensor {
    const t = tanh(add(expandDims(query, -2), expandDims(key, -3))); // [batch, t, s, dim]
    return sum(this.scale ? mul(this.scale, t) : t, -1);
  }

  override getConfig(): ConfigDict {
    const { scoreMode: _, ...config } = super.getConfig();
    return config;
  }
}
registerLayer(AdditiveAttention);
