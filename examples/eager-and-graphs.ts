/**
 * Eager and graphs: the lesson's MLP (Flatten → Dense 100 relu → Dense 10 softmax, Adam, batch 32) trained on a
 * Fashion-MNIST slice twice from the same starting weights — once eagerly, op by op, and once through `jit`, which
 * traces the step into a graph on its first call and replays the graph after — with the time per step, the
 * losses of both runs and the graph `jit` made; then the rule for control flow: a JavaScript `if` on a tensor's
 * value is fixed when `jit` traces, and `where` is the pattern that stays right.
 *
 * Run: node dist/examples/eager-and-graphs.js [--images 3200]
 * (Without the Fashion-MNIST files — Debian's dataset-fashion-mnist, or $FMNIST_DIR — it says so and shows the control-flow rule alone.)
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import {
  Adam, Sequential, div, greater, jit, losses, mul, neg, parseIdx, sum, tensor, tidy, variableGrads, where,
  type Tensor,
} from '../src/node/index.js';
import { buildLessonMlp } from './guide/lesson-mlp.js';

const DIR = process.env.FMNIST_DIR ?? '/usr/share/datasets/fashion-mnist';
const BATCH = 32;

/** The training step of `model`, written once: called as it is, it runs eagerly; wrapped in `jit`, as a graph. */
function makeStep(model: Sequential): (x: Tensor, y: Tensor) => Tensor {
  const optimizer = new Adam();
  const lossFn = new losses.SparseCategoricalCrossentropy();
  const variables = model.trainableWeights;
  return (x, y) => {
    const { value, grads } = variableGrads(() => lossFn.compute(y, model.apply(x, { training: true })), variables);
    optimizer.applyGradients(variables.map((v, i) => [grads[i]!, v] as const));
    return value;
  };
}

/** The first `count` training images ([28, 28], scaled to [0, 1]) cut into batches of 32, with their labels. */
function loadBatches(count: number): [Tensor, Tensor][] {
  const read = (kind: string): Uint8Array => parseIdx(gunzipSync(readFileSync(`${DIR}/train-${kind}-ubyte.gz`)), kind).data;
  const pixels = read('images-idx3');
  const labels = read('labels-idx1');
  return Array.from({ length: Math.floor(count / BATCH) }, (_, b) => [
    tidy(() => div(tensor(pixels.subarray(b * BATCH * 784, (b + 1) * BATCH * 784), [BATCH, 28, 28], 'uint8'), 255)),
    tensor(Int32Array.from(labels.subarray(b * BATCH, (b + 1) * BATCH)), [BATCH], 'int32'),
  ]);
}

/** A run's losses and the milliseconds each call took. */
interface Run {
  losses: number[];
  ms: number[];
}

/**
 * Runs each step on every batch, the steps taking turns batch by batch (so that the machine's load and V8's
 * warming up fall on both alike); returns each step's run.
 */
function train(steps: ((x: Tensor, y: Tensor) => Tensor)[], batches: readonly [Tensor, Tensor][]): Run[] {
  const lossTensors = steps.map((): Tensor[] => []);
  const ms = steps.map((): number[] => []);
  for (const [x, y] of batches) {
    steps.forEach((step, i) => {
      const started = performance.now();
      lossTensors[i]!.push(step(x, y));
      ms[i]!.push(performance.now() - started);
    });
  }
  // Read after the loop, so that the timed steps never wait on a read.
  return lossTensors.map((tensors, i) => {
    const losses = tensors.map((l) => l.item());
    for (const l of tensors) l.dispose();
    return { losses, ms: ms[i]! };
  });
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

function bothWays(images: number): void {
  const batches = loadBatches(images);
  console.log(`The lesson's MLP on ${batches.length * BATCH} Fashion-MNIST images: ${batches.length} steps of ${BATCH}, each way (taking turns), from the same weights.`);
  const eagerStep = makeStep(buildLessonMlp());
  const step = jit(makeStep(buildLessonMlp()), { name: 'trainStep' });
  const [eager, jitted] = train([(x, y) => tidy(() => eagerStep(x, y)), step], batches) as [Run, Run];
  // The first call of each is left out of the per-step time: eager creates Adam's slots, jit traces.
  console.log(`eager: ${mean(eager.ms.slice(1)).toFixed(3)} ms per step`);
  console.log(`jitted: ${mean(jitted.ms.slice(1)).toFixed(3)} ms per step (its first call, which traced the step, took ${jitted.ms[0]!.toFixed(0)} ms)`);
  const largest = Math.max(...eager.losses.map((l, i) => Math.abs(l - jitted.losses[i]!)));
  console.log(`loss: first step ${eager.losses[0]!.toFixed(4)} eager, ${jitted.losses[0]!.toFixed(4)} jitted; last step ${eager.losses.at(-1)!.toFixed(4)} eager, ${jitted.losses.at(-1)!.toFixed(4)} jitted`);
  console.log(`largest difference between the two runs' losses over ${eager.losses.length} steps: ${largest}`);
  const graph = step.lastGraph!;
  const stats = graph.stats();
  console.log(`traced ${step.traceCount} time(s); the graph has ${stats.traced} nodes as traced, ${stats.nodes} after optimisation (${stats.fused} fused)`);
  console.log('its first lines:');
  console.log(graph.toString().split('\n').slice(0, 6).join('\n'));
  for (const [x, y] of batches) {
    x.dispose();
    y.dispose();
  }
  step.dispose();
}

/** Runs `f`, collecting what it warns instead of letting it reach the console; returns the warnings. */
function collectWarnings(f: () => void): string[] {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (message: unknown) => void warnings.push(String(message));
  try {
    f();
  } finally {
    console.warn = warn;
  }
  return warnings;
}

function controlFlow(): void {
  const show = (t: Tensor): string => `[${[...t.dataSync()].join(', ')}]`;
  const positive = tensor([1, 2]);
  const negative = tensor([-1, -2]);
  console.log('Control flow: double x when its sum is positive, else negate it.');
  // Wrong: the `if` reads a value, runs once while tracing, and the graph keeps the branch it took.
  const withIf = jit((x: Tensor) => (sum(x).item() > 0 ? mul(x, 2) : neg(x)), { name: 'withIf' });
  const warnings = collectWarnings(() => {
    console.log(`with a JavaScript if: ${show(withIf(positive))} for [1, 2], then ${show(withIf(negative))} for [-1, -2] (eager gives [1, 2])`);
  });
  console.log(`jit warned: ${warnings[0]}`);
  // Right: the choice is an op, so the graph holds both branches and picks per call.
  const withWhere = jit((x: Tensor) => where(greater(sum(x), 0), mul(x, 2), neg(x)), { name: 'withWhere' });
  console.log(`with where: ${show(withWhere(positive))} for [1, 2], then ${show(withWhere(negative))} for [-1, -2]`);
}

const flag = process.argv.indexOf('--images');
const images = flag > 0 ? Number(process.argv[flag + 1]) : 3200;
if (existsSync(`${DIR}/train-images-idx3-ubyte.gz`)) bothWays(images);
else console.log(`Fashion-MNIST is not in ${DIR} (apt-get install dataset-fashion-mnist, or set FMNIST_DIR): the training half is skipped.`);
console.log('');
controlFlow();
