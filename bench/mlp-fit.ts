/**
 * The lesson's MLP trained with `model.fit` on Fashion-MNIST, as shared/peers/tfjs_train.js trains it:
 * uint8 pixels → Rescaling 1/255 → Dense 100 relu → Dense 10 softmax (784 inputs), batch 32, Adam 1e-3, sparse categorical cross-entropy,
 * training on images [0, 48000), validating on [48000, 60000) outside the timed epochs. Prints one
 * JSON line (epoch seconds, the steady-state epoch (the median after the first) and the first epoch's
 * ratio to it, validation accuracy, peak RSS of the whole process).
 *
 * Usage: node dist/bench/mlp-fit.js [--backend=wasm] [--threads=1] [--epochs=3] [--train=48000] [--model=mlp|tiny|cnn] [--jit]
 *   --jit compiles with `jitCompile: true` (issue 16): each step traced once, then replayed as a graph. Where
 *   this build's `compile` does not take the option, it prints a JSON line whose `error` says so and exits 1.
 *   --model=tiny trains Dense(10) on 16 inputs instead: what one step costs when the kernels cost nothing.
 *   --model=cnn trains the lesson's CNN (examples/lesson-cnn.ts) as shared/peers/torch_train.py does: one epoch
 *   on images [0, 6000) (unless --train/--epochs say otherwise), validating on [48000, 50000); the JSON line
 *   adds the epoch extrapolated to 48,000 images.
 */
import * as s from '../src/node/index.js';
import { buildLessonCnn } from '../examples/lesson-cnn.js';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('='))) as Record<string, string | undefined>;
const backend = args['backend'] ?? 'wasm';
const threads = Number(args['threads'] ?? 1);
const modelKind = args['model'] ?? 'mlp';
const cnn = modelKind === 'cnn';
const epochs = Number(args['epochs'] ?? (cnn ? 1 : 3));
const trainCount = Number(args['train'] ?? (cnn ? 6000 : 48000));
const validationEnd = cnn ? 50000 : 60000;
const jitCompile = 'jit' in args;
const DIR = process.env['FMNIST_DIR'] ?? '/usr/share/datasets/fashion-mnist';

/** The pixels of the training file (uint8), read once. */
let trainPixels: Uint8Array | undefined;

/**
 * Rows [start, end) of the training images. The MLP gets uint8 pixels [n, 784], as a careful Keras user
 * keeps them (a quarter of float32's memory; the model's Rescaling layer scales each batch). The tiny
 * model (no Rescaling, so that it measures the same ops as before) gets the first 16 pixels as float32
 * pixels / 255, [n, 16]; the CNN, whose model (examples/lesson-cnn.ts) has no Rescaling layer, float32
 * pixels / 255, [n, 28, 28, 1].
 */
function loadImages(start: number, end: number): s.Tensor {
  const file = `${DIR}/train-images-idx3-ubyte.gz`;
  trainPixels ??= s.datasets.readIdxFile(file).data;
  const pixels = trainPixels.subarray(start * 784, end * 784);
  return s.tidy(() => {
    const images = s.tensor(pixels, [end - start, 784], 'uint8');
    if (modelKind === 'mlp') return images;
    if (cnn) return s.reshape(s.div(images, 255), [end - start, 28, 28, 1]);
    return s.div(s.slice(images, [0, 0], [end - start, 16]), 255);
  });
}

function loadLabels(start: number, end: number): s.Tensor {
  const file = `${DIR}/train-labels-idx1-ubyte.gz`;
  return s.tensor(s.datasets.readIdxFile(file).data.subarray(start, end), [end - start], 'float32');
}

function buildModel(): s.Sequential {
  if (cnn) return buildLessonCnn();
  const model = new s.Sequential();
  if (modelKind === 'tiny') {
    model.add(s.layers.dense({ inputShape: [16], units: 10, activation: 'softmax' }));
  } else {
    model.add(s.layers.rescaling({ scale: 1 / 255, inputShape: [784] }));
    model.add(s.layers.dense({ units: 100, activation: 'relu' }));
    model.add(s.layers.dense({ units: 10, activation: 'softmax' }));
  }
  return model;
}

/** The median of `xs` (the mean of the two middle values for an even count). */
function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function main(): Promise<void> {
  s.setBackend(backend);
  if (backend === 'wasm') await s.setThreadsCount(threads);
  const xTrain = loadImages(0, trainCount);
  const yTrain = loadLabels(0, trainCount);
  const xVal = loadImages(48000, validationEnd);
  const yVal = loadLabels(48000, validationEnd);
  trainPixels = undefined;

  const model = buildModel();
  model.compile({ optimizer: new s.Adam({ learningRate: 1e-3 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'], jitCompile });

  const epochSec: number[] = [];
  const valAcc: number[] = [];
  let t0 = 0;
  let cpu0 = process.cpuUsage();
  const epochCpu: number[] = [];
  await model.fit(xTrain, yTrain, {
    epochs, batchSize: 32, shuffle: true, verbose: 0,
    callbacks: [{
      onEpochBegin: () => {
        t0 = performance.now();
        cpu0 = process.cpuUsage();
      },
      onEpochEnd: (_epoch: number, logs?: Record<string, number>) => {
        epochSec.push((performance.now() - t0) / 1000);
        const cpu = process.cpuUsage(cpu0);
        epochCpu.push((cpu.user + cpu.system) / 1e6);
        // Batches of 32 (Keras's default) reuse the training steps' freed blocks: at 256 the CNN's validation
        // claimed ~310 MB of WebAssembly memory more than training (every layer's output of a batch is held until
        // the batch ends, and the last, partial batch claims blocks of other sizes), which was its peak RSS.
        const acc = s.tidy(() => s.mean(s.cast(s.equal(s.argmax(model.predict(xVal, { batchSize: 32 }) as s.Tensor, -1), s.cast(yVal, 'int32')), 'float32')).item());
        valAcc.push(acc);
        process.stderr.write(`epoch ${epochSec.length}: ${epochSec.at(-1)!.toFixed(2)} s, loss ${logs?.['loss']?.toFixed(4)}, val acc ${acc.toFixed(4)}\n`);
      },
    }],
  });
  const steps = Math.ceil(trainCount / 32);
  // Steady state, as bench/run.ts reports it: the median of the epochs after the first (V8 optimises the
  // step's code during the first); first_epoch_ratio is the first epoch over that median.
  const steady = median(epochSec.length > 1 ? epochSec.slice(1) : epochSec);
  console.log(JSON.stringify({
    framework: 'strata', backend, threads, model: modelKind, jit_compile: jitCompile, train_images: trainCount, epochs_run: epochSec.length,
    epoch_sec: epochSec.map((x) => +x.toFixed(3)), epoch_cpu_sec: epochCpu.map((x) => +x.toFixed(3)), median_epoch_sec: +steady.toFixed(3),
    first_epoch_ratio: +(epochSec[0]! / steady).toFixed(3),
    us_per_step: +((steady * 1e6) / steps).toFixed(1),
    epoch_sec_per_48000_extrapolated: +((steady * 48000) / trainCount).toFixed(1),
    val_acc: valAcc.map((x) => +x.toFixed(4)), peak_rss_mb: +(process.resourceUsage().maxRSS / 1024).toFixed(1),
  }));
  process.exit(0);
}

await main();
