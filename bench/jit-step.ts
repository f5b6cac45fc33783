/**
 * Issue 16's step benchmark: one training step written once as a function (forward, loss, gradients, Adam's
 * update) and run both eagerly and through `jit`, in one process, from identical starting weights and on the
 * same batches, for three models:
 *
 * - tiny: Dense(10, softmax) on 16 inputs — what the engine costs per step when the kernels cost nothing;
 * - mlp: the lesson's MLP, 784 → 100 relu → 10 softmax;
 * - cnn: the lesson's CNN (examples/lesson-cnn.ts).
 *
 * All at batch 32 with Adam 1e-3 and sparse categorical cross-entropy, on seeded random images (a step's time
 * does not depend on the values). For each model: the time per step eager and jitted (alternated trials, the
 * median of each; the CNN is measured with fewer steps; the process's CPU time per step beside the wall time,
 * steadier where other processes share the cores), the jitted function's first call (trace + optimise)
 * over an eager step, the step's peak memory both ways (`ENGINE.peakBytes()` over what was held before the
 * step: the step's working memory), the graph's node counts as traced and after optimisation, and the largest
 * difference between the eager and jitted losses over every measured step (the CNN's Dropout draws differ
 * between the two models' generators only if their seeds do: both are built after the same `setSeed`).
 * Prints a table and one JSON line.
 *
 * Usage: node dist/bench/jit-step.js [--models=tiny,mlp,cnn] [--trials=7] [--steps=200] [--cnn-steps=5]
 *   [--threads=1] [--backend=wasm]
 */
import * as s from '../src/node/index.js';
import { ENGINE } from '../src/core/engine.js';
import { buildLessonCnn } from '../examples/lesson-cnn.js';

const USAGE = `Usage: node dist/bench/jit-step.js [--models=tiny,mlp,cnn] [--trials=7] [--steps=200] [--cnn-steps=5] [--threads=1] [--backend=wasm]
  --models     which steps to measure (tiny: Dense(10) on 16 inputs; mlp: 784 → 100 → 10; cnn: the lesson's CNN)
  --trials     timed trials per mode, alternated eager / jitted (the order swaps every trial)
  --steps      steps per trial for tiny and mlp
  --cnn-steps  steps per trial for the CNN
Prints a table, then one JSON line.`;
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('='))) as Record<string, string | undefined>;
if ('help' in args) {
  console.log(USAGE);
  process.exit(0);
}
const backend = args['backend'] ?? 'wasm';
const threads = Number(args['threads'] ?? 1);
const models = (args['models'] ?? 'tiny,mlp,cnn').split(',') as ModelKind[];
const trials = Number(args['trials'] ?? 7);
const BATCH = 32;
/** Distinct batches cycled through, so that the step never sees the same tensors twice in a row. */
const BATCHES = 8;

/** The models measured. */
export type ModelKind = 'tiny' | 'mlp' | 'cnn';

const inputShapes: Record<ModelKind, number[]> = { tiny: [16], mlp: [784], cnn: [28, 28, 1] };

function buildModel(kind: ModelKind): s.Sequential {
  s.setSeed(42);
  if (kind === 'cnn') return buildLessonCnn();
  const [first, ...rest] = kind === 'mlp' ? [100, 10] : [10];
  const dense = (units: number, more: object = {}) => s.layers.dense({ units, activation: units === 10 ? 'softmax' : 'relu', ...more });
  return new s.Sequential({ layers: [dense(first!, { inputShape: inputShapes[kind] }), ...rest.map((u) => dense(u))] });
}

/** The training step of `model`, written once: run as it is, it is eager; through `jit`, a graph. */
function makeStep(model: s.Sequential): (x: s.Tensor, y: s.Tensor) => s.Tensor {
  const optimizer = new s.Adam({ learningRate: 1e-3 });
  const lossFn = new s.losses.SparseCategoricalCrossentropy();
  const variables = model.trainableWeights;
  return (x, y) => {
    const { value, grads } = s.variableGrads(() => lossFn.compute(y, model.apply(x, { training: true })), variables);
    optimizer.applyGradients(variables.map((v, i) => [grads[i]!, v] as const));
    return value;
  };
}

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** What one model's measurement gives: a `results` entry of the JSON line (bench/run.ts reads it). */
export interface StepResult {
  model: ModelKind;
  eager_us: number;
  jit_us: number;
  ratio: number;
  eager_trials_us: number[];
  jit_trials_us: number[];
  /** CPU time per step (user + system, the process's): steadier than wall time on a loaded machine. */
  eager_cpu_us: number;
  jit_cpu_us: number;
  first_eager_ms: number;
  trace_ms: number;
  peak_eager_bytes: number;
  peak_jit_bytes: number;
  nodes_traced: number;
  nodes_optimized: number;
  nodes_fused: number;
  max_loss_diff: number;
  steps_compared: number;
}

/** The bytes a call of `f` holds at most beyond what was held before it. */
function stepPeak(f: () => void): number {
  const before = s.memory().numBytes;
  ENGINE.resetPeakBytes();
  f();
  return ENGINE.peakBytes() - before;
}

function measure(kind: ModelKind): StepResult {
  const steps = kind === 'cnn' ? Number(args['cnn-steps'] ?? 5) : Number(args['steps'] ?? 200);
  const xs = Array.from({ length: BATCHES }, (_, i) => s.randomUniform([BATCH, ...inputShapes[kind]], 0, 1, { seed: 100 + i }));
  const ys = Array.from({ length: BATCHES }, (_, i) => s.tidy(() => s.cast(s.randomUniform([BATCH], 0, 10, { seed: 200 + i }), 'int32')));
  // Two models from the same seed: the same starting weights (and Dropout generators), trained side by side.
  const eagerModel = buildModel(kind);
  const jitModel = buildModel(kind);
  const eagerStep = makeStep(eagerModel);
  const jitted = s.jit(makeStep(jitModel), { name: `${kind}_step` });
  const eager = (x: s.Tensor, y: s.Tensor): s.Tensor => s.tidy(() => eagerStep(x, y));
  const eagerLosses: s.Tensor[] = [];
  const jitLosses: s.Tensor[] = [];
  let eagerAt = 0;
  let jitAt = 0;
  const runEager = (): void => {
    eagerLosses.push(eager(xs[eagerAt % BATCHES]!, ys[eagerAt % BATCHES]!));
    eagerAt++;
  };
  const runJit = (): void => {
    jitLosses.push(jitted(xs[jitAt % BATCHES]!, ys[jitAt % BATCHES]!));
    jitAt++;
  };

  // The first calls: eager builds the optimizer's slots; jit traces (its first call is also a real step).
  let t0 = performance.now();
  runEager();
  const firstEager = performance.now() - t0;
  t0 = performance.now();
  runJit();
  const traceMs = performance.now() - t0;
  const graph = jitted.lastGraph!;
  const stats = graph.stats();
  // Peak memory of one steady step each way.
  const peakEager = stepPeak(runEager);
  const peakJit = stepPeak(runJit);

  const eagerTrials: number[] = [];
  const jitTrials: number[] = [];
  const eagerCpu: number[] = [];
  const jitCpu: number[] = [];
  /** Runs `steps` steps; records the wall and CPU microseconds per step. */
  const timed = (run: () => void, wall: number[], cpu: number[]): void => {
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < steps; i++) run();
    wall.push(((performance.now() - start) * 1000) / steps);
    const used = process.cpuUsage(cpu0);
    cpu.push((used.user + used.system) / steps);
  };
  // Two rounds each first, not recorded: V8 optimises both modes' code and the heap settles.
  for (let t = 0; t < 2; t++) {
    timed(runEager, [], []);
    timed(runJit, [], []);
  }
  for (let t = 0; t < trials; t++) {
    // Alternated, the order swapped every trial: a change in the machine's load falls on both modes.
    if (t % 2 === 0) {
      timed(runEager, eagerTrials, eagerCpu);
      timed(runJit, jitTrials, jitCpu);
    } else {
      timed(runJit, jitTrials, jitCpu);
      timed(runEager, eagerTrials, eagerCpu);
    }
  }
  const a = eagerLosses.map((l) => l.item());
  const b = jitLosses.map((l) => l.item());
  const maxLossDiff = Math.max(...a.map((x, i) => Math.abs(x - b[i]!)));
  s.dispose([...eagerLosses, ...jitLosses, ...xs, ...ys]);
  jitted.dispose();
  eagerModel.dispose();
  jitModel.dispose();
  const eagerUs = median(eagerTrials);
  const jitUs = median(jitTrials);
  return {
    model: kind, eager_us: +eagerUs.toFixed(1), jit_us: +jitUs.toFixed(1), ratio: +(jitUs / eagerUs).toFixed(3),
    eager_trials_us: eagerTrials.map((x) => +x.toFixed(1)), jit_trials_us: jitTrials.map((x) => +x.toFixed(1)),
    eager_cpu_us: +median(eagerCpu).toFixed(1), jit_cpu_us: +median(jitCpu).toFixed(1),
    first_eager_ms: +firstEager.toFixed(1), trace_ms: +traceMs.toFixed(1), peak_eager_bytes: peakEager, peak_jit_bytes: peakJit,
    nodes_traced: stats.traced, nodes_optimized: stats.nodes, nodes_fused: stats.fused, max_loss_diff: maxLossDiff, steps_compared: a.length,
  };
}

s.setBackend(backend);
if (backend === 'wasm') await s.setThreadsCount(threads);
const results: StepResult[] = [];
for (const kind of models) {
  process.stderr.write(`[jit-step] ${kind}\n`);
  results.push(measure(kind));
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KB`;
const labels: Record<ModelKind, string> = { tiny: 'tiny: Dense(10) on 16', mlp: 'MLP 784-100-10', cnn: "lesson's CNN" };
console.log(`One training step (batch ${BATCH}, Adam), eager and jitted: ${backend}${backend === 'wasm' ? `, ${threads} thread${threads > 1 ? 's' : ''}` : ''}; median of ${trials} alternated trials`);
console.log('');
console.log('| model | eager µs/step | jitted µs/step | jitted / eager | CPU µs/step eager, jitted | first jitted call (trace + optimise) | first eager call | peak eager | peak jitted | nodes traced → optimised (fused) | max loss difference |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  console.log(`| ${labels[r.model]} | ${r.eager_us} | ${r.jit_us} | ${r.ratio.toFixed(2)}× | ${r.eager_cpu_us}, ${r.jit_cpu_us} (${(r.jit_cpu_us / r.eager_cpu_us).toFixed(2)}×) | ${r.trace_ms.toFixed(0)} ms | ${r.first_eager_ms.toFixed(0)} ms | ${kb(r.peak_eager_bytes)} | ${kb(r.peak_jit_bytes)} | ${r.nodes_traced} → ${r.nodes_optimized} (${r.nodes_fused}) | ${r.max_loss_diff.toExponential(1)} over ${r.steps_compared} steps |`);
}
console.log(JSON.stringify({ framework: 'strata', bench: 'jit-step', backend, threads, batch: BATCH, trials, results }));
