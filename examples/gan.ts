/**
 * A small GAN on Fashion-MNIST, trained by a custom training loop: a Dense generator (noise →
 * 784 pixels) and a Dense discriminator (784 pixels → one logit), each with its own Adam, their
 * gradients taken by `variableGrads` and applied by `applyGradients`, metrics updated by hand,
 * callbacks (History, ProgbarLogger, a LambdaCallback writing event files) called by hand, and
 * both losses plotted at the end. docs/guide/10-custom-training.md walks through it.
 *
 * Run: node dist/examples/gan.js [--images 60000] [--epochs 20] [--batch 64] [--seed 42] [--out gan-out]
 * It writes to the --out folder: logs/discriminator and logs/generator (TensorBoard event files:
 * each loss per epoch, and a grid of samples in the generator's run), losses.png (both losses by
 * epoch) and samples.png (64 generated images).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { encode as encodePng } from 'fast-png';
import {
  Adam, add, CallbackList, History, LambdaCallback, ProgbarLogger, Sequential, createFileWriter, datasets, layers, losses, mean, metrics,
  onesLike, plotRun, randomNormal, reshape, setSeed, slice, tidy, transpose, variableGrads, zerosLike,
  type Logs, type Metric, type Optimizer, type Tensor,
} from '../src/node/index.js';

/** The length of the generator's noise vector. */
export const LATENT_DIM = 32;
const PIXELS = 28 * 28;

/** The two networks of the GAN and the optimizer of each. */
export interface Gan {
  /** Noise `[batch, LATENT_DIM]` → images `[batch, 784]`, pixels in (0, 1) like the data's. */
  generator: Sequential;
  /** Images `[batch, 784]` → one logit each `[batch, 1]`: above 0 means "real". */
  discriminator: Sequential;
  /** Updates the generator's weights only. */
  generatorOptimizer: Optimizer;
  /** Updates the discriminator's weights only. */
  discriminatorOptimizer: Optimizer;
}

/**
 * The generator and discriminator, freshly initialised (call `setSeed` first for the same
 * weights on every run), with Adam at the rate and momentum GANs are usually trained with.
 *
 * @example
 * const gan = buildGan();
 * gan.generator.countParams(); // (32 + 1) × 128 + (128 + 1) × 784 = 105,360
 */
export function buildGan(): Gan {
  return {
    generator: new Sequential({
      name: 'generator',
      layers: [
        new layers.Dense({ units: 128, activation: 'leaky_relu', inputShape: [LATENT_DIM] }),
        new layers.Dense({ units: PIXELS, activation: 'sigmoid' }),
      ],
    }),
    discriminator: new Sequential({
      name: 'discriminator',
      layers: [
        new layers.Dense({ units: 128, activation: 'leaky_relu', inputShape: [PIXELS] }),
        new layers.Dense({ units: 1 }),
      ],
    }),
    // beta1 = 0.5 (rather than 0.9): the target each network chases moves with the other one,
    // and a shorter momentum follows it better (Radford et al., the DCGAN paper).
    generatorOptimizer: new Adam({ learningRate: 1e-3, beta1: 0.5 }),
    discriminatorOptimizer: new Adam({ learningRate: 1e-3, beta1: 0.5 }),
  };
}

/** The mean binary cross-entropy of logits against one label for all of them (1 real, 0 fake). */
function crossEntropy(logits: Tensor, label: 0 | 1): Tensor {
  const labels = label === 1 ? onesLike(logits) : zerosLike(logits);
  return mean(losses.binaryCrossentropy(labels, logits, { fromLogits: true }));
}

/**
 * One step of the discriminator on a batch of real images `[batch, 784]` and as many fakes:
 * its loss `BCE(1, D(real)) + BCE(0, D(G(z)))` goes down. Folds its predictions into `accuracy`
 * (a metric on logits: threshold 0) when given. Returns the loss.
 *
 * @example
 * const loss = discriminatorStep(gan, realImages, new metrics.BinaryAccuracy({ threshold: 0 }));
 */
export function discriminatorStep(gan: Gan, real: Tensor, accuracy?: Metric): number {
  return tidy(() => {
    const { generator, discriminator } = gan;
    // The fakes are made outside variableGrads: this step changes the discriminator only.
    const fake = generator.apply(randomNormal([real.shape[0]!, LATENT_DIM]), { training: true });
    const variables = discriminator.trainableWeights;
    const { value, grads } = variableGrads(() => {
      const realLogits = discriminator.apply(real, { training: true });
      const fakeLogits = discriminator.apply(fake, { training: true });
      accuracy?.updateState(onesLike(realLogits), realLogits);
      accuracy?.updateState(zerosLike(fakeLogits), fakeLogits);
      return add(crossEntropy(realLogits, 1), crossEntropy(fakeLogits, 0));
    }, variables);
    gan.discriminatorOptimizer.applyGradients(variables.map((v, i) => [grads[i]!, v] as const));
    return value.item();
  });
}

/**
 * One step of the generator on `batchSize` noise vectors: its loss `BCE(1, D(G(z)))` goes down
 * when the discriminator takes its images for real ones. The gradient flows through the
 * discriminator, but only the generator's weights change. Returns the loss.
 *
 * @example
 * const loss = generatorStep(gan, 64);
 */
export function generatorStep(gan: Gan, batchSize: number): number {
  return tidy(() => {
    const { generator, discriminator } = gan;
    const variables = generator.trainableWeights;
    const { value, grads } = variableGrads(() => {
      const fake = generator.apply(randomNormal([batchSize, LATENT_DIM]), { training: true });
      return crossEntropy(discriminator.apply(fake, { training: true }), 1);
    }, variables);
    gan.generatorOptimizer.applyGradients(variables.map((v, i) => [grads[i]!, v] as const));
    return value.item();
  });
}

/** Images `[rows * columns, 784]` tiled into one picture `[rows * 28, columns * 28, 1]`. */
function tile(images: Tensor, rows: number, columns: number): Tensor {
  return tidy(() => reshape(transpose(reshape(images, [rows, columns, 28, 28]), [0, 2, 1, 3]), [rows * 28, columns * 28, 1]));
}

/** The command line's options (Node's parseArgs), numbers where numbers are meant. */
function options(): { images: number; epochs: number; batchSize: number; seed: number; out: string } {
  const { values } = parseArgs({
    options: {
      images: { type: 'string', default: '60000' },
      epochs: { type: 'string', default: '20' },
      batch: { type: 'string', default: '64' },
      seed: { type: 'string', default: '42' },
      out: { type: 'string', default: 'gan-out' },
    },
  });
  return { images: Number(values.images), epochs: Number(values.epochs), batchSize: Number(values.batch), seed: Number(values.seed), out: values.out };
}

async function main(): Promise<void> {
  const { images, epochs, batchSize, seed, out } = options();
  setSeed(seed);

  const [[allImages, allLabels]] = await datasets.fashionMnist.loadData();
  const x = slice(allImages, [0], [images]);
  const y = slice(allLabels, [0], [images]);
  const realMean = tidy(() => mean(datasets.scaleImages(x)).item());
  // The bytes stay in memory; each batch is scaled and flattened as it is served.
  const data = datasets.batches(x, y, {
    batchSize, seed, dropRemainder: true,
    map: (xb, yb) => [reshape(datasets.scaleImages(xb), [xb.shape[0]!, PIXELS]), yb],
  });
  const steps = Math.floor(images / batchSize);

  const gan = buildGan();
  // The same 64 noise vectors every epoch, so the samples show the generator changing, not the noise.
  const fixedNoise = randomNormal([64, LATENT_DIM], 0, 1, { seed });
  const fakeMean = (): number => tidy(() => mean(gan.generator.apply(fixedNoise)).item());
  console.log(`${steps} batches of ${batchSize} images per epoch; the real images' mean pixel is ${realMean.toFixed(4)}.`);
  console.log(`Before training, the generated images' mean pixel is ${fakeMean().toFixed(4)}.`);

  // What fit keeps for a model, kept here by hand: running means of the losses and the
  // discriminator's accuracy on real and fake images, reset every epoch.
  const dLoss = new metrics.Mean({ name: 'd_loss' });
  const gLoss = new metrics.Mean({ name: 'g_loss' });
  const dAccuracy = new metrics.BinaryAccuracy({ name: 'd_accuracy', threshold: 0 });
  const tracked = [dLoss, gLoss, dAccuracy];

  // One run per network, so that a plot (or Strata Board) shows the two losses side by side.
  rmSync(join(out, 'logs'), { recursive: true, force: true });
  const dWriter = createFileWriter(join(out, 'logs', 'discriminator'));
  const gWriter = createFileWriter(join(out, 'logs', 'generator'));
  const history = new History();
  const callbacks = new CallbackList(
    [
      history,
      new ProgbarLogger({ verbose: 2 }),
      new LambdaCallback({
        onEpochEnd: (epoch, logs) => {
          dWriter.scalar('epoch_loss', logs['d_loss']!, epoch);
          gWriter.scalar('epoch_loss', logs['g_loss']!, epoch);
          gWriter.image('samples', tidy(() => tile(gan.generator.apply(fixedNoise), 8, 8)), epoch);
        },
      }),
    ],
    // The callbacks see the generator, the model this loop makes: setting its stopTraining (as
    // EarlyStopping or TerminateOnNaN do) ends the loop below.
    gan.generator,
    { epochs, steps, verbose: 2 },
  );

  await callbacks.trainBegin();
  for (let epoch = 0; epoch < epochs && !gan.generator.stopTraining; epoch++) {
    for (const m of tracked) m.resetState();
    await callbacks.epochBegin(epoch);
    let batch = 0;
    for (const [real, labels] of data) {
      await callbacks.batchBegin(batch);
      dLoss.updateState(discriminatorStep(gan, real, dAccuracy));
      gLoss.updateState(generatorStep(gan, batchSize));
      real.dispose();
      labels.dispose();
      const logs: Logs = Object.fromEntries(tracked.map((m) => [m.name, m.result()]));
      await callbacks.batchEnd(batch++, logs);
    }
    const logs: Logs = { ...Object.fromEntries(tracked.map((m) => [m.name, m.result()])), fake_mean: fakeMean() };
    await callbacks.epochEnd(epoch, logs);
  }
  await callbacks.trainEnd();
  dWriter.close();
  gWriter.close();

  const fakeMeans = history.history['fake_mean']!;
  console.log(`After ${fakeMeans.length} epochs, the generated images' mean pixel is ${fakeMeans.at(-1)!.toFixed(4)} (real: ${realMean.toFixed(4)}).`);
  mkdirSync(out, { recursive: true });
  const plot = await plotRun({ run: join(out, 'logs'), metric: 'loss', out: join(out, 'losses.png') });
  console.log(`Wrote ${plot.out}: ${plot.series.map((s) => s.name).join(' and ')} loss by epoch.`);
  const grid = tile(gan.generator.apply(fixedNoise), 8, 8);
  const pixels = Uint8Array.from(grid.dataSync(), (v) => Math.round(v * 255));
  writeFileSync(join(out, 'samples.png'), encodePng({ width: grid.shape[1]!, height: grid.shape[0]!, data: pixels, channels: 1, depth: 8 }));
  console.log(`Wrote ${join(out, 'samples.png')}: 64 generated images.`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
