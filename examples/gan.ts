/**
 * A small GAN on Fashion-MNIST, trained by a custom training loop: a Dense generator (noise →
 * 784 pixels) and a Dense discriminator (784 pixels → one logit), each with its own Adam, their
 * gradients taken by `variableGrads` and applied by `applyGradients`, metrics updated by hand,
 * callbacks (History, ProgbarLogger, a LambdaCallback writing event files) called by hand, and
 * both losses plotted at the end. With `--fit`, the same steps run as the `trainStep` of a Model
 * subclass, driven by `fit`; with `--gradient-penalty γ`, the discriminator's loss gains the R1
 * penalty `γ/2 · ‖∇ₓD(x)‖²` on real images, a gradient of a gradient. docs/guide/10-custom-training.md
 * walks through it.
 *
 * Run: node dist/examples/gan.js [--images 60000] [--epochs 20] [--batch 64] [--seed 42] [--out gan-out] [--fit] [--gradient-penalty 0]
 * It writes to the --out folder: logs/discriminator and logs/generator (TensorBoard event files:
 * each loss per epoch; the generated images' mean pixel and a grid of samples in the generator's
 * run), losses.png (both losses by epoch) and samples.png (64 generated images).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { encode as encodePng } from 'fast-png';
import {
  Adam, CallbackList, History, LambdaCallback, Model, ProgbarLogger, Sequential, add, createFileWriter, datasets, grad, layers, losses,
  mean, metrics, mul, onesLike, plotRun, randomNormal, reshape, setSeed, slice, square, sum, tidy, transpose, variableGrads, zerosLike,
  type Callback, type Metric, type Optimizer, type StepBatch, type StepLogs, type Tensor,
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
 * weights on every run), each with an Adam of the short momentum GANs are usually trained with.
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

/** Options of `discriminatorStep`. */
export interface DiscriminatorStepArgs {
  /** A metric on logits (threshold 0) that folds in the step's verdicts on real (label 1) and fake (label 0) images. */
  accuracy?: Metric;
  /** γ of the R1 gradient penalty `γ/2 · mean ‖∇ₓD(x)‖²` over the real images (default 0: none). */
  gradientPenalty?: number;
}

/**
 * The R1 penalty (Mescheder et al., 2018): `γ/2` times the mean over the batch of the squared norm
 * of D's gradient with respect to each real image. It keeps D smooth where the data is, which
 * steadies the game. D's gradient is computed inside the step's own `variableGrads`, so the
 * step differentiates a gradient: a second derivative.
 */
function r1Penalty(discriminator: Sequential, real: Tensor, gamma: number): Tensor {
  // The sum over the batch has, for each image, the gradient of that image's logit alone.
  const dx = grad((x) => sum(discriminator.apply(x, { training: true })))(real);
  return mul(mean(sum(square(dx), 1)), gamma / 2);
}

/**
 * One step of the discriminator on a batch of real images `[batch, 784]` and as many fakes:
 * its loss `BCE(1, D(real)) + BCE(0, D(G(z)))` (plus the gradient penalty, when asked) goes down.
 * Returns the loss.
 *
 * @example
 * const loss = discriminatorStep(gan, realImages, { accuracy: new metrics.BinaryAccuracy({ threshold: 0 }) });
 */
export function discriminatorStep(gan: Gan, real: Tensor, args: DiscriminatorStepArgs = {}): number {
  const { accuracy, gradientPenalty = 0 } = args;
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
      const loss = add(crossEntropy(realLogits, 1), crossEntropy(fakeLogits, 0));
      return gradientPenalty > 0 ? add(loss, r1Penalty(discriminator, real, gradientPenalty)) : loss;
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

/**
 * The same GAN as a Model whose `trainStep` takes one step of each network, so that `fit` drives
 * it: fit's loop, progress bar, callbacks and History, with the GAN's own steps. Its metrics are
 * the two losses and the discriminator's accuracy, which fit resets each epoch. Calling it runs
 * the generator: noise in, images out.
 *
 * @example
 * const model = new GanModel(buildGan());
 * model.compile({}); // no loss: trainStep computes its own, with the GAN's two optimizers
 * await model.fit(batchesOfRealImages, undefined, { epochs: 5 });
 */
export class GanModel extends Model implements Gan {
  readonly generator: Sequential;
  readonly discriminator: Sequential;
  readonly generatorOptimizer: Optimizer;
  readonly discriminatorOptimizer: Optimizer;
  /** γ of the discriminator's gradient penalty (0: none). */
  readonly gradientPenalty: number;
  private readonly dLoss = new metrics.Mean({ name: 'd_loss' });
  private readonly gLoss = new metrics.Mean({ name: 'g_loss' });
  private readonly dAccuracy = new metrics.BinaryAccuracy({ name: 'd_accuracy', threshold: 0 });

  constructor(gan: Gan, gradientPenalty = 0) {
    super({ name: 'gan' });
    this.generator = gan.generator;
    this.discriminator = gan.discriminator;
    this.generatorOptimizer = gan.generatorOptimizer;
    this.discriminatorOptimizer = gan.discriminatorOptimizer;
    this.gradientPenalty = gradientPenalty;
    // Built at once, for noise vectors: countParams, summary and getWeights then cover both networks.
    this.buildFromConfig({ inputShape: [null, LATENT_DIM] });
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return this.generator.apply(this.singleInput(inputs));
  }

  override get metrics(): Metric[] {
    return [this.dLoss, this.gLoss, this.dAccuracy];
  }

  /** One step of each network on a batch of real images (the batch's labels are not used). */
  override trainStep({ x }: StepBatch): StepLogs {
    const real = this.singleInput(x);
    this.dLoss.updateState(discriminatorStep(this, real, { accuracy: this.dAccuracy, gradientPenalty: this.gradientPenalty }));
    this.gLoss.updateState(generatorStep(this, real.shape[0]!));
    return this.getMetricsResult();
  }

  /** Frees the networks, and the two optimizers (compile's own, unused here, goes with the model). */
  override dispose(): void {
    super.dispose();
    this.generatorOptimizer.dispose();
    this.discriminatorOptimizer.dispose();
  }
}

/** Images `[rows * columns, 784]` tiled into one picture `[rows * 28, columns * 28, 1]`. */
function tile(images: Tensor, rows: number, columns: number): Tensor {
  return tidy(() => reshape(transpose(reshape(images, [rows, columns, 28, 28]), [0, 2, 1, 3]), [rows * 28, columns * 28, 1]));
}

/** The command line's options (Node's parseArgs), numbers where numbers are meant. */
interface Options {
  images: number;
  epochs: number;
  batchSize: number;
  seed: number;
  out: string;
  fit: boolean;
  gradientPenalty: number;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      images: { type: 'string', default: '60000' },
      epochs: { type: 'string', default: '20' },
      batch: { type: 'string', default: '64' },
      seed: { type: 'string', default: '42' },
      out: { type: 'string', default: 'gan-out' },
      fit: { type: 'boolean', default: false },
      'gradient-penalty': { type: 'string', default: '0' },
    },
  });
  return {
    images: Number(values.images), epochs: Number(values.epochs), batchSize: Number(values.batch), seed: Number(values.seed),
    out: values.out, fit: values.fit, gradientPenalty: Number(values['gradient-penalty']),
  };
}

/**
 * The custom loop: what `fit` does, by hand. Running means of both losses and the
 * discriminator's accuracy on real and fake images, reset every epoch; the callbacks called at
 * the start and end of training, of each epoch and of each batch. Returns the History.
 */
async function trainByHand(gan: Gan, data: Iterable<[Tensor, Tensor]>, o: Options, steps: number, extra: Callback[]): Promise<History> {
  const dLoss = new metrics.Mean({ name: 'd_loss' });
  const gLoss = new metrics.Mean({ name: 'g_loss' });
  const dAccuracy = new metrics.BinaryAccuracy({ name: 'd_accuracy', threshold: 0 });
  const tracked = [dLoss, gLoss, dAccuracy];
  const history = new History();
  // The callbacks see the generator, the model this loop makes: setting its stopTraining (as
  // EarlyStopping or TerminateOnNaN do) ends the loop.
  const callbacks = new CallbackList([new ProgbarLogger({ verbose: 2 }), ...extra, history], gan.generator, { epochs: o.epochs, steps, verbose: 2 });
  await callbacks.trainBegin();
  for (let epoch = 0; epoch < o.epochs && !gan.generator.stopTraining; epoch++) {
    for (const m of tracked) m.resetState();
    await callbacks.epochBegin(epoch);
    let batch = 0;
    for (const [real, labels] of data) {
      await callbacks.batchBegin(batch);
      dLoss.updateState(discriminatorStep(gan, real, { accuracy: dAccuracy, gradientPenalty: o.gradientPenalty }));
      gLoss.updateState(generatorStep(gan, o.batchSize));
      real.dispose();
      labels.dispose();
      await callbacks.batchEnd(batch++, Object.fromEntries(tracked.map((m) => [m.name, m.result()])));
    }
    await callbacks.epochEnd(epoch, Object.fromEntries(tracked.map((m) => [m.name, m.result()])));
  }
  await callbacks.trainEnd();
  return history;
}

async function main(): Promise<void> {
  const o = options();
  setSeed(o.seed);
  const [[allImages, allLabels]] = await datasets.fashionMnist.loadData();
  const x = slice(allImages, [0], [o.images]);
  const y = slice(allLabels, [0], [o.images]);
  const realMean = tidy(() => mean(datasets.scaleImages(x)).item());
  // The bytes stay in memory; each batch is scaled and flattened as it is served.
  const data = datasets.batches(x, y, {
    batchSize: o.batchSize, seed: o.seed, dropRemainder: true,
    map: (xb, yb) => [reshape(datasets.scaleImages(xb), [xb.shape[0]!, PIXELS]), yb],
  });
  const steps = Math.floor(o.images / o.batchSize);

  const gan = buildGan();
  // The same 64 noise vectors every epoch, so the samples show the generator changing, not the noise.
  const fixedNoise = randomNormal([64, LATENT_DIM], 0, 1, { seed: o.seed });
  const fakeMean = (): number => tidy(() => mean(gan.generator.apply(fixedNoise)).item());
  console.log(`${steps} batches of ${o.batchSize} images per epoch; the real images' mean pixel is ${realMean.toFixed(4)}.`);
  console.log(`Before training, the generated images' mean pixel is ${fakeMean().toFixed(4)}.`);

  // One run per network, so that a plot (or Strata Board) shows the two losses side by side.
  rmSync(join(o.out, 'logs'), { recursive: true, force: true });
  const dWriter = createFileWriter(join(o.out, 'logs', 'discriminator'));
  const gWriter = createFileWriter(join(o.out, 'logs', 'generator'));
  const toEventFiles = new LambdaCallback({
    onEpochEnd: (epoch, logs) => {
      dWriter.scalar('epoch_loss', logs['d_loss']!, epoch);
      gWriter.scalar('epoch_loss', logs['g_loss']!, epoch);
      gWriter.scalar('epoch_fake_mean', fakeMean(), epoch);
      gWriter.image('samples', tidy(() => tile(gan.generator.apply(fixedNoise), 8, 8)), epoch);
    },
  });
  let history: History;
  if (o.fit) {
    const model = new GanModel(gan, o.gradientPenalty);
    model.compile({}); // no loss: trainStep computes its own, with the GAN's two optimizers
    history = await model.fit(data, undefined, { epochs: o.epochs, verbose: 2, callbacks: [toEventFiles] });
  } else {
    history = await trainByHand(gan, data, o, steps, [toEventFiles]);
  }
  dWriter.close();
  gWriter.close();

  console.log(`After ${history.epoch.length} epochs, the generated images' mean pixel is ${fakeMean().toFixed(4)} (real: ${realMean.toFixed(4)}).`);
  mkdirSync(o.out, { recursive: true });
  const plot = await plotRun({ run: join(o.out, 'logs'), metric: 'loss', out: join(o.out, 'losses.png') });
  console.log(`Wrote ${plot.out}: ${plot.series.map((s) => s.name).join(' and ')} loss by epoch.`);
  const grid = tile(gan.generator.apply(fixedNoise), 8, 8);
  const pixels = Uint8Array.from(grid.dataSync(), (v) => Math.round(v * 255));
  writeFileSync(join(o.out, 'samples.png'), encodePng({ width: grid.shape[1]!, height: grid.shape[0]!, data: pixels, channels: 1, depth: 8 }));
  console.log(`Wrote ${join(o.out, 'samples.png')}: 64 generated images.`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
