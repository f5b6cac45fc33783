/** Data sets for Node: every browser-safe helper, plus MNIST and Fashion-MNIST loaded from disk or downloaded once. */
export * from '../index.js';
export { downloadFile, type DownloadArgs, type ExpectedFile } from './download.js';
export { readIdxFile } from './idx-file.js';
export { FASHION_MNIST_CLASSES, fashionMnist } from './fashion-mnist.js';
export { ImageDataset, KERAS_DATASETS_URL, SYSTEM_DATA_DIR, defaultCacheDir, type ImageDatasetSpec, type ImageSplits, type LoadDataArgs } from './image-dataset.js';
export { mnist } from './mnist.js';
export { readNpz } from './npz.js';
