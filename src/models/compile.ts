/** What `Model.compile` takes and what it resolves to: the optimizer, the loss of each output and its weight, the metrics of each output. */
import { ValueError } from '../core/errors.js';
import { checkOptions, optionKeys } from '../core/options.js';
import { getLoss, type Loss, type LossFn } from '../losses/index.js';
import { getMetric, type Metric, type MetricFn } from '../metrics/index.js';
import { getOptimizer, type Optimizer } from '../optimizers/index.js';

/** A loss as `compile` accepts it: a name, a Loss object, or a function (yTrue, yPred) => per-sample losses. */
export type LossSpec = string | Loss | LossFn;
/** A metric as `compile` accepts it: a name ('accuracy', 'mae', ...), a Metric object, or a function. */
export type MetricSpec = string | Metric | MetricFn;

/** Options of `compile`. */
export interface CompileArgs {
  /** An optimizer or its name (default `'rmsprop'`, as in Keras). */
  optimizer?: string | Optimizer;
  /**
   * The loss: one for all outputs, or one per output. It may be left out when the model's
   * `trainStep` computes its own loss (the default `trainStep` then refuses to run).
   */
  loss?: LossSpec | LossSpec[];
  /** Metrics to report: for all outputs, or one list per output. */
  metrics?: MetricSpec[] | MetricSpec[][];
  /** Weights of each output's loss in the total (default 1 each). */
  lossWeights?: number[];
  /**
   * Run the steps of fit, evaluate and predict (and of trainOnBatch, testOnBatch, predictOnBatch) as
   * graphs: each step is traced once per batch shape by `jit`, optimised, then replayed (default false:
   * eager). Same numbers, callbacks and History as eager; see docs/eager-and-graphs.md.
   */
  jitCompile?: boolean;
}

const COMPILE_KEYS = optionKeys<CompileArgs>({ optimizer: true, loss: true, metrics: true, lossWeights: true, jitCompile: true });

/** What `compile` resolved. */
export interface CompiledState {
  optimizer: Optimizer;
  /** The loss of each output; empty when compiled without a loss. */
  losses: Loss[];
  /** The weight of each loss (empty without a loss). */
  lossWeights: number[];
  /** The metrics of each output. */
  metrics: Metric[][];
  /** Whether the steps run through `jit`. */
  jitCompile: boolean;
}

/** Resolves `compile`'s arguments for the model `name` with the outputs `outputNames`. */
export function compileModel(name: string, outputNames: readonly string[], args: CompileArgs): CompiledState {
  if (args === null || typeof args !== 'object') {
    throw new ValueError(`${name}.compile: expected options such as {optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy']}, got ${args === null ? 'null' : typeof args}.`);
  }
  checkOptions(`${name}.compile`, args, COMPILE_KEYS);
  const numOutputs = outputNames.length;
  const lossSpecs = args.loss === undefined ? [] : Array.isArray(args.loss) ? args.loss : new Array<LossSpec>(numOutputs).fill(args.loss);
  if (args.loss !== undefined && lossSpecs.length !== numOutputs) {
    throw new ValueError(`${name}.compile: ${lossSpecs.length} losses were given for a model with ${numOutputs} outputs (${outputNames.join(', ')}).`);
  }
  const losses = lossSpecs.map((l) => getLoss(l));
  const lossWeights = args.lossWeights ?? new Array<number>(losses.length).fill(1);
  if (lossWeights.length !== losses.length) {
    throw new ValueError(`${name}.compile: lossWeights has ${lossWeights.length} entries for ${losses.length} losses${args.loss === undefined ? ' (compile was given no loss)' : ''}.`);
  }
  if (args.jitCompile !== undefined && typeof args.jitCompile !== 'boolean') {
    throw new ValueError(`${name}.compile: jitCompile must be true or false, got ${JSON.stringify(args.jitCompile) ?? typeof args.jitCompile}; pass jitCompile: true to run the steps as graphs.`);
  }
  const metricSpecs = args.metrics ?? [];
  const perOutput = metricSpecs.length > 0 && Array.isArray(metricSpecs[0]) ? (metricSpecs as MetricSpec[][]) : new Array<MetricSpec[]>(numOutputs).fill(metricSpecs as MetricSpec[]);
  if (perOutput.length !== numOutputs) throw new ValueError(`${name}.compile: ${perOutput.length} metric lists were given for ${numOutputs} outputs.`);
  return {
    optimizer: getOptimizer(args.optimizer ?? 'rmsprop'),
    losses,
    lossWeights,
    metrics: perOutput.map((specs, i) => specs.map((m) => getMetric(m, lossSpecs[i] as string | Loss | undefined))),
    jitCompile: args.jitCompile ?? false,
  };
}
