/**
 * The trainer every Model is: what `compile` chose, the step methods (`trainStep`, `testStep`,
 * `predictStep`) with their default bodies, the helpers a custom step uses (`computeLoss`,
 * `computeMetrics`, `metrics`, `resetMetrics`), and fit / evaluate / predict, which drive the
 * steps over an epoch iterator (the loops are in loops.ts).
 */
import type { GradientObserver, History, Logs } from '../callbacks/index.js';
import { ENGINE } from '../core/engine.js';
import { ValueError } from '../core/errors.js';
import { variableGrads } from '../core/gradients.js';
import { tidy } from '../core/memory.js';
import { checkOptions } from '../core/options.js';
import { Tensor, type Variable } from '../core/tensor.js';
import type { Graph } from '../graph/graph.js';
import { jit, type Jitted } from '../graph/jit.js';
import { Layer } from '../layers/layer.js';
import { Mean, type Metric } from '../metrics/index.js';
import { add, mul } from '../ops/index.js';
import type { Optimizer } from '../optimizers/index.js';
import { compileModel, type CompileArgs, type CompiledState } from './compile.js';
import { asList, checkSampleWeight, sampleCount, type Inputs, type Tensors } from './data.js';
import { isBatchSource, type BatchSource, type PredictSource, type StepBatch } from './epoch-iterator.js';
import {
  EVALUATE_KEYS, FIT_KEYS, PREDICT_KEYS, evaluateLoop, fitLoop, predictArrays, predictSource, readLogs, type EvaluateArgs, type FitArgs, type PredictArgs,
} from './loops.js';

/**
 * What a step returns: figures by name, as numbers or scalar tensors (read, then freed, by the loop).
 *
 * @example
 * const logs: StepLogs = { loss: lossTensor, acc: this.accuracy.result() };
 */
export type StepLogs = Record<string, number | Tensor>;

/** A step method as `jit` made it: the batch, and a key of what else its graph depends on. */
type JittedStep<R> = Jitted<(batch: StepBatch, key: string) => R>;

/**
 * The tensors `computeLoss` and `computeMetrics` take: the batch, and the model's predictions for it.
 *
 * @example
 * const loss = this.computeLoss({ x, y, yPred: this.call(x, { training: true }), sampleWeight });
 */
export interface StepTensors {
  /** The inputs (unused by the default computations; Keras passes them for losses that need them). */
  x?: Tensors;
  /** The targets, one per output. */
  y: Tensors;
  /** The model's outputs for `x`, one per output. */
  yPred: Tensors;
  /** One loss weight per sample. */
  sampleWeight?: Tensor;
}

/**
 * The training half of a Model (Keras's `Trainer`): a Model is one, and its step methods are the
 * place to change what `fit`, `evaluate` and `predict` do.
 *
 * @example
 * class Net extends Model {
 *   override trainStep(batch: StepBatch): StepLogs { ... }
 * }
 */
export abstract class Trainer extends Layer {
  /** Set by a callback (or a step) to ask a training loop to stop after the current batch. */
  stopTraining = false;
  private compiled: CompiledState | undefined;
  /** The loss tracker and the compiled metrics: the default `metrics`. */
  private compiledMetrics: Metric[] = [];
  /** The key each compiled metric is logged under: prefixed by its output's name when there are several outputs. */
  private readonly metricKeys = new Map<Metric, string>();
  /** The loss averaged per sample over the batches since the last `resetMetrics` (Keras's loss tracker). */
  private readonly lossTracker = new Mean({ name: 'loss' });
  private readonly observers = new Set<GradientObserver>();
  /**
   * The variables the default `trainStep` trains, read at a fit's first step (once the model is built).
   * As in Keras, a change of `trainable` takes effect at the next fit (or trainOnBatch), not in the
   * middle of one; and the weights need not be walked every step.
   */
  private stepVariables: Variable[] | undefined;
  /** With `jitCompile`: each kind of step as `jit` made it, at its first use after `compile`. */
  private jitted: { train?: JittedStep<StepLogs>; test?: JittedStep<StepLogs>; predict?: JittedStep<Tensors> } = {};
  /** Whether a train step has run (eagerly) since `compile`; with `jitCompile` the later ones are traced. */
  private trainedOnce = false;
  /**
   * The ids of the variables to train, read at the first step after `beginTraining`: part of a jitted
   * train step's signature, so that a change of `trainable` between fits traces anew.
   */
  private trainableKey: string | undefined;

  /** The name of each output, for losses and metrics. */
  abstract get outputNames(): string[];

  // ---- compile ----

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
   * The loss may be left out when `trainStep` is overridden to compute its own.
   *
   * @example
   * model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
   * gan.compile({ optimizer: 'adam' }); // a subclass whose trainStep computes the loss
   */
  compile(args: CompileArgs): void {
    this.assertNotDisposed('compile');
    const previous = this.compiled;
    this.compiled = compileModel(this.name, this.outputNames, args);
    const several = this.compiled.metrics.length > 1;
    this.metricKeys.clear();
    this.compiled.metrics.forEach((ms, i) => ms.forEach((m) => this.metricKeys.set(m, several ? `${this.outputNames[i]}_${m.name}` : m.name)));
    this.compiledMetrics = [...(this.compiled.losses.length > 0 ? [this.lossTracker] : []), ...this.compiled.metrics.flat()];
    this.lossTracker.resetState();
    if (previous && previous.optimizer !== this.compiled.optimizer) previous.optimizer.dispose();
    // Graphs traced for the previous settings (losses, metrics, optimizer) are stale.
    this.disposeJitted();
    this.trainedOnce = false;
  }

  /** The compiled state, or a ValueError saying to compile before `method`. */
  protected requireCompiled(method: string): CompiledState {
    if (!this.compiled) {
      throw new ValueError(`${this.name}.${method}: the model must be compiled first; call model.compile({optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy']}) before ${method}().`);
    }
    return this.compiled;
  }

  // ---- metrics and loss, for steps ----

  /**
   * The metrics the loops reset at the start of each epoch and of each evaluation (Keras's
   * `metrics`): the loss tracker and the compiled metrics. A subclass that tracks figures of its
   * own (a `Mean` per loss, say) returns them here, so they are reset as the compiled ones are.
   *
   * @example
   * class Gan extends Model {
   *   readonly dLoss = new Mean({ name: 'd_loss' });
   *   override get metrics() { return [this.dLoss]; }
   * }
   */
  get metrics(): Metric[] {
    return this.compiledMetrics;
  }

  /** Resets every metric of `metrics` (the loops call it each epoch and before each evaluation). */
  resetMetrics(): void {
    for (const m of this.metrics) m.resetState();
  }

  /**
   * The total loss of a batch as a scalar tensor: each compiled loss (weighted by sample) times
   * its weight, plus the regularization penalties and the losses the last call recorded. Call it
   * inside the function given to `variableGrads`, after the forward pass. Without a compiled loss
   * it is the penalties alone (0 when there are none).
   *
   * @example
   * const { value, grads } = variableGrads(() => {
   *   const yPred = this.call(x, { training: true });
   *   return this.computeLoss({ x, y, yPred });
   * }, this.trainableWeights);
   */
  computeLoss({ y, yPred, sampleWeight }: StepTensors): Tensor {
    const compiled = this.requireCompiled('computeLoss');
    const ys = asList(y);
    const preds = asList(yPred);
    if (compiled.losses.length > 0 && preds.length !== ys.length) {
      throw new ValueError(`${this.name}: the model has ${preds.length} outputs but ${ys.length} target arrays were given; pass one y per output.`);
    }
    const terms = compiled.losses.map((loss, i) => {
      const value = loss.compute(ys[i]!, preds[i]!, sampleWeight);
      return compiled.lossWeights[i] === 1 ? value : mul(value, compiled.lossWeights[i]!);
    });
    // The penalties are summed first and added once, as Layer.regularizationLoss does; without any, nothing is added.
    const penalties = this.losses;
    if (penalties.length > 0) terms.push(penalties.reduce((acc, t) => add(acc, t)));
    return terms.length > 0 ? terms.reduce((acc, t) => add(acc, t)) : this.regularizationLoss();
  }

  /**
   * Folds a batch into the compiled metrics and returns every metric's value so far
   * (`getMetricsResult`): what the default steps return.
   */
  computeMetrics({ y, yPred, sampleWeight }: StepTensors): Logs {
    this.updateCompiledMetrics(asList(y), asList(yPred), sampleWeight);
    return this.getMetricsResult();
  }

  private updateCompiledMetrics(ys: Tensor[], preds: Tensor[], sampleWeight: Tensor | undefined): void {
    const metrics = this.requireCompiled('computeMetrics').metrics;
    for (let i = 0; i < metrics.length; i++) for (const m of metrics[i]!) m.updateState(ys[i]!, preds[i]!, sampleWeight);
  }

  /**
   * The value of each metric of `metrics` since the last reset, by Keras's keys: by default `loss`
   * (when compiled with a loss) then the compiled metrics (`accuracy`, or `<output>_accuracy` for
   * several outputs); a metric of a subclass's own under its name.
   */
  getMetricsResult(): Logs {
    const logs: Logs = {};
    for (const m of this.metrics) logs[this.metricKeys.get(m) ?? m.name] = m.result();
    return logs;
  }

  // ---- the steps ----

  /**
   * One training step on one batch, called by `fit` (and `trainOnBatch`) inside a memory scope:
   * the default computes the compiled loss, applies the gradients with the optimizer, updates the
   * metrics and returns `getMetricsResult()`. Override it to train differently; what it returns —
   * numbers or scalar tensors by name — is logged, shown by the progress bar and kept in History.
   *
   * @example
   * class Contrastive extends Model {
   *   override trainStep({ x, y }: StepBatch) {
   *     const { value, grads } = variableGrads(() => myLoss(y!, this.call(x, { training: true }) as Tensor), this.trainableWeights);
   *     this.optimizer!.applyGradients(this.trainableWeights.map((v, i) => [grads[i]!, v] as const));
   *     return { loss: value };
   *   }
   * }
   */
  trainStep(batch: StepBatch): StepLogs {
    const { x, y, sampleWeight } = batch;
    const compiled = this.requireLoss('trainStep', y);
    const variables = (this.stepVariables ??= [...new Set(this.trainableWeights)]);
    const ys = asList(y!);
    const { value, grads } = variableGrads(() => {
      const preds = asList(this.call(x, { training: true }));
      const loss = this.computeLoss({ x, y: ys, yPred: preds, sampleWeight });
      // Metrics read the predictions here, before the gradient scope releases them.
      this.updateCompiledMetrics(ys, preds, sampleWeight);
      return loss;
    }, variables);
    if (this.observers.size > 0) ENGINE.effect(grads, (gs) => this.observers.forEach((observe) => observe(gs, variables)));
    compiled.optimizer.applyGradients(variables.map((v, i) => [grads[i]!, v] as const));
    this.trackLoss(value, x);
    return this.getMetricsResult();
  }

  /**
   * One evaluation step on one batch, in inference mode, called by `evaluate`, by `fit` for the
   * validation data and by `testOnBatch`: the default updates the loss and the metrics and
   * returns `getMetricsResult()`.
   */
  testStep(batch: StepBatch): StepLogs {
    const { x, y, sampleWeight } = batch;
    this.requireLoss('testStep', y);
    const ys = asList(y!);
    const preds = asList(this.call(x, { training: false }));
    this.trackLoss(this.computeLoss({ x, y: ys, yPred: preds, sampleWeight }), x);
    this.updateCompiledMetrics(ys, preds, sampleWeight);
    return this.getMetricsResult();
  }

  /**
   * Folds a batch's loss into the loss tracker, weighted by the batch's size; through an effect, so
   * that a jitted step (whose graph replays without running this code) still does it.
   */
  private trackLoss(loss: Tensor, x: Inputs): void {
    const batchSize = asList(x)[0]!.shape[0]!;
    ENGINE.effect([loss], ([value]) => this.lossTracker.updateState(value!.item(), batchSize));
  }

  /** The model's outputs for one batch, in inference mode, called by `predict` and `predictOnBatch`. */
  predictStep(batch: StepBatch): Tensors {
    return this.call(batch.x, { training: false });
  }

  /** The compiled state of a default step, which needs a compiled loss and targets. */
  private requireLoss(method: string, y: Tensors | undefined): CompiledState {
    const compiled = this.requireCompiled(method);
    if (compiled.losses.length === 0) {
      throw new ValueError(
        `${this.name}.${method}: the model was compiled without a loss, so the default ${method} has nothing to minimise. ` +
          `Pass one to compile (compile({optimizer, loss: 'mse'})), or override ${method} in a subclass of Model to compute the loss yourself.`,
      );
    }
    if (y === undefined) throw new ValueError(`${this.name}.${method}: the batch has no targets (y); the default ${method} needs them.`);
    return compiled;
  }

  // ---- running the steps, eagerly or as graphs ----

  /**
   * @internal `trainStep` or `testStep` on one batch, through `jit` when compiled with `jitCompile`;
   * what it returned, read into numbers. Call it inside a memory scope.
   */
  runStep(step: 'trainStep' | 'testStep', input: StepBatch<Inputs>): Logs {
    // NOTE: a text model's batch holds StringTensors, which the steps pass on to `call` unread; the
    // steps are typed for tensors (what overrides in other models rely on).
    const batch = input as StepBatch;
    const jitCompile = this.compiled?.jitCompile ?? false;
    // NOTE: the very first train step runs eagerly even with jitCompile: it builds what a model makes
    // lazily and creates the optimizer's slots, state that a graph should read, not make at every call.
    if (!jitCompile || (step === 'trainStep' && !this.trainedOnce)) {
      const logs = readLogs(this, step, this[step](batch));
      if (step === 'trainStep') this.trainedOnce = true;
      return logs;
    }
    const jitted = step === 'trainStep'
      ? (this.jitted.train ??= this.jitStep('trainStep', (b) => this.trainStep(b)))
      : (this.jitted.test ??= this.jitStep('testStep', (b) => this.testStep(b)));
    const returned = jitted(batch, this.signatureKey(step));
    const logs = { ...readLogs(this, step, returned) };
    // Numbers a step returns (the metrics' results) were fixed when it was traced: read them again.
    const current = this.getMetricsResult();
    for (const key in logs) if (typeof returned[key] === 'number' && key in current) logs[key] = current[key]!;
    return logs;
  }

  /** @internal `predictStep` on one batch, through `jit` when compiled with `jitCompile`. Call it inside a memory scope. */
  runPredictStep(input: StepBatch<Inputs>): Tensors {
    // NOTE: as in runStep, a text model's batch holds StringTensors that predictStep passes on unread.
    const batch = input as StepBatch;
    if (!this.compiled?.jitCompile) return this.predictStep(batch);
    return (this.jitted.predict ??= this.jitStep('predictStep', (b) => this.predictStep(b)))(batch, this.signatureKey('predictStep'));
  }

  /**
   * The graph of the step `kind` traced last under `jitCompile` (undefined before the first trace, or
   * without jitCompile): printable and countable, what the TensorBoard callback draws as the op graph.
   *
   * @example
   * model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', jitCompile: true });
   * await model.fit(x, y, { epochs: 1 });
   * console.log(model.stepGraph()!.toString(), model.stepGraph('test')?.stats());
   */
  stepGraph(kind: 'train' | 'test' | 'predict' = 'train'): Graph | undefined {
    return this.jitted[kind]?.lastGraph;
  }

  private jitStep<R>(name: string, run: (batch: StepBatch) => R): JittedStep<R> {
    // The key only enters the signature: a step that changes with it is traced anew.
    return jit((batch: StepBatch, _key: string) => run(batch), { name: `${this.name}.${name}` });
  }

  /** What a step's graph depends on beyond the batch's shapes: the variables trained, and whether gradients are observed. */
  private signatureKey(step: 'trainStep' | 'testStep' | 'predictStep'): string {
    if (step !== 'trainStep') return '';
    this.trainableKey ??= this.trainableWeights.map((v) => v.id).join(',');
    return `${this.trainableKey}|${this.observers.size > 0 ? 'observed' : ''}`;
  }

  private disposeJitted(): void {
    for (const j of Object.values(this.jitted)) j?.dispose();
    this.jitted = {};
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

  /**
   * @internal Builds a model that learns its input shape from data (a Sequential without
   * inputShape, a subclass) for inputs like `x`: the loops call it before the first step, as Keras does.
   */
  buildFor(x: Inputs): void {
    if (this.built) return;
    const list = asList(x);
    if (list[0] instanceof Tensor) this.ensureBuilt(list.length === 1 ? list[0].shape : list.map((t) => t.shape));
  }

  /** @internal Starts a run of training steps: the variables to train are read again at the next step. */
  beginTraining(): void {
    this.stepVariables = undefined;
    this.trainableKey = undefined;
    this.stopTraining = false;
  }

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
    this.disposeJitted();
    this.observers.clear();
  }

  // ---- the loops ----

  /**
   * Trains the model for `epochs` passes over `x` and `y` (or over a source of `[x, y]` batches),
   * calling `trainStep` on each batch; returns the History of what the steps returned, per epoch
   * (Keras's keys: `loss`, `val_accuracy`, ...).
   *
   * @example
   * const history = await model.fit(xTrain, yTrain, { epochs: 5, batchSize: 32, validationSplit: 0.2 });
   * history.history.val_accuracy;
   */
  async fit(x: Inputs | BatchSource, y?: Tensors, args: FitArgs = {}): Promise<History> {
    this.assertNotDisposed('fit');
    checkOptions(`${this.name}.fit`, args, FIT_KEYS);
    return fitLoop(this, this.requireCompiled('fit'), x, y, args);
  }

  /**
   * The loss and metrics on `x`, `y` (what `testStep` returns after the last batch): `[loss,
   * metric1, ...]` in compile order, or a record by Keras's keys with `returnDict`.
   *
   * @example
   * const [loss, accuracy] = await model.evaluate(xTest, yTest);
   */
  async evaluate(x: Inputs | BatchSource, y?: Tensors, args?: EvaluateArgs & { returnDict?: false }): Promise<number[]>;
  async evaluate(x: Inputs | BatchSource, y: Tensors | undefined, args: EvaluateArgs & { returnDict: true }): Promise<Logs>;
  async evaluate(x: Inputs | BatchSource, y?: Tensors, args: EvaluateArgs & { returnDict?: boolean } = {}): Promise<number[] | Logs> {
    this.assertNotDisposed('evaluate');
    checkOptions(`${this.name}.evaluate`, args, EVALUATE_KEYS);
    const logs = await evaluateLoop(this, this.requireCompiled('evaluate'), x, y, args);
    return args.returnDict ? logs : Object.values(logs);
  }

  /**
   * The model's outputs for every sample of `x`, computed in batches by `predictStep` in inference
   * mode. Arrays give the result at once; a source of batches (an iterable or async iterable of
   * inputs) gives a promise of it.
   *
   * @example
   * const probs = model.predict(xTest) as Tensor; // [n, 10]
   * const streamed = await model.predict(batchesOfImages()); // from an async generator
   */
  predict(x: Inputs, args?: PredictArgs): Tensors;
  predict(x: PredictSource, args?: PredictArgs): Promise<Tensors>;
  predict(x: Inputs | PredictSource, args: PredictArgs = {}): Tensors | Promise<Tensors> {
    checkOptions(`${this.name}.predict`, args, PREDICT_KEYS);
    return isBatchSource(x) ? predictSource(this, x as PredictSource) : predictArrays(this, x as Inputs, args);
  }

  /** The outputs for one batch, in inference mode (`predictStep` on it). */
  predictOnBatch(x: Inputs): Tensors {
    this.buildFor(x);
    return tidy(() => this.runPredictStep({ x }));
  }

  /** One `trainStep` on one batch; returns what it returned (by default the loss and metrics of this batch alone, by Keras's keys). */
  trainOnBatch(x: Inputs, y: Tensors, sampleWeight?: Tensor): Logs {
    this.checkBatch('trainOnBatch', x, y, sampleWeight);
    this.buildFor(x);
    this.beginTraining();
    this.resetMetrics();
    return tidy(() => this.runStep('trainStep', { x, y, sampleWeight }));
  }

  /** One `testStep` on one batch; returns what it returned (by default the loss and metrics of this batch, in inference mode). */
  testOnBatch(x: Inputs, y: Tensors, sampleWeight?: Tensor): Logs {
    this.checkBatch('testOnBatch', x, y, sampleWeight);
    this.buildFor(x);
    this.resetMetrics();
    return tidy(() => this.runStep('testStep', { x, y, sampleWeight }));
  }

  private checkBatch(method: string, x: Inputs, y: Tensors, sampleWeight: Tensor | undefined): void {
    this.assertNotDisposed(method);
    this.requireCompiled(method);
    const n = sampleCount(method, this.name, x, y);
    if (sampleWeight !== undefined) checkSampleWeight(method, this.name, sampleWeight, n);
  }
}
