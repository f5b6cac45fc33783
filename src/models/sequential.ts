/** Sequential: a Model that is a plain stack of layers, each feeding the next. */
import { ShapeError, ValueError } from '../core/errors.js';
import { checkOptions, optionKeys } from '../core/options.js';
import { classNameOf, type ConfigDict, type Serialized } from '../core/serialization.js';
import { InputLayer } from '../layers/input-layer.js';
import { Layer, type ShapeOrShapes } from '../layers/layer.js';
import { deserializeLayer, registerLayer, serializeLayer } from '../layers/registry.js';
import { SymbolicTensor, fmtSymbolicShape } from '../layers/symbolic-tensor.js';
import { Model } from './model.js';

/** Arguments of `Sequential`. */
export interface SequentialArgs {
  /** The layers, first to last; the first may be an `Input()` (or InputLayer) that fixes the input shape. */
  layers?: (Layer | SymbolicTensor)[];
  /** A name (default `sequential`, `sequential_1`, ...). */
  name?: string;
  /** Whether the model's weights are trained (default true). */
  trainable?: boolean;
}

const SEQUENTIAL_KEYS = optionKeys<SequentialArgs>({ layers: true, name: true, trainable: true });

/**
 * A stack of layers, each taking the previous one's output. The input shape comes from
 * `inputShape` on the first layer or from a leading `Input()`; without either the model is built
 * on its first call, from the data's shape.
 *
 * @example
 * const model = new Sequential({
 *   layers: [
 *     new Flatten({ inputShape: [28, 28] }),
 *     new Dense({ units: 100, activation: 'relu' }),
 *     new Dense({ units: 10, activation: 'softmax' }),
 *   ],
 * });
 * model.countParams(); // 79,510
 *
 * // The layers alone, as in Keras's Sequential([...]) and TF.js:
 * const small = new Sequential([new Dense({ units: 10, inputShape: [4] })]);
 */
export class Sequential extends Model {
  static override readonly className: string = 'Sequential';
  /** The layers added, in order (the input layer excluded). */
  private readonly stack: Layer[] = [];
  /** The symbolic output of each stacked layer in the current graph. */
  private readonly stackOutputs: SymbolicTensor[] = [];
  /** The input layer, once the input shape is known. */
  private entry: InputLayer | null = null;

  /** Takes its arguments, or the layers alone (first to last). */
  constructor(args: SequentialArgs | (Layer | SymbolicTensor)[] = {}) {
    const given: SequentialArgs = Array.isArray(args) ? { layers: args } : args;
    if (given === null || typeof given !== 'object') {
      throw new ValueError(`Sequential: expected an array of layers or an options object {layers, name, trainable}, got ${given === null ? 'null' : typeof given}.`);
    }
    super({ name: given.name, trainable: given.trainable });
    checkOptions(`Sequential '${this.name}'`, given, SEQUENTIAL_KEYS);
    if (given.layers !== undefined && !Array.isArray(given.layers)) {
      throw new ValueError(`Sequential '${this.name}': layers must be an array of layers, got ${typeof given.layers}.`);
    }
    for (const layer of given.layers ?? []) this.add(layer);
  }

  /** The layers in order, without the input layer (as in Keras). */
  override get layers(): Layer[] {
    return [...this.stack];
  }

  /** The name of the single output: the last layer's. */
  override get outputNames(): string[] {
    const last = this.stack[this.stack.length - 1];
    return last ? [last.name] : super.outputNames;
  }

  protected override trackedLayers(): Layer[] {
    return this.stack;
  }

  /**
   * Appends a layer. If the input shape is known, the layer is connected at once, so a layer
   * whose input does not fit the previous output is refused here with a ShapeError.
   *
   * @example
   * model.add(new Dense({ units: 10, activation: 'softmax' }));
   */
  add(item: Layer | SymbolicTensor): void {
    const layer = item instanceof SymbolicTensor ? item.sourceLayer : item;
    if (!(layer instanceof Layer)) throw new ValueError(`Sequential model '${this.name}': add() expects a Layer or an Input(), got ${item === null ? 'null' : typeof item}.`);
    if (item instanceof SymbolicTensor && !(layer instanceof InputLayer)) {
      throw new ValueError(`Sequential model '${this.name}': add() takes symbolic tensors only from Input(); '${item.name}' was made by layer '${layer.name}'. Add the layer itself.`);
    }
    if (layer instanceof InputLayer) {
      if (this.entry || this.stack.length) throw new ValueError(`Sequential model '${this.name}': an input (Input() or InputLayer) can only come first.`);
      this.entry = layer;
      this.connect();
      return;
    }
    if (this.stack.includes(layer)) throw new ValueError(`Sequential model '${this.name}' already contains layer '${layer.name}'.`);
    const madeEntry = !this.entry && this.stack.length === 0 && layer.batchInputShape !== null;
    if (madeEntry) this.entry = new InputLayer({ batchShape: layer.batchInputShape!, dtype: layer.inputDType ?? layer.dtype });
    this.stack.push(layer);
    if (!this.entry) return;
    try {
      this.connect();
    } catch (e) {
      this.stack.pop();
      if (madeEntry) this.entry = null;
      throw e;
    }
  }

  /** Removes and returns the last layer. */
  pop(): Layer {
    const layer = this.stack.pop();
    if (!layer) throw new ValueError(`Sequential model '${this.name}' has no layers to pop.`);
    if (this.stackOutputs.length > this.stack.length) this.stackOutputs.pop();
    if (this.entry) this.setGraph([this.entryOutput()], this.stackOutputs[this.stackOutputs.length - 1] ?? this.entryOutput());
    return layer;
  }

  /**
   * Builds the model for inputs of `inputShape` (batch axis first; the batch size is left
   * unknown). Done automatically on the first call when no input shape was given.
   */
  override build(inputShape: ShapeOrShapes): void {
    if (this.entry) return;
    const shape = this.singleShape(inputShape);
    if (this.stack.length === 0) throw new ValueError(`Sequential model '${this.name}' has no layers to build.`);
    this.entry = new InputLayer({ batchShape: [null, ...shape.slice(1)], dtype: this.stack[0]!.inputDType ?? undefined });
    try {
      this.connect();
    } catch (e) {
      this.entry = null;
      this.stackOutputs.length = 0;
      throw e;
    }
  }

  private entryOutput(): SymbolicTensor {
    return this.entry!.inboundNodes[0]!.outputs[0]!;
  }

  /** Calls the layers not yet connected on the previous output, then makes the graph. */
  private connect(): void {
    for (let i = this.stackOutputs.length; i < this.stack.length; i++) {
      const layer = this.stack[i]!;
      const previous = i === 0 ? this.entryOutput() : this.stackOutputs[i - 1]!;
      let outputs: SymbolicTensor[];
      try {
        outputs = layer.applyMulti(previous);
      } catch (e) {
        if (!(e instanceof ShapeError)) throw e;
        const after = i === 0
          ? `the model's input, of shape ${fmtSymbolicShape(previous.shape)}`
          : `layer '${this.stack[i - 1]!.name}' (${classNameOf(this.stack[i - 1]!)}), whose output shape is ${fmtSymbolicShape(previous.shape)}`;
        throw new ShapeError(`Sequential model '${this.name}': layer ${i} '${layer.name}' (${classNameOf(layer)}) cannot follow ${after}. ${e.message}`);
      }
      if (outputs.length !== 1) throw new ValueError(`Sequential model '${this.name}': every layer must have one output, but '${layer.name}' has ${outputs.length}. Use a functional Model.`);
      this.stackOutputs.push(outputs[0]!);
    }
    this.setGraph([this.entryOutput()], this.stackOutputs[this.stackOutputs.length - 1] ?? this.entryOutput());
  }

  /** The layers' configs in order, the input layer first when the input shape is known. */
  override getConfig(): ConfigDict {
    const layers: Serialized[] = [...(this.entry ? [this.entry] : []), ...this.stack].map(serializeLayer);
    return { name: this.name, trainable: this.trainable, layers };
  }

  /** A Sequential model from a config `getConfig` returned (layers made through the layer registry). */
  static override fromConfig<T extends Layer>(this: new (args: never) => T, config: ConfigDict): T {
    const layers = (config['layers'] as Serialized[]).map(deserializeLayer);
    return new (this as unknown as new (args: SequentialArgs) => T)({ name: config['name'] as string, trainable: config['trainable'] as boolean, layers });
  }

  protected override isSequentialLike(): boolean {
    return true;
  }
}
registerLayer(Sequential);
