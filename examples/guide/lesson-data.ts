/**
 * The lesson's data, shared by every guide example: Fashion-MNIST scaled to [0, 1] and split
 * 48,000 / 12,000 for training and validation, plus the 10,000 test images.
 * The test suite sets STRATA_GUIDE_TRAIN (and _EPOCHS) to run the examples on a small slice.
 */
import { datasets, slice, type Tensor } from '../../src/node/index.js';

/** Training images used (48,000 in the lesson; fewer when the test suite runs the examples). */
export const TRAIN_SIZE = Number(process.env.STRATA_GUIDE_TRAIN ?? 48000);
/** Epochs, where an example trains for a fixed number (the test suite lowers it). */
export const EPOCHS = Number(process.env.STRATA_GUIDE_EPOCHS ?? 5);

export interface LessonData {
  xTrain: Tensor;
  yTrain: Tensor;
  xVal: Tensor;
  yVal: Tensor;
  xTest: Tensor;
  yTest: Tensor;
}

/** Loads Fashion-MNIST: images as float32 in [0, 1], labels as class ids 0–9. */
export async function loadLesson(): Promise<LessonData> {
  const [[images, labels], [testImages, testLabels]] = await datasets.fashionMnist.loadData();
  const x = datasets.scaleImages(images);
  const valSize = Math.round(TRAIN_SIZE / 4);
  const testSize = Math.min(10000, valSize);
  return {
    xTrain: slice(x, [0], [TRAIN_SIZE]),
    yTrain: slice(labels, [0], [TRAIN_SIZE]),
    xVal: slice(x, [48000], [valSize]),
    yVal: slice(labels, [48000], [valSize]),
    xTest: slice(datasets.scaleImages(testImages), [0], [testSize]),
    yTest: slice(testLabels, [0], [testSize]),
  };
}

/** Formats a number to 4 decimals, as Keras prints figures. */
export const f4 = (v: number): string => v.toFixed(4);
