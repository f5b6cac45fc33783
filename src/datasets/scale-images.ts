/** scaleImages: pixels from [0, 255] to float32 in [0, 1], the first step of every image lesson. */
import { ValueError } from '../core/errors.js';
import type { Tensor } from '../core/tensor.js';
import { div } from '../ops/index.js';

/**
 * Images divided by `maxValue` (255 by default): the `x_train / 255.0` of the Keras lessons.
 * uint8 images give float32 in [0, 1], written in one pass from the bytes, so scaling the 60,000
 * Fashion-MNIST training images allocates their 188 MB of float32 and nothing more.
 *
 * @example
 * const [[xTrain, yTrain]] = await datasets.fashionMnist.loadData();
 * const x = datasets.scaleImages(xTrain); // float32 [60000, 28, 28], values in [0, 1]
 */
export function scaleImages(images: Tensor, maxValue = 255): Tensor {
  if (!(maxValue > 0) || !Number.isFinite(maxValue)) throw new ValueError(`scaleImages: maxValue must be a positive number, got ${maxValue}.`);
  return div(images, maxValue);
}
