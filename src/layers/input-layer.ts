/** InputLayer and `Input()`: the entry points of a model, which produce the first symbolic tensor. */
import { ValueError } from '../core/errors.js';
import { checkOptions, optionKeys } from '../core/options.js';
import type { ConfigDict } from '../core/serialization.js';
import type { Tensor } from '../core/tensor.js';
import { Layer, checkSymbolicShape, type LayerInput } from './layer.js';
import { registerLayer } from './registry.js';
import { Node, SymbolicTensor, type SymbolicDType, type SymbolicShape } from './symbolic-tensor.js';

/** Arguments of `Input` and `InputLayer`: the shape of one sample, or the full batch shape. */
export interface InputLayerArgs {
  /** The shape of one sample, without the batch axis (`[28, 28]`); null for an unknown dimension. */
  shape?: SymbolicShape;
  /** A fixed batch size (unknown by default). */
  batchSize?: number;
  /** The full shape, batch axis first: an alternative to `shape` and `batchSize`. */
  batchShape?: SymbolicShape;
  /**
   * The dtype of the data fed in (default float32); 'string' for raw text or categories, fed as
   * StringTensors to a first layer that takes them (TextVectorization, StringLookup).
   */
  dtype?: SymbolicDType;
  /** A name (default `input_layer`, `input_layer_1`, ...). */
  name?: string;
}

const INPUT_KEYS = optionKeys<InputLayerArgs>({ shape: true, batchSize: true, batchShape: true, dtype: true, name: true });

/**
 * The layer behind `Input()`: it holds the model's input shape and passes data through unchanged.
 * Models list their input layers in `layers`; Sequential models hide theirs.
 */
export class InputLayer extends Layer {
  static override readonly className: string = 'InputLayer';
  /** The input's shape, batch axis first. */
  readonly batchShape: SymbolicShape;
  /** The dtype of the data fed in ('string' for text; the layer's own `dtype`, that of weights, stays a tensor dtype). */
  readonly inputDType: SymbolicDType;

  constructor(args: InputLayerArgs) {
    super({ name: args.name, dtype: args.dtype === 'string' ? undefined : args.dtype });
    this.inputDType = args.dtype ?? this.dtype;
    // Its arguments are not a layer's (no inputShape, no trainable), so they are checked here rather than by Layer.
    checkOptions(`InputLayer '${this.name}'`, args, INPUT_KEYS);
    if (args.batchShape === undefined && args.shape === undefined) {
      throw new ValueError(`${this.describe()}: give the shape of one sample, e.g. Input({ shape: [784] }) (or batchShape with the batch axis).`);
    }
    if (args.batchShape !== undefined && args.shape !== undefined) {
      throw new ValueError(`${this.describe()}: give either shape (without the batch axis) or batchShape (with it), not both.`);
    }
    if (args.shape) checkSymbolicShape(this.describe(), 'shape', args.shape);
    if (args.batchShape) checkSymbolicShape(this.describe(), 'batchShape', args.batchShape);
    this.batchShape = args.batchShape ? [...args.batchShape] : [args.batchSize ?? null, ...args.shape!];
    if (this.batchShape.length === 0) throw new ValueError(`${this.describe()}: batchShape needs at least the batch axis, got [].`);
    this.built = true;
    const node = new Node(this, [], false);
    node.outputs = [new SymbolicTensor(this.batchShape, this.inputDType, node, 0)];
    this.inboundNodes.push(node);
  }

  /** Passes the data through. */
  override call(inputs: LayerInput | LayerInput[]): Tensor | Tensor[] {
    // Models never call their input layers (the data goes straight to the next layers), so a StringTensor never comes here.
    return inputs as Tensor | Tensor[];
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return inputShape;
  }

  override getConfig(): ConfigDict {
    return { name: this.name, batchShape: [...this.batchShape], dtype: this.inputDType };
  }
}
registerLayer(InputLayer);

/**
 * A symbolic input for a functional model: call layers on it, then make a `Model` from it and
 * the last output. `shape` excludes the batch axis.
 *
 * @example
 * const x = Input({ shape: [784] });
 * const y = new Dense({ units: 10, activation: 'softmax' }).apply(x);
 * const model = new Model({ inputs: x, outputs: y });
 */
export function Input(args: InputLayerArgs): SymbolicTensor {
  return new InputLayer(args).inboundNodes[0]!.outputs[0]!;
}
