/**
 * The Model: a functional graph of layers (recorded by calling them on symbolic tensors, from
 * `Input()`s to outputs; see functional.ts) or a subclass that implements `call`; run on real
 * tensors, listed, serialized, summarised and saved. Training comes from `Trainer` (trainer.ts).
 */
import { bytesPerElement } from '../core/dtype.js';
import { ENGINE } from '../core/engine.js';
import { NotFoundError, NotSupportedError, ValueError } from '../core/errors.js';
import { checkOptions, optionKeys } from '../core/options.js';
import { classNameOf, type ConfigDict } from '../core/serialization.js';
import { StringTensor } from '../core/string-tensor.js';
import { Tensor, type Variable } from '../core/tensor.js';
import type { InputLayer } from '../layers/input-layer.js';
import { Layer, type CallArgs, type LayerInput, type ShapeOrShapes } from '../layers/layer.js';
import { registerLayer } from '../layers/registry.js';
import { paramFormula, sumFormula, term, type ParamFormula } from '../layers/param-formula.js';
import { isShapeList, type SymbolicShape, type SymbolicTensor } from '../layers/symbolic-tensor.js';
import {
  buildGraph, checkInputCount, checkInputDType, checkInputShapes, graphConfig, graphFromConfig, graphOutputShapes, isSequentialLike, runGraph, type ModelGraph,
} from './functional.js';
import { loadWeights, saveModel, saveWeights, type LoadWeightsArgs } from './saving.js';
import { SUMMARY_KEYS, columnWidths, defaultPositions, formatCount, formulaText, kerasShape, readableBytes, renderTable, type SummaryArgs } from './summary.js';
import { Trainer } from './trainer.js';

/** Arguments of `Model`. */
export interface ModelArgs {
  /** The model's input(s): symbolic tensors made by `Input()`. */
  inputs?: SymbolicTensor | SymbolicTensor[];
  /** The model's output(s): symbolic tensors computed from the inputs by calling layers. */
  outputs?: SymbolicTensor | SymbolicTensor[];
  /** A name (default `functional`, `functional_1`, ...). */
  name?: string;
  /** Whether the model's weights are trained (default true). */
  trainable?: boolean;
}

const MODEL_KEYS = optionKeys<ModelArgs>({ inputs: true, outputs: true, name: true, trainable: true });

/**
 * What a subclassed model needs to be built again as it was (Keras's build config): the shape(s)
 * of its inputs, batch axis first.
 *
 * @example
 * net.getBuildConfig(); // { inputShape: [null, 784] }
 */
export interface BuildConfig {
  inputShape: SymbolicShape | SymbolicShape[];
}

function toList<T>(x: T | T[]): T[] {
  return Array.isArray(x) ? x : [x];
}

/**
 * A model defined by its inputs and outputs: calling layers on symbolic tensors from `Input()`
 * records a graph, and the Model runs it. Several inputs and outputs and shared layers (one
 * layer called at several places) are supported. A Model is itself a Layer, so it can be called
 * inside another model.
 *
 * @example
 * const x = Input({ shape: [784] });
 * const h = new Dense({ units: 100, activation: 'relu' }).apply(x);
 * const y = new Dense({ units: 10, activation: 'softmax' }).apply(h);
 * const model = new Model({ inputs: x, outputs: y });
 * model.apply(zeros([32, 784])).shape; // [32, 10]
 */
export class Model extends Trainer {
  static override readonly className: string = 'Functional';
  /** The layer graph; null for a Sequential model not built yet, or a subclass that implements `call` itself. */
  protected graph: ModelGraph | null = null;
  private outputsAsList = false;
  /** The input shape(s) a subclassed model was built for (see `getBuildConfig`). */
  private builtFor: SymbolicShape | SymbolicShape[] | undefined;

  constructor(args: ModelArgs = {}) {
    super({ name: args.name, trainable: args.trainable });
    // A subclass's constructor may take arguments of its own and pass them on; those are its to check.
    if (new.target === Model) checkOptions(`Model '${this.name}'`, args, MODEL_KEYS);
    if ((args.inputs === undefined) !== (args.outputs === undefined)) {
      throw new ValueError(`Model '${this.name}': give both inputs and outputs, or neither (in a subclass that implements call()).`);
    }
    if (args.inputs !== undefined) this.setGraph(toList(args.inputs), args.outputs!);
    else if (new.target === Model) {
      throw new ValueError(`Model '${this.name}': give inputs (from Input()) and outputs (from layers applied to them), or subclass Model and implement call().`);
    }
  }

  /** Makes this model run the graph from `inputs` to `outputs`. */
  protected setGraph(inputs: SymbolicTensor[], outputs: SymbolicTensor | SymbolicTensor[]): void {
    this.graph = buildGraph(`Model '${this.name}'`, inputs, toList(outputs));
    this.outputsAsList = Array.isArray(outputs);
    this.built = true;
    if (!this.trainable) this.trainable = false;
  }

  private requireGraph(what: string): ModelGraph {
    if (!this.graph) throw new ValueError(`Model '${this.name}' has no ${what} yet: it is not built. Give its first layer an inputShape, or call it on data once.`);
    return this.graph;
  }

  /** Every layer, input layers included, those nearest the inputs first. */
  get layers(): Layer[] {
    return this.graph ? [...this.graph.layers] : this.trackedLayers();
  }

  /** The symbolic inputs, one per `Input()`. */
  get inputs(): SymbolicTensor[] {
    return [...this.requireGraph('inputs').inputs];
  }

  /** The symbolic outputs. */
  get outputs(): SymbolicTensor[] {
    return [...this.requireGraph('outputs').outputs];
  }

  /**
   * The name of each output, for losses and metrics: the layer producing it (with the output's
   * index appended when a layer produces several). A model without a graph has one, `output`.
   */
  get outputNames(): string[] {
    if (!this.graph) return ['output'];
    const outputs = this.graph.outputs;
    const names = outputs.map((t) => t.sourceLayer.name);
    return names.map((n, i) => (names.indexOf(n) === names.lastIndexOf(n) ? n : `${n}_${outputs[i]!.tensorIndex}`));
  }

  /** The input layers, in the order of `inputs`. */
  get inputLayers(): InputLayer[] {
    return this.inputs.map((t) => t.sourceLayer as InputLayer);
  }

  protected override trackedLayers(): Layer[] {
    return this.graph ? this.graph.layers : super.trackedLayers();
  }

  /**
   * A layer by name, or by its position in `layers`.
   *
   * @example
   * model.getLayer('dense_1').getWeights();
   */
  getLayer(nameOrIndex: string | number): Layer {
    const layers = this.layers;
    if (typeof nameOrIndex === 'number') {
      const layer = layers[nameOrIndex];
      if (!layer) throw new ValueError(`Model '${this.name}' has ${layers.length} layers; index ${nameOrIndex} is out of range.`);
      return layer;
    }
    const layer = layers.find((l) => l.name === nameOrIndex);
    if (!layer) throw new NotFoundError(`Model '${this.name}' has no layer named '${nameOrIndex}'. Its layers: ${layers.map((l) => l.name).join(', ') || 'none'}.`);
    return layer;
  }

  // ---- running ----

  /**
   * Runs the model on real tensors: one per input, in the order of `inputs` (a single tensor for
   * a one-input model). Returns one tensor, or an array for several outputs. Only ops run here,
   * so it can be used inside `variableGrads`; every intermediate is released.
   *
   * @example
   * const probs = model.call(images, { training: false }) as Tensor;
   */
  override call(inputs: LayerInput | LayerInput[], args: CallArgs = {}): Tensor | Tensor[] {
    this.assertNotDisposed('run');
    const list = toList(inputs);
    // A Sequential model without an input shape builds its graph here, on its first call.
    if (list[0] instanceof Tensor || list[0] instanceof StringTensor) this.ensureBuilt(list.length === 1 ? list[0].shape : list.map((x) => x.shape));
    const graph = this.requireGraph('layer graph');
    checkInputCount(this.name, graph, list.length);
    list.forEach((x, i) => {
      if (!(x instanceof Tensor || x instanceof StringTensor)) throw new ValueError(`Model '${this.name}': input ${i} is not a Tensor; wrap arrays with tensor() (or strings() for text).`);
      checkInputDType(this.name, graph, i, x);
    });
    this.checkInputShapes(list.map((x) => x.shape));
    const masks = toList(args.mask ?? null);
    const outputs = this.enterCall(() => ENGINE.tidy(() => ({ outputs: runGraph(graph, list, masks, args.training ?? false), losses: this.collectCallLosses() })).outputs);
    return this.outputsAsList || outputs.length > 1 ? outputs : outputs[0]!;
  }

  /** Checks data (or symbolic inputs, when the model is used as a layer) against the model's input shapes, naming the layer fed. */
  protected override checkInputShapes(shapes: readonly SymbolicShape[]): void {
    if (this.graph) checkInputShapes(this.name, this.graph, shapes);
  }

  /**
   * Builds a subclassed model for inputs of `inputShape`: `call` runs once on zeros, so that every
   * layer it uses makes its weights (as Keras builds a subclass). The shape is kept for saving
   * (`getBuildConfig`). A functional model is built when it is made; this does nothing for it.
   */
  override build(inputShape: ShapeOrShapes): void {
    if (this.graph) return;
    const unbatched = (s: SymbolicShape): SymbolicShape => [null, ...s.slice(1)];
    this.builtFor = isShapeList(inputShape) ? inputShape.map(unbatched) : unbatched(inputShape as SymbolicShape);
    // Layer's computeOutputShape runs `call` on zeros in a scope of its own (and frees the losses it records).
    super.computeOutputShape(inputShape);
  }

  /**
   * What building a subclassed model needs (Keras's `get_build_config`): the input shape(s) it was
   * built for; undefined for a functional model or one not built yet.
   */
  getBuildConfig(): BuildConfig | undefined {
    return this.graph || this.builtFor === undefined ? undefined : { inputShape: this.builtFor };
  }

  /** Builds the model as `getBuildConfig` described it (Keras's `build_from_config`), as loading does. */
  buildFromConfig(config: BuildConfig): void {
    this.ensureBuilt(config.inputShape);
  }

  override computeOutputShape(inputShape: ShapeOrShapes): SymbolicShape | SymbolicShape[] {
    if (!this.graph) return super.computeOutputShape(inputShape);
    const result = graphOutputShapes(this.graph, inputShape);
    return this.outputsAsList || result.length > 1 ? result : result[0]!;
  }

  // ---- serialization ----

  /**
   * The architecture as plain JSON: each layer's class and config, and which outputs feed which
   * layer call. Weights are not included (`getWeights` gives them, in a fixed order). A subclassed
   * model overrides it to return the arguments of its constructor, after the base ones
   * (`{...super.getConfig(), units: this.units}`); `fromConfig` passes them back to the constructor.
   */
  override getConfig(): ConfigDict {
    if (!this.graph && classNameOf(this) !== 'Functional') {
      // A subclass's config is its constructor's arguments: only its own getConfig knows them.
      if (this.getConfig === Model.prototype.getConfig) {
        throw new NotSupportedError(
          `Model '${this.name}' (${classNameOf(this)}) is a subclass without a getConfig(): override getConfig() to return the arguments its constructor takes ` +
            '({...super.getConfig(), units: this.units}), and register the class with registerLayer, so that it can be saved and loaded.',
        );
      }
      return super.getConfig();
    }
    return { name: this.name, trainable: this.trainable, ...graphConfig(this.requireGraph('config')), outputsAsList: this.outputsAsList };
  }

  /**
   * A model from a config `getConfig` returned. For Model itself, the layers are made through the
   * layer registry (no code is evaluated) and called again in the recorded order; a subclass gets
   * the config as its constructor's arguments (override it to do otherwise).
   */
  static override fromConfig<T extends Layer>(this: new (args: never) => T, config: ConfigDict): T {
    const make = this as unknown as new (args: ModelArgs | ConfigDict) => T;
    if (this !== (Model as unknown)) return new make(config);
    const { inputs, outputs } = graphFromConfig(config);
    return new make({
      name: config['name'] as string,
      trainable: config['trainable'] as boolean,
      inputs,
      outputs: config['outputsAsList'] ? outputs : outputs[0]!,
    });
  }

  // ---- summary ----

  /** The layers `summary` lists. */
  protected summaryLayers(): Layer[] {
    return this.layers;
  }

  /**
   * A model inside another is explained as the sum of its layers' counts (`dense + dense_1`), when
   * they add up to its own (layers sharing weights would count them twice).
   */
  override explainParams(): ParamFormula | undefined {
    const counted = this.layers.filter((l) => l.built && l.countParams() > 0);
    if (counted.length === 0) return super.explainParams();
    const sum = sumFormula(counted.map((l) => paramFormula`${term(l.name, l.countParams())}`));
    return counted.reduce((n, l) => n + l.countParams(), 0) === this.countParams() ? sum : undefined;
  }

  /** Whether `summary` shows the model as a plain stack (see functional.ts's `isSequentialLike`). */
  protected isSequentialLike(): boolean {
    return !this.graph || isSequentialLike(this.graph);
  }

  /**
   * Saves architecture, weights, compile settings and optimizer state to `path` in one file,
   * atomically (a crash mid-save leaves the previous file intact). Reload with `loadModel(path)`.
   *
   * @example
   * await model.save('fashion.strata');
   */
  async save(path: string): Promise<void> {
    await saveModel(this, path);
  }

  /** Saves the weights alone to `path` (atomically). */
  async saveWeights(path: string): Promise<void> {
    await saveWeights(this, path);
  }

  /**
   * Loads weights saved by `saveWeights` (or `save`) into this model, which must have the same
   * architecture; `args.limits` caps the sizes the file may declare.
   */
  async loadWeights(path: string, args: LoadWeightsArgs = {}): Promise<void> {
    await loadWeights(this, path, args);
  }

  /**
   * The summary as lines of text: a table of the layers (name and type, output shape, number of
   * parameters, and for branching models the inputs of each layer), then the parameter totals
   * and their size, in Keras 3's format.
   */
  summaryLines(args: Omit<SummaryArgs, 'printFn'> = {}): string[] {
    checkOptions(`${this.name}.summary`, args, SUMMARY_KEYS);
    const sequentialLike = this.isSequentialLike();
    const explain = args.explain ?? false;
    const headers = ['Layer (type)', 'Output Shape', 'Param #', ...(explain ? ['Param # formula'] : []), ...(sequentialLike ? [] : ['Connected to'])];
    const align = headers.map((h): 'left' | 'right' => (h === 'Param #' ? 'right' : 'left'));
    const positions = args.positions ?? defaultPositions(sequentialLike, explain);
    if (positions.length !== headers.length) throw new ValueError(`summary: positions needs ${headers.length} entries, got ${positions.length}.`);
    // Keras's widths, and 40 to 50 more for the formulas.
    const lineLength = args.lineLength ?? (explain ? (sequentialLike ? 128 : 158) : sequentialLike ? 88 : 108);
    const layers = this.summaryLayers();
    const rows = layers.map((l) => {
      const row = [`${l.name} (${classNameOf(l)})`, this.outputShapeText(l), l.built ? formatCount(l.countParams()) : '0 (unbuilt)'];
      if (explain) row.push(formulaText(l.explainParams()));
      if (!sequentialLike) row.push(this.connectionsText(l));
      return row;
    });
    const lines = [`Model: "${this.name}"`, ...renderTable({ headers, align, rows }, columnWidths(lineLength, positions))];
    const total = (ws: Variable[]): [number, number] => [ws.reduce((n, w) => n + w.size, 0), ws.reduce((n, w) => n + w.size * bytesPerElement(w.dtype), 0)];
    const trainable = total(this.trainableWeights);
    const frozen = total(this.nonTrainableWeights);
    const line = (label: string, [count, bytes]: [number, number]): string => ` ${label}: ${formatCount(count)} (${readableBytes(bytes)})`;
    lines.push(line('Total params', [trainable[0] + frozen[0], trainable[1] + frozen[1]]), line('Trainable params', trainable), line('Non-trainable params', frozen));
    return lines;
  }

  /**
   * Prints the summary (see `summaryLines`), one line per `printFn` call.
   *
   * @example
   * model.summary();
   * // Model: "sequential"
   * // ┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓
   * // ┃ Layer (type)                         ┃ Output Shape                ┃         Param # ┃
   * // ...
   * //  Total params: 79,510 (310.59 KB)
   */
  summary(args: SummaryArgs = {}): void {
    const printFn = args.printFn ?? ((line: string) => console.log(line));
    for (const line of this.summaryLines(args)) printFn(line);
  }

  private outputShapeText(layer: Layer): string {
    const nodes = this.graph?.nodesOf.get(layer) ?? [];
    const last = nodes[nodes.length - 1];
    if (!last) return '?';
    const shapes = last.outputs.map((t) => kerasShape(t.shape));
    return shapes.length === 1 ? shapes[0]! : `[${shapes.join(', ')}]`;
  }

  private connectionsText(layer: Layer): string {
    const nodes = this.graph?.nodesOf.get(layer) ?? [];
    const refs = nodes.flatMap((n) => n.inputs.map((t) => `${t.sourceLayer.name}[${t.node.index}][${t.tensorIndex}]`));
    return refs.length ? refs.join(', ') : '-';
  }
}
registerLayer(Model);
