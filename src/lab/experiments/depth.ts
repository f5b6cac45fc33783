/**
 * depth: networks with 0 to 4 hidden layers at an equal parameter budget, their accuracy,
 * parameters and time per epoch, and where "deep" (two or more hidden layers) starts.
 */
import type { Experiment, LabClaim } from '../experiment.js';
import { mlp, mlpParams, scoreTolerance, trainAndScore } from '../mlp.js';

const HIDDEN_LAYERS = [0, 1, 2, 3, 4];
/** The parameters every network with hidden layers gets: about that of the lesson's 784-100-10 MLP (79,510), rounded up. */
const BUDGET = 100_000;
/** How close to the budget each network's count must come: the nearest whole width lands within 0.5%. */
const BUDGET_TOLERANCE = 0.01;
/** A network is deep from this many hidden layers on. */
const DEEP_FROM = 2;
const INPUTS = 28 * 28;
const CLASSES = 10;
const SIZES = { trainSize: 20000, testSize: 10000, epochs: 8 };
const FULL_SIZES = { trainSize: 60000, testSize: 10000, epochs: 20 };
const TRAIN = { batchSize: 128, learningRate: 0.001 };

/**
 * The widths of `hiddenLayers` equal hidden layers whose network comes nearest `budget` parameters
 * (none for 0: softmax regression's size is set by the inputs and classes alone).
 */
function widthsFor(hiddenLayers: number, budget: number): number[] {
  if (hiddenLayers === 0) return [];
  const paramsAt = (w: number): number => mlpParams(INPUTS, Array<number>(hiddenLayers).fill(w), CLASSES);
  let width = 1;
  while (paramsAt(width + 1) <= budget) width++;
  const best = budget - paramsAt(width) <= paramsAt(width + 1) - budget ? width : width + 1;
  return Array<number>(hiddenLayers).fill(best);
}

/** One network's results. */
interface Network {
  hiddenLayers: number;
  widths: number[];
  parameters: number;
  /** The lesson's formula, Σ (in + 1) × out over the Dense layers. */
  formula: number;
  accuracy: number;
  /** The fastest epoch's wall-clock time: other work on the machine can only ever slow an epoch down. */
  secondsPerEpoch: number;
  deep: boolean;
}

const count = (n: number): string => n.toLocaleString('en-US');

/** The experiment `strata lab depth`. */
export const depth: Experiment = {
  name: 'depth',
  summary: '0–4 hidden layers at an equal parameter budget: accuracy, parameters, time per epoch, and where "deep" starts',
  guide: 'docs/lab/depth.md',
  async run(ctx) {
    const sizes = { ...(ctx.full ? FULL_SIZES : SIZES), ...ctx.sizes };
    const images = await ctx.fashionMnist(sizes.trainSize, sizes.testSize);
    const networks: Network[] = [];
    for (const hiddenLayers of HIDDEN_LAYERS) {
      const widths = widthsFor(hiddenLayers, BUDGET);
      const model = mlp({ inputShape: [28, 28], hidden: widths, activation: 'relu', classes: CLASSES, seed: ctx.seed });
      const parameters = model.countParams();
      const { accuracy, epochSeconds } = await trainAndScore(model, images, { ...TRAIN, epochs: sizes.epochs });
      model.dispose();
      const network = { hiddenLayers, widths, parameters, formula: mlpParams(INPUTS, widths, CLASSES), accuracy, secondsPerEpoch: Math.min(...epochSeconds), deep: hiddenLayers >= DEEP_FROM };
      networks.push(network);
      ctx.log(`hidden layers [${widths.join(', ')}]: ${count(parameters)} parameters, test accuracy ${accuracy.toFixed(4)}, ${network.secondsPerEpoch.toFixed(2)} s per epoch`);
    }

    const [none, one, ...deeper] = networks as [Network, Network, ...Network[]];
    const withHidden = networks.slice(1);
    const accuracies = networks.map((n) => n.accuracy);
    const gains = accuracies.slice(1).map((a, i) => a - accuracies[i]!);
    const deviations = withHidden.map((n) => (n.parameters - BUDGET) / BUDGET);
    const bestDeep = deeper.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
    const tolerance = scoreTolerance(one.accuracy, sizes.testSize);
    const deepMargin = bestDeep.accuracy - one.accuracy;

    const byHidden = (value: (n: Network) => number): [number, number][] => networks.map((n) => [n.hiddenLayers, value(n)]);
    await ctx.figure('accuracy', {
      kind: 'lines',
      title: `Test accuracy against hidden layers (${count(BUDGET)} parameters from 1 hidden layer on)`,
      xLabel: 'hidden layers',
      xIntegers: true,
      yLabel: 'test accuracy',
      series: [{ name: 'ReLU MLP', points: byHidden((n) => n.accuracy) }],
    });
    await ctx.figure('time', {
      kind: 'lines',
      title: 'Time per epoch against hidden layers',
      xIntegers: true,
      xLabel: 'hidden layers',
      yLabel: 'seconds per epoch',
      series: [{ name: `${count(sizes.trainSize)} images, batch ${TRAIN.batchSize}`, points: byHidden((n) => n.secondsPerEpoch) }],
    });

    const verdict =
      deepMargin > tolerance
        ? `depth pays: the best deep network (${bestDeep.hiddenLayers} hidden layers) beats one hidden layer by ${deepMargin.toFixed(3)}`
        : deepMargin >= -tolerance
          ? `depth neither helps nor hurts here: the best deep network (${bestDeep.hiddenLayers} hidden layers) is within ±${tolerance.toFixed(3)} of one hidden layer (${deepMargin >= 0 ? '+' : ''}${deepMargin.toFixed(3)})`
          : `depth hurts here: the best deep network (${bestDeep.hiddenLayers} hidden layers) trails one hidden layer by ${(-deepMargin).toFixed(3)}`;
    const slowest = withHidden.reduce((a, b) => (b.secondsPerEpoch > a.secondsPerEpoch ? b : a));
    const claims: LabClaim[] = [
      {
        claim: 'A network with 0 hidden layers is logistic regression: Flatten → Dense(10, softmax), (784 + 1) × 10 = 7,850 parameters',
        holds: none.parameters === (INPUTS + 1) * CLASSES && none.formula === none.parameters,
        figures: { parameters: none.parameters, formula: '(784 + 1) × 10', accuracy: none.accuracy },
      },
      {
        claim: `At an equal budget of ${count(BUDGET)} parameters, the networks with 1–4 hidden layers count (in + 1) × out per Dense layer and come within ${100 * BUDGET_TOLERANCE}% of the budget`,
        holds: withHidden.every((n, i) => n.parameters === n.formula && Math.abs(deviations[i]!) <= BUDGET_TOLERANCE),
        figures: { hiddenLayers: withHidden.map((n) => n.hiddenLayers), widths: withHidden.map((n) => n.widths[0]!), parameters: withHidden.map((n) => n.parameters), deviations },
      },
      {
        claim: 'The first hidden layer gains the most: going from 0 to 1 hidden layer adds more accuracy than any further layer',
        holds: gains[0]! > Math.max(...gains.slice(1)),
        figures: { accuracies, gains },
      },
      {
        claim: `"Deep" means ${DEEP_FROM} or more hidden layers, and at an equal budget the deep networks are at least as accurate as the shallow one (1 hidden layer), within three standard errors`,
        holds: deepMargin >= -tolerance,
        figures: { deep: deeper.map((n) => n.hiddenLayers), shallow: [none.hiddenLayers, one.hiddenLayers], shallowAccuracy: one.accuracy, bestDeep: bestDeep.hiddenLayers, bestDeepAccuracy: bestDeep.accuracy, margin: deepMargin, tolerance },
      },
    ];
    return {
      claims,
      networks: networks.map((n) => ({ ...n })),
      findings: [
        `0 hidden layers (logistic regression, ${count(none.parameters)} parameters) scores ${none.accuracy.toFixed(3)}; one hidden layer of ${one.widths[0]} units (${count(one.parameters)} parameters) scores ${one.accuracy.toFixed(3)}, a gain of ${gains[0]!.toFixed(3)}.`,
        `Further layers at the same budget move accuracy by ${gains.slice(1).map((g) => `${g >= 0 ? '+' : ''}${g.toFixed(3)}`).join(', ')} (${deeper.map((n) => `${n.hiddenLayers}×${n.widths[0]}`).join(', ')} units).`,
        `Networks with ${DEEP_FROM} or more hidden layers are the deep ones; ${verdict}, after ${sizes.epochs} epochs on ${count(sizes.trainSize)} images.`,
        `The fastest epoch takes ${networks.map((n) => n.secondsPerEpoch.toFixed(2)).join(', ')} s for 0–4 hidden layers: at an equal budget the slowest is ${slowest.hiddenLayers} hidden layers, ${(slowest.secondsPerEpoch / one.secondsPerEpoch).toFixed(2)}× one hidden layer's time.`,
      ],
      setup: { ...sizes, full: ctx.full, budget: BUDGET, batchSize: TRAIN.batchSize, activation: 'relu' },
    };
  },
};
