/** Guide, step 2: one artificial neuron — logistic regression that tells footwear from everything else. */
import { Sequential, add, cast, equal, layers, logicalOr, matMul, reshape, sigmoid, slice, type Tensor } from '../../src/node/index.js';
import { EPOCHS, f4, loadLesson } from './lesson-data.js';

const { xTrain, yTrain, xVal, yVal } = await loadLesson();
// Sandals (5), sneakers (7) and ankle boots (9) are footwear: the target is 1 for them, 0 otherwise.
const isFootwear = (y: Tensor): Tensor => reshape(cast(logicalOr(logicalOr(equal(y, 5), equal(y, 7)), equal(y, 9)), 'float32'), [-1, 1]);

const model = new Sequential({
  layers: [new layers.Flatten({ inputShape: [28, 28] }), new layers.Dense({ units: 1, activation: 'sigmoid' })],
});
model.compile({ optimizer: 'rmsprop', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
const history = await model.fit(xTrain, isFootwear(yTrain), { epochs: EPOCHS, validationData: [xVal, isFootwear(yVal)], verbose: 0 });
console.log(`validation accuracy after ${EPOCHS} epochs: ${f4(history.history.val_accuracy!.at(-1)!)}`);

// The neuron by hand: a weighted sum of the 784 pixels plus a bias, squashed by the sigmoid.
const [w, b] = model.getWeights() as [Tensor, Tensor];
const image = reshape(slice(xVal, [0], [1]), [1, 784]);
const byHand = sigmoid(add(matMul(image, w), b)).item();
const byModel = (model.predict(slice(xVal, [0], [1])) as Tensor).item();
console.log(`image 0: by hand ${f4(byHand)}, by the model ${f4(byModel)}, label ${yVal.dataSync()[0]}`);
