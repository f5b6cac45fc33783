/**
 * A convolutional autoencoder that denoises Fashion-MNIST: Gaussian noise is added to the images, and the
 * model learns to give back the clean image. The encoder's two strided Conv2D layers shrink each 28×28
 * image to a 7×7×8 code; the decoder's two Conv2DTranspose layers grow it back to 28×28, and a last Conv2D
 * with a sigmoid gives the pixels. It is trained on (noisy, clean) pairs, then scored by the mean squared
 * error against the clean test images: of the noisy images themselves, and of their denoised versions.
 * docs/guide/12-denoising-autoencoder.md walks through it.
 *
 * Run: node dist/examples/denoising-autoencoder.js [--images 12000] [--test 10000] [--epochs 5] [--batch 128] [--noise 0.4] [--learning-rate 0.003] [--seed 42] [--out denoising-out]
 * It writes --out/denoising.png: ten test images in three rows (clean, noisy, denoised).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { encode as encodePng } from 'fast-png';
import {
  Adam, Sequential, add, clip, concat, datasets, layers, mean, randomNormal, reshape, setSeed, slice, square, sub, tidy, transpose, type Tensor,
} from '../src/node/index.js';

/**
 * The denoising autoencoder of Keras's tutorial: Conv2D(16, stride 2) → Conv2D(8, stride 2) down to 7×7×8,
 * then Conv2DTranspose(8, stride 2) → Conv2DTranspose(16, stride 2) back to 28×28 and Conv2D(1, sigmoid).
 *
 * @example
 * buildDenoiser().countParams(); // 160 + 1,160 + 584 + 1,168 + 145 = 3,217
 */
export function buildDenoiser(): Sequential {
  const down = (filters: number): layers.Layer => new layers.Conv2D({ filters, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' });
  const up = (filters: number): layers.Layer => new layers.Conv2DTranspose({ filters, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' });
  return new Sequential({
    name: 'denoiser',
    layers: [
      new layers.InputLayer({ shape: [28, 28, 1] }),
      down(16), // [n, 14, 14, 16]
      down(8), // [n, 7, 7, 8]: the code, 392 numbers for 784 pixels
      up(8), // [n, 14, 14, 8]
      up(16), // [n, 28, 28, 16]
      new layers.Conv2D({ filters: 1, kernelSize: 3, padding: 'same', activation: 'sigmoid' }),
    ],
  });
}

/**
 * Images in [0, 1] with Gaussian noise of standard deviation `noise` added, clipped back to [0, 1] (seeded).
 *
 * @example
 * const noisy = addNoise(images, 0.4, 1);
 */
export function addNoise(images: Tensor, noise: number, seed: number): Tensor {
  return tidy(() => clip(add(images, randomNormal(images.shape as number[], 0, noise, { seed })), 0, 1));
}

/** The mean squared difference of two batches of images. */
function mse(a: Tensor, b: Tensor): number {
  return tidy(() => mean(square(sub(a, b))).item());
}

/** Images `[count, 28, 28, 1]` side by side in one row `[28, count · 28]`. */
function row(images: Tensor): Tensor {
  const count = images.shape[0]!;
  return reshape(transpose(reshape(images, [count, 28, 28]), [1, 0, 2]), [28, count * 28]);
}

/** The first `count` images of a split, scaled to [0, 1], as [count, 28, 28, 1]. */
function firstImages(images: Tensor, count: number): Tensor {
  return tidy(() => reshape(datasets.scaleImages(slice(images, [0], [count])), [count, 28, 28, 1]));
}

interface Options {
  images: number;
  test: number;
  epochs: number;
  batchSize: number;
  noise: number;
  learningRate: number;
  seed: number;
  out: string;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      images: { type: 'string', default: '12000' },
      test: { type: 'string', default: '10000' },
      epochs: { type: 'string', default: '5' },
      batch: { type: 'string', default: '128' },
      noise: { type: 'string', default: '0.4' },
      'learning-rate': { type: 'string', default: '0.003' },
      seed: { type: 'string', default: '42' },
      out: { type: 'string', default: 'denoising-out' },
    },
  });
  return {
    images: Number(values.images), test: Number(values.test), epochs: Number(values.epochs), batchSize: Number(values.batch),
    noise: Number(values.noise), learningRate: Number(values['learning-rate']), seed: Number(values.seed), out: values.out,
  };
}

async function main(): Promise<void> {
  const o = options();
  setSeed(o.seed);
  const [[trainImages], [testImages]] = await datasets.fashionMnist.loadData();
  const clean = firstImages(trainImages, o.images);
  const noisy = addNoise(clean, o.noise, o.seed);
  const testClean = firstImages(testImages, o.test);
  const testNoisy = addNoise(testClean, o.noise, o.seed + 1);

  const model = buildDenoiser();
  model.summary();
  model.compile({ optimizer: new Adam({ learningRate: o.learningRate }), loss: 'binaryCrossentropy' });
  console.log(`Training on ${o.images} noisy images (noise ${o.noise}) to give back the clean ones.`);
  await model.fit(noisy, clean, { epochs: o.epochs, batchSize: o.batchSize, shuffle: true, verbose: 2 });

  const denoised = model.predict(testNoisy, { batchSize: 256 }) as Tensor;
  const noisyError = mse(testNoisy, testClean);
  const denoisedError = mse(denoised, testClean);
  console.log(`Test images (${o.test}): noisy MSE ${noisyError.toFixed(4)}, denoised MSE ${denoisedError.toFixed(4)} (${(noisyError / denoisedError).toFixed(1)}× smaller).`);

  // Ten test images: clean above, noisy in the middle, denoised below.
  const shown = Math.min(10, o.test);
  const picture = tidy(() => concat([testClean, testNoisy, denoised].map((t) => row(slice(t, [0], [shown]))), 0));
  const pixels = Uint8Array.from(picture.dataSync(), (v) => Math.round(v * 255));
  mkdirSync(o.out, { recursive: true });
  const path = join(o.out, 'denoising.png');
  writeFileSync(path, encodePng({ width: picture.shape[1]!, height: picture.shape[0]!, data: pixels, channels: 1, depth: 8 }));
  console.log(`Wrote ${path}: ${shown} test images, clean, noisy and denoised.`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
