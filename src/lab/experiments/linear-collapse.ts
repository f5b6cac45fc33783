/**
 * linear-collapse: without a nonlinearity, depth adds nothing. Linear networks of 1–5 layers score
 * what one layer scores while ReLU networks of the same sizes do better, and the product of a
 * linear network's weight matrices is one layer that gives the same outputs.
 */
import { tidy } from '../../core/memory.js';
import { RandomGenerator } from '../../core/random.js';
import type { Tensor } from '../../core/tensor.js';
import { Dense } from '../../layers/index.js';
import type { Sequential } from '../../models/sequential.js';
import { abs, add, argmax, cast, equal, matMul, max, mean, reshape, sub, tensor } from '../../ops/index.js';
import type { Experiment, LabClaim, LabContext } from '../experiment.js';
import { mlp, scoreTolerance, trainAndScore, type LabeledSplits, type TrainArgs } from '../mlp.js';

/** Networks of 1 to 5 Dense layers: depth 1 is softmax regression, each further layer a hidden one. */
const DEPTHS = [1, 2, 3, 4, 5];
/**
 * The toy set: small enough to train every network to convergence in seconds, even on the
 * reference CPU backend (80 steps of 500 points). Its hidden layers, like Fashion-MNIST's, are
 * wider than the classes are many, so no hidden layer narrows what a network can express.
 */
const MOONS = { trainSize: 1000, testSize: 2000, noise: 0.2, hiddenUnits: 16, train: { epochs: 40, batchSize: 500, learningRate: 0.05 } };
/** Fashion-MNIST's runs: the default (about 40 seconds) and `--full`. */
const FASHION = { trainSize: 20000, testSize: 10000, epochs: 10 };
const FASHION_FULL = { trainSize: 60000, testSize: 10000, epochs: 20 };
const FASHION_HIDDEN_UNITS = 64;
const FASHION_TRAIN = { batchSize: 128, learningRate: 0.001 };
/** The largest gap between the deep linear network's outputs and its one-layer collapse that float32 rounding explains. */
const COLLAPSE_TOLERANCE = 1e-4;

/**
 * Two interleaving half circles with Gaussian noise (scikit-learn's `make_moons`): two classes no
 * straight line separates, so a linear classifier stalls near 87% while one bent boundary reaches
 * the noise's limit. Classes alternate, drawn from `seed`.
 */
function twoMoons(n: number, seed: number): { x: Tensor; y: Tensor } {
  const random = new RandomGenerator(seed);
  const points = new Float32Array(2 * n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const lower = i % 2;
    const angle = Math.PI * random.uniform();
    points[2 * i] = (lower ? 1 - Math.cos(angle) : Math.cos(angle)) + MOONS.noise * random.normal();
    points[2 * i + 1] = (lower ? 0.5 - Math.sin(angle) : Math.sin(angle)) + MOONS.noise * random.normal();
    labels[i] = lower;
  }
  return { x: tensor(points, [n, 2]), y: tensor(labels, [n], 'int32') };
}

/** Test accuracies by depth for each activation, and the deepest linear network (the caller disposes it). */
interface DepthSeries {
  linear: number[];
  relu: number[];
  deepestLinear: Sequential;
}

/** The networks of one data set: one sample's shape, the classes, the hidden layers' units. */
interface Shapes {
  inputShape: number[];
  classes: number;
  hiddenUnits: number;
}

/** Trains the linear and the ReLU network of each depth on `data`. */
async function depthSeries(ctx: LabContext, data: LabeledSplits, shapes: Shapes, train: TrainArgs): Promise<DepthSeries> {
  const linear: number[] = [];
  const relu: number[] = [];
  let deepestLinear: Sequential | undefined;
  for (const depth of DEPTHS) {
    const hidden = Array<number>(depth - 1).fill(shapes.hiddenUnits);
    for (const activation of ['linear', 'relu']) {
      // With no hidden layer there is no activation to choose: depth 1 is one network, scored once for both.
      if (depth === 1 && activation === 'relu') {
        relu.push(linear[0]!);
        continue;
      }
      const model = mlp({ inputShape: shapes.inputShape, hidden, activation, classes: shapes.classes, seed: ctx.seed });
      const { accuracy } = await trainAndScore(model, data, train);
      (activation === 'linear' ? linear : relu).push(accuracy);
      ctx.log(`${activation} network of depth ${depth}: test accuracy ${accuracy.toFixed(4)}`);
      if (activation === 'linear' && depth === DEPTHS.at(-1)) deepestLinear = model;
      else model.dispose();
    }
  }
  return { linear, relu, deepestLinear: deepestLinear! };
}

/**
 * The one layer a linear network is: with each layer computing x·Wᵢ + bᵢ, the stack computes
 * x·(W₁W₂…Wₖ) + (b₁W₂…Wₖ + b₂W₃…Wₖ + … + bₖ), folded here one layer at a time.
 */
function collapse(model: Sequential): { kernel: Tensor; bias: Tensor; widths: number[] } {
  const dense = model.layers.filter((l): l is Dense => l instanceof Dense);
  const widths = [dense[0]!.weights[0]!.shape[0]!, ...dense.map((l) => l.units)];
  const composed = tidy(() => {
    let kernel: Tensor | undefined;
    let bias: Tensor | undefined;
    for (const layer of dense) {
      const [w, b] = layer.getWeights() as [Tensor, Tensor];
      kernel = kernel ? matMul(kernel, w) : w;
      bias = bias ? add(reshape(matMul(reshape(bias, [1, -1]), w), [-1]), b) : b;
    }
    return { kernel: kernel!, bias: bias! };
  });
  return { ...composed, widths };
}

/**
 * The rank of a `rows × columns` row-major matrix: the pivots Gaussian elimination (in float64,
 * partial pivoting) finds above float32's rounding of the matrix's largest entry.
 */
function matrixRank(values: ArrayLike<number>, rows: number, columns: number): number {
  const a = Array.from({ length: rows }, (_, r) => Array.from({ length: columns }, (_, c) => values[r * columns + c]!));
  const largest = Math.max(...a.map((row) => Math.max(...row.map(Math.abs))));
  const threshold = largest * Math.max(rows, columns) * 2 ** -23;
  let rank = 0;
  for (let c = 0; c < columns && rank < rows; c++) {
    let pivot = rank;
    for (let r = rank + 1; r < rows; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[pivot]![c]!)) pivot = r;
    if (Math.abs(a[pivot]![c]!) <= threshold) continue;
    [a[rank], a[pivot]] = [a[pivot]!, a[rank]!];
    const top = a[rank]!;
    for (let r = rank + 1; r < rows; r++) {
      const row = a[r]!;
      const factor = row[c]! / top[c]!;
      for (let k = c; k < columns; k++) row[k]! -= factor * top[k]!;
    }
    rank++;
  }
  return rank;
}

/** What the collapse of a linear network into one layer gives on test images. */
interface Collapse {
  /** Units of each layer, the inputs first. */
  widths: number[];
  /** The largest difference between the probabilities of the deep network and of its one layer. */
  maxDifference: number;
  /** The share of test images both predict the same class for. */
  samePrediction: number;
  /** The rank of W = W₁W₂…Wₖ, and the bound the narrowest layer sets on it. */
  rank: number;
  rankBound: number;
}

/** Collapses `model` into Flatten → Dense(classes, softmax) with (W, b) and compares the two on `xTest`. */
function checkCollapse(model: Sequential, xTest: Tensor, seed: number): Collapse {
  const { kernel, bias, widths } = collapse(model);
  const single = mlp({ inputShape: xTest.shape.slice(1), hidden: [], activation: 'linear', classes: widths.at(-1)!, seed });
  single.layers[1]!.setWeights([kernel, bias]);
  const [maxDifference, samePrediction] = tidy(() => {
    const deep = model.predict(xTest, { batchSize: 1000 }) as Tensor;
    const one = single.predict(xTest, { batchSize: 1000 }) as Tensor;
    const same = cast(equal(argmax(deep), argmax(one)), 'float32');
    return [max(abs(sub(deep, one))).dataSync()[0]!, mean(same).dataSync()[0]!];
  });
  const rank = matrixRank(kernel.dataSync(), kernel.shape[0]!, kernel.shape[1]!);
  kernel.dispose();
  bias.dispose();
  single.dispose();
  return { widths, maxDifference, samePrediction, rank, rankBound: Math.min(...widths) };
}

/** How the depth series compare: how far linear depth moves accuracy, and what ReLU gains at each depth. */
interface Comparison {
  /** The one-layer network's test accuracy. */
  oneLayer: number;
  /** The largest |accuracy − one layer's| over the linear networks. */
  maxDeviation: number;
  /** ReLU's accuracy minus linear's at each depth 2–5. */
  gains: number[];
  /** Three standard errors of the one-layer accuracy on this test set (see scoreTolerance). */
  tolerance: number;
}

function compare(series: DepthSeries, testSize: number): Comparison {
  const oneLayer = series.linear[0]!;
  return {
    oneLayer,
    maxDeviation: Math.max(...series.linear.map((a) => Math.abs(a - oneLayer))),
    gains: series.relu.slice(1).map((a, i) => a - series.linear[i + 1]!),
    tolerance: scoreTolerance(oneLayer, testSize),
  };
}

const fixed = (values: number[]): string => `${Math.min(...values).toFixed(3)}–${Math.max(...values).toFixed(3)}`;

/** One sentence of what a data set showed, with the verdicts in words. */
function finding(dataset: string, series: DepthSeries, c: Comparison): string {
  const same = c.maxDeviation <= c.tolerance ? 'within' : 'outside';
  const improves = Math.min(...c.gains) > c.tolerance ? 'beat them at every depth' : 'do not beat them at every depth';
  return (
    `${dataset}: linear networks of depth 1–5 score ${fixed(series.linear)}, ${same} ±${c.tolerance.toFixed(3)} of one layer's ${c.oneLayer.toFixed(3)}; ` +
    `ReLU networks of depth 2–5 score ${fixed(series.relu.slice(1))} and ${improves} (gains ${c.gains.map((g) => g.toFixed(3)).join(', ')}).`
  );
}

/** The experiment `strata lab linear-collapse`. */
export const linearCollapse: Experiment = {
  name: 'linear-collapse',
  summary: 'Without a nonlinearity depth adds nothing: a deep linear network is one layer; ReLU networks improve',
  guide: 'docs/lab/linear-collapse.md',
  async run(ctx) {
    const moonsTrain = twoMoons(MOONS.trainSize, ctx.seed);
    const moonsTest = twoMoons(MOONS.testSize, ctx.seed + 1);
    const moons = { xTrain: moonsTrain.x, yTrain: moonsTrain.y, xTest: moonsTest.x, yTest: moonsTest.y };
    const toy = await depthSeries(ctx, moons, { inputShape: [2], classes: 2, hiddenUnits: MOONS.hiddenUnits }, MOONS.train);
    toy.deepestLinear.dispose();
    Object.values(moons).forEach((t) => t.dispose());
    const onMoons = compare(toy, MOONS.testSize);

    const sizes = { ...(ctx.full ? FASHION_FULL : FASHION), ...ctx.sizes };
    const images = await ctx.fashionMnist(sizes.trainSize, sizes.testSize);
    const fashion = await depthSeries(ctx, images, { inputShape: [28, 28], classes: 10, hiddenUnits: FASHION_HIDDEN_UNITS }, { ...FASHION_TRAIN, epochs: sizes.epochs });
    const onFashion = compare(fashion, sizes.testSize);
    const collapsed = checkCollapse(fashion.deepestLinear, images.xTest, ctx.seed);
    fashion.deepestLinear.dispose();

    const points = (values: number[]): [number, number][] => values.map((v, i) => [DEPTHS[i]!, v]);
    await ctx.figure('accuracy', {
      kind: 'lines',
      title: 'Test accuracy against depth: linear networks stay where one layer is',
      xLabel: 'depth (Dense layers)',
      xIntegers: true,
      yLabel: 'test accuracy',
      series: [
        { name: 'moons, ReLU', points: points(toy.relu) },
        { name: 'moons, linear', points: points(toy.linear) },
        { name: 'Fashion-MNIST, ReLU', points: points(fashion.relu) },
        { name: 'Fashion-MNIST, linear', points: points(fashion.linear) },
      ],
    });
    const layers = collapsed.widths.length - 1;
    const kernelShape = [collapsed.widths[0]!, collapsed.widths.at(-1)!];
    const claims: LabClaim[] = [
      {
        claim: 'Without a nonlinearity depth adds nothing: linear networks of depth 1–5 reach the accuracy of one layer (two moons)',
        holds: onMoons.maxDeviation <= onMoons.tolerance,
        figures: { depths: DEPTHS, linear: toy.linear, oneLayer: onMoons.oneLayer, maxDeviation: onMoons.maxDeviation, tolerance: onMoons.tolerance, testSize: MOONS.testSize },
      },
      {
        claim: 'ReLU networks of the same sizes improve: at each depth 2–5 the ReLU network beats the linear one by more than the tolerance (two moons)',
        holds: Math.min(...onMoons.gains) > onMoons.tolerance,
        figures: { depths: DEPTHS, relu: toy.relu, linear: toy.linear, gains: onMoons.gains, tolerance: onMoons.tolerance },
      },
      {
        claim: `The product of a linear network's weight matrices is one layer: Flatten → Dense(10, softmax) with W = W1·…·W${layers} and the composed bias gives the same outputs (Fashion-MNIST)`,
        holds: collapsed.maxDifference <= COLLAPSE_TOLERANCE && collapsed.rank <= collapsed.rankBound,
        figures: { ...collapsed, kernelShape, tolerance: COLLAPSE_TOLERANCE, testImages: sizes.testSize },
      },
    ];
    return {
      claims,
      fashionMnist: { depths: DEPTHS, linear: fashion.linear, relu: fashion.relu, ...onFashion },
      findings: [
        finding('Two moons', toy, onMoons),
        finding('Fashion-MNIST', fashion, onFashion),
        `The ${layers}-layer linear network is one layer: W = W1·…·W${layers} is [${kernelShape.join(', ')}] of rank ${collapsed.rank} ` +
          `(at most the narrowest width, ${collapsed.rankBound}), and Dense(10, softmax) with it gives the deep network's probabilities ` +
          `to within ${collapsed.maxDifference.toExponential(1)} on ${sizes.testSize.toLocaleString('en-US')} test images (the same class for ${(100 * collapsed.samePrediction).toFixed(2)}%).`,
      ],
      setup: {
        ...sizes,
        full: ctx.full,
        hiddenUnits: FASHION_HIDDEN_UNITS,
        batchSize: FASHION_TRAIN.batchSize,
        moons: { trainSize: MOONS.trainSize, testSize: MOONS.testSize, epochs: MOONS.train.epochs, hiddenUnits: MOONS.hiddenUnits },
      },
    };
  },
};
