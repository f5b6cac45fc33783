/**
 * Which way is it moving? Each sample is a short clip: a Fashion-MNIST item (shrunk to 7×7) sliding
 * one pixel per frame across a 12×12 canvas, up, down, left or right. Only the order of the frames
 * tells the directions apart (a clip moving left, played backwards, moves right), so the model must
 * combine a CNN's view of each frame with memory across frames: ConvLSTM2D does both in one layer.
 * It is compared with a model that sees every frame through the same kind of convolution but
 * averages them over time, blind to their order: it can tell the axis, not the sign (about 50%).
 *
 * Run: node dist/examples/image-sequences.js [--train 2000] [--test 500] [--epochs 6]
 */
import { pathToFileURL } from 'node:url';
import { Adam, Sequential, datasets, layers, setSeed, slice, tensor, tidy, type Tensor } from '../src/node/index.js';

const { ConvLSTM2D, Conv2D, Dense, Flatten, GlobalAveragePooling1D, GlobalAveragePooling2D, TimeDistributed } = layers;

/** Frames per clip, the canvas's side and the (shrunk) item's side, in pixels. */
export const FRAMES = 4;
export const CANVAS = 12;
const ITEM = 7;
/** The directions, in label order, as (row, column) steps per frame. */
export const DIRECTIONS = ['up', 'down', 'left', 'right'] as const;
const STEPS: readonly [number, number][] = [[-1, 0], [1, 0], [0, -1], [0, 1]];

/** A small seeded generator (mulberry32), so that the clips are the same at every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 28×28 image shrunk to 7×7 by averaging 4×4 blocks. */
function shrink(pixels: ArrayLike<number>, offset: number): Float32Array {
  const out = new Float32Array(ITEM * ITEM);
  for (let r = 0; r < 28; r++) for (let c = 0; c < 28; c++) out[(r >> 2) * ITEM + (c >> 2)]! += pixels[offset + r * 28 + c]! / 16;
  return out;
}

/**
 * `count` clips [count, FRAMES, CANVAS, CANVAS, 1] of the images `first`, `first + 1`, ... of
 * `pixels` (28×28 each, in [0, 1]), each moving in a random direction from a random start that
 * keeps it on the canvas; the labels are the directions' indices.
 *
 * @example
 * const { x, y } = movingClips(images, 0, 100, 1); // x [100, 4, 12, 12, 1], y [100]
 */
export function movingClips(pixels: ArrayLike<number>, first: number, count: number, seed: number): { x: Tensor; y: Tensor } {
  const next = random(seed);
  const frameSize = CANVAS * CANVAS;
  const clips = new Float32Array(count * FRAMES * frameSize);
  const labels = new Int32Array(count);
  const room = CANVAS - ITEM;
  for (let n = 0; n < count; n++) {
    const item = shrink(pixels, (first + n) * 784);
    const direction = Math.floor(next() * 4);
    const [dr, dc] = STEPS[direction]!;
    // A start from which FRAMES - 1 steps stay on the canvas.
    const start = (d: number): number => (d < 0 ? FRAMES - 1 : 0) + Math.floor(next() * (room - (d === 0 ? 0 : FRAMES - 1) + 1));
    const r0 = start(dr);
    const c0 = start(dc);
    labels[n] = direction;
    for (let t = 0; t < FRAMES; t++) {
      const base = (n * FRAMES + t) * frameSize;
      for (let r = 0; r < ITEM; r++) for (let c = 0; c < ITEM; c++) clips[base + (r0 + dr * t + r) * CANVAS + (c0 + dc * t + c)] = item[r * ITEM + c]!;
    }
  }
  return { x: tensor(clips, [count, FRAMES, CANVAS, CANVAS, 1]), y: tensor(labels, [count], 'int32') };
}

/**
 * ConvLSTM2D(8 filters, 3×3) reads the clip frame by frame, keeping a map of where the item was;
 * pooled over the canvas, a Dense layer names the direction.
 *
 * @example
 * buildConvLstm().countParams(); // 2,660
 */
export function buildConvLstm(): Sequential {
  return new Sequential({
    name: 'conv_lstm',
    layers: [
      new ConvLSTM2D({ filters: 8, kernelSize: 3, padding: 'same', inputShape: [FRAMES, CANVAS, CANVAS, 1] }),
      new GlobalAveragePooling2D(),
      new Dense({ units: DIRECTIONS.length, activation: 'softmax' }),
    ],
  });
}

/**
 * The same kind of convolution on each frame (TimeDistributed), a per-frame summary, then the
 * average over the frames: the order of the frames cannot change its answer.
 *
 * @example
 * buildOrderBlind().countParams(); // 18,596
 */
export function buildOrderBlind(): Sequential {
  return new Sequential({
    name: 'order_blind',
    layers: [
      new TimeDistributed({ layer: new Conv2D({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }), inputShape: [FRAMES, CANVAS, CANVAS, 1] }),
      new TimeDistributed({ layer: new Flatten() }),
      new TimeDistributed({ layer: new Dense({ units: 16, activation: 'relu' }) }),
      new GlobalAveragePooling1D(),
      new Dense({ units: DIRECTIONS.length, activation: 'softmax' }),
    ],
  });
}

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Trains `model` on the training clips and returns its accuracy on the held-out ones, and the seconds it trained. */
async function trainAndScore(model: Sequential, train: { x: Tensor; y: Tensor }, test: { x: Tensor; y: Tensor }, epochs: number): Promise<[number, number]> {
  model.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const started = performance.now();
  await model.fit(train.x, train.y, { epochs, batchSize: 32, verbose: 0 });
  const seconds = (performance.now() - started) / 1000;
  const [, accuracy] = await model.evaluate(test.x, test.y, { batchSize: 128 });
  return [accuracy!, seconds];
}

async function main(): Promise<void> {
  const trainCount = option('train', 2000);
  const testCount = option('test', 500);
  const epochs = option('epochs', 6);
  const [[images]] = await datasets.fashionMnist.loadData();
  // Training clips from the first images, held-out clips from others.
  const scaled = tidy(() => datasets.scaleImages(slice(images, [0], [trainCount + testCount])));
  const pixels = scaled.dataSync();
  scaled.dispose();
  const train = movingClips(pixels, 0, trainCount, 1);
  const test = movingClips(pixels, trainCount, testCount, 2);
  console.log(`${trainCount} training clips and ${testCount} held-out clips of ${FRAMES} frames ${CANVAS}×${CANVAS}, moving ${DIRECTIONS.join(', ')}`);

  setSeed(3);
  const convLstm = buildConvLstm();
  convLstm.summary();
  const [recurrentAccuracy, recurrentSeconds] = await trainAndScore(convLstm, train, test, epochs);
  setSeed(3);
  const [blindAccuracy, blindSeconds] = await trainAndScore(buildOrderBlind(), train, test, epochs);
  console.log(`ConvLSTM2D(8) → pooling → Dense: ${recurrentAccuracy.toFixed(4)} on held-out clips (${recurrentSeconds.toFixed(0)}s of training)`);
  console.log(`Frames averaged over time (order-blind): ${blindAccuracy.toFixed(4)} on held-out clips (${blindSeconds.toFixed(0)}s of training)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
