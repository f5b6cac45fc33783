/**
 * The Layer base class and its life-cycle, as in Keras: `build(inputShape)` makes the weights on
 * the first call, `call(inputs, {training})` computes, `computeOutputShape` answers for symbolic
 * calls, and `getConfig` makes the layer serializable.
 */
import { assertDType, isFloat, type DType } from '../core/dtype.js';
import { ENGINE } from '../core/engine.js';
import { DisposedError, ShapeError, ValueError, fmtShape } from '../core/errors.js';
import { checkOptions, optionKeys } from '../core/options.js';
import { classNameOf, toSnakeCase, type ConfigDict } from '../core/serialization.js';
import { shapesEqual } from '../core/shape.js';
import { Tensor, type Variable } from '../core/tensor.js';
import { getInitializer, type InitializerIdentifier } from '../initializers/get-initializer.js';
import { add } from '../ops/arithmetic.js';
import { cast } from '../ops/convert.js';
import { scalar, variable, zeros } from '../ops/creation.js';
import { clone } from '../ops/shape.js';
import { getRegularizer, serializeRegularizer, type RegularizerIdentifier } from '../regularizers/get-regularizer.js';
import type { Regularizer } from '../regularizers/regularizer.js';
import { checkInputSpec, type InputSpec } from './input-spec.js';
import { uniqueName } from './names.js';
import { Node, SymbolicTensor, isShapeList, type SymbolicShape } from './symbolic-tensor.js';
import { activeWeightSource } from './weight-source.js';

/** The input shape a layer is built for: one shape, or one per input for layers with several inputs. */
export type ShapeOrShapes = SymbolicShape | readonly SymbolicShape[];

/** Arguments every layer accepts. */
export interface LayerArgs {
  /** Unique name; by default the class name in snake_case, numbered (`dense`, `dense_1`, ...). */
  name?: string;
  /** Whether optimizers update the layer's weights (default true). */
  trainable?: boolean;
  /** The dtype of the layer's weights (default float32). */
  dtype?: DType;
  /**
   * The shape of one sample, without the batch axis. On the first layer of a Sequential model it
   * defines the model's input: `new Flatten({ inputShape: [28, 28] })`.
   */
  inputShape?: SymbolicShape;
  /** The batch size to go with `inputShape` (unknown by default). */
  batchSize?: number;
  /** The full input shape, batch axis included (`[null, 28, 28]`); an alternative to `inputShape`. */
  batchInputShape?: SymbolicShape;
  /** A penalty on the layer's output, added to the loss (none by default). */
  activityRegularizer?: RegularizerIdentifier | null;
}

const LAYER_KEYS = optionKeys<LayerArgs>({
  name: true, trainable: true, dtype: true, inputShape: true, batchSize: true, batchInputShape: true, activityRegularizer: true,
});

/**
 * The complete key list of a layer's arguments: those of `LayerArgs` and the layer's own, which
 * the compiler checks against its arguments' interface. Assign it to the class's `argKeys`.
 *
 * @example
 * interface ScaleArgs extends LayerArgs { factor: number }
 * class Scale extends Layer {
 *   static override readonly argKeys = layerArgKeys<ScaleArgs>({ factor: true });
 * }
 */
export function layerArgKeys<T extends LayerArgs>(own: { [K in keyof Required<Omit<T, keyof LayerArgs>>]: true }): readonly string[] {
  return [...LAYER_KEYS, ...Object.keys(own)];
}

/**
 * Which steps of a sequence are real: a `bool` tensor [batch, steps], false at padding. One per
 * input for layers with several inputs (null for an input without a mask).
 */
export type Mask = Tensor | null | (Tensor | null)[];

/** Arguments of a call. */
export interface CallArgs {
  /** True while training: Dropout then drops, and normalization layers update their statistics (default false). */
  training?: boolean;
  /**
   * The mask of the inputs, for layers that use one (recurrent layers skip masked steps). Inside
   * a Model masks flow by themselves, from the layer that makes them (Embedding with `maskZero`)
   * to the layers after it; call `computeMask` to get a layer's output mask when calling layers directly.
   */
  mask?: Mask;
}

const CALL_KEYS = optionKeys<CallArgs>({ training: true, mask: true });

/** Options of `addWeight`. */
export interface AddWeightArgs {
  /** How the weight starts (default: glorotUniform for float weights, zeros otherwise). */
  initializer?: InitializerIdentifier;
  /** A penalty on the weight, added to the loss while it is trainable. */
  regularizer?: RegularizerIdentifier | null;
  /** Whether optimizers update it (default true); statistics such as moving means are not trainable. */
  trainable?: boolean;
  /** The weight's dtype (the layer's by default). */
  dtype?: DType;
}

const ADD_WEIGHT_KEYS = optionKeys<AddWeightArgs>({ initializer: true, regularizer: true, trainable: true, dtype: true });

interface WeightRecord {
  variable: Variable;
  regularizer: Regularizer | null;
  /** Whether it was made trainable: only those follow the layer's `trainable` flag. */
  createdTrainable: boolean;
}

/** How deep in nested layer calls the program is; the outermost call starts a fresh set of losses. */
let callDepth = 0;
/** Tensors held in every layer's `callLosses`: while there are none, calls skip walking the layers for them. */
let recordedCallLosses = 0;

/** Checks a shape argument: each dimension a positive integer, or null where unknown. */
export function checkSymbolicShape(who: string, what: string, shape: SymbolicShape): void {
  if (!Array.isArray(shape) || shape.some((d) => d !== null && (!Number.isInteger(d) || d < 0))) {
    throw new ValueError(`${who}: ${what} must be an array of non-negative integers (or null where unknown), got ${JSON.stringify(shape)}.`);
  }
}

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
export abstract class Layer {
  /** The name the class is serialized and looked up under. */
  static readonly className: string = 'Layer';
  /**
   * Every key the constructor's arguments may have (see `layerArgKeys`): the constructor refuses
   * any other with an `UnknownOptionError`, so a typo does not pass unnoticed. Subclasses inherit
   * their parent's list (a subclass with arguments of its own declares its list); a class without
   * one (a custom layer that declares none) is not checked.
   */
  static readonly argKeys: readonly string[] | undefined = undefined;

  /** Unique name, used in weight names (`dense/kernel`), errors and summaries. */
  readonly name: string;
  /** The dtype of the layer's weights. */
  readonly dtype: DType;
  /** The input shape from the constructor's `inputShape`/`batchInputShape`, batch axis first; null if none was given. */
  readonly batchInputShape: SymbolicShape | null;
  /** True once `build` has run. */
  built = false;
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
  /** The layer this one is part of (a recurrent layer's cell, a wrapper's layer); its path prefixes weight names. */
  private parentLayer: Layer | null = null;

  private readonly weightRecords: WeightRecord[] = [];
  private trainableFlag: boolean;
  /** Losses recorded by the calls since the last outermost call (activity penalties, `addLoss`). */
  private callLosses: Tensor[] = [];
  /** Set by `dispose()`. */
  private disposedFlag = false;

  constructor(args: LayerArgs = {}) {
    const cls = classNameOf(this);
    if (args.name !== undefined && (typeof args.name !== 'string' || args.name === '' || args.name.includes('/'))) {
      throw new ValueError(`${cls}: name must be a non-empty string without '/', got ${JSON.stringify(args.name)}.`);
    }
    this.name = args.name ?? uniqueName(toSnakeCase(cls));
    const known = (new.target as unknown as typeof Layer).argKeys;
    if (known) checkOptions(`${cls} '${this.name}'`, args, known);
    this.dtype = args.dtype ?? 'float32';
    assertDType(this.describe(), this.dtype);
    this.trainableFlag = args.trainable ?? true;
    if (args.batchInputShape) checkSymbolicShape(this.describe(), 'batchInputShape', args.batchInputShape);
    if (args.inputShape) checkSymbolicShape(this.describe(), 'inputShape', args.inputShape);
    this.batchInputShape = args.batchInputShape ?? (args.inputShape ? [args.batchSize ?? null, ...args.inputShape] : null);
    this.activityRegularizer = getRegularizer(args.activityRegularizer);
  }

  /**
   * The layer's name, after the path of the layer it is part of, if any: `lstm/lstm_cell`,
   * `bidirectional/forward_lstm`. Weight names start with it.
   */
  get path(): string {
    return this.parentLayer === null ? this.name : `${this.parentLayer.path}/${this.name}`;
  }

  /**
   * Makes `child` a part of this layer, so that its weights are named under this layer's path
   * (call it before the child is built). The child's weights count as this layer's through
   * `trackedLayers`.
   */
  protected adopt<T extends Layer>(child: T): T {
    child.parentLayer = this;
    return child;
  }

  /** How errors name the layer: `Layer 'dense_1' (Dense)`. */
  describe(): string {
    return `Layer '${this.name}' (${classNameOf(this)})`;
  }

  // ---- the life-cycle a subclass implements ----

  /**
   * Makes the layer's weights for inputs of `inputShape` (batch axis first, null where unknown).
   * Runs once, on the first call; the default makes none.
   */
  build(_inputShape: ShapeOrShapes): void {}

  /** Computes the output from real tensors. Use only ops here, so that gradients flow. */
  abstract call(inputs: Tensor | Tensor[], args: CallArgs): Tensor | Tensor[];

  /**
   * The output shape for inputs of `inputShape`. The default runs `call` once on zeros (with a
   * batch of 1) and reports the batch axis as unknown; layers override it to avoid that work.
   */
  computeOutputShape(inputShape: ShapeOrShapes): SymbolicShape | SymbolicShape[] {
    const shapes = isShapeList(inputShape) ? inputShape : [inputShape as SymbolicShape];
    const batchUnknown = shapes.some((s) => s[0] === null);
    const lossCount = this.callLosses.length;
    let result: SymbolicShape | SymbolicShape[] = [];
    const dummyShapes = shapes.map((s) => s.map((d) => d ?? 1));
    for (const s of dummyShapes) activeWeightSource()?.checkAllocation(this.describe(), 'a sample input to compute the output shape', s, this.dtype);
    ENGINE.tidy(() => {
      const dummies = dummyShapes.map((s) => zeros(s, this.dtype));
      const out = this.call(isShapeList(inputShape) ? dummies : dummies[0]!, { training: false });
      const outShapes = (Array.isArray(out) ? out : [out]).map((o) => (batchUnknown && o.rank > 0 ? [null, ...o.shape.slice(1)] : [...o.shape]));
      result = Array.isArray(out) ? outShapes : outShapes[0]!;
    });
    recordedCallLosses -= this.callLosses.length - lossCount;
    this.callLosses.length = lossCount;
    return result;
  }

  /**
   * The mask of the output(s) for the given inputs and input mask: by default the input mask when
   * `supportsMasking`, else none. Layers that make masks (Embedding) or change them override it;
   * layers with several outputs return one mask per output.
   */
  computeMask(_inputs: Tensor | Tensor[], mask: Mask): Mask {
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

  // ---- weights ----

  /**
   * Makes a weight of this layer, named `<layer path>/<name>`. Call it from `build`.
   *
   * @example
   * this.kernel = this.addWeight('kernel', [inputDim, this.units], { initializer: 'glorotUniform' });
   */
  addWeight(name: string, shape: readonly number[], args: AddWeightArgs = {}): Variable {
    checkOptions(`${this.describe()}.addWeight`, args, ADD_WEIGHT_KEYS);
    const dtype = args.dtype ?? this.dtype;
    const fullName = `${this.path}/${name}`;
    if (this.weightRecords.some((r) => r.variable.name === fullName)) {
      throw new ValueError(`${this.describe()} already has a weight named '${name}'; weight names must be unique within a layer.`);
    }
    const regularizer = getRegularizer(args.regularizer);
    const createdTrainable = args.trainable ?? true;
    const trainable = createdTrainable && this.trainableFlag;
    // While a saved model is rebuilt, the value comes from the file (checked against the declared
    // shape before anything is allocated) and no initializer runs.
    const source = activeWeightSource();
    const v = source ? source.variable(this.describe(), fullName, shape, dtype, trainable) : this.initialWeight(name, fullName, shape, dtype, args.initializer, trainable);
    this.weightRecords.push({ variable: v, regularizer, createdTrainable });
    return v;
  }

  /** A new weight holding its initializer's values. */
  private initialWeight(name: string, fullName: string, shape: readonly number[], dtype: DType, initializer: InitializerIdentifier | undefined, trainable: boolean): Variable {
    const initial = getInitializer(initializer ?? (isFloat(dtype) ? 'glorotUniform' : 'zeros')).apply(shape, dtype);
    if (!shapesEqual(initial.shape, shape)) {
      initial.dispose();
      throw new ShapeError(`${this.describe()}: the initializer of weight '${name}' returned shape ${fmtShape(initial.shape)}, expected ${fmtShape(shape)}.`);
    }
    const v = variable(initial, { name: fullName, trainable });
    initial.dispose();
    return v;
  }

  /**
   * Layers whose weights belong to this one. The default finds the layers held in the layer's
   * own fields (directly or in arrays), so a custom layer built from other layers needs no extra code.
   */
  protected trackedLayers(): Layer[] {
    const found: Layer[] = [];
    for (const value of Object.values(this)) {
      if (value instanceof Layer) found.push(value);
      // Only arrays that start with a layer are searched, so large arrays of numbers cost nothing.
      else if (Array.isArray(value) && value[0] instanceof Layer) for (const v of value) if (v instanceof Layer) found.push(v);
    }
    return found;
  }

  /** This layer and every layer tracked below it, each once, in a fixed order. */
  private allLayers(): Layer[] {
    const seen = new Set<Layer>();
    const visit = (layer: Layer): void => {
      if (seen.has(layer)) return;
      seen.add(layer);
      for (const child of layer.trackedLayers()) visit(child);
    };
    visit(this);
    return [...seen];
  }

  /** Every weight: this layer's own (in creation order), then those of the layers it tracks. */
  get weights(): Variable[] {
    return this.allLayers().flatMap((l) => l.weightRecords.map((r) => r.variable));
  }

  /** The weights optimizers update: none if the layer is not trainable. */
  get trainableWeights(): Variable[] {
    return this.trainable ? this.weights.filter((w) => w.trainable) : [];
  }

  /** The weights optimizers leave alone: all of them if the layer is not trainable. */
  get nonTrainableWeights(): Variable[] {
    return this.trainable ? this.weights.filter((w) => !w.trainable) : this.weights;
  }

  /**
   * Whether the layer's weights are trained. Setting it to false freezes the layer (and the
   * layers it contains): its weights move to `nonTrainableWeights`, as in Keras.
   */
  get trainable(): boolean {
    return this.trainableFlag;
  }

  set trainable(value: boolean) {
    this.trainableFlag = value;
    for (const r of this.weightRecords) if (r.createdTrainable) r.variable.trainable = value;
    for (const l of this.trackedLayers()) l.trainable = value;
  }

  /** The number of scalars in all weights; the layer must be built. */
  countParams(): number {
    if (!this.built) {
      throw new ValueError(`${this.describe()} is not built yet, so it has no weights to count. Call it on an input, or give it an inputShape.`);
    }
    return this.weights.reduce((n, w) => n + w.size, 0);
  }

  /**
   * How `countParams` is made up, for summaries: `784 × 100 + 100` by default (one term per
   * weight); layers with a clearer formula override it (Dense: `(784 + 1) × 100`).
   */
  paramCountFormula(): string {
    const terms = this.weights.map((w) => (w.rank === 0 ? '1' : w.shape.join(' × ')));
    return terms.length ? terms.join(' + ') : '0';
  }

  /** The current values of the weights, in the order of `weights` (snapshots: later updates do not change them). */
  getWeights(): Tensor[] {
    this.assertNotDisposed('getWeights');
    return this.weights.map((w) => clone(w));
  }

  /** Sets the weights from tensors in the order of `weights`, each of the same shape (cast to the weight's dtype). */
  setWeights(values: readonly Tensor[]): void {
    this.assertNotDisposed('setWeights');
    const ws = this.weights;
    if (values.length !== ws.length) {
      const list = ws.map((w) => `${w.name} ${fmtShape(w.shape)}`).join(', ') || 'none';
      throw new ValueError(`${this.describe()}.setWeights: the layer has ${ws.length} weights (${list}) but ${values.length} tensors were given.`);
    }
    ws.forEach((w, i) => {
      if (!(values[i] instanceof Tensor)) throw new ValueError(`${this.describe()}.setWeights: value ${i} is not a Tensor.`);
      if (!shapesEqual(values[i]!.shape, w.shape)) {
        throw new ShapeError(`${this.describe()}.setWeights: weight '${w.name}' has shape ${fmtShape(w.shape)}, but value ${i} has shape ${fmtShape(values[i]!.shape)}.`);
      }
    });
    ENGINE.tidy(() => ws.forEach((w, i) => w.assign(cast(values[i]!, w.dtype))));
  }

  /**
   * Frees every tensor the layer owns: its weights and those of the layers it contains (a
   * recurrent layer's cell, a wrapped layer, a model's layers), and the losses its last call
   * recorded. The layer, and each layer it contains, cannot be used afterwards: a call, `getWeights`
   * or `setWeights` throws a DisposedError naming it. Calling it again does nothing. A layer shared
   * with another model is freed too, so that model cannot run either (as in TensorFlow.js).
   *
   * @example
   * const dense = new Dense({ units: 3 });
   * dense.apply(ones([1, 2])).dispose();
   * dense.dispose(); // its kernel and bias are freed
   */
  dispose(): void {
    for (const layer of this.allLayers()) {
      for (const r of layer.weightRecords) r.variable.dispose();
      for (const t of layer.callLosses) t.dispose();
      recordedCallLosses -= layer.callLosses.length;
      layer.callLosses = [];
      layer.disposedFlag = true;
    }
  }

  /** True once `dispose()` has freed the layer (directly, or through a model or layer containing it). */
  get isDisposed(): boolean {
    return this.disposedFlag;
  }

  /** @internal Throws a DisposedError naming the layer when it was disposed; `what` names the use refused. */
  assertNotDisposed(what: string): void {
    if (!this.disposedFlag) return;
    throw new DisposedError(`${classNameOf(this)} '${this.name}': cannot ${what}: it was disposed (its weights are freed). Create it again, or load it again from its file.`);
  }

  // ---- losses ----

  /**
   * Records a loss computed in `call` (a scalar tensor), to be added to the training loss with
   * the regularization penalties. Losses are kept until the next outermost call.
   */
  addLoss(loss: Tensor): void {
    this.callLosses.push(loss);
    recordedCallLosses++;
  }

  /**
   * The penalties to add to the loss: those recorded by the last call (activity regularizers,
   * `addLoss`), then one per regularized trainable weight, computed now (the caller owns these).
   * Call it inside the function given to `variableGrads`, after the forward pass, so gradients
   * flow through it. The recorded losses are released by the next outermost call.
   */
  get losses(): Tensor[] {
    const layers = this.allLayers();
    const regularized = layers.flatMap((l) => l.weightRecords.filter((r) => r.regularizer));
    const trainable = regularized.length > 0 ? new Set(this.trainableWeights) : undefined;
    const weightPenalties = regularized.filter((r) => trainable!.has(r.variable)).map((r) => ENGINE.tidy(() => r.regularizer!.apply(r.variable)));
    return [...(recordedCallLosses === 0 ? [] : layers.flatMap((l) => l.callLosses)), ...weightPenalties];
  }

  /** The sum of `losses` as a scalar tensor (0 when there are none). */
  regularizationLoss(): Tensor {
    return ENGINE.tidy(() => this.losses.reduce<Tensor>((total, l) => add(total, l), scalar(0, this.dtype)));
  }

  /** The losses recorded by calls, of this layer and the layers below it (to carry them out of tidy scopes). */
  protected collectCallLosses(): Tensor[] {
    return recordedCallLosses === 0 ? [] : this.allLayers().flatMap((l) => l.callLosses);
  }

  /**
   * Runs `fn` as a layer call. The outermost call first drops the losses of the previous one
   * (disposing them, unless a gradient computation under way still needs them).
   */
  protected enterCall<T>(fn: () => T): T {
    if (callDepth === 0 && recordedCallLosses > 0) {
      for (const l of this.allLayers()) {
        for (const t of l.callLosses) if (!ENGINE.isSavedForBackward(t)) t.dispose();
        recordedCallLosses -= l.callLosses.length;
        l.callLosses = [];
      }
    }
    callDepth++;
    try {
      return fn();
    } finally {
      callDepth--;
    }
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
  apply(inputs: Tensor | Tensor[], args?: CallArgs): Tensor;
  apply(inputs: SymbolicTensor | SymbolicTensor[] | Tensor | Tensor[], args: CallArgs = {}): SymbolicTensor | Tensor {
    const outs = this.applyMulti(inputs as Tensor[], args);
    if (outs.length !== 1) throw new ValueError(`${this.describe()} returns ${outs.length} outputs; use applyMulti() to get them as an array.`);
    return outs[0]!;
  }

  /** Like `apply`, but returns every output as an array (for layers and models with several outputs). */
  applyMulti(inputs: SymbolicTensor | SymbolicTensor[], args?: CallArgs): SymbolicTensor[];
  applyMulti(inputs: Tensor | Tensor[], args?: CallArgs): Tensor[];
  applyMulti(inputs: SymbolicTensor | SymbolicTensor[] | Tensor | Tensor[], args: CallArgs = {}): SymbolicTensor[] | Tensor[] {
    checkOptions(`${this.describe()}.apply`, args, CALL_KEYS);
    const asList = Array.isArray(inputs);
    const list: unknown[] = asList ? inputs : [inputs];
    this.assertNotDisposed('apply');
    if (list.length === 0) throw new ValueError(`${this.describe()} was called with an empty list of inputs.`);
    if (list.every((x) => x instanceof SymbolicTensor)) return this.applySymbolic(list as SymbolicTensor[], asList);
    if (list.every((x) => x instanceof Tensor)) return this.applyReal(list as Tensor[], asList, args);
    const kinds = list.map((x) => (x instanceof SymbolicTensor ? 'SymbolicTensor' : x instanceof Tensor ? 'Tensor' : x === null ? 'null' : typeof x));
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

  private applySymbolic(inputs: SymbolicTensor[], asList: boolean): SymbolicTensor[] {
    const shapes = inputs.map((t) => t.shape);
    const shapeArg = asList ? shapes : shapes[0]!;
    this.checkInputShapes(shapes);
    this.ensureBuilt(shapeArg);
    const out = this.computeOutputShape(shapeArg);
    const outShapes = isShapeList(out) ? out : [out as SymbolicShape];
    const node = new Node(this, inputs, asList);
    node.outputs = outShapes.map((s, i) => new SymbolicTensor(s, this.dtype, node, i));
    this.inboundNodes.push(node);
    return node.outputs;
  }

  private applyReal(inputs: Tensor[], asList: boolean, args: CallArgs): Tensor[] {
    return this.enterCall(() => {
      const { outputs } = ENGINE.tidy(() => {
        const shapes = inputs.map((t) => t.shape);
        this.checkInputShapes(shapes);
        this.ensureBuilt(asList ? shapes : shapes[0]!);
        const out = this.call(asList ? inputs : inputs[0]!, { training: args.training ?? false, mask: args.mask });
        const outs = Array.isArray(out) ? out : [out];
        if (!outs.every((o) => o instanceof Tensor)) throw new ValueError(`${this.describe()}: call() must return a Tensor or an array of Tensors.`);
        if (this.activityRegularizer) for (const o of outs) this.addLoss(this.activityRegularizer.apply(o));
        return { outputs: outs, losses: this.collectCallLosses() };
      });
      return outputs;
    });
  }

  /** The single input of a one-input layer; throws a ValueError naming the layer if an array of several was passed. */
  protected singleInput(inputs: Tensor | Tensor[]): Tensor {
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
