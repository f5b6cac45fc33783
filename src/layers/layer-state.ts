/**
 * What every layer owns, below its life-cycle (layer.ts): its name and path, its weights (made by
 * `addWeight`, counted, read, set and frozen), the losses its calls record, and `dispose`.
 */
import { assertDType, isFloat, type DType } from '../core/dtype.js';
import { ENGINE } from '../core/engine.js';
import { DisposedError, ShapeError, ValueError, fmtShape } from '../core/errors.js';
import { checkOptions } from '../core/options.js';
import { classNameOf, toSnakeCase } from '../core/serialization.js';
import { SESSION } from '../core/session.js';
import { shapesEqual } from '../core/shape.js';
import { Tensor, type Variable } from '../core/tensor.js';
import { getInitializer, type InitializerIdentifier } from '../initializers/get-initializer.js';
import { add } from '../ops/arithmetic.js';
import { cast } from '../ops/convert.js';
import { scalar, variable } from '../ops/creation.js';
import { clone } from '../ops/shape.js';
import { getRegularizer } from '../regularizers/get-regularizer.js';
import type { Regularizer } from '../regularizers/regularizer.js';
import { ADD_WEIGHT_KEYS, type AddWeightArgs, type LayerArgs } from './layer-args.js';
import { paramFormula, type ParamFormula } from './param-formula.js';
import { activeWeightSource } from './weight-source.js';

interface WeightRecord {
  variable: Variable;
  regularizer: Regularizer | null;
  /** Whether it was made trainable: only those follow the layer's `trainable` flag. */
  createdTrainable: boolean;
}

/**
 * The part of `Layer` that holds state: identity, weights and recorded losses. `Layer` (layer.ts)
 * extends it with the life-cycle, calling and the graph; extend `Layer`, not this.
 *
 * @example
 * const dense = new Dense({ units: 3 }); // a Layer, hence a LayerState
 * dense.apply(ones([1, 2]));
 * dense.countParams(); // 9, from the weights kept here
 */
export abstract class LayerState {
  /** Unique name, used in weight names (`dense/kernel`), errors and summaries. */
  readonly name: string;
  /** The dtype of the layer's weights. */
  readonly dtype: DType;
  /**
   * The layer this one is part of (a recurrent layer's cell, a wrapper's layer); its path prefixes
   * weight names. NOTE: an ECMAScript private field, so that `trackedLayers`' scan of the layer's
   * own fields never finds the parent (which made a part count its parent's weights as its own and
   * `part.trainable = false` recurse without end).
   */
  #parentLayer: LayerState | null = null;

  /** True once `build` has run. */
  built = false;

  private readonly weightRecords: WeightRecord[] = [];
  private trainableFlag: boolean;
  /** Losses recorded by the calls since the last outermost call (activity penalties, `addLoss`). */
  private callLosses: Tensor[] = [];
  /** Set by `dispose()`. */
  private disposedFlag = false;

  constructor(args: LayerArgs) {
    const cls = classNameOf(this);
    if (args.name !== undefined && (typeof args.name !== 'string' || args.name === '' || args.name.includes('/'))) {
      throw new ValueError(`${cls}: name must be a non-empty string without '/', got ${JSON.stringify(args.name)}.`);
    }
    this.name = args.name ?? SESSION.uniqueName(toSnakeCase(cls));
    // Layer declares argKeys (each subclass its own list); the state only reads it.
    const known = (new.target as unknown as { argKeys?: readonly string[] }).argKeys;
    if (known) checkOptions(`${cls} '${this.name}'`, args, known);
    this.dtype = args.dtype ?? 'float32';
    assertDType(this.describe(), this.dtype);
    this.trainableFlag = args.trainable ?? true;
  }

  /**
   * The layer's name, after the path of the layer it is part of, if any: `lstm/lstm_cell`,
   * `bidirectional/forward_lstm`. Weight names start with it.
   */
  get path(): string {
    return this.#parentLayer === null ? this.name : `${this.#parentLayer.path}/${this.name}`;
  }

  /**
   * Makes `child` a part of this layer, so that its weights are named under this layer's path
   * (call it before the child is built). The child's weights count as this layer's through
   * `trackedLayers`.
   */
  protected adopt<T extends LayerState>(child: T): T {
    child.#parentLayer = this;
    return child;
  }

  /** How errors name the layer: `Layer 'dense_1' (Dense)`. */
  describe(): string {
    return `Layer '${this.name}' (${classNameOf(this)})`;
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

  /** Layers whose weights belong to this one (see `Layer.trackedLayers`). */
  protected abstract trackedLayers(): LayerState[];

  /** This layer and every layer tracked below it, each once, in a fixed order. */
  private allLayers(): LayerState[] {
    const seen = new Set<LayerState>();
    const visit = (layer: LayerState): void => {
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
   * How `countParams` is made, for `summary({ explain: true })`: the formula in symbols and with
   * the layer's sizes (Dense: `(in + 1) × out` = `(784 + 1) × 100`). `0` for a layer without
   * weights; a layer with weights that has no formula of its own (or is not built) gives undefined,
   * and the summary shows its count alone.
   */
  explainParams(): ParamFormula | undefined {
    return this.built && this.weights.length === 0 ? paramFormula`0` : undefined;
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
      layer.releaseState();
      SESSION.recordedCallLosses -= layer.callLosses.length;
      layer.callLosses = [];
      layer.disposedFlag = true;
    }
  }

  /** Frees what a layer keeps between calls besides its weights (a stateful RNN's states); called by `dispose()`. */
  protected releaseState(): void {}

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
    SESSION.recordedCallLosses++;
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
    return [...(SESSION.recordedCallLosses === 0 ? [] : layers.flatMap((l) => l.callLosses)), ...weightPenalties];
  }

  /** The sum of `losses` as a scalar tensor (0 when there are none). */
  regularizationLoss(): Tensor {
    return ENGINE.tidy(() => this.losses.reduce<Tensor>((total, l) => add(total, l), scalar(0, this.dtype)));
  }

  /** The losses recorded by calls, of this layer and the layers below it (to carry them out of tidy scopes). */
  protected collectCallLosses(): Tensor[] {
    return SESSION.recordedCallLosses === 0 ? [] : this.allLayers().flatMap((l) => l.callLosses);
  }

  /**
   * Runs `fn` as a layer call. The outermost call first drops the losses of the previous one
   * (disposing them, unless a gradient computation under way still needs them).
   */
  protected enterCall<T>(fn: () => T): T {
    if (SESSION.layerCallDepth === 0 && SESSION.recordedCallLosses > 0) {
      for (const l of this.allLayers()) {
        for (const t of l.callLosses) if (!ENGINE.isSavedForBackward(t)) t.dispose();
        SESSION.recordedCallLosses -= l.callLosses.length;
        l.callLosses = [];
      }
    }
    SESSION.layerCallDepth++;
    try {
      return fn();
    } finally {
      SESSION.layerCallDepth--;
    }
  }

  /** How many call losses the layer holds: a mark to `dropCallLossesAfter`. */
  protected callLossMark(): number {
    return this.callLosses.length;
  }

  /** Drops the call losses recorded after `mark` (a trial call's, whose tensors a tidy scope frees). */
  protected dropCallLossesAfter(mark: number): void {
    SESSION.recordedCallLosses -= this.callLosses.length - mark;
    this.callLosses.length = mark;
  }
}
