/** What the commands share about data: choosing and loading the data set, and shaping images for a model. */
import { ValueError, datasets, reshape, slice, tidy, type Model, type Tensor } from '../node/index.js';
import type { Output } from './output.js';

/** The data sets the commands know, by their --dataset name. */
export const DATASETS: Record<string, datasets.ImageDataset> = { 'fashion-mnist': datasets.fashionMnist, mnist: datasets.mnist };

/** The data options every command that reads data takes. */
export interface DataOptions {
  dataset: string;
  dataDir?: string;
  download: boolean;
}

/** A data set found (or downloaded) and loaded. */
export interface LoadedData {
  dataset: datasets.ImageDataset;
  /** The directory it was read from. */
  dir: string;
  splits: datasets.ImageSplits;
}

/** Finds the data set (downloading it once if needed), says where it is, and loads it. */
export async function loadDataset(options: DataOptions, out: Output): Promise<LoadedData> {
  const dataset = DATASETS[options.dataset]!;
  const dir = await dataset.locate({ dataDir: options.dataDir, download: options.download, display: out.display() });
  out.log(`${dataset.spec.title} from ${dir}`);
  return { dataset, dir, splits: await dataset.loadData({ dataDir: dir }) };
}

/**
 * `images` (uint8 [n, 28, 28]) scaled to [0, 1] and shaped as the model's input wants them
 * ([n, 28, 28], [n, 784] or [n, 28, 28, 1]).
 */
export function modelInput(model: Model, images: Tensor): Tensor {
  const perSample = model.inputs[0]!.shape.slice(1);
  const size = perSample.reduce<number>((a, d) => a * (d ?? Number.NaN), 1);
  if (size !== images.size / images.shape[0]!) {
    throw new ValueError(`the model '${model.name}' expects inputs of shape [null,${perSample.join(',')}], which do not hold ${images.shape.slice(1).join('×')} images.`);
  }
  return tidy(() => reshape(datasets.scaleImages(images), [images.shape[0]!, ...(perSample as number[])]));
}

/** The first `count` samples of `x` (all of them when count is undefined or larger). */
export function firstRows(x: Tensor, count: number | undefined): Tensor {
  const n = x.shape[0]!;
  return count === undefined || count >= n ? x : slice(x, [0], [count]);
}
