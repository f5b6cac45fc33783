/** The models of the Fashion-MNIST lesson, by name: each architecture with the optimizer, epochs and early stopping it is taught with. */
import { Sequential, layers } from '../node/index.js';

const { Conv2D, Dense, Dropout, Flatten, MaxPooling2D } = layers;

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

const IMAGE = [28, 28];

/** A Sequential of `hidden` layers after Flatten, ending in a softmax over the classes. */
function mlp(numClasses: number, hidden: layers.Layer[]): Sequential {
  return new Sequential({ layers: [new Flatten({ inputShape: IMAGE }), ...hidden, new Dense({ units: numClasses, activation: 'softmax' })] });
}

/** The lesson's models; `dropout` is the default. */
export const PRESETS: Record<string, ModelPreset> = {
  softmax: {
    description: 'Flatten → Dense(10, softmax); RMSprop, 5 epochs',
    optimizer: 'rmsprop',
    epochs: 5,
    build: (numClasses) => mlp(numClasses, []),
  },
  sigmoid: {
    description: 'Flatten → Dense(100, sigmoid) → Dense(10, softmax); Adam, 5 epochs',
    optimizer: 'adam',
    epochs: 5,
    build: (numClasses) => mlp(numClasses, [new Dense({ units: 100, activation: 'sigmoid' })]),
  },
  relu: {
    description: 'Flatten → Dense(100, relu) → Dense(10, softmax); Adam, 5 epochs',
    optimizer: 'adam',
    epochs: 5,
    build: (numClasses) => mlp(numClasses, [new Dense({ units: 100, activation: 'relu' })]),
  },
  dropout: {
    description: 'Flatten → Dense(100, relu) → Dropout(0.3) → Dense(10, softmax); Adam, up to 20 epochs, early stopping (patience 2)',
    optimizer: 'adam',
    epochs: 20,
    patience: 2,
    build: (numClasses) => mlp(numClasses, [new Dense({ units: 100, activation: 'relu' }), new Dropout({ rate: 0.3 })]),
  },
  cnn: {
    description: 'Conv2D(32) → MaxPooling → Conv2D(64) → MaxPooling → Flatten → Dense(100, relu) → Dropout(0.4) → Dense(10, softmax); Adam, up to 20 epochs, early stopping (patience 3)',
    optimizer: 'adam',
    epochs: 20,
    patience: 3,
    build: (numClasses) =>
      new Sequential({
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
      }),
  },
};

/** The preset `strata train` uses without --model. */
export const DEFAULT_PRESET = 'dropout';
