/**
 * Data pipelines: a CSV file streamed through map → shuffle → batch into fit, with a validation
 * split made by take/skip; then a folder of PNG images, one subfolder per class, decoded as the
 * iteration reaches each file, cached after the first epoch. The files are written first, so the
 * example needs nothing on disk.
 *
 * Run: node dist/examples/data-pipeline.js [--rows 3000] [--images 200] [--epochs 5]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { encode as encodePng } from 'fast-png';
import { Adam, Sequential, data, div, layers, setSeed, tensor } from '../src/node/index.js';

const { Conv2D, Dense, Flatten, MaxPooling2D } = layers;
const SPECIES = ['setosa', 'versicolor', 'virginica'];

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/** A CSV of flowers: two measurements around each species' centre, a quoted free-text note, and the species. */
function writeFlowers(path: string, rows: number): void {
  const lines = ['length,width,note,species'];
  for (let i = 0; i < rows; i++) {
    const k = i % 3;
    const [length, width] = [2 + 2 * k + Math.sin(i * 12.9898) * 0.9, 1 + k + Math.cos(i * 78.233) * 0.6];
    lines.push(`${length.toFixed(3)},${width.toFixed(3)},"picked on day ${i % 30}, ""fresh""",${SPECIES[k]}`);
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

/** A folder of 12×12 gray PNGs: 'horizontal' and 'vertical' stripes with a random phase and noise. */
function writeStripes(dir: string, count: number): void {
  for (const [c, name] of ['horizontal', 'vertical'].entries()) {
    mkdirSync(join(dir, name), { recursive: true });
    for (let i = 0; i < count / 2; i++) {
      const phase = i % 4;
      const pixels = Uint8Array.from({ length: 144 }, (_, p) => {
        const along = c === 0 ? Math.floor(p / 12) : p % 12;
        return ((along + phase) % 4 < 2 ? 200 : 40) + ((p * 31 + i * 17) % 40);
      });
      writeFileSync(join(dir, name, `${i}.png`), encodePng({ width: 12, height: 12, data: pixels, channels: 1 }));
    }
  }
}

async function csvPipeline(dir: string, rows: number, epochs: number): Promise<void> {
  const path = join(dir, 'flowers.csv');
  writeFlowers(path, rows);
  // Each row: [{length, width, note}, species]; the note is text, the model takes the two numbers.
  const examples = data
    .csv(path, { label: 'species' })
    .map(([f, species]) => [tensor([f.length as number, f.width as number]), SPECIES.indexOf(species as string)]);
  const heldOut = Math.floor(rows / 5);
  const validation = examples.take(heldOut).batch(64);
  const train = examples.skip(heldOut).shuffle(1000, { seed: 1 }).batch(32).prefetch(2);
  setSeed(2);
  const model = new Sequential({ layers: [new Dense({ units: 16, activation: 'relu', inputShape: [2] }), new Dense({ units: 3, activation: 'softmax' })] });
  model.compile({ optimizer: new Adam({ learningRate: 0.02 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const history = await model.fit(train, undefined, { epochs, validationData: validation, verbose: 0 });
  const accuracy = history.history.val_accuracy!.at(-1)!;
  console.log(`csv: ${rows - heldOut} training rows, ${heldOut} held out; validation accuracy ${accuracy.toFixed(3)}`);
}

async function imagePipeline(dir: string, count: number, epochs: number): Promise<void> {
  const folder = join(dir, 'stripes');
  writeStripes(folder, count);
  const images = await data.imageFolder(folder, { imageSize: [12, 12], colorMode: 'grayscale', seed: 3 });
  // Decoded once: later epochs read the cache, not the PNG files.
  const scaled = images.map(([x, label]) => [div(x, 255), label]).cache();
  setSeed(4);
  const model = new Sequential({
    layers: [
      new Conv2D({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [12, 12, 1] }),
      new MaxPooling2D({ poolSize: 2 }),
      new Flatten(),
      new Dense({ units: 2, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: new Adam({ learningRate: 0.02 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  await model.fit(scaled.shuffle(count, { seed: 5 }).batch(16), undefined, { epochs, verbose: 0 });
  const [, accuracy] = await model.evaluate(scaled.batch(64));
  console.log(`images: ${images.files.length} files, classes ${images.classNames.join(', ')}; accuracy ${accuracy!.toFixed(3)}`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'strata-data-pipeline-'));
  try {
    await csvPipeline(dir, option('rows', 3000), option('epochs', 5));
    await imagePipeline(dir, option('images', 200), option('epochs', 5));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) await main();
