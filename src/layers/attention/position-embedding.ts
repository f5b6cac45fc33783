/**
 * PositionEmbedding: a learned vector per position of a sequence, as KerasHub's layer of that name,
 * so that attention, which is blind to order, can tell the steps apart.
 */
import { ShapeError } from '../../core/errors.js';
import type { ConfigDict } from '../../core/serialization.js';
import type { Tensor, Variable } from '../../core/tensor.js';
import { checkPositiveInt } from '../../core/validate.js';
import { getInitializer, serializeInitializer, type InitializerIdentifier } from '../../initializers/get-initializer.js';
import type { Initializer } from '../../initializers/initializer.js';
import { slice } from '../../ops/slicing.js';
import { broadcastTo } from '../../ops/sum-broadcast.js';
import { Layer, layerArgKeys, type LayerArgs, type ShapeOrShapes } from '../layer.js';
import { paramFormula, term, type ParamFormula } from '../param-formula.js';
import { registerLayer } from '../registry.js';
import { fmtSymbolicShape, type SymbolicShape } from '../symbolic-tensor.js';

/** Arguments of `PositionEmbedding`. */
export interface PositionEmbeddingLayerArgs extends LayerArgs {
  /** The longest sequence the layer has positions for. */
  sequenceLength: number;
  /** How the position vectors start (default `'glorotUniform'`). */
  initializer?: InitializerIdentifier;
}

/**
 * Learned position embeddings: for an input [batch, steps, features] (token embeddings, say) the
 * output has the same shape and holds, at step i, the learned vector of position i, the same for
 * every sample. Add it to the input: `add([x, positions.apply(x)])`. Masks pass through.
 *
 * Parameters: sequenceLength × features (the `embeddings` weight).
 *
 * @example
 * const tokens = new Embedding({ inputDim: 100, outputDim: 16, maskZero: true }).apply(Input({ shape: [12], dtype: 'int32' }));
 * const x = new Add().apply([tokens, new PositionEmbedding({ sequenceLength: 12 }).apply(tokens)]); // [null, 12, 16]
 */
export class PositionEmbedding extends Layer {
  static override readonly className: string = 'PositionEmbedding';
  static override readonly argKeys = layerArgKeys<PositionEmbeddingLayerArgs>({ sequenceLength: true, initializer: true });
  /** The longest sequence the layer has positions for. */
  readonly sequenceLength: number;
  /** How the position vectors start. */
  readonly initializer: Initializer;
  /** [sequenceLength, features], made on the first call. */
  embeddings: Variable | null = null;

  constructor(args: PositionEmbeddingLayerArgs) {
    super(args);
    this.supportsMasking = true;
    this.sequenceLength = checkPositiveInt(this.describe(), 'sequenceLength', args.sequenceLength);
    this.initializer = getInitializer(args.initializer ?? 'glorotUniform');
  }

  override build(inputShape: ShapeOrShapes): void {
    const shape = this.checkedShape(inputShape);
    const features = shape[shape.length - 1];
    if (features === null || features === undefined) throw new ShapeError(`${this.describe()} needs the feature size (last axis) of its input, but it is unknown in ${fmtSymbolicShape(shape)}.`);
    this.embeddings = this.addWeight('embeddings', [this.sequenceLength, features], { initializer: this.initializer });
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = this.singleInput(inputs);
    this.checkedShape(x.shape);
    const steps = x.shape[x.rank - 2]!;
    return broadcastTo(slice(this.embeddings!, [0, 0], [steps, -1]), x.shape);
  }

  override computeOutputShape(inputShape: ShapeOrShapes): SymbolicShape {
    return this.checkedShape(inputShape);
  }

  /** `steps × dim`: a vector per position. */
  override explainParams(): ParamFormula | undefined {
    return this.embeddings ? paramFormula`${term('steps', this.sequenceLength)} × ${term('dim', this.embeddings.shape[1]!)}` : undefined;
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), sequenceLength: this.sequenceLength, initializer: serializeInitializer(this.initializer) };
  }

  private checkedShape(inputShape: ShapeOrShapes): SymbolicShape {
    const shape = this.singleShape(inputShape);
    const steps = shape[shape.length - 2];
    if (shape.length < 3) throw new ShapeError(`${this.describe()} takes [batch, steps, features], got ${fmtSymbolicShape(shape)}.`);
    if (steps !== null && steps !== undefined && steps > this.sequenceLength) {
      throw new ShapeError(`${this.describe()} has positions for ${this.sequenceLength} steps, got ${steps} in ${fmtSymbolicShape(shape)}. Give it a larger sequenceLength, or shorten the sequences.`);
    }
    return shape;
  }
}
registerLayer(PositionEmbedding);
