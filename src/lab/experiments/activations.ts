/**
 * The activations experiment: the lesson says ReLU beats sigmoid because it is cheaper, does not
 * saturate, keeps gradients from vanishing and activates sparsely. Each reason is measured here, on
 * ReLU, sigmoid and tanh, in a network of ten hidden Dense layers trained on Fashion-MNIST.
 */
import { setSeed } from '../../core/random.js';
import type { Tensor } from '../../core/tensor.js';
import { Dense } from '../../layers/dense.js';
import { Flatten } from '../../layers/flatten.js';
import { Sequential } from '../../models/sequential.js';
import { relu, sigmoid, tanh } from '../../ops/unary.js';
import { slice } from '../../ops/slicing.js';
import { activationCost, type ActivationCost } from '../activation-cost.js';
import { denseOutputs, kernelGradientNorms } from '../dense-probes.js';
import type { Experiment, LabClaim, LabContext, LabImages } from '../experiment.js';

const ACTIVATIONS = { relu, sigmoid, tanh } as const;
type ActivationName = keyof typeof ACTIVATIONS;
const NAMES = Object.keys(ACTIVATIONS) as ActivationName[];

const HIDDEN_LAYERS = 10;
const UNITS = 64;
const BATCH_SIZE = 32;
/** Images the gradient norms and the layers' outputs are measured on. */
const PROBE_SIZE = 256;
/** A sigmoid unit outside [SATURATED, 1 − SATURATED] has a slope y(1 − y) below 0.0475: it is saturated. */
const SATURATED = 0.05;

/** What one activation's network showed. */
interface ActivationRun {
  /** Test accuracy after each epoch. */
  accuracies: number[];
  /** ‖∂L/∂W‖ of each Dense layer (the ten hidden ones, then the output layer) before training. */
  normsAtInit: number[];
  /** The same after the first epoch. */
  normsAfterEpoch: number[];
  /** After training, per hidden layer: the share of outputs exactly 0. */
  zeroShares: number[];
  /** After training, per hidden layer: the share of outputs outside [0.05, 0.95]. */
  saturatedShares: number[];
}

/** Ten hidden Dense layers of 64 units with `activation`, Keras's Glorot-uniform kernels, a softmax output; Adam. */
function deepNetwork(activation: ActivationName, seed: number): Sequential {
  setSeed(seed);
  const hidden = Array.from({ length: HIDDEN_LAYERS }, () => new Dense({ units: UNITS, activation }));
  const model = new Sequential({ layers: [new Flatten({ inputShape: [28, 28] }), ...hidden, new Dense({ units: 10, activation: 'softmax' })] });
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  model.build([null, 28, 28]);
  return model;
}

function share(values: Float32Array, counts: (v: number) => boolean): number {
  let n = 0;
  for (const v of values) if (counts(v)) n++;
  return n / values.length;
}

async function trainAndProbe(ctx: LabContext, data: LabImages, activation: ActivationName, epochs: number): Promise<ActivationRun> {
  const model = deepNetwork(activation, ctx.seed);
  const probe = (t: Tensor): Tensor => slice(t, [0], [Math.min(PROBE_SIZE, t.shape[0]!)]);
  const [xProbe, yProbe, xHeldOut] = [probe(data.xTrain), probe(data.yTrain), probe(data.xTest)];
  const normsAtInit = kernelGradientNorms(model, xProbe, yProbe);
  let normsAfterEpoch: number[] = [];
  const accuracies: number[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const history = await model.fit(data.xTrain, data.yTrain, { epochs: 1, batchSize: BATCH_SIZE, validationData: [data.xTest, data.yTest], verbose: 0 });
    accuracies.push(history.history['val_accuracy']![0]!);
    if (epoch === 1) normsAfterEpoch = kernelGradientNorms(model, xProbe, yProbe);
    ctx.log(`${activation}: epoch ${epoch}/${epochs}, test accuracy ${accuracies[epoch - 1]!.toFixed(4)}`);
  }
  const hidden = denseOutputs(model, xHeldOut).slice(0, HIDDEN_LAYERS);
  const run = {
    accuracies,
    normsAtInit,
    normsAfterEpoch,
    zeroShares: hidden.map((values) => share(values, (v) => v === 0)),
    saturatedShares: hidden.map((values) => share(values, (v) => v < SATURATED || v > 1 - SATURATED)),
  };
  for (const t of [xProbe, yProbe, xHeldOut]) t.dispose();
  model.dispose();
  return run;
}

const meanOf = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const firstOverLast = (norms: readonly number[]): number => norms[0]! / norms[norms.length - 1]!;
const pct = (x: number): string => `${(100 * x).toFixed(0)}%`;
const sci = (x: number): string => x.toExponential(1);

function costClaim(costs: Record<ActivationName, ActivationCost>): LabClaim {
  const ratio = costs.sigmoid.totalNs / costs.relu.totalNs;
  return {
    claim: 'ReLU is cheaper than sigmoid: its forward and backward passes together cost less per element.',
    holds: costs.relu.totalNs < costs.sigmoid.totalNs,
    figures: { nsPerElement: costs, sigmoidOverRelu: ratio, tanhOverRelu: costs.tanh.totalNs / costs.relu.totalNs },
  };
}

function gradientClaim(runs: Record<ActivationName, ActivationRun>): LabClaim {
  const ratios = Object.fromEntries(NAMES.map((name) => [name, { atInit: firstOverLast(runs[name].normsAtInit), afterEpoch: firstOverLast(runs[name].normsAfterEpoch) }]));
  const { relu: r, sigmoid: s } = ratios as Record<ActivationName, { atInit: number; afterEpoch: number }>;
  return {
    claim: "Sigmoid's gradient vanishes on its way back through a deep network: its first layer's gradient is orders of magnitude (over 100×) smaller than its last layer's; ReLU's is not (within 10×).",
    holds: s.atInit < 0.01 && s.afterEpoch < 0.01 && r.atInit > 0.1 && r.afterEpoch > 0.1,
    figures: {
      firstOverLast: ratios,
      normsAtInit: Object.fromEntries(NAMES.map((name) => [name, runs[name].normsAtInit])),
      normsAfterEpoch: Object.fromEntries(NAMES.map((name) => [name, runs[name].normsAfterEpoch])),
    },
  };
}

function saturationClaim(run: ActivationRun): LabClaim {
  const meanShare = meanOf(run.saturatedShares);
  return {
    claim: `Sigmoid saturates: after training, at least one unit in ten sits outside [${SATURATED}, ${1 - SATURATED}], where its slope is below 0.05 (a ReLU's slope is 1 wherever it is active).`,
    holds: meanShare >= 0.1,
    figures: { perLayer: run.saturatedShares, mean: meanShare },
  };
}

function sparsityClaim(run: ActivationRun): LabClaim {
  const meanShare = meanOf(run.zeroShares);
  return {
    claim: 'ReLU activates sparsely: after training, a large share (between 20% and 90%) of its outputs is exactly 0, and no layer is dead.',
    holds: meanShare >= 0.2 && meanShare <= 0.9 && run.zeroShares.every((s) => s < 1),
    figures: { perLayer: run.zeroShares, mean: meanShare },
  };
}

function accuracyClaim(runs: Record<ActivationName, ActivationRun>, epochs: number): LabClaim {
  const final = Object.fromEntries(NAMES.map((name) => [name, runs[name].accuracies[epochs - 1]!])) as Record<ActivationName, number>;
  return {
    claim: `In a deep network (${HIDDEN_LAYERS} hidden layers), ReLU reaches a higher accuracy than sigmoid after the same number of epochs.`,
    holds: final.relu > final.sigmoid,
    figures: { finalAccuracy: final, perEpoch: Object.fromEntries(NAMES.map((name) => [name, runs[name].accuracies])) },
  };
}

async function drawFigures(ctx: LabContext, runs: Record<ActivationName, ActivationRun>): Promise<void> {
  const layerPoints = (norms: number[]): [number, number][] => norms.map((n, i) => [i + 1, n]);
  await ctx.figure('gradients', {
    kind: 'lines',
    title: `‖∂L/∂W‖ per layer, ${HIDDEN_LAYERS} hidden layers of ${UNITS}`,
    xLabel: `layer (1 = first hidden, ${HIDDEN_LAYERS + 1} = output)`,
    xIntegers: true,
    yLabel: 'gradient norm (log scale)',
    yScale: 'log',
    series: NAMES.flatMap((name) => [
      { name: `${name} at init`, points: layerPoints(runs[name].normsAtInit) },
      { name: `${name} epoch 1`, points: layerPoints(runs[name].normsAfterEpoch) },
    ]),
  });
  await ctx.figure('learning', {
    kind: 'lines',
    title: `Test accuracy per epoch, ${HIDDEN_LAYERS} hidden layers`,
    xIntegers: true,
    xLabel: 'epoch',
    yLabel: 'test accuracy',
    series: NAMES.map((name) => ({ name, points: runs[name].accuracies.map((a, i): [number, number] => [i + 1, a]) })),
  });
  await ctx.figure('units', {
    kind: 'bars',
    title: `After training: sigmoids outside [${SATURATED}, ${1 - SATURATED}], ReLUs at exactly 0`,
    xLabel: 'hidden layer',
    yLabel: 'share of outputs',
    categories: Array.from({ length: HIDDEN_LAYERS }, (_, i) => String(i + 1)),
    series: [
      { name: 'sigmoid saturated', values: runs.sigmoid.saturatedShares },
      { name: 'relu exactly 0', values: runs.relu.zeroShares },
    ],
  });
}

function findings(costs: Record<ActivationName, ActivationCost>, runs: Record<ActivationName, ActivationRun>, epochs: number): string[] {
  const cost = (name: ActivationName): string => `${name} ${costs[name].forwardNs.toFixed(2)} + ${costs[name].gradientNs.toFixed(2)} ns`;
  const ratios = (key: 'normsAtInit' | 'normsAfterEpoch'): string => NAMES.map((name) => `${name} ${sci(firstOverLast(runs[name][key]))}`).join(', ');
  const range = (xs: number[]): string => `${pct(Math.min(...xs))}–${pct(Math.max(...xs))}`;
  return [
    `Cost per element (forward + gradient): ${NAMES.map(cost).join(', ')}; sigmoid costs ${(costs.sigmoid.totalNs / costs.relu.totalNs).toFixed(2)}× what relu does.`,
    `First layer's gradient norm over the output layer's, at initialisation: ${ratios('normsAtInit')}; after one epoch: ${ratios('normsAfterEpoch')}.`,
    `Sigmoid units outside [${SATURATED}, ${1 - SATURATED}] after training: ${pct(meanOf(runs.sigmoid.saturatedShares))} on average (${range(runs.sigmoid.saturatedShares)} by layer).`,
    `ReLU outputs exactly 0 after training: ${pct(meanOf(runs.relu.zeroShares))} on average (${range(runs.relu.zeroShares)} by layer).`,
    `Test accuracy after ${epochs} epochs: ${NAMES.map((name) => `${name} ${runs[name].accuracies[epochs - 1]!.toFixed(4)}`).join(', ')}.`,
  ];
}

/** `strata lab activations`: ReLU against sigmoid and tanh, on cost, vanishing gradients, saturation, sparsity and accuracy. */
export const activationsExperiment: Experiment = {
  name: 'activations',
  summary: 'ReLU vs sigmoid vs tanh: cost, vanishing gradients, saturation, sparsity, learning curves',
  guide: 'docs/lab/activations.md',
  async run(ctx) {
    const { trainSize = ctx.full ? 60000 : 20000, testSize = ctx.full ? 10000 : 5000, epochs = ctx.full ? 20 : 8 } = ctx.sizes;
    // The activations are timed on as many elements as one hidden layer outputs over an epoch.
    const costArgs = { size: trainSize * UNITS, trials: ctx.full ? 31 : 15 };
    setSeed(ctx.seed);
    const costs = Object.fromEntries(NAMES.map((name) => [name, activationCost(ACTIVATIONS[name], costArgs)])) as Record<ActivationName, ActivationCost>;
    const data = await ctx.fashionMnist(trainSize, testSize);
    const runs = {} as Record<ActivationName, ActivationRun>;
    for (const name of NAMES) runs[name] = await trainAndProbe(ctx, data, name, epochs);
    await drawFigures(ctx, runs);
    return {
      claims: [costClaim(costs), gradientClaim(runs), saturationClaim(runs.sigmoid), sparsityClaim(runs.relu), accuracyClaim(runs, epochs)],
      findings: findings(costs, runs, epochs),
      setup: {
        trainSize, testSize, epochs, full: ctx.full,
        network: `Flatten → ${HIDDEN_LAYERS} × Dense ${UNITS} → Dense 10 softmax (Glorot-uniform kernels)`,
        optimizer: 'adam', batchSize: BATCH_SIZE, probeImages: PROBE_SIZE, costElements: costArgs.size, costTrials: costArgs.trials,
      },
    };
  },
};
