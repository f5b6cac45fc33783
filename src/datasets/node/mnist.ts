/** MNIST (LeCun et al.): 70,000 28×28 grayscale handwritten digits, 60,000 for training and 10,000 for testing. */
import { ImageDataset } from './image-dataset.js';

/**
 * MNIST. `loadData()` reads the four IDX files (gzipped or not) or Keras's `mnist.npz` from
 * `dataDir` / `STRATA_DATA_DIR` or Strata's cache, and otherwise downloads `mnist.npz` once
 * (11 MB) from Keras's mirror, checking its size and SHA-256.
 *
 * @example
 * const [[xTrain, yTrain], [xTest, yTest]] = await datasets.mnist.loadData();
 */
export const mnist = new ImageDataset({
  name: 'mnist',
  title: 'MNIST',
  classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  npz: 'mnist.npz',
  remote: {
    'mnist.npz': { size: 11490434, sha256: '731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1' },
  },
});
