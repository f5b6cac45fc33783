/** Guide, step 9: predicting the class of new images. */
import { Sequential, argmax, datasets, layers, slice, type Tensor } from '../../src/node/index.js';
import { EPOCHS, loadLesson } from './lesson-data.js';

const { xTrain, yTrain, xTest, yTest } = await loadLesson();
const model = new Sequential({
  layers: [
    new layers.Flatten({ inputShape: [28, 28] }),
    new layers.Dense({ units: 100, activation: 'relu' }),
    new layers.Dense({ units: 10, activation: 'softmax' }),
  ],
});
model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xTrain, yTrain, { epochs: EPOCHS, verbose: 0 });

const names = datasets.fashionMnist.classNames;
const probabilities = model.predict(slice(xTest, [0], [5])) as Tensor; // [5, 10], each row sums to 1
const predicted = argmax(probabilities).dataSync();
const truth = yTest.dataSync();
const rows = probabilities.arraySync() as number[][];
rows.forEach((p, i) => {
  const confidence = (p[predicted[i]!]! * 100).toFixed(1);
  console.log(`image ${i}: predicted ${names[predicted[i]!]!.padEnd(11)} (${confidence}%), true ${names[truth[i]!]}`);
});
