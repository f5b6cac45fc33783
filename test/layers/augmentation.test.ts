import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as s from '../../src/node/index.js';
import { assertClose, checkGrad } from '../helpers/grad-check.js';
import { runLayerTest } from '../helpers/layer-test.js';
import { kerasPython, runPython } from '../helpers/python.js';

const { layers } = s;

/** One row of pixels [1, 1, n, 1] through a transform that only moves along x (reads x + shift). */
function row(values: number[], shift: number, args: s.ImageTransformArgs): number[] {
  return s.tidy(() => {
    const img = s.tensor(values, [1, 1, values.length, 1]);
    return Array.from(s.imageTransform(img, s.tensor([1, 0, shift, 0, 1, 0, 0, 0], [1, 8]), args).dataSync());
  });
}

test('imageTransform: hand-computed reads, fill modes, rounding and output size', () => {
  assert.deepEqual(row([1, 2, 3], 0.5 - 1, {}), [0.5, 1.5, 2.5]);
  assert.deepEqual(row([1, 2, 3], -0.5, { fillValue: 10 }), [5.5, 1.5, 2.5]);
  assert.deepEqual(row([1, 2, 3], 2, { fillMode: 'reflect' }), [3, 3, 2]);
  assert.deepEqual(row([1, 2, 3], 2, { fillMode: 'wrap' }), [3, 1, 2]);
  assert.deepEqual(row([1, 2, 3], 2, { fillMode: 'nearest' }), [3, 3, 3]);
  assert.deepEqual(row([1, 2, 3], 2, { fillMode: 'constant', fillValue: -1 }), [3, -1, -1]);
  assert.deepEqual(row([1, 2, 3], -4, { fillMode: 'reflect' }), [3, 3, 2]);
  // Nearest rounds halves away from zero: 0.5 → 1, 1.5 → 2, 2.5 → 3 (outside).
  assert.deepEqual(row([1, 2, 3], 0.5, { interpolation: 'nearest' }), [2, 3, 0]);
  assert.deepEqual(row([1, 2, 3], -0.5, { interpolation: 'nearest' }), [0, 2, 3]);
  s.tidy(() => {
    const img = s.tensor([1, 2, 3, 4], [1, 2, 2, 1]);
    const flip = s.tensor([-1, 0, 1, 0, 1, 0, 0, 0], [1, 8]);
    assert.deepEqual(Array.from(s.imageTransform(img, flip, { interpolation: 'nearest' }).dataSync()), [2, 1, 4, 3]);
    // Each image its own transform; channels move together.
    const two = s.tensor([1, 10, 2, 20, 3, 30, 4, 40], [2, 1, 2, 2]);
    const rows = s.tensor([[-1, 0, 1, 0, 1, 0, 0, 0], [1, 0, 0, 0, 1, 0, 0, 0]]);
    assert.deepEqual(Array.from(s.imageTransform(two, rows).dataSync()), [2, 20, 1, 10, 3, 30, 4, 40]);
    // A 2 × 2 output reading every other pixel of a 4 × 4 image.
    const big = s.reshape(s.range(0, 16), [1, 4, 4, 1]);
    const every2 = s.tensor([2, 0, 1, 0, 2, 0, 0, 0], [1, 8]);
    assert.deepEqual(Array.from(s.imageTransform(big, every2, { outputSize: [2, 2] }).dataSync()), [1, 3, 9, 11]);
  });
  assert.throws(() => s.imageTransform(s.zeros([2, 2, 1]), s.zeros([1, 8])), /imageTransform: images must be \[batch, height, width, channels\], got shape \[2,2,1\]/);
  assert.throws(() => s.imageTransform(s.zeros([2, 2, 2, 1]), s.zeros([3, 8])), /transforms must be \[2,8\] or \[1,8\].*got \[3,8\]/);
  assert.throws(() => s.imageTransform(s.zeros([1, 2, 2, 1]), s.zeros([1, 8]), { fillMode: 'mirror' as s.FillMode }), /fillMode must be/);
});

test('imageTransform: the gradient with respect to the images is the transposed scatter (finite differences)', () => {
  const rotate = s.tensor([0.8, -0.6, 1.3, 0.6, 0.8, -0.7, 0, 0], [1, 8]);
  for (const fillMode of ['constant', 'reflect', 'wrap', 'nearest'] as const) {
    for (const interpolation of ['bilinear', 'nearest'] as const) {
      checkGrad(`imageTransform ${fillMode} ${interpolation}`, (x) => s.imageTransform(x, rotate, { fillMode, interpolation, fillValue: 0.7 }), [{ shape: [2, 4, 5, 2] }]);
    }
  }
  // Pixels read by no output get no gradient; a pixel read twice gets both.
  const g = s.grads((x: s.Tensor) => s.sum(s.imageTransform(x, s.tensor([0, 0, 1, 0, 1, 0, 0, 0], [1, 8]))))([s.ones([1, 1, 3, 1])]);
  assert.deepEqual(Array.from(g[0]!.dataSync()), [0, 3, 0]);
});

const keras = kerasPython();

/** A tensor as the Keras scripts read it. */
function json(t: s.Tensor): { shape: number[]; dtype: string; values: number[] } {
  return { shape: [...t.shape], dtype: 'float32', values: Array.from(t.dataSync()) };
}

test('imageTransform and the augmentation layers with fixed draws match the real Keras 3', { skip: keras.skip }, async () => {
  const images = s.randomUniform([2, 5, 6, 2], 0, 1, { seed: 4 });
  const transforms = [
    // No output pixel lands on a tie of nearest rounding (x.5), where float32 and float64 sums may round apart.
    [0.81, -0.57, 1.37, 0.57, 0.81, -0.73, 0, 0],
    [1.13, 0.21, -0.42, -0.31, 0.93, 0.61, 0, 0],
    [1, 0, -2.25, 0, 1, 1.25, 0, 0],
  ];
  const affine = transforms.flatMap((t) => ['constant', 'reflect', 'wrap', 'nearest'].flatMap((fillMode) => ['bilinear', 'nearest'].map((interpolation) => ({ t, fillMode, interpolation }))));
  const layerCases: { make: () => s.layers.Layer; className: string; config: Record<string, unknown>; images?: s.Tensor }[] = [];
  for (const fillMode of ['constant', 'reflect', 'wrap', 'nearest'] as const) {
    layerCases.push({
      make: () => new layers.RandomTranslation({ heightFactor: [0.3, 0.3], widthFactor: [-0.2, -0.2], fillMode, fillValue: 0.5 }),
      className: 'RandomTranslation', config: { height_factor: [0.3, 0.3], width_factor: [-0.2, -0.2], fill_mode: fillMode, fill_value: 0.5 },
    });
  }
  layerCases.push(
    { make: () => new layers.RandomRotation({ factor: [0.1, 0.1] }), className: 'RandomRotation', config: { factor: [0.1, 0.1] } },
    { make: () => new layers.RandomRotation({ factor: [-0.3, -0.3], interpolation: 'nearest', fillMode: 'constant' }), className: 'RandomRotation', config: { factor: [-0.3, -0.3], interpolation: 'nearest', fill_mode: 'constant' } },
    { make: () => new layers.RandomZoom({ heightFactor: [0.3, 0.3], widthFactor: [-0.2, -0.2] }), className: 'RandomZoom', config: { height_factor: [0.3, 0.3], width_factor: [-0.2, -0.2] } },
    { make: () => new layers.RandomZoom({ heightFactor: [-0.25, -0.25], fillMode: 'wrap' }), className: 'RandomZoom', config: { height_factor: [-0.25, -0.25], fill_mode: 'wrap' } },
    // An input smaller than the crop, of the same aspect ratio: the whole image, resized (bilinear, half-pixel centres).
    // (Of another aspect ratio, Keras 3.15 cuts a window of the output's size, not the ratio's: see the note on RandomCrop.)
    { make: () => new layers.RandomCrop({ height: 10, width: 12 }), className: 'RandomCrop', config: { height: 10, width: 12 } },
    { make: () => new layers.RandomCrop({ height: 15, width: 18 }), className: 'RandomCrop', config: { height: 15, width: 18 } },
  );
  const answer = await runPython(keras.python!, 'augment.py', [], {
    affine: affine.map((c) => ({ images: json(images), transform: { shape: [2, 8], dtype: 'float32', values: [...c.t, ...c.t] }, interpolation: c.interpolation, fill_mode: c.fillMode, fill_value: 0.25 })),
    layers: layerCases.map((c) => ({ class_name: c.className, config: c.config, images: json(images) })),
  }) as { affine: { shape: number[]; values: number[] }[]; layers: { shape: number[]; values: number[] }[] };
  affine.forEach((c, i) => {
    const ours = s.imageTransform(images, s.tensor(c.t, [1, 8]), { fillMode: c.fillMode as s.FillMode, interpolation: c.interpolation as s.Interpolation, fillValue: 0.25 });
    assert.deepEqual(ours.shape, answer.affine[i]!.shape);
    assertClose(ours.dataSync(), answer.affine[i]!.values, 1e-5, `affine ${JSON.stringify(c)}`);
  });
  layerCases.forEach((c, i) => {
    const ours = c.make().apply(images, { training: true }) as s.Tensor;
    assert.deepEqual(ours.shape, answer.layers[i]!.shape, `${c.className} ${JSON.stringify(c.config)} shape`);
    assertClose(ours.dataSync(), answer.layers[i]!.values, 1e-5, `${c.className} ${JSON.stringify(c.config)}`);
  });
});

test('augmentation layers: runLayerTest, zero parameters, summary rows', () => {
  const shape = [2, 6, 7, 3];
  const cases: [string, () => s.layers.Layer, number[], number[]?][] = [
    ['RandomFlip', () => new layers.RandomFlip({ seed: 1 }), shape],
    ['RandomTranslation', () => new layers.RandomTranslation({ heightFactor: 0.2, widthFactor: 0.3, seed: 1 }), shape],
    ['RandomRotation', () => new layers.RandomRotation({ factor: 0.2, seed: 1 }), shape],
    ['RandomZoom', () => new layers.RandomZoom({ heightFactor: 0.2, widthFactor: [-0.3, 0.1], seed: 1 }), shape],
    ['RandomContrast', () => new layers.RandomContrast({ factor: 0.5, valueRange: [-2, 2], seed: 1 }), shape],
    ['RandomCrop', () => new layers.RandomCrop({ height: 4, width: 4, seed: 1 }), [2, 4, 4, 3]],
    ['RandomCrop channelsFirst', () => new layers.RandomCrop({ height: 4, width: 5, seed: 1, dataFormat: 'channelsFirst' }), [2, 3, 4, 5], [2, 3, 6, 7]],
  ];
  for (const [name, make, out, inputShape] of cases) {
    runLayerTest(name, { make, inputShape: inputShape ?? shape, expectedOutputShape: out, trainingDiffers: true });
  }
  // Keras's parameter count for every augmentation layer is 0; summary() lists them with their shapes.
  const model = new s.Sequential({
    layers: [
      layers.randomFlip({ mode: 'horizontal', inputShape: [28, 28, 1] }), layers.randomTranslation({ heightFactor: 0.1, widthFactor: 0.1 }),
      layers.randomRotation({ factor: 0.1 }), layers.randomZoom({ heightFactor: 0.1 }), layers.randomContrast({ factor: 0.1 }),
      layers.randomCrop({ height: 24, width: 24 }), layers.flatten(), layers.dense({ units: 2 }),
    ],
  });
  assert.equal(model.countParams(), 24 * 24 * 2 + 2);
  const lines: string[] = [];
  model.summary({ printFn: (line) => lines.push(line) });
  for (const [layer, outShape] of [['random_flip', '(None, 28, 28, 1)'], ['random_crop', '(None, 24, 24, 1)'], ['random_contrast', '(None, 28, 28, 1)']]) {
    const found = lines.find((l) => l.includes(layer!));
    assert.ok(found, `summary has a row for ${layer}: ${lines.join('\n')}`);
    assert.match(found!, new RegExp(`${outShape!.replace(/[()]/g, '\\$&')}\\s+│\\s+0\\s`), `row ${found}`);
  }
});

test('RandomFlip: each image unchanged or mirrored, about half each; seeded; identity at inference', () => {
  const images = s.randomUniform([16, 3, 4, 2], 0, 1, { seed: 2 });
  const flipped = (x: s.Tensor, axis: number): s.Tensor => s.gather(x, s.tensor(Array.from({ length: x.shape[axis]! }, (_, i) => x.shape[axis]! - 1 - i), undefined, 'int32'), axis);
  for (const [mode, axes] of [['horizontal', [2]], ['vertical', [1]], ['horizontal_and_vertical', [1, 2]]] as const) {
    const layer = new layers.RandomFlip({ mode, seed: 7 });
    const y = layer.apply(images, { training: true }) as s.Tensor;
    const mirrored = axes.reduce((x, a) => flipped(x, a), images);
    let same = 0;
    let mirror = 0;
    for (let b = 0; b < 16; b++) {
      const yb = s.slice(y, [b, 0, 0, 0], [1, -1, -1, -1]).dataSync();
      if (yb.every((v, i) => v === s.slice(images, [b, 0, 0, 0], [1, -1, -1, -1]).dataSync()[i])) same++;
      else if (yb.every((v, i) => v === s.slice(mirrored, [b, 0, 0, 0], [1, -1, -1, -1]).dataSync()[i])) mirror++;
    }
    assert.equal(same + mirror, 16, `${mode}: every image is itself or its mirror`);
    assert.ok(same >= 3 && mirror >= 3, `${mode}: ${same} unchanged, ${mirror} mirrored`);
    // The same seed replays the same flips; the next call draws new ones.
    const again = new layers.RandomFlip({ mode, seed: 7 });
    assert.deepEqual(again.apply(images, { training: true }).dataSync(), y.dataSync());
    const calls = Array.from({ length: 4 }, () => Array.from(layer.apply(images, { training: true }).dataSync()));
    assert.ok(calls.some((c) => c.some((v, i) => v !== y.dataSync()[i])), `${mode}: later calls draw again`);
    assert.equal(layer.apply(images), images);
  }
  assert.throws(() => new layers.RandomFlip({ mode: 'diagonal' as 'horizontal' }), /RandomFlip.*mode must be 'horizontal', 'vertical' or 'horizontal_and_vertical', got "diagonal"/);
});

test('RandomRotation by a quarter turn, RandomTranslation by whole pixels, RandomZoom by 2: exact moves', () => {
  const img = s.reshape(s.range(0, 9), [1, 3, 3, 1]);
  // A quarter turn counter-clockwise (output (x, y) reads centre + R·(p - centre)).
  const turned = new layers.RandomRotation({ factor: [0.25, 0.25] }).apply(img, { training: true }) as s.Tensor;
  assertClose(turned.dataSync(), [2, 5, 8, 1, 4, 7, 0, 3, 6], 1e-5);
  const shifted = new layers.RandomTranslation({ heightFactor: [1 / 3, 1 / 3], widthFactor: [-1 / 3, -1 / 3], fillMode: 'constant' }).apply(img, { training: true }) as s.Tensor;
  assertClose(shifted.dataSync(), [0, 0, 0, 1, 2, 0, 4, 5, 0], 1e-5);
  // heightFactor 1: read over twice the size about the centre, so the corners land on the border (zoomed out).
  const zoomed = new layers.RandomZoom({ heightFactor: [1, 1], fillMode: 'constant', fillValue: -1 }).apply(img, { training: true }) as s.Tensor;
  assertClose(zoomed.dataSync(), [-1, -1, -1, -1, 4, -1, -1, -1, -1], 1e-5);
  assert.throws(() => new layers.RandomRotation({ factor: 1.5 }), /RandomRotation.*factor must be a number or \[lower, upper\] with values in \[-1, 1\], got 1.5/);
  assert.throws(() => new layers.RandomZoom({ heightFactor: 0.1, fillMode: 'mirror' as 'wrap' }), /fillMode must be 'reflect', 'wrap', 'constant' or 'nearest'/);
});

test('RandomContrast: (x - mean)·c + mean with one c per image in Keras\'s range, clipped', () => {
  const images = s.randomUniform([6, 4, 4, 2], 0.3, 0.7, { seed: 5 });
  const layer = new layers.RandomContrast({ factor: [0.5, 0.5], valueRange: [0, 1], seed: 3 });
  const y = layer.apply(images, { training: true }) as s.Tensor;
  const m = s.mean(images, [1, 2], true);
  const ratio = s.div(s.sub(y, m), s.sub(images, m)).dataSync();
  for (let b = 0; b < 6; b++) {
    const c = ratio.slice(b * 32, b * 32 + 32);
    assert.ok(c[0]! >= 0.5 - 1e-4 && c[0]! <= 1.5 + 1e-4, `c = ${c[0]}`);
    assertClose(c, new Array(32).fill(c[0]), 1e-3, `image ${b}: one factor for all its pixels`);
  }
  // A single factor f draws c from [1, 1 + f], as Keras 3 does.
  assert.deepEqual(new layers.RandomContrast({ factor: 0.4 }).factor, [0, 0.4]);
  const clipped = new layers.RandomContrast({ factor: [0, 1], valueRange: [0.45, 0.55], seed: 1 }).apply(images, { training: true }) as s.Tensor;
  assert.ok(clipped.dataSync().every((v) => v >= Math.fround(0.45) && v <= Math.fround(0.55)));
  assert.ok(clipped.dataSync().some((v) => v === Math.fround(0.45)) && clipped.dataSync().some((v) => v === Math.fround(0.55)));
  assert.throws(() => new layers.RandomContrast({ factor: -0.2 }), /factor must be a number or \[lower, upper\] with values in \[0, 1\]/);
});

test('RandomCrop: one random window per batch while training, the centred window at inference', () => {
  const img = s.reshape(s.range(0, 2 * 5 * 6), [2, 5, 6, 1]);
  const layer = new layers.RandomCrop({ height: 3, width: 2, seed: 9 });
  const starts = new Set<string>();
  for (let k = 0; k < 12; k++) {
    const y = (layer.apply(img, { training: true }) as s.Tensor).dataSync();
    const top = Math.floor(y[0]! / 6);
    const left = y[0]! % 6;
    const expected = [0, 1].flatMap((b) => [0, 1, 2].flatMap((r) => [0, 1].map((c) => b * 30 + (top + r) * 6 + left + c)));
    assert.deepEqual(Array.from(y), expected);
    starts.add(`${top},${left}`);
  }
  assert.ok(starts.size > 3, `windows drawn: ${[...starts].join(' ')}`);
  // 4 × 4 → 2 × 2 at inference: the whole image (aspect 1), resized with half-pixel centres = means of 2 × 2 blocks.
  const sq = s.reshape(s.range(0, 16), [1, 4, 4, 1]);
  assertClose(new layers.RandomCrop({ height: 2, width: 2 }).apply(sq).dataSync(), [2.5, 4.5, 10.5, 12.5], 1e-6);
  // 5 × 6 → 3 × 2: the centred 5 × 3 window (columns 1..3)... resized to 3 × 2.
  const centred = new layers.RandomCrop({ height: 5, width: 3 }).apply(img) as s.Tensor;
  assert.deepEqual(Array.from(centred.dataSync()).slice(0, 6), [1, 2, 3, 7, 8, 9]);
  assert.throws(() => layer.apply(s.Input({ shape: [null, 6, 1] })), /RandomCrop.*needs inputs of known height and width/);
});

test('a Sequential with augmentation trains (augmenting) and predicts (not augmenting), also jitted, and saves as .strata', async () => {
  s.setSeed(1);
  const x = s.randomUniform([32, 8, 8, 1], 0, 1, { seed: 1 });
  const y = s.cast(s.greater(s.mean(s.reshape(x, [32, 64]), -1), 0.5), 'int32');
  for (const jitCompile of [false, true]) {
    const model = new s.Sequential({
      layers: [
        layers.randomFlip({ mode: 'horizontal', seed: 1, inputShape: [8, 8, 1] }), layers.randomTranslation({ heightFactor: 0.1, widthFactor: 0.1, seed: 2 }),
        layers.flatten(), layers.dense({ units: 2, activation: 'softmax' }),
      ],
    });
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', jitCompile });
    const h = await model.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0 });
    assert.ok(Number.isFinite(h.history.loss!.at(-1)!));
    const p1 = model.predict(x) as s.Tensor;
    const p2 = model.predict(x) as s.Tensor;
    assert.deepEqual(p1.dataSync(), p2.dataSync(), 'prediction does not augment');
  }
  const model = new s.Sequential({ layers: [layers.randomRotation({ factor: [-0.1, 0.2], seed: 4, fillMode: 'constant', inputShape: [8, 8, 1] }), layers.randomZoom({ heightFactor: 0.1, widthFactor: null }), layers.randomContrast({ factor: 0.2 }), layers.randomCrop({ height: 6, width: 6 }), layers.flatten(), layers.dense({ units: 2 })] });
  const path = join(mkdtempSync(join(tmpdir(), 'strata-augment-')), 'model.strata');
  await model.save(path);
  const copy = await s.loadModel(path);
  assert.deepEqual(copy.layers.map((l) => l.getConfig()), model.layers.map((l) => l.getConfig()));
  assertClose((copy.predict(x) as s.Tensor).dataSync(), (model.predict(x) as s.Tensor).dataSync(), 1e-6);
});

test('resizeBilinear: half-pixel centres as tf.image.resize (edges clamped), the identity at the same size, gradients to the images, typed errors', () => {
  assertClose(s.resizeBilinear(s.tensor([0, 2], [1, 1, 2, 1]), [1, 4]).dataSync(), [0, 0.5, 1.5, 2], 1e-6);
  // 2×2 → 1×1 reads the centre: the mean of the four pixels; 3 → 2 reads x = 0.25 and 1.75.
  assertClose(s.resizeBilinear(s.tensor([1, 2, 3, 4], [1, 2, 2, 1]), [1, 1]).dataSync(), [2.5], 1e-6);
  assertClose(s.resizeBilinear(s.tensor([0, 4, 8], [1, 1, 3, 1]), [1, 2]).dataSync(), [1, 7], 1e-6);
  const same = s.tensor([1, 2, 3, 4], [1, 2, 2, 1]);
  assert.equal(s.resizeBilinear(same, [2, 2]), same);
  checkGrad('resizeBilinear', (x) => s.resizeBilinear(x!, [3, 5]), [{ shape: [2, 2, 3, 2] }]);
  assert.throws(() => s.resizeBilinear(s.zeros([2, 2, 1]), [4, 4]), (e: Error) => e instanceof s.ShapeError && /resizeBilinear: images must be \[batch, height, width, channels\]/.test(e.message));
  assert.throws(() => s.resizeBilinear(s.zeros([1, 2, 2, 1]), [0, 4]), (e: Error) => e instanceof s.ValueError && /resizeBilinear/.test(e.message));
});
