/**
 * The lesson's CNN with data augmentation in front: RandomFlip (left–right) and RandomTranslation (up to
 * 10% each way) change every training batch at random and do nothing at inference. Trained beside the
 * plain CNN on the same Fashion-MNIST images, it shows the smaller gap between training and validation
 * accuracy that augmentation buys when data are few.
 *
 * Run: node dist/examples/augmented-cnn.js [--images 6000] [--epochs 10] [--test 2000]
 * (--images counts the training images before the 80/20 validation split.)
 */
import { pathToFileURL } from 'node:url';
import { Sequential, datasets, expandDims, layers, setSeed, slice, type History, type Tensor } from '../src/node/index.js';
import { buildLessonCnn } from './lesson-cnn.js';

/**
 * The lesson's CNN (333,526 parameters) behind RandomFlip and RandomTranslation, which have none: the
 * augmentation is part of the model, so a saved model carries it and `predict` skips it.
 *
 * @example
 * const model = buildAugmentedCnn(1);
 * model.countParams(); // 333,526
 */
export function buildAugmentedCnn(seed: number): Sequential {
  return new Sequential({
    name: 'augmented_cnn',
    layers: [
      layers.randomFlip({ mode: 'horizontal', seed, inputShape: [28, 28, 1] }),
      layers.randomTranslation({ heightFactor: 0.1, widthFactor: 0.1, fillMode: 'constant', seed: seed + 1 }),
      ...buildLessonCnn().layers,
    ],
  });
}

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Trains `model` and gives its last training accuracy, best validation accuracy and test accuracy. */
async function trainAndTest(model: Sequential, x: Tensor, y: Tensor, test: { x: Tensor; y: Tensor }, epochs: number): Promise<number[]> {
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const history: History = await model.fit(x, y, { epochs, batchSize: 32, validationSplit: 0.2, verbose: 0 });
  const [, accuracy] = await model.evaluate(test.x, test.y, { batchSize: 256 });
  return [history.history.accuracy!.at(-1)!, Math.max(...history.history.val_accuracy!), accuracy!];
}

async function main(): Promise<void> {
  const images = option('images', 6000);
  const epochs = option('epochs', 10);
  const testCount = option('test', 2000);
  const [[trainImages, trainLabels], [testImages, testLabels]] = await datasets.fashionMnist.loadData();
  // [n, 28, 28] in [0, 1] with a channel axis: [n, 28, 28, 1].
  const x = expandDims(slice(datasets.scaleImages(trainImages), [0], [images]), -1);
  const y = slice(trainLabels, [0], [images]);
  const test = { x: expandDims(slice(datasets.scaleImages(testImages), [0], [testCount]), -1), y: slice(testLabels, [0], [testCount]) };
  console.log(`Training on ${images - Math.round(images * 0.2)} images for ${epochs} epochs, validating on ${Math.round(images * 0.2)}, testing on ${testCount}.`);
  for (const [name, build] of [['Plain CNN', () => buildLessonCnn()], ['Augmented CNN', () => buildAugmentedCnn(7)]] as const) {
    setSeed(42);
    const [train, val, testAccuracy] = await trainAndTest(build(), x, y, test, epochs);
    console.log(`${name}: training ${train!.toFixed(4)}, best validation ${val!.toFixed(4)}, test ${testAccuracy!.toFixed(4)}, gap ${(train! - val!).toFixed(4)}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
