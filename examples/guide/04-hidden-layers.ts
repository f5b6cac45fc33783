/** Guide, step 4: a hidden layer, why it needs a nonlinear activation, and counting its parameters. */
import { Sequential, layers } from '../../src/node/index.js';
import { EPOCHS, f4, loadLesson } from './lesson-data.js';

const { xTrain, yTrain, xVal, yVal } = await loadLesson();

async function train(hiddenActivation: string): Promise<number> {
  const model = new Sequential({
    layers: [
      new layers.Flatten({ inputShape: [28, 28] }),
      new layers.Dense({ units: 100, activation: hiddenActivation }),
      new layers.Dense({ units: 10, activation: 'softmax' }),
    ],
  });
  if (hiddenActivation === 'relu') model.summary({ explain: true });
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const history = await model.fit(xTrain, yTrain, { epochs: EPOCHS, validationData: [xVal, yVal], verbose: 0 });
  return history.history.val_accuracy!.at(-1)!;
}

// Count by hand: each Dense unit has one weight per input plus a bias.
console.log(`by hand: (784 + 1) × 100 + (100 + 1) × 10 = ${(784 + 1) * 100 + (100 + 1) * 10}`);
const relu = await train('relu');
const linear = await train('linear');
console.log(`validation accuracy with a relu hidden layer:   ${f4(relu)}`);
console.log(`validation accuracy with a linear hidden layer: ${f4(linear)}`);
