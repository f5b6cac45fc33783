/** Guide, step 6: the same network trained by five optimizers. */
import { Adagrad, Adam, RMSprop, SGD, Sequential, layers, setSeed, type Optimizer } from '../../src/node/index.js';
import { EPOCHS, f4, loadLesson } from './lesson-data.js';

const { xTrain, yTrain, xVal, yVal } = await loadLesson();

const optimizers: [string, () => Optimizer][] = [
  ['SGD', () => new SGD()],
  ['SGD + momentum 0.9', () => new SGD({ momentum: 0.9 })],
  ['SGD + Nesterov', () => new SGD({ momentum: 0.9, nesterov: true })],
  ['Adagrad', () => new Adagrad()],
  ['RMSprop', () => new RMSprop()],
  ['Adam', () => new Adam()],
];
console.log('optimizer            train loss  val accuracy');
for (const [name, make] of optimizers) {
  setSeed(42); // the same initial weights for every optimizer
  const model = new Sequential({
    layers: [
      new layers.Flatten({ inputShape: [28, 28] }),
      new layers.Dense({ units: 100, activation: 'relu' }),
      new layers.Dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: make(), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const h = await model.fit(xTrain, yTrain, { epochs: EPOCHS, validationData: [xVal, yVal], verbose: 0 });
  console.log(`${name.padEnd(20)} ${f4(h.history.loss!.at(-1)!)}      ${f4(h.history.val_accuracy!.at(-1)!)}`);
}
