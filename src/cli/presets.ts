/** The models of the Fashion-MNIST lesson, by name: each architecture with the optimizer, epochs and early stopping it is taught with. */
import { lab, type Sequential } from '../node/index.js';

const { lessonModel } = lab;

/** A model of the lesson. */
export interface ModelPreset {
  /** One line for --help. */
  description: string;
  /** Its optimizer by default. */
  optimizer: string;
  /** Its number of epochs by default. */
  epochs: number;
  /** Epochs without a better val_loss before training stops (best weights restored); undefined: no early stopping. */
  patience?: number;
  /** A fresh, untrained model for 28×28 images of `numClasses` classes. */
  build(numClasses: number): Sequential;
}

/** The lesson's models; `dropout` is the default. */
export const PRESETS: Record<string, ModelPreset> = {
  softmax: { description: 'Flatten → Dense(10, softmax); RMSprop, 5 epochs', optimizer: 'rmsprop', epochs: 5, build: (n) => lessonModel('softmax', n) },
  sigmoid: { description: 'Flatten → Dense(100, sigmoid) → Dense(10, softmax); Adam, 5 epochs', optimizer: 'adam', epochs: 5, build: (n) => lessonModel('sigmoid', n) },
  relu: { description: 'Flatten → Dense(100, relu) → Dense(10, softmax); Adam, 5 epochs', optimizer: 'adam', epochs: 5, build: (n) => lessonModel('relu', n) },
  dropout: {
    description: 'Flatten → Dense(100, relu) → Dropout(0.3) → Dense(10, softmax); Adam, up to 20 epochs, early stopping (patience 2)',
    optimizer: 'adam',
    epochs: 20,
    patience: 2,
    build: (n) => lessonModel('dropout', n),
  },
  cnn: {
    description: 'Conv2D(32) → MaxPooling → Conv2D(64) → MaxPooling → Flatten → Dense(100, relu) → Dropout(0.4) → Dense(10, softmax); Adam, up to 20 epochs, early stopping (patience 3)',
    optimizer: 'adam',
    epochs: 20,
    patience: 3,
    build: (n) => lessonModel('cnn', n),
  },
};

/** The preset `strata train` uses without --model. */
export const DEFAULT_PRESET = 'dropout';
