/** The models of the Fashion-MNIST lesson, by name: each architecture with the optimizer and number of epochs it is taught with. */
import { Sequential, layers } from '../node/index.js';

const { Dense, Dropout, Flatten } = layers;

/** A model of the lesson. */
export interface ModelPreset {
  /** One line for --help. */
  description: string;
  /** Its optimizer by default. */
  optimizer: string;
  /** Its number of epochs by default. */
  epochs: number;
  /** Whether training stops early (patience 2 on val_loss, best weights restored). */
  earlyStopping: boolean;
  /** A fresh, untrained model for images of `inputShape` and `numClasses` classes. */
  build(inputShape: number[], numClasses: number): Sequential;
}

/** The lesson's models; `dropout` is the default. */
export const PRESETS: Record<string, ModelPreset> = {
  softmax: {
    description: 'Flatten → Dense(10, softmax); RMSprop, 5 epochs',
    optimizer: 'rmsprop',
    epochs: 5,
    earlyStopping: false,
    build: (inputShape, numClasses) => new Sequential({ layers: [new Flatten({ inputShape }), new Dense({ units: numClasses, activation: 'softmax' })] }),
  },
  sigmoid: {
    description: 'Flatten → Dense(100, sigmoid) → Dense(10, softmax); Adam, 5 epochs',
    optimizer: 'adam',
    epochs: 5,
    earlyStopping: false,
    build: (inputShape, numClasses) =>
      new Sequential({ layers: [new Flatten({ inputShape }), new Dense({ units: 100, activation: 'sigmoid' }), new Dense({ units: numClasses, activation: 'softmax' })] }),
  },
  relu: {
    description: 'Flatten → Dense(100, relu) → Dense(10, softmax); Adam, 5 epochs',
    optimizer: 'adam',
    epochs: 5,
    earlyStopping: false,
    build: (inputShape, numClasses) =>
      new Sequential({ layers: [new Flatten({ inputShape }), new Dense({ units: 100, activation: 'relu' }), new Dense({ units: numClasses, activation: 'softmax' })] }),
  },
  dropout: {
    description: 'Flatten → Dense(100, relu) → Dropout(0.3) → Dense(10, softmax); Adam, up to 20 epochs with early stopping',
    optimizer: 'adam',
    epochs: 20,
    earlyStopping: true,
    build: (inputShape, numClasses) =>
      new Sequential({
        layers: [
          new Flatten({ inputShape }),
          new Dense({ units: 100, activation: 'relu' }),
          new Dropout({ rate: 0.3 }),
          new Dense({ units: numClasses, activation: 'softmax' }),
        ],
      }),
  },
};

/** The preset `strata train` uses without --model. */
export const DEFAULT_PRESET = 'dropout';
