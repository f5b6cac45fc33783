/**
 * The functional Model: a graph of layers recorded by calling them on symbolic tensors, from
 * `Input()`s to outputs; run on real tensors, listed, serialized as JSON and summarised.
 */
import { bytesPerElement } from '../core/dtype.js';
import { ENGINE } from '../core/engine.js';
import { NotFoundError, ShapeError, ValueError } from '../core/errors.js';
import { checkOptions, optionKeys } from '../core/options.js';
import { classNameOf, type ConfigDict, type Serialized } from '../core/serialization.js';
import { Tensor, type Variable } from '../core/tensor.js';
import { InputLayer } from '../layers/input-layer.js';
import { Layer, type CallArgs, type ShapeOrShapes } from '../layers/layer.js';
import { deserializeLayer, registerLayer, serializeLayer } from '../layers/registry.js';
import { Node, SymbolicTensor, fmtSymbolicShape, isShapeList, sizePerSample, type SymbolicShape } from '../layers/symbolic-tensor.js';
import type { GradientObserver, History, Logs } from '../callbacks/index.js';
import type { Optimizer } from '../optimizers/index.js';
import { loadWeights, saveModel, saveWeights, type LoadWeightsArgs } from './saving.js';
import {
  EVALUATE_KEYS, PREDICT_KEYS, compileModel, evaluate, fit, predict, testOnBatch, trainOnBatch,
  type BatchSource, type CompileArgs, type CompiledState, type EvaluateArgs, type FitArgs, type PredictArgs,
} from './training.js';
import { SUMMARY_KEYS, columnWidths, formatCount, kerasShape, readableBytes, renderTable, type SummaryArgs } from './summary.js';

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

/** A model's layer graph: its inputs and outputs, the calls (nodes) in an order that runs, and the layers. */
export interface ModelGraph {
  inputs: SymbolicTensor[];
  outputs: SymbolicTensor[];
  /** Every node, producers before consumers. */
  nodes: Node[];
  /** Every layer, those nearest the inputs first. */
  layers: Layer[];
  /** For each layer, its nodes that belong to this graph, in the order the layer was called. */
  nodesOf: Map<Layer, Node[]>;
  /** The longest path from each node to an output. */
  depth: Map<Node, number>;
}

function toList<T>(x: T | T[]): T[] {
  return Array.isArray(x) ? x : [x];
}

/**
 * Collects the graph between `inputs` and `outputs`: a depth-first walk back from the outputs
 * finds every node, each node's depth is its longest distance to an output, and nodes and layers
 * are ordered by decreasing depth, ties in the order the walk found them (as Keras orders them).
 */
function buildGraph(who: string, inputs: SymbolicTensor[], outputs: SymbolicTensor[]): ModelGraph {
  for (const [what, list] of [['inputs', inputs], ['outputs', outputs]] as const) {
    if (list.length === 0) throw new ValueError(`${who}: ${what} must not be empty.`);
    list.forEach((t, i) => {
      if (!(t instanceof SymbolicTensor)) {
        throw new ValueError(`${who}: ${what}[${i}] is not a SymbolicTensor. Models are made from the results of Input() and of layers applied to them.`);
      }
    });
  }
  inputs.forEach((t, i) => {
    if (!(t.sourceLayer instanceof InputLayer)) {
      throw new ValueError(`${who}: inputs[${i}] ('${t.name}') was made by layer '${t.sourceLayer.name}'; model inputs must come from Input().`);
    }
    if (inputs.indexOf(t) !== i) throw new ValueError(`${who}: the input '${t.name}' is listed twice.`);
  });

  const inputSet = new Set(inputs);
  const found: Node[] = [];
  const done = new Set<Node>();
  const discovery = new Map<Layer, number>();
  const visit = (node: Node, neededBy: string): void => {
    if (done.has(node)) return;
    if (!discovery.has(node.layer)) discovery.set(node.layer, discovery.size);
    if (node.layer instanceof InputLayer && !inputSet.has(node.outputs[0]!)) {
      throw new ValueError(
        `${who}: the graph is disconnected: ${neededBy} depends on the input '${node.layer.name}' ${fmtSymbolicShape(node.outputs[0]!.shape)}, ` +
          'which is not among the model\'s inputs. Add it to inputs.',
      );
    }
    for (const t of node.inputs) visit(t.node, `layer '${node.layer.name}'`);
    done.add(node);
    found.push(node);
  };
  for (const t of outputs) visit(t.node, `output '${t.name}'`);
  for (const t of inputs) visit(t.node, `input '${t.name}'`);

  const depth = new Map<Node, number>();
  for (let i = found.length - 1; i >= 0; i--) {
    const node = found[i]!;
    const d = depth.get(node) ?? 0;
    depth.set(node, d);
    for (const t of node.inputs) depth.set(t.node, Math.max(depth.get(t.node) ?? 0, d + 1));
  }
  const nodes = [...found].sort((a, b) => depth.get(b)! - depth.get(a)!);
  const layerDepth = new Map<Layer, number>();
  for (const n of nodes) layerDepth.set(n.layer, Math.max(layerDepth.get(n.layer) ?? 0, depth.get(n)!));
  const layers = [...layerDepth.keys()].sort((a, b) => layerDepth.get(b)! - layerDepth.get(a)! || discovery.get(a)! - discovery.get(b)!);

  const names = new Map<string, number>();
  for (const l of layers) names.set(l.name, (names.get(l.name) ?? 0) + 1);
  const duplicates = [...names].filter(([, n]) => n > 1).map(([name]) => name);
  if (duplicates.length) throw new ValueError(`${who}: layer names must be unique within a model, but ${duplicates.map((d) => `'${d}'`).join(', ')} appear more than once.`);

  const inGraph = new Set(nodes);
  const nodesOf = new Map(layers.map((l) => [l, l.inboundNodes.filter((n) => inGraph.has(n))]));
  return { inputs, outputs, nodes, layers, nodesOf, depth };
}

/** True when `got` fits `expected` (null matches any size). */
function shapeFits(expected: SymbolicShape, got: SymbolicShape): boolean {
  return expected.length === got.length && expected.every((d, i) => d === null || got[i] === null || d === got[i]);
}

/** A hint for data whose shape does not fit a model input: a missing channel axis, a missing flatten, a missing batch axis. */
function inputHint(expected: SymbolicShape, got: SymbolicShape): string {
  const fits = (exp: SymbolicShape, g: SymbolicShape): boolean => exp.every((d, i) => d === null || g[i] === null || d === g[i]);
  const batch = got[0] ?? -1;
  if (expected.length === got.length + 1 && expected[expected.length - 1] === 1 && fits(expected.slice(0, -1), got)) {
    return ` The model expects a channel axis: reshape(x, [${[...got.map((d) => d ?? -1), 1].join(', ')}]) or expandDims(x, -1).`;
  }
  const perSample = sizePerSample(expected);
  if (expected.length === 2 && got.length > 2 && perSample !== null && perSample === sizePerSample(got)) {
    return ` Flatten each sample first: reshape(x, [${batch}, ${perSample}]), or start the model with a Flatten layer.`;
  }
  if (expected.length === got.length + 1 && fits(expected.slice(1), got)) {
    return ' The first axis is the batch: for a single sample, add it with expandDims(x, 0).';
  }
  if (perSample !== null && got.length > 0 && perSample === sizePerSample(got)) {
    return ` Each sample has the right number of values: reshape(x, [${batch}, ${expected.slice(1).join(', ')}]) gives the expected layout.`;
  }
  return '';
}

type TensorRef = [string, number, number];

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
export class Model extends Layer {
  static override readonly className: string = 'Functional';
  /** Set by a callback to ask a training loop to stop after the current batch. */
  stopTraining = false;
  /** The layer graph; null for a Sequential model not built yet, or a subclass that implements `call` itself. */
  protected graph: ModelGraph | null = null;
  private outputsAsList = false;
  private compiled: CompiledState | undefined;
  private readonly observers = new Set<GradientObserver>();

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
  override call(inputs: Tensor | Tensor[], args: CallArgs = {}): Tensor | Tensor[] {
    this.assertNotDisposed('run');
    const list = toList(inputs);
    // A Sequential model without an input shape builds its graph here, on its first call.
    if (list[0] instanceof Tensor) this.ensureBuilt(list.length === 1 ? list[0].shape : list.map((x) => x.shape));
    const graph = this.requireGraph('layer graph');
    this.checkModelInputs(graph, list);
    const training = args.training ?? false;
    const inputMasks = toList(args.mask ?? null);
    const outputs = this.enterCall(() =>
      ENGINE.tidy(() => {
        const values = new Map<number, Tensor>();
        // Masks travel beside the values: each layer gets its inputs' masks and says what its outputs' are.
        const masks = new Map<number, Tensor | null>();
        graph.inputs.forEach((t, i) => {
          values.set(t.id, list[i]!);
          masks.set(t.id, inputMasks[i] ?? null);
        });
        for (const node of graph.nodes) {
          if (node.layer instanceof InputLayer) continue;
          const xs = node.inputs.map((t) => values.get(t.id)!);
          const ms = node.inputs.map((t) => masks.get(t.id) ?? null);
          const mask = ms.some((m) => m !== null) ? (node.inputsAsList ? ms : ms[0]!) : null;
          const ys = node.layer.applyMulti(node.inputsAsList ? xs : xs[0]!, { training, mask: mask ?? undefined });
          ys.forEach((y, i) => values.set(node.outputs[i]!.id, y));
          const outMasks = node.layer.computeMask(node.inputsAsList ? xs : xs[0]!, mask);
          node.outputs.forEach((t, i) => masks.set(t.id, Array.isArray(outMasks) ? (outMasks[i] ?? null) : outMasks));
        }
        return { outputs: graph.outputs.map((t) => values.get(t.id)!), losses: this.collectCallLosses() };
      }).outputs,
    );
    return this.outputsAsList || outputs.length > 1 ? outputs : outputs[0]!;
  }

  private checkModelInputs(graph: ModelGraph, list: readonly Tensor[]): void {
    if (list.length !== graph.inputs.length) {
      const expected = graph.inputs.map((t) => `'${t.sourceLayer.name}' ${fmtSymbolicShape(t.shape)}`).join(', ');
      throw new ValueError(
        `Model '${this.name}' expects ${graph.inputs.length} input${graph.inputs.length > 1 ? 's' : ''} (${expected}), got ${list.length}. ` +
          'Pass one tensor per input, in the order of model.inputs.',
      );
    }
    list.forEach((x, i) => {
      if (!(x instanceof Tensor)) throw new ValueError(`Model '${this.name}': input ${i} is not a Tensor; wrap arrays with tensor().`);
    });
    this.checkInputShapes(list.map((x) => x.shape));
  }

  /** Checks data (or symbolic inputs, when the model is used as a layer) against the model's input shapes, naming the layer fed. */
  protected override checkInputShapes(shapes: readonly SymbolicShape[]): void {
    const graph = this.graph;
    if (!graph) return;
    graph.inputs.forEach((t, i) => {
      const got = shapes[i];
      if (!got || shapeFits(t.shape, got)) return;
      const consumer = graph.nodes.find((n) => n.inputs.includes(t))?.layer;
      const feeds = consumer ? `, which feeds layer '${consumer.name}' (${classNameOf(consumer)}),` : '';
      throw new ShapeError(
        `Model '${this.name}': input '${t.sourceLayer.name}'${feeds} expects shape ${fmtSymbolicShape(t.shape)}, got ${fmtSymbolicShape(got)}.${inputHint(t.shape, got)}`,
      );
    });
  }

  override computeOutputShape(inputShape: ShapeOrShapes): SymbolicShape | SymbolicShape[] {
    if (!this.graph) return super.computeOutputShape(inputShape);
    const shapes = isShapeList(inputShape) ? inputShape : [inputShape as SymbolicShape];
    const known = new Map<number, SymbolicShape>();
    this.graph.inputs.forEach((t, i) => known.set(t.id, shapes[i] ?? t.shape));
    for (const node of this.graph.nodes) {
      if (node.layer instanceof InputLayer) continue;
      const ins = node.inputs.map((t) => known.get(t.id)!);
      const out = node.layer.computeOutputShape(node.inputsAsList ? ins : ins[0]!);
      const outs = isShapeList(out) ? out : [out as SymbolicShape];
      outs.forEach((s, i) => known.set(node.outputs[i]!.id, s));
    }
    const result = this.graph.outputs.map((t) => known.get(t.id)!);
    return this.outputsAsList || result.length > 1 ? result : result[0]!;
  }

  // ---- serialization ----

  /**
   * The architecture as plain JSON: each layer's class and config, and which outputs feed which
   * layer call. Weights are not included (`getWeights` gives them, in a fixed order).
   */
  override getConfig(): ConfigDict {
    const graph = this.requireGraph('config');
    const ref = (t: SymbolicTensor): TensorRef => [t.sourceLayer.name, graph.nodesOf.get(t.sourceLayer)!.indexOf(t.node), t.tensorIndex];
    const layers = graph.layers.map((l): ConfigDict => {
      const { className, config } = serializeLayer(l);
      const calls = l instanceof InputLayer ? [] : graph.nodesOf.get(l)!;
      return { className, name: l.name, config, inboundNodes: calls.map((n) => ({ inputs: n.inputs.map(ref), asList: n.inputsAsList })) };
    });
    return {
      name: this.name,
      trainable: this.trainable,
      layers,
      inputLayers: graph.inputs.map(ref),
      outputLayers: graph.outputs.map(ref),
      outputsAsList: this.outputsAsList,
    };
  }

  /**
   * A model from a config `getConfig` returned: the layers are made through the layer registry
   * (no code is evaluated) and called again in the recorded order.
   */
  static override fromConfig<T extends Layer>(this: new (args: never) => T, config: ConfigDict): T {
    const entries = config['layers'] as { className: string; name: string; config: ConfigDict; inboundNodes: { inputs: TensorRef[]; asList: boolean }[] }[];
    const made = new Map<string, { layer: Layer; nodes: Node[] }>();
    for (const e of entries) {
      const layer = deserializeLayer({ className: e.className, config: e.config } as Serialized);
      made.set(e.name, { layer, nodes: layer instanceof InputLayer ? [layer.inboundNodes[0]!] : [] });
    }
    const resolve = ([name, nodeIndex, tensorIndex]: TensorRef): SymbolicTensor | undefined => made.get(name)?.nodes[nodeIndex]?.outputs[tensorIndex];
    const pending = entries.map((e) => ({ name: e.name, calls: [...e.inboundNodes] }));
    let progress = true;
    while (progress) {
      progress = false;
      for (const p of pending) {
        while (p.calls.length) {
          const inputs = p.calls[0]!.inputs.map(resolve);
          if (inputs.some((t) => t === undefined)) break;
          const entry = made.get(p.name)!;
          const ts = inputs as SymbolicTensor[];
          entry.layer.applyMulti(p.calls[0]!.asList ? ts : ts[0]!);
          entry.nodes.push(entry.layer.inboundNodes[entry.layer.inboundNodes.length - 1]!);
          p.calls.shift();
          progress = true;
        }
      }
    }
    const stuck = pending.filter((p) => p.calls.length).map((p) => `'${p.name}'`);
    if (stuck.length) throw new ValueError(`Model.fromConfig: the calls of layer(s) ${stuck.join(', ')} refer to outputs that no layer in the config produces.`);
    const refs = (key: string): SymbolicTensor[] =>
      (config[key] as TensorRef[]).map((r) => {
        const t = resolve(r);
        if (!t) throw new ValueError(`Model.fromConfig: ${key} refers to '${r[0]}' call ${r[1]} output ${r[2]}, which does not exist.`);
        return t;
      });
    const outputs = refs('outputLayers');
    return new (this as unknown as new (args: ModelArgs) => T)({
      name: config['name'] as string,
      trainable: config['trainable'] as boolean,
      inputs: refs('inputLayers'),
      outputs: config['outputsAsList'] ? outputs : outputs[0]!,
    });
  }

  // ---- freeing ----

  /**
   * Frees every tensor the model owns: the weights of all its layers (see `Layer.dispose`) and the
   * state of the optimizer `compile` gave it. Afterwards every use of the model (a call, `fit`,
   * `evaluate`, `predict`, `save`, `getWeights`...) throws a DisposedError naming it; calling
   * `dispose()` again does nothing. A layer shared with another model is freed too, and so is an
   * optimizer instance passed to `compile`: the model owns both.
   *
   * @example
   * const model = await loadModel('fashion.strata');
   * const [loss] = await model.evaluate(xTest, yTest);
   * model.dispose(); // memory().numTensors is back where it was before loadModel
   */
  override dispose(): void {
    super.dispose();
    this.compiled?.optimizer.dispose();
    this.observers.clear();
  }

  // ---- summary ----

  /** The layers `summary` lists. */
  protected summaryLayers(): Layer[] {
    return this.layers;
  }

  /**
   * Keras's rule: a functional model is shown as a plain stack (without the `Connected to`
   * column) when each depth of the graph holds one call with at most one input and no layer is
   * called twice.
   */
  protected isSequentialLike(): boolean {
    const graph = this.graph;
    if (!graph) return true;
    const perDepth = new Map<number, Node[]>();
    for (const n of graph.nodes) {
      const d = graph.depth.get(n)!;
      perDepth.set(d, [...(perDepth.get(d) ?? []), n]);
    }
    for (const list of perDepth.values()) if (list.length > 1 || list.some((n) => n.inputs.length > 1)) return false;
    return [...graph.nodesOf.values()].every((ns) => ns.length <= 1);
  }

  // ---- training (the loops live in training.ts) ----

  /** The optimizer chosen by `compile` (undefined before). */
  get optimizer(): Optimizer | undefined {
    return this.compiled?.optimizer;
  }

  /** @internal What `compile` resolved, for the training loop and for saving. */
  get compiledState(): CompiledState | undefined {
    return this.compiled;
  }

  /**
   * Configures training: the optimizer (default `'rmsprop'`, as Keras), the loss and the metrics.
   *
   * @example
   * model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
   */
  compile(args: CompileArgs): void {
    this.assertNotDisposed('compile');
    const previous = this.compiled;
    this.compiled = compileModel(this, args);
    if (previous && previous.optimizer !== this.compiled.optimizer) previous.optimizer.dispose();
  }

  /**
   * Calls `observer` with each training step's gradients (aligned with the variables) until the
   * returned function is called; what callbacks such as TensorBoard use to log gradient norms.
   *
   * @example
   * const stop = model.observeGradients((grads, vars) => console.log(vars[0].name, grads[0].shape));
   * await model.fit(x, y);
   * stop();
   */
  observeGradients(observer: GradientObserver): () => void {
    this.observers.add(observer);
    return () => void this.observers.delete(observer);
  }

  /** @internal The observers registered through `observeGradients`, for the training loop. */
  get gradientObservers(): ReadonlySet<GradientObserver> {
    return this.observers;
  }

  /** @internal Builds a model that learns its input shape from data (a Sequential without inputShape). */
  buildFor(x: Tensor | Tensor[]): void {
    const list = toList(x);
    if (!this.built && list[0] instanceof Tensor) this.ensureBuilt(list.length === 1 ? list[0].shape : list.map((t) => t.shape));
  }

  /**
   * Trains the model for `epochs` passes over `x` and `y` (or over a source of `[x, y]` batches);
   * returns the History of the loss and metrics per epoch (Keras's keys: `loss`, `val_accuracy`, ...).
   *
   * @example
   * const history = await model.fit(xTrain, yTrain, { epochs: 5, batchSize: 32, validationSplit: 0.2 });
   * history.history.val_accuracy;
   */
  async fit(x: Tensor | Tensor[] | BatchSource, y?: Tensor | Tensor[], args: FitArgs = {}): Promise<History> {
    this.assertNotDisposed('fit');
    return fit(this, this.compiled, x, y, args);
  }

  /**
   * The loss and metrics on `x`, `y`: `[loss, metric1, ...]` in compile order, or a record by
   * Keras's keys with `returnDict`.
   *
   * @example
   * const [loss, accuracy] = await model.evaluate(xTest, yTest);
   */
  async evaluate(x: Tensor | Tensor[] | BatchSource, y?: Tensor | Tensor[], args?: EvaluateArgs & { returnDict?: false }): Promise<number[]>;
  async evaluate(x: Tensor | Tensor[] | BatchSource, y: Tensor | Tensor[] | undefined, args: EvaluateArgs & { returnDict: true }): Promise<Logs>;
  async evaluate(x: Tensor | Tensor[] | BatchSource, y?: Tensor | Tensor[], args: EvaluateArgs & { returnDict?: boolean } = {}): Promise<number[] | Logs> {
    this.assertNotDisposed('evaluate');
    checkOptions(`${this.name}.evaluate`, args, EVALUATE_KEYS);
    const logs = await evaluate(this, this.compiled, x, y, args);
    return args.returnDict ? logs : Object.values(logs);
  }

  /**
   * The model's outputs for every sample of `x`, computed in batches in inference mode.
   *
   * @example
   * const probs = model.predict(xTest) as Tensor; // [n, 10]
   */
  predict(x: Tensor | Tensor[], args: PredictArgs = {}): Tensor | Tensor[] {
    checkOptions(`${this.name}.predict`, args, PREDICT_KEYS);
    return predict(this, x, args.batchSize ?? 32);
  }

  /** The outputs for one batch, in inference mode. */
  predictOnBatch(x: Tensor | Tensor[]): Tensor | Tensor[] {
    return this.call(x, { training: false });
  }

  /** One gradient step on one batch; returns that batch's loss and metrics by Keras's keys. */
  trainOnBatch(x: Tensor | Tensor[], y: Tensor | Tensor[], sampleWeight?: Tensor): Logs {
    return trainOnBatch(this, this.compiled, x, y, sampleWeight);
  }

  /** The loss and metrics of one batch in inference mode. */
  testOnBatch(x: Tensor | Tensor[], y: Tensor | Tensor[], sampleWeight?: Tensor): Logs {
    return testOnBatch(this, this.compiled, x, y, sampleWeight);
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
    const headers = sequentialLike ? ['Layer (type)', 'Output Shape', 'Param #'] : ['Layer (type)', 'Output Shape', 'Param #', 'Connected to'];
    const align: ('left' | 'right')[] = sequentialLike ? ['left', 'left', 'right'] : ['left', 'left', 'right', 'left'];
    const positions = args.positions ?? (sequentialLike ? [0.45, 0.8, 1] : [0.3, 0.56, 0.74, 1]);
    if (positions.length !== headers.length) throw new ValueError(`summary: positions needs ${headers.length} entries, got ${positions.length}.`);
    const lineLength = args.lineLength ?? (sequentialLike ? 88 : 108);
    const layers = this.summaryLayers();
    const rows = layers.map((l) => {
      const row = [`${l.name} (${classNameOf(l)})`, this.outputShapeText(l), l.built ? formatCount(l.countParams()) : '0 (unbuilt)'];
      if (!sequentialLike) row.push(this.connectionsText(l));
      return row;
    });
    const lines = [`Model: "${this.name}"`, ...renderTable({ headers, align, rows }, columnWidths(lineLength, positions))];
    const total = (ws: Variable[]): [number, number] => [ws.reduce((n, w) => n + w.size, 0), ws.reduce((n, w) => n + w.size * bytesPerElement(w.dtype), 0)];
    const trainable = total(this.trainableWeights);
    const frozen = total(this.nonTrainableWeights);
    const line = (label: string, [count, bytes]: [number, number]): string => ` ${label}: ${formatCount(count)} (${readableBytes(bytes)})`;
    lines.push(line('Total params', [trainable[0] + frozen[0], trainable[1] + frozen[1]]), line('Trainable params', trainable), line('Non-trainable params', frozen));
    if (args.showParamCounts) {
      const counted = layers.filter((l) => l.built && l.countParams() > 0);
      lines.push(' Param # per layer:', ...counted.map((l) => `   ${l.name} (${classNameOf(l)}): ${l.paramCountFormula()} = ${formatCount(l.countParams())}`));
    }
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
