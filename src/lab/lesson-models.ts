/**
 * The models of the Fashion-MNIST lesson, by name: the architectures `strata train --model` trains
 * and the lab's experiments count, train and look into.
 */
import { ValueError } from '../core/errors.js';
import { Conv2D } from '../layers/conv.js';
import { Dense } from '../layers/dense.js';
import { Dropout } from '../layers/dropout.js';
import { Flatten } from '../layers/flatten.js';
import type { Layer } from '../layers/layer.js';
import { MaxPooling2D } from '../layers/pooling.js';
import { Sequential } from '../models/sequential.js';

/** The names of the lesson's models, in the order the lesson meets them. */
export const LESSON_MODELS = ['softmax', 'sigmoid', 'relu', 'dropout', 'cnn'] as const;

/** One of {@link LESSON_MODELS}. */
export type LessonModelName = (typeof LESSON_MODELS)[number];

const IMAGE = [28, 28];

/** Flatten, the `hidden` layers, and a softmax over the classes. */
function mlp(numClasses: number, hidden: Layer[]): Sequential {
  return new Sequential({ layers: [new Flatten({ inputShape: IMAGE }), ...hidden, new Dense({ units: numClasses, activation: 'softmax' })] });
}

/**
 * A fresh, untrained model of the lesson for 28×28 images of `numClasses` classes:
 * - `softmax`: Flatten → Dense(10, softmax), multinomial logistic regression;
 * - `sigmoid`, `relu`: one hidden Dense(100) of that activation;
 * - `dropout`: the relu network with Dropout(0.3) after the hidden layer;
 * - `cnn`: Conv2D(32) → MaxPooling → Conv2D(64) → MaxPooling → Flatten → Dense(100, relu) → Dropout(0.4) → Dense(10, softmax),
 *   on [28, 28, 1] images.
 *
 * @example
 * lessonModel('relu').countParams(); // 79,510
 */
export function lessonModel(name: LessonModelName, numClasses = 10): Sequential {
  switch (name) {
    case 'softmax':
      return mlp(numClasses, []);
    case 'sigmoid':
    case 'relu':
      return mlp(numClasses, [new Dense({ units: 100, activation: name })]);
    case 'dropout':
      return mlp(numClasses, [new Dense({ units: 100, activation: 'relu' }), new Dropout({ rate: 0.3 })]);
    case 'cnn':
      return new Sequential({
        layers: [
          new Conv2D({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [...IMAGE, 1] }),
          new MaxPooling2D({ poolSize: 2 }),
          new Conv2D({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu' }),
          new MaxPooling2D({ poolSize: 2 }),
          new Flatten(),
          new Dense({ units: 100, activation: 'relu' }),
          new Dropout({ rate: 0.4 }),
          new Dense({ units: numClasses, activation: 'softmax' }),
        ],
      });
    default:
      throw new ValueError(`lessonModel: no model named '${String(name)}'; the lesson's models are ${LESSON_MODELS.join(', ')}.`);
  }
}
