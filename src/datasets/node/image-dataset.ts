/**
 * A labelled image data set on disk (MNIST-style): where its files are looked for, how they
 * are downloaded once into Strata's cache, and how they become uint8 tensors.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { NotFoundError, ValueError } from '../../core/errors.js';
import { checkOptions, optionKeys } from '../../core/options.js';
import type { Tensor } from '../../core/tensor.js';
import { TerminalDisplay } from '../../callbacks/node/terminal-display.js';
import type { ProgressDisplay } from '../../callbacks/progbar-logger.js';
import { readFileBytes } from '../../io/node/atomic-file.js';
import { tensor } from '../../ops/index.js';
import type { IdxArray } from '../idx.js';
import { readIdxFile } from './idx-file.js';
import { downloadFile, type ExpectedFile } from './download.js';
import { readNpz } from './npz.js';

/** Where Debian's data set packages put their files (`dataset-fashion-mnist` → /usr/share/datasets/fashion-mnist). */
export const SYSTEM_DATA_DIR = '/usr/share/datasets';
/** The mirror Keras downloads its data sets from. */
export const KERAS_DATASETS_URL = 'https://storage.googleapis.com/tensorflow/tf-keras-datasets/';

/** Options of `loadData` and `locate`; each has an environment variable for when the code cannot be changed. */
export interface LoadDataArgs {
  /**
   * A directory holding the data set's files, or a subdirectory named after the data set
   * (`fashion-mnist`, `mnist`). Looked in first; default `STRATA_DATA_DIR`.
   */
  dataDir?: string;
  /** Strata's cache; files go to `<cacheDir>/datasets/<name>/`. Default `STRATA_CACHE_DIR`, else `$XDG_CACHE_HOME/strata`, else `~/.cache/strata`. */
  cacheDir?: string;
  /** Where system packages put data sets. Default `STRATA_SYSTEM_DATA_DIR`, else /usr/share/datasets. */
  systemDir?: string;
  /** The mirror to download from. Default `STRATA_DATASETS_URL`, else Keras's mirror. */
  baseUrl?: string;
  /** Download into the cache when no local copy is found (default true). */
  download?: boolean;
  /** Where download progress is drawn (default: the terminal, on standard output). */
  display?: ProgressDisplay;
  /** Show download progress (default true). */
  verbose?: boolean;
}

/** The keys `loadData`, `locate` and `cacheDir` take. */
const LOAD_DATA_KEYS = optionKeys<LoadDataArgs>({ dataDir: true, cacheDir: true, systemDir: true, baseUrl: true, download: true, display: true, verbose: true });

/** The training and test images and labels, as Keras's `load_data` returns them. */
export type ImageSplits = [[Tensor, Tensor], [Tensor, Tensor]];

/** One way a data set can be stored: the files that must all be present, and how to read them. */
interface Layout {
  files: string[];
  /** Whether each file may also be stored gzip-compressed, under its name plus `.gz`. */
  gzipped: boolean;
  read(paths: string[]): ImageSplits;
}

/** What a data set is and where it comes from. */
export interface ImageDatasetSpec {
  /** The directory name under the cache and the system directory. */
  name: string;
  /** The name people know it by, for messages. */
  title: string;
  /** The meaning of each label. */
  classNames: readonly string[];
  /** The subdirectory of the system directory that a package fills, and the command that installs it. */
  systemPackage?: { dir: string; install: string };
  /** The files to fetch from the mirror, with their size and SHA-256; they must form one of the layouts. */
  remote: Record<string, ExpectedFile>;
  /** Whether the data set also comes as mnist.npz (Keras's archive of the four arrays). */
  npz?: string;
}

/** The four IDX files of the MNIST family, each gzip-compressed (`.gz`) or not. */
const IDX_FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];

function env(name: string): string | undefined {
  const v = process.env[name];
  return v === undefined || v === '' ? undefined : v;
}

/** Strata's cache directory: `STRATA_CACHE_DIR`, else `$XDG_CACHE_HOME/strata`, else `~/.cache/strata`. */
export function defaultCacheDir(): string {
  return env('STRATA_CACHE_DIR') ?? join(env('XDG_CACHE_HOME') ?? join(homedir(), '.cache'), 'strata');
}

/** Checks that an IDX array is `[n, 28, 28]` images or `[n]` labels. */
function checked(array: IdxArray, rank: number, source: string): IdxArray {
  const ok = array.shape.length === rank && (rank === 1 || (array.shape[1] === 28 && array.shape[2] === 28));
  if (!ok) throw new ValueError(`${source}: expected ${rank === 1 ? 'labels of shape [n]' : 'images of shape [n,28,28]'}, found shape [${array.shape.join(',')}].`);
  return array;
}

/** The images and labels of one split as uint8 tensors, after checking they pair up. */
function splitTensors(images: IdxArray, labels: IdxArray, what: string): [Tensor, Tensor] {
  if (images.shape[0] !== labels.shape[0]) throw new ValueError(`${what}: ${images.shape[0]} images but ${labels.shape[0]} labels.`);
  return [tensor(images.data, images.shape, 'uint8'), tensor(labels.data, labels.shape, 'uint8')];
}

const idxLayout: Layout = {
  files: IDX_FILES,
  gzipped: true,
  read([trainImages, trainLabels, testImages, testLabels]) {
    const train = splitTensors(checked(readIdxFile(trainImages!), 3, trainImages!), checked(readIdxFile(trainLabels!), 1, trainLabels!), 'the training files');
    const test = splitTensors(checked(readIdxFile(testImages!), 3, testImages!), checked(readIdxFile(testLabels!), 1, testLabels!), 'the test files');
    return [train, test];
  },
};

function npzLayout(file: string): Layout {
  return {
    files: [file],
    gzipped: false,
    read([path]) {
      const arrays = readNpz(readFileBytes(path!), path!);
      const get = (key: string, rank: number): IdxArray => {
        const a = arrays.get(key);
        if (!a) throw new ValueError(`${path}: the archive has no '${key}' array (it has ${[...arrays.keys()].join(', ') || 'none'}).`);
        return checked(a, rank, `${path} (${key})`);
      };
      return [splitTensors(get('x_train', 3), get('y_train', 1), `${path} (train)`), splitTensors(get('x_test', 3), get('y_test', 1), `${path} (test)`)];
    },
  };
}

/** The path of `file` in `dir` (with `.gz` added, or as named, when it may be gzipped); undefined when absent. */
function findFile(dir: string, file: string, gzipped: boolean): string | undefined {
  return [...(gzipped ? [join(dir, `${file}.gz`)] : []), join(dir, file)].find((candidate) => existsSync(candidate));
}

/**
 * A data set of 28×28 grayscale images with integer labels, such as MNIST and Fashion-MNIST.
 * `loadData()` looks for its files, in order, in the directory the caller names, in Strata's
 * cache, in the system package's directory, and otherwise downloads them once into the cache.
 */
export class ImageDataset {
  /** The meaning of each label, in label order. */
  readonly classNames: readonly string[];
  private readonly layouts: Layout[];

  /** @param spec What the data set is and where it comes from. */
  constructor(readonly spec: ImageDatasetSpec) {
    this.classNames = spec.classNames;
    this.layouts = spec.npz ? [idxLayout, npzLayout(spec.npz)] : [idxLayout];
  }

  /** The files of a complete layout in `dir`, or undefined. */
  private layoutIn(dir: string): { layout: Layout; paths: string[] } | undefined {
    for (const layout of this.layouts) {
      const paths = layout.files.map((f) => findFile(dir, f, layout.gzipped));
      if (paths.every((p) => p !== undefined)) return { layout, paths: paths as string[] };
    }
    return undefined;
  }

  private named(args: LoadDataArgs): string | undefined {
    const dir = args.dataDir ?? env('STRATA_DATA_DIR');
    return dir === undefined ? undefined : resolve(dir);
  }

  /** The cache directory of this data set. */
  cacheDir(args: LoadDataArgs = {}): string {
    checkOptions(`${this.spec.name}.cacheDir`, args, LOAD_DATA_KEYS);
    return join(resolve(args.cacheDir ?? defaultCacheDir()), 'datasets', this.spec.name);
  }

  private systemDir(args: LoadDataArgs): string | undefined {
    const pkg = this.spec.systemPackage;
    return pkg && join(args.systemDir ?? env('STRATA_SYSTEM_DATA_DIR') ?? SYSTEM_DATA_DIR, pkg.dir);
  }

  private describeLayouts(): string {
    return this.layouts.map((l) => l.files.map((f) => (l.gzipped ? `${f}.gz` : f)).join(', ')).join('; or ');
  }

  /** How to make the data set available, for messages. */
  private fixes(args: LoadDataArgs): string {
    const pkg = this.spec.systemPackage;
    return [
      ...(pkg ? [`install the package: ${pkg.install}`] : []),
      `put ${this.describeLayouts()} in a directory and name it with --data-dir DIR (dataDir in code) or STRATA_DATA_DIR`,
      `allow the one-time download from ${this.baseUrl(args)}`,
    ].join('; or ');
  }

  private baseUrl(args: LoadDataArgs): string {
    const url = args.baseUrl ?? env('STRATA_DATASETS_URL') ?? KERAS_DATASETS_URL;
    return url.endsWith('/') ? url : `${url}/`;
  }

  /**
   * The directory the data set will be read from, downloading the files into the cache first
   * when no local copy exists. Throws a NotFoundError that says how to fix it when there is none.
   */
  async locate(args: LoadDataArgs = {}): Promise<string> {
    checkOptions(`${this.spec.name}.loadData`, args, LOAD_DATA_KEYS);
    const { title } = this.spec;
    const named = this.named(args);
    if (named !== undefined) {
      const dirs = [named, join(named, this.spec.name)];
      const hit = dirs.find((d) => this.layoutIn(d));
      if (hit) return hit;
      throw new NotFoundError(`${title} is not in ${named} (nor in ${dirs[1]}): expected ${this.describeLayouts()}.`);
    }
    const cache = this.cacheDir(args);
    const system = this.systemDir(args);
    const places = system ? [cache, system] : [cache];
    const found = places.find((dir) => this.layoutIn(dir));
    if (found) return found;
    const looked = places.join(' and ');
    if (args.download === false) throw new NotFoundError(`${title} was not found (looked in ${looked}) and downloading is off. To fix: ${this.fixes(args)}.`);
    const display = args.verbose === false ? undefined : (args.display ?? new TerminalDisplay());
    const base = this.baseUrl(args);
    for (const [file, expected] of Object.entries(this.spec.remote)) {
      const dest = join(cache, file);
      if (existsSync(dest)) continue;
      try {
        await downloadFile(base + file, dest, expected, { display });
      } catch (e) {
        throw new NotFoundError(`${title} was not found (looked in ${looked}) and the download failed: ${(e as Error).message} To fix: ${this.fixes(args)}.`);
      }
    }
    return cache;
  }

  /**
   * The training and test images (uint8 [n, 28, 28]) and labels (uint8 [n]), found or
   * downloaded as `locate` does.
   *
   * @example
   * const [[xTrain, yTrain], [xTest, yTest]] = await datasets.fashionMnist.loadData();
   * xTrain.shape; // [60000, 28, 28], uint8
   */
  async loadData(args: LoadDataArgs = {}): Promise<ImageSplits> {
    const dir = await this.locate(args);
    const { layout, paths } = this.layoutIn(dir)!;
    return layout.read(paths);
  }
}
