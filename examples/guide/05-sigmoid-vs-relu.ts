/** Guide, step 5: sigmoid against ReLU in the hidden layer, epoch by epoch. */
import { Sequential, layers } from '../../src/node/index.js';
import { EPOCHS, f4, loadLesson } from './lesson-data.js';

const { xTrain, yTrain, xVal, yVal } = await loadLesson();

async function valAccuracies(activation: string): Promise<number[]> {
  const model = new Sequential({
    layers: [
      new layers.Flatten({ inputShape: [28, 28] }),
      new layers.Dense({ units: 100, activation }),
      new layers.Dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const history = await model.fit(xTrain, yTrain, { epochs: EPOCHS, validationData: [xVal, yVal], verbose: 0 });
  return history.history.val_accuracy!;
}

const sigmoid = await valAccuracies('sigmoid');
const relu = await valAccuracies('relu');
console.log('epoch  sigmoid  relu');
sigmoid.forEach((s, i) => console.log(`${String(i + 1).padStart(5)}  ${f4(s)}   ${f4(relu[i]!)}`));
