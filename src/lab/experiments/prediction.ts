/**
 * The prediction experiment: a network's prediction is its most activated output. It trains the
 * lesson's MLP, draws the ten outputs for a test image with the most activated one named, checks
 * over the whole test set that the class predicted is the output with the largest weighted sum and
 * that the outputs are probabilities, and shows the images the model gets most wrong.
 */
import { tidy } from '../../core/memory.js';
import { setSeed } from '../../core/random.js';
import type { Tensor } from '../../core/tensor.js';
import type { Dense } from '../../layers/dense.js';
import type { Layer } from '../../layers/layer.js';
import { add } from '../../ops/arithmetic.js';
import { tensor } from '../../ops/creation.js';
import { matMul } from '../../ops/linalg.js';
import { gather } from '../../ops/slicing.js';
import type { Experiment, LabClaim, LabImages } from '../experiment.js';
import { lessonModel } from '../lesson-models.js';

/** Minute-long defaults on two cores; `--full` trains on the whole set, as the lesson does. */
const DEFAULTS = { trainSize: 30000, testSize: 10000, epochs: 3 };
const FULL = { trainSize: 60000, testSize: 10000, epochs: 5 };
/** The test image whose outputs are drawn (the test set's first: an ankle boot). */
const SHOWN = 0;
/** The misclassified images drawn, most confident first. */
const WORST = 10;

/** The index of the largest value of each row of `rows` (`width` values a row). */
function argmaxRows(rows: Float32Array, width: number): number[] {
  return Array.from({ length: rows.length / width }, (_, i) => {
    let best = 0;
    for (let j = 1; j < width; j++) if (rows[i * width + j]! > rows[i * width + best]!) best = j;
    return best;
  });
}

/**
 * The output layer's weighted sums z = h · W + b for `x`, computed from the layers: every layer but
 * the last applied in turn, then the last Dense layer's kernel and bias, without its softmax.
 */
function weightedSums(layers: readonly Layer[], x: Tensor): Tensor {
  const output = layers.at(-1) as Dense;
  return tidy(() => add(matMul(layers.slice(0, -1).reduce((h, layer) => layer.apply(h), x), output.kernel!), output.bias!));
}

/** `0.98712` → `0.987`. */
const p3 = (p: number): string => p.toFixed(3);

/** The pixels of test images `indices`, 784 a picture. */
function pictures(data: LabImages, indices: number[]): Float32Array {
  const chosen = tidy(() => gather(data.xTest, tensor(indices, [indices.length], 'int32')));
  const pixels = chosen.dataSync() as Float32Array;
  chosen.dispose();
  return pixels;
}

/**
 * The experiment.
 *
 * @example
 * const report = await prediction.run(ctx); // claims: the prediction is the most activated output; the outputs are probabilities
 */
export const prediction: Experiment = {
  name: 'prediction',
  summary: "Prediction is the most activated output: the ten outputs of the lesson's MLP for a test image, and the images it gets most wrong",
  guide: 'docs/lab/prediction.md',
  async run(ctx) {
    const base = ctx.full ? FULL : DEFAULTS;
    const sizes = { trainSize: ctx.sizes.trainSize ?? base.trainSize, testSize: ctx.sizes.testSize ?? base.testSize, epochs: ctx.sizes.epochs ?? base.epochs };
    const data = await ctx.fashionMnist(sizes.trainSize, sizes.testSize);
    const names = data.classNames;
    const classes = names.length;
    setSeed(ctx.seed);
    const model = lessonModel('relu', classes);
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    ctx.log(`prediction: training the MLP on ${sizes.trainSize} images for ${sizes.epochs} epochs`);
    await model.fit(data.xTrain, data.yTrain, { epochs: sizes.epochs, batchSize: 32, verbose: 0 });
    const [, evaluated] = await model.evaluate(data.xTest, data.yTest);

    const probabilitiesT = model.predict(data.xTest) as Tensor;
    const probabilities = probabilitiesT.dataSync() as Float32Array;
    probabilitiesT.dispose();
    const sumsT = weightedSums(model.layers, data.xTest);
    const sums = sumsT.dataSync() as Float32Array;
    sumsT.dispose();
    const labels = Array.from(data.yTest.dataSync());
    const m = labels.length;
    const predicted = argmaxRows(probabilities, classes);
    const mostActivated = argmaxRows(sums, classes);
    const agree = predicted.filter((c, i) => c === mostActivated[i]).length;
    const byArgmax = predicted.filter((c, i) => c === labels[i]).length / m;
    let worstSum = 0;
    let smallest = Infinity;
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let j = 0; j < classes; j++) {
        const p = probabilities[i * classes + j]!;
        s += p;
        smallest = Math.min(smallest, p);
      }
      worstSum = Math.max(worstSum, Math.abs(s - 1));
    }

    const shown = Array.from(probabilities.subarray(SHOWN * classes, (SHOWN + 1) * classes));
    const top = predicted[SHOWN]!;
    const runnerUp = shown.map((p, j) => [p, j] as const).filter(([, j]) => j !== top).reduce((a, b) => (b[0] > a[0] ? b : a));
    await ctx.figure('outputs', {
      kind: 'bars',
      title: `Outputs for test image ${SHOWN} (labelled '${names[labels[SHOWN]!]}'): predicted '${names[top]}'`,
      xLabel: 'output neuron (class)',
      yLabel: 'activation (softmax probability)',
      categories: [...names],
      series: [{ name: 'activation', values: shown }],
      highlight: top,
    });

    const wrong = labels.map((_, i) => i).filter((i) => predicted[i] !== labels[i]);
    wrong.sort((a, b) => probabilities[b * classes + predicted[b]!]! - probabilities[a * classes + predicted[a]!]!);
    const worst = wrong.slice(0, WORST);
    const caption = (i: number, lineBreak = ' '): string => `${names[labels[i]!]} →${lineBreak}${names[predicted[i]!]} (${p3(probabilities[i * classes + predicted[i]!]!)})`;
    const pixels = pictures(data, worst);
    await ctx.figure('most-wrong', {
      kind: 'images',
      title: 'The test images the model gets most wrong: true → predicted (probability)',
      images: worst.map((i, k) => ({ pixels: pixels.subarray(k * 784, (k + 1) * 784), width: 28, height: 28, caption: caption(i, '\n') })),
      columns: 5,
    });

    const confusion = names.map(() => names.map(() => 0));
    labels.forEach((t, i) => confusion[t]![predicted[i]!]!++);
    await ctx.figure('confusion', {
      kind: 'heatmap',
      title: `Confusion matrix on ${m} test images`,
      xLabel: 'predicted class',
      yLabel: 'true class',
      xCategories: [...names],
      yCategories: [...names],
      values: confusion,
    });
    model.dispose();

    const pairs = confusion.flatMap((row, t) => row.map((n, p) => ({ t, p, n }))).filter((c) => c.t !== c.p);
    const confused = pairs.reduce((a, b) => (b.n > a.n ? b : a));
    const accuracy = evaluated as number;
    const claims: LabClaim[] = [
      {
        claim: 'The prediction is the most activated output: the class predicted is the output neuron with the largest weighted sum, and accuracy counts it against the label',
        // Within half an image: the two count the same images right.
        holds: agree === m && Math.abs(accuracy - byArgmax) < 0.5 / m,
        figures: { testImages: m, mostActivatedIsPredicted: agree, evaluateAccuracy: accuracy, argmaxAccuracy: byArgmax },
      },
      {
        claim: 'The outputs of the softmax layer are probabilities: none negative, and they sum to 1 for every image',
        holds: smallest >= 0 && worstSum < 1e-5,
        figures: { smallestOutput: smallest, largestDistanceOfSumFrom1: worstSum },
      },
    ];
    return {
      claims,
      findings: [
        `Trained the lesson's MLP (Flatten → Dense(100, relu) → Dense(10, softmax), Adam) on ${sizes.trainSize} images for ${sizes.epochs} epochs: test accuracy ${accuracy.toFixed(4)} on ${m} images.`,
        `Test image ${SHOWN} is labelled '${names[labels[SHOWN]!]}'; the most activated of the ten outputs is '${names[top]}' at ${p3(shown[top]!)}, next '${names[runnerUp[1]]}' at ${p3(runnerUp[0])}: predicted '${names[top]}'.`,
        `For ${agree} of ${m} test images the predicted class is the output with the largest weighted sum z = h · W + b (softmax keeps the order), and evaluate()'s accuracy ${accuracy.toFixed(4)} ${claims[0]!.holds ? 'equals' : 'differs from'} the share of images whose most activated output is their label (${byArgmax.toFixed(4)}).`,
        `Each image's ten outputs sum to 1 within ${worstSum.toExponential(1)}; the smallest is ${smallest.toExponential(1)}.`,
        `${wrong.length} test images are misclassified; the most confident mistakes: ${worst.slice(0, 5).map((i) => caption(i)).join('; ')}.`,
        `The most frequent confusion: ${names[confused.t]} taken for ${names[confused.p]} (${confused.n} times).`,
      ],
      setup: { trainSize: sizes.trainSize, testSize: m, epochs: sizes.epochs, full: ctx.full, model: 'relu', optimizer: 'adam', seed: ctx.seed },
      accuracy,
    };
  },
};
