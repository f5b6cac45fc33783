/** Guide, step 3: ten neurons and a softmax — the simplest classifier of all ten classes. */
import { Sequential, layers } from '../../src/node/index.js';
import { EPOCHS, f4, loadLesson } from './lesson-data.js';

const { xTrain, yTrain, xVal, yVal, xTest, yTest } = await loadLesson();
const model = new Sequential({
  layers: [new layers.Flatten({ inputShape: [28, 28] }), new layers.Dense({ units: 10, activation: 'softmax' })],
});
model.summary();
model.compile({ optimizer: 'rmsprop', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
const history = await model.fit(xTrain, yTrain, { epochs: EPOCHS, validationData: [xVal, yVal], verbose: 2 });
const [testLoss, testAccuracy] = await model.evaluate(xTest, yTest);
console.log(`validation accuracy ${f4(history.history.val_accuracy!.at(-1)!)}, test accuracy ${f4(testAccuracy!)} (test loss ${f4(testLoss!)})`);
