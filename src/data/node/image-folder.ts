/**
 * `imageFolder`: a dataset of the images in a folder with one subfolder per class (Keras's
 * `image_dataset_from_directory`), decoded and resized as the iteration reaches each file.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { NotFoundError, ValueError } from '../../core/errors.js';
import { checkOptions, optionKeys } from '../../core/options.js';
import { RandomGenerator, generatorFor } from '../../core/random.js';
import type { Tensor } from '../../core/tensor.js';
import { readFileBytes } from '../../io/node/atomic-file.js';
import { tidy } from '../../core/memory.js';
import { reshape, resizeBilinear, tensor } from '../../ops/index.js';
import { Dataset } from '../dataset.js';
import { decodeImage, type ColorMode } from './decode-image.js';

/** Options of `imageFolder`. */
export interface ImageFolderArgs {
  /** `[height, width]` every image is resized to (bilinear; default [256, 256], as Keras). */
  imageSize?: [number, number];
  /** 'rgb' (default), 'grayscale' or 'rgba': the channels of each image. */
  colorMode?: ColorMode;
  /** The class subfolders in label order (default: every subfolder, sorted by name). */
  classNames?: string[];
  /** Shuffle the files once, before the first iteration (default true, as Keras). */
  shuffle?: boolean;
  /** Seed of that shuffle. */
  seed?: number;
}

const IMAGE_FOLDER_KEYS = optionKeys<ImageFolderArgs>({ imageSize: true, colorMode: true, classNames: true, shuffle: true, seed: true });
const IMAGE_FILE = /\.(png|jpe?g)$/i;

/** A dataset of `[image, label]` pairs from an image folder, with its class names (label i is `classNames[i]`). */
export interface ImageFolderDataset extends Dataset<[Tensor, number]> {
  readonly classNames: readonly string[];
  /** The image files, in the order they are read. */
  readonly files: readonly string[];
}

/**
 * The images under `dir`, one subfolder per class: elements `[image, label]`, the image a float32
 * tensor `[height, width, channels]` of values in [0, 255] and the label the class's index. PNG and
 * JPEG files are decoded (by fast-png and jpeg-js) as the iteration reaches them; only the elements
 * in flight are in memory.
 *
 * @example
 * const ds = await data.imageFolder('flowers', { imageSize: [64, 64], seed: 1 });
 * ds.classNames; // ['daisy', 'rose', 'tulip']
 * await model.fit(ds.map(([x, y]) => [div(x, 255), y]).batch(32), undefined, { epochs: 5 });
 */
export async function imageFolder(dir: string, args: ImageFolderArgs = {}): Promise<ImageFolderDataset> {
  checkOptions('data.imageFolder', args, IMAGE_FOLDER_KEYS);
  const [height, width] = args.imageSize ?? [256, 256];
  if (![height, width].every((d) => Number.isInteger(d) && d > 0)) throw new ValueError(`data.imageFolder: imageSize must be two positive integers [height, width], got ${JSON.stringify(args.imageSize)}.`);
  const colorMode = args.colorMode ?? 'rgb';
  if (!['grayscale', 'rgb', 'rgba'].includes(colorMode)) throw new ValueError(`data.imageFolder: colorMode must be 'grayscale', 'rgb' or 'rgba', got '${colorMode}'.`);
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => {
    throw new NotFoundError(`data.imageFolder: cannot read the folder ${dir}; give a folder holding one subfolder of images per class.`);
  });
  const classNames = args.classNames ?? entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  if (classNames.length === 0) throw new ValueError(`data.imageFolder: ${dir} has no subfolders; put each class's images in a subfolder named after it.`);
  const files: { path: string; label: number }[] = [];
  for (const [label, name] of classNames.entries()) {
    const names = await readdir(join(dir, name)).catch(() => {
      throw new NotFoundError(`data.imageFolder: no class folder ${join(dir, name)}; the subfolders of ${dir} are ${entries.map((e) => e.name).join(', ')}.`);
    });
    for (const file of names.filter((f) => IMAGE_FILE.test(f)).sort()) files.push({ path: join(dir, name, file), label });
  }
  if (args.shuffle ?? true) shuffleInPlace(files, args.seed === undefined ? generatorFor(undefined) : new RandomGenerator(args.seed));
  const dataset = new Dataset<[Tensor, number]>(async function* () {
    for (const { path, label } of files) {
      const image = decodeImage(readFileBytes(path), path, colorMode);
      const resized = tidy(() => reshape(resizeBilinear(tensor(image.data, [1, image.height, image.width, image.channels]), [height, width]), [height, width, image.channels]));
      yield [resized, label];
    }
  });
  return Object.assign(dataset, { classNames, files: files.map((f) => f.path) });
}

function shuffleInPlace<T>(items: T[], g: RandomGenerator): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = g.int(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
