/**
 * The lesson's multilayer perceptron as the lab's experiments build, train and score it: Flatten,
 * hidden Dense layers, a softmax output, trained with Adam, with each epoch timed.
 */
import { setSeed } from '../core/random.js';
import type { Tensor } from '../core/tensor.js';
import { Dense, Flatten } from '../layers/index.js';
import { Sequential } from '../models/sequential.js';
import { Adam } from '../optimizers/index.js';

/** The shape of a multilayer perceptron. */
export interface MlpArgs {
  /** The shape of one sample: `[28, 28]` for an image, `[2]` for a point of a toy set. */
  inputShape: number[];
  /** The units of each hidden layer, input side first; empty for none (softmax regression). */
  hidden: readonly number[];
  /** The hidden layers' activation: `'relu'`, `'linear'`, ... */
  activation: string;
  /** Output units, one per class. */
  classes: number;
  /** Seed of the initial weights. */
  seed: number;
}

/**
 * Builds Flatten → Dense(hidden[i], activation)… → Dense(classes, softmax), its weights drawn from
 * `seed`, so that two calls with the same arguments give the same network.
 *
 * @example
 * const model = mlp({ inputShape: [28, 28], hidden: [100], activation: 'relu', classes: 10, seed: 1 });
 * model.countParams(); // 79,510
 */
export function mlp(args: MlpArgs): Sequential {
  setSeed(args.seed);
  return new Sequential({
    layers: [
      new Flatten({ inputShape: args.inputShape }),
      ...args.hidden.map((units) => new Dense({ units, activation: args.activation })),
      new Dense({ units: args.classes, activation: 'softmax' }),
    ],
  });
}

/**
 * The parameters of an MLP by the lesson's formula, (in + 1) × out for each Dense layer.
 *
 * @example
 * mlpParams(784, [100], 10); // (784 + 1) × 100 + (100 + 1) × 10 = 79,510
 */
export function mlpParams(inputs: number, hidden: readonly number[], classes: number): number {
  const widths = [inputs, ...hidden, classes];
  return widths.slice(1).reduce((n, out, i) => n + (widths[i]! + 1) * out, 0);
}

/** Training and test data of a classifier: samples and their class ids. */
export interface LabeledSplits {
  xTrain: Tensor;
  yTrain: Tensor;
  xTest: Tensor;
  yTest: Tensor;
}

/** How to train. */
export interface TrainArgs {
  epochs: number;
  batchSize: number;
  learningRate: number;
}

/** What training found. */
export interface Scored {
  /** Accuracy on the test split. */
  accuracy: number;
  /** The wall-clock seconds each epoch took, in order (the first includes warming up). */
  epochSeconds: number[];
}

/**
 * Trains `model` with Adam and sparse categorical cross-entropy (the data shuffled from the seed
 * set by {@link mlp}), and scores it on the test split.
 *
 * @example
 * const model = mlp({ inputShape: [28, 28], hidden: [64], activation: 'relu', classes: 10, seed: 1 });
 * const { accuracy, epochSeconds } = await trainAndScore(model, images, { epochs: 5, batchSize: 128, learningRate: 0.001 });
 */
export async function trainAndScore(model: Sequential, data: LabeledSplits, args: TrainArgs): Promise<Scored> {
  model.compile({ optimizer: new Adam({ learningRate: args.learningRate }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const epochSeconds: number[] = [];
  let start = 0;
  const timer = {
    onEpochBegin: (): void => void (start = performance.now()),
    onEpochEnd: (): void => void epochSeconds.push((performance.now() - start) / 1000),
  };
  await model.fit(data.xTrain, data.yTrain, { epochs: args.epochs, batchSize: args.batchSize, verbose: 0, callbacks: [timer] });
  const [, accuracy] = await model.evaluate(data.xTest, data.yTest, { batchSize: 1000 });
  return { accuracy: accuracy!, epochSeconds };
}

/**
 * How far two test accuracies may differ by the luck of the test sample alone: three standard
 * errors of an accuracy `p` measured on `n` examples, 3·√(p(1 − p)/n) (1.1 points for 0.84 on
 * 10,000 images). Differences within it are "the same accuracy"; a gain must exceed it.
 *
 * @example
 * scoreTolerance(0.84, 10000); // 0.011
 */
export function scoreTolerance(p: number, n: number): number {
  return 3 * Math.sqrt((p * (1 - p)) / n);
}
