/**
 * The lesson's convolutional network on Fashion-MNIST: Conv2D(32) → MaxPooling → Conv2D(64) →
 * MaxPooling → Flatten → Dense(100) → Dropout(0.4) → Dense(10), 333,526 parameters, trained with
 * Adam and early stopping on a 48,000 / 12,000 split (Keras published 0.9201 validation and 0.9125
 * test accuracy for it).
 *
 * Run: node dist/examples/lesson-cnn.js [--images 60000] [--epochs 20] [--test 10000]
 * (--images counts the training images before the 80/20 validation split.)
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { EarlyStopping, Sequential, div, layers, parseIdx, reshape, setSeed, tensor, tidy, type Tensor } from '../src/node/index.js';

const { Conv2D, MaxPooling2D, Flatten, Dense, Dropout } = layers;

/**
 * The lesson's CNN, for 28×28 grey images and 10 classes (what `strata train --model cnn` trains).
 *
 * @example
 * const model = buildLessonCnn();
 * model.countParams(); // 333,526
 */
export function buildLessonCnn(): Sequential {
  return new Sequential({
    name: 'lesson_cnn',
    layers: [
      new Conv2D({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [28, 28, 1] }),
      new MaxPooling2D({ poolSize: 2 }),
      new Conv2D({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu' }),
      new MaxPooling2D({ poolSize: 2 }),
      new Flatten(),
      new Dense({ units: 100, activation: 'relu' }),
      new Dropout({ rate: 0.4 }),
      new Dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

const DIR = process.env.FMNIST_DIR ?? '/usr/share/datasets/fashion-mnist';

/**
 * The first `count` images ([count, 28, 28, 1], scaled to [0, 1]) and labels of a split, from the Debian package's files.
 * The pixels are scaled by the backend from a uint8 tensor: no float32 copy of the data set in JavaScript beside the
 * tensor's (188 MB for 60,000 images), and the same values (a float32 division is correctly rounded either way).
 */
function fashionMnist(split: 'train' | 't10k', count: number): { x: Tensor; y: Tensor } {
  const read = (kind: string): Uint8Array => parseIdx(gunzipSync(readFileSync(`${DIR}/${split}-${kind}-ubyte.gz`)), kind).data;
  const pixels = read('images-idx3').subarray(0, count * 784);
  const labels = read('labels-idx1').subarray(0, count);
  const x = tidy(() => reshape(div(tensor(pixels, [count, 784], 'uint8'), 255), [count, 28, 28, 1]));
  return { x, y: tensor(Int32Array.from(labels), [count], 'int32') };
}

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const images = option('images', 60000);
  const epochs = option('epochs', 20);
  const testCount = option('test', 10000);
  setSeed(42);
  const model = buildLessonCnn();
  model.summary();
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const train = fashionMnist('train', images);
  const validation = Math.round(images * 0.2);
  console.log(`Training on ${images - validation} images, validating on the last ${validation}.`);
  const started = performance.now();
  const history = await model.fit(train.x, train.y, {
    epochs,
    batchSize: 32,
    validationSplit: 0.2,
    verbose: 2,
    callbacks: [new EarlyStopping({ monitor: 'val_loss', patience: 3, restoreBestWeights: true })],
  });
  const seconds = (performance.now() - started) / 1000;
  const valAccuracy = history.history.val_accuracy!;
  const best = valAccuracy.indexOf(Math.max(...valAccuracy));
  console.log(`Seconds per epoch: ${(seconds / valAccuracy.length).toFixed(1)}`);
  console.log(`Best validation accuracy: ${valAccuracy[best]!.toFixed(4)} (epoch ${best + 1})`);
  const test = fashionMnist('t10k', testCount);
  const [, accuracy] = await model.evaluate(test.x, test.y, { batchSize: 256 });
  console.log(`Test accuracy on ${testCount} images: ${accuracy!.toFixed(4)}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
