/**
 * The Layer base class and its life-cycle, as in Keras: `build(inputShape)` makes the weights on
 * the first call, `call(inputs, {training})` computes, `computeOutputShape` answers for symbolic
 * calls, and `getConfig` makes the layer serializable. Running a layer (`apply`) on real or
 * symbolic tensors, and the graph it records, are here too; what a layer owns (weights, call
 * losses) is in layer-state.ts and its arguments in layer-args.ts.
 */
import { ENGINE } from '../core/engine.js';
import { NotSupportedError, ValueError } from '../core/errors.js';
import { checkOptions } from '../core/options.js';
import type { ConfigDict } from '../core/serialization.js';
import { StringTensor } from '../core/string-tensor.js';
import { Tensor } from '../core/tensor.js';
import { zeros } from '../ops/creation.js';
import { getRegularizer, serializeRegularizer } from '../regularizers/get-regularizer.js';
import type { Regularizer } from '../regularizers/regularizer.js';
import { checkInputSpec, type InputSpec } from './input-spec.js';
import { CALL_KEYS, checkSymbolicShape, layerOptions, type CallArgs, type LayerArgs, type LayerInput, type LayerOptions, type Mask, type ShapeOrShapes } from './layer-args.js';
import { LayerState } from './layer-state.js';
import { Node, SymbolicTensor, isShapeList, type SymbolicShape } from './symbolic-tensor.js';
import { activeWeightSource } from './weight-source.js';

export { checkSymbolicShape, layerArgKeys, layerOptions, type AddWeightArgs, type CallArgs, type LayerArgs, type LayerInput, type LayerOptions, type Mask, type ShapeOrShapes } from './layer-args.js';

/**
 * The base of every layer. A subclass implements `call` (and `build` if it has weights, and
 * `computeOutputShape` if its output shape differs from its input's), and extends `getConfig`
 * with its own arguments.
 *
 * Use `apply` to run a layer: on real tensors it computes (building the layer on the first call);
 * on symbolic tensors (from `Input()`) it records the call in the graph a Model runs.
 *
 * @example
 * class Scale extends Layer {
 *   scale!: Variable;
 *   override build(inputShape: SymbolicShape) {
 *     this.scale = this.addWeight('scale', [inputShape[inputShape.length - 1]!], { initializer: 'ones' });
 *   }
 *   override call(inputs: Tensor | Tensor[]) {
 *     return mul(this.singleInput(inputs), this.scale);
 *   }
 * }
 */
export abstract class Layer extends LayerState {
  /** The name the class is serialized and looked up under. */
  static readonly className: string = 'Layer';
  /**
   * Every key the constructor's arguments may have (see `layerArgKeys`): the constructor refuses
   * any other with an `UnknownOptionError`, so a typo does not pass unnoticed. Subclasses inherit
   * their parent's list (a subclass with arguments of its own declares its list); a class without
   * one (a custom layer that declares none) is not checked.
   */
  static readonly argKeys: readonly string[] | undefined = undefined;
  /**
   * The options `apply` takes: `training` and `mask`, and those of layers with options of their own
   * (MultiHeadAttention's `useCausalMask`), which declare the full list; any other key is refused.
   */
  static readonly callArgKeys: readonly string[] = CALL_KEYS;

  /** The input shape from the constructor's `inputShape`/`batchInputShape`, batch axis first; null if none was given. */
  readonly batchInputShape: SymbolicShape | null;
  /** What the layer requires of its input (checked before each call); null for no requirement. */
  inputSpec: InputSpec | null = null;
  /** A penalty on the layer's output, recorded at each call. */
  activityRegularizer: Regularizer | null;
  /** @internal The layer's calls on symbolic tensors, in order. */
  readonly inboundNodes: Node[] = [];
  /**
   * Whether the layer passes an input mask on to its output unchanged (the default `computeMask`);
   * layers that change the steps axis, or drop it, leave it false and the mask stops there.
   */
  supportsMasking = false;

  constructor(args: LayerArgs = {}) {
    super(args);
    if (args.batchInputShape) checkSymbolicShape(this.describe(), 'batchInputShape', args.batchInputShape);
    if (args.inputShape) checkSymbolicShape(this.describe(), 'inputShape', args.inputShape);
    this.batchInputShape = args.batchInputShape ?? (args.inputShape ? [args.batchSize ?? null, ...args.inputShape] : null);
    this.activityRegularizer = getRegularizer(args.activityRegularizer);
  }

  // ---- the life-cycle a subclass implements ----

  /**
   * Makes the layer's weights for inputs of `inputShape` (batch axis first, null where unknown).
   * Runs once, on the first call; the default makes none.
   */
  build(_inputShape: ShapeOrShapes): void {}

  /**
   * Computes the output from real tensors. Use only ops here, so that gradients flow. Layers that
   * take text get StringTensors (their `call` declares `LayerInput`); the others get Tensors only.
   */
  abstract call(inputs: LayerInput | LayerInput[], args: CallArgs): Tensor | Tensor[];

  /**
   * The output shape for inputs of `inputShape`. The default runs `call` once on zeros (with a
   * batch of 1) and reports the batch axis as unknown; layers override it to avoid that work.
   */
  computeOutputShape(inputShape: ShapeOrShapes, options: LayerOptions = {}): SymbolicShape | SymbolicShape[] {
    const shapes = isShapeList(inputShape) ? inputShape : [inputShape as SymbolicShape];
    const batchUnknown = shapes.some((s) => s[0] === null);
    const lossMark = this.callLossMark();
    let result: SymbolicShape | SymbolicShape[] = [];
    const dummyShapes = shapes.map((s) => s.map((d) => d ?? 1));
    for (const s of dummyShapes) activeWeightSource()?.checkAllocation(this.describe(), 'a sample input to compute the output shape', s, this.dtype);
    ENGINE.tidy(() => {
      const dummies = dummyShapes.map((s) => zeros(s, this.dtype));
      const out = this.call(isShapeList(inputShape) ? dummies : dummies[0]!, { ...options, training: false });
      const outShapes = (Array.isArray(out) ? out : [out]).map((o) => (batchUnknown && o.rank > 0 ? [null, ...o.shape.slice(1)] : [...o.shape]));
      result = Array.isArray(out) ? outShapes : outShapes[0]!;
    });
    this.dropCallLossesAfter(lossMark);
    return result;
  }

  /**
   * The mask of the output(s) for the given inputs and input mask: by default the input mask when
   * `supportsMasking`, else none. Layers that make masks (Embedding) or change them override it;
   * layers with several outputs return one mask per output.
   */
  computeMask(_inputs: LayerInput | LayerInput[], mask: Mask): Mask {
    return this.supportsMasking && !Array.isArray(mask) ? (mask ?? null) : null;
  }

  /** The arguments that recreate this layer, as plain JSON (subclasses add theirs). */
  getConfig(): ConfigDict {
    return {
      name: this.name,
      trainable: this.trainable,
      dtype: this.dtype,
      activityRegularizer: serializeRegularizer(this.activityRegularizer),
    };
  }

  /**
   * A layer made from a config `getConfig` returned. Subclasses whose constructor takes the
   * config's fields as its arguments (all built-in layers) need not override it.
   */
  static fromConfig<T extends Layer>(this: new (args: never) => T, config: ConfigDict): T {
    return new (this as unknown as new (args: ConfigDict) => T)(config);
  }

  /**
   * Layers whose weights belong to this one. The default finds the layers held in the layer's
   * own fields (directly or in arrays), so a custom layer built from other layers needs no extra code.
   */
  protected override trackedLayers(): Layer[] {
    const found: Layer[] = [];
    for (const value of Object.values(this)) {
      if (value instanceof Layer) found.push(value);
      // Only arrays that start with a layer are searched, so large arrays of numbers cost nothing.
      else if (Array.isArray(value) && value[0] instanceof Layer) for (const v of value) if (v instanceof Layer) found.push(v);
    }
    return found;
  }

  // ---- calling ----

  /**
   * Calls the layer. On real tensors it computes the output (building the layer on the first
   * call); on symbolic tensors (from `Input()`) it returns symbolic outputs and records the call
   * for a Model. Use `applyMulti` for layers with several outputs.
   *
   * @example
   * const y = new Dense({ units: 3 }).apply(tensor([[1, 2]]));   // Tensor [1,3]
   * const h = new Dense({ units: 3 }).apply(Input({ shape: [2] })); // SymbolicTensor [null,3]
   */
  apply(inputs: SymbolicTensor | SymbolicTensor[], args?: CallArgs): SymbolicTensor;
  apply(inputs: LayerInput | LayerInput[], args?: CallArgs): Tensor;
  apply(inputs: SymbolicTensor | SymbolicTensor[] | LayerInput | LayerInput[], args: CallArgs = {}): SymbolicTensor | Tensor {
    const outs = this.applyMulti(inputs as LayerInput[], args);
    if (outs.length !== 1) throw new ValueError(`${this.describe()} returns ${outs.length} outputs; use applyMulti() to get them as an array.`);
    return outs[0]!;
  }

  /** Like `apply`, but returns every output as an array (for layers and models with several outputs). */
  applyMulti(inputs: SymbolicTensor | SymbolicTensor[], args?: CallArgs): SymbolicTensor[];
  applyMulti(inputs: LayerInput | LayerInput[], args?: CallArgs): Tensor[];
  applyMulti(inputs: SymbolicTensor | SymbolicTensor[] | LayerInput | LayerInput[], args: CallArgs = {}): SymbolicTensor[] | Tensor[] {
    checkOptions(`${this.describe()}.apply`, args, (this.constructor as typeof Layer).callArgKeys);
    const asList = Array.isArray(inputs);
    const list: unknown[] = asList ? inputs : [inputs];
    this.assertNotDisposed('apply');
    if (list.length === 0) throw new ValueError(`${this.describe()} was called with an empty list of inputs.`);
    if (list.every((x) => x instanceof SymbolicTensor)) return this.applySymbolic(list as SymbolicTensor[], asList, args);
    if (list.every((x) => x instanceof Tensor || x instanceof StringTensor)) return this.applyReal(list as LayerInput[], asList, args);
    const kinds = list.map((x) => (x instanceof SymbolicTensor ? 'SymbolicTensor' : x instanceof Tensor || x instanceof StringTensor ? x.constructor.name : x === null ? 'null' : typeof x));
    throw new ValueError(
      `${this.describe()} expects Tensors (to compute) or SymbolicTensors from Input() (to define a model), all of one kind; got ${kinds.join(', ')}. Wrap arrays with tensor().`,
    );
  }

  /** Runs `build` once, with the shape of the first inputs. */
  protected ensureBuilt(inputShape: ShapeOrShapes): void {
    if (this.built) return;
    this.build(inputShape);
    this.built = true;
  }

  /** Checks inputs against `inputSpec` (subclasses may check more). */
  protected checkInputShapes(shapes: readonly SymbolicShape[]): void {
    if (this.inputSpec) for (const s of shapes) checkInputSpec(() => this.describe(), this.inputSpec, s);
  }

  private applySymbolic(inputs: SymbolicTensor[], asList: boolean, args: CallArgs): SymbolicTensor[] {
    const shapes = inputs.map((t) => t.shape);
    const shapeArg = asList ? shapes : shapes[0]!;
    const options = layerOptions(args);
    for (const [key, value] of Object.entries(options)) {
      if (value instanceof SymbolicTensor || value instanceof Tensor) {
        throw new NotSupportedError(`${this.describe()}: the option '${key}' is a tensor; in a Model a layer's options are fixed values kept with the call. Pass the tensor as one of the layer's inputs, or call the layer on real tensors (a subclassed model's call).`);
      }
    }
    this.checkInputShapes(shapes);
    this.ensureBuilt(shapeArg);
    const out = this.computeOutputShape(shapeArg, options);
    const outShapes = isShapeList(out) ? out : [out as SymbolicShape];
    const node = new Node(this, inputs, asList, options);
    node.outputs = outShapes.map((s, i) => new SymbolicTensor(s, this.dtype, node, i));
    this.inboundNodes.push(node);
    return node.outputs;
  }

  private applyReal(inputs: LayerInput[], asList: boolean, args: CallArgs): Tensor[] {
    return this.enterCall(() => {
      const { outputs } = ENGINE.tidy(() => {
        const shapes = inputs.map((t) => t.shape);
        this.checkInputShapes(shapes);
        this.ensureBuilt(asList ? shapes : shapes[0]!);
        const out = this.call(asList ? inputs : inputs[0]!, { ...args, training: args.training ?? false, mask: args.mask });
        const outs = Array.isArray(out) ? out : [out];
        if (!outs.every((o) => o instanceof Tensor)) throw new ValueError(`${this.describe()}: call() must return a Tensor or an array of Tensors.`);
        if (this.activityRegularizer) for (const o of outs) this.addLoss(this.activityRegularizer.apply(o));
        return { outputs: outs, losses: this.collectCallLosses() };
      });
      return outputs;
    });
  }

  /** The single input of a one-input layer; throws a ValueError naming the layer if an array of several was passed. */
  protected singleInput<X extends LayerInput>(inputs: X | X[]): X {
    if (!Array.isArray(inputs)) return inputs;
    if (inputs.length !== 1) throw new ValueError(`${this.describe()} takes one input, got ${inputs.length}.`);
    return inputs[0]!;
  }

  /** The single input shape of a one-input layer (see `singleInput`). */
  protected singleShape(inputShape: ShapeOrShapes): SymbolicShape {
    if (!isShapeList(inputShape)) return inputShape as SymbolicShape;
    if (inputShape.length !== 1) throw new ValueError(`${this.describe()} takes one input, got ${inputShape.length} input shapes.`);
    return inputShape[0]!;
  }

  // ---- the graph ----

  private firstNode(what: string): Node {
    const node = this.inboundNodes[0];
    if (!node) {
      throw new ValueError(`${this.describe()} has never been called on a symbolic input, so it has no ${what}. Call it on the output of Input(), or give the first layer of a Sequential model an inputShape.`);
    }
    return node;
  }

  /** The symbolic input of the layer's first call (an array if it was called on an array). */
  get input(): SymbolicTensor | SymbolicTensor[] {
    const node = this.firstNode('input');
    return node.inputsAsList ? [...node.inputs] : node.inputs[0]!;
  }

  /** The symbolic output of the layer's first call (an array for several outputs). */
  get output(): SymbolicTensor | SymbolicTensor[] {
    const node = this.firstNode('output');
    return node.outputs.length === 1 ? node.outputs[0]! : [...node.outputs];
  }

  /** The input shape of the layer's first call, batch axis first (null). */
  get inputShape(): SymbolicShape | SymbolicShape[] {
    const node = this.firstNode('input shape');
    return node.inputsAsList ? node.inputs.map((t) => t.shape) : node.inputs[0]!.shape;
  }

  /** The output shape of the layer's first call, batch axis first (null). */
  get outputShape(): SymbolicShape | SymbolicShape[] {
    const node = this.firstNode('output shape');
    return node.outputs.length === 1 ? node.outputs[0]!.shape : node.outputs.map((t) => t.shape);
  }
}
