/** Guide, step 10: the loop `fit` runs, written by hand — gradients, updates, metrics and callbacks — and the same figures as `fit`. */
import {
  Adam, CallbackList, History, ProgbarLogger, abs, datasets, losses, max, metrics, sub, tidy, variableGrads,
  type Tensor,
} from '../../src/node/index.js';
import { EPOCHS, f4, loadLesson } from './lesson-data.js';
import { buildLessonMlp } from './lesson-mlp.js';

const { xTrain, yTrain, xVal, yVal } = await loadLesson();

// The reference: fit, with the batches in order so that the loop below can serve the same ones.
const fitted = buildLessonMlp();
fitted.compile({ optimizer: new Adam(), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
const reference = await fitted.fit(xTrain, yTrain, { epochs: EPOCHS, batchSize: 32, shuffle: false, validationData: [xVal, yVal], verbose: 0 });

// The same training by hand.
const model = buildLessonMlp();
const optimizer = new Adam();
const lossFn = new losses.SparseCategoricalCrossentropy();
const loss = new metrics.Mean({ name: 'loss' });
const accuracy = new metrics.SparseCategoricalAccuracy({ name: 'accuracy' });
const valAccuracy = new metrics.SparseCategoricalAccuracy({ name: 'val_accuracy' });
const train = datasets.batches(xTrain, yTrain, { batchSize: 32, shuffle: false });
const steps = Math.ceil(xTrain.shape[0]! / 32);
const history = new History();
const callbacks = new CallbackList([history, new ProgbarLogger({ verbose: 2 })], model, { epochs: EPOCHS, steps, verbose: 2 });

/** One step: forward, loss, gradients, update; the accuracy reads the predictions on the way. */
function trainStep(x: Tensor, y: Tensor): void {
  tidy(() => {
    const variables = model.trainableWeights;
    const { value, grads } = variableGrads(() => {
      const probabilities = model.apply(x, { training: true });
      accuracy.updateState(y, probabilities);
      return lossFn.compute(y, probabilities);
    }, variables);
    optimizer.applyGradients(variables.map((v, i) => [grads[i]!, v] as const));
    loss.updateState(value.item(), x.shape[0]!); // weighted by the batch's size, as fit averages
  });
}

await callbacks.trainBegin();
for (let epoch = 0; epoch < EPOCHS; epoch++) {
  for (const m of [loss, accuracy, valAccuracy]) m.resetState();
  await callbacks.epochBegin(epoch);
  let batch = 0;
  for (const [x, y] of train) {
    await callbacks.batchBegin(batch);
    trainStep(x, y);
    x.dispose();
    y.dispose();
    await callbacks.batchEnd(batch++, { loss: loss.result(), accuracy: accuracy.result() });
  }
  tidy(() => valAccuracy.updateState(yVal, model.apply(xVal, { training: false })));
  await callbacks.epochEnd(epoch, { loss: loss.result(), accuracy: accuracy.result(), val_accuracy: valAccuracy.result() });
}
await callbacks.trainEnd();

for (const key of ['loss', 'accuracy', 'val_accuracy']) {
  console.log(`last epoch's ${key}: fit ${f4(reference.history[key]!.at(-1)!)}, by hand ${f4(history.history[key]!.at(-1)!)}`);
}
const mine = model.getWeights();
const largest = tidy(() => Math.max(...fitted.getWeights().map((w, i) => max(abs(sub(w, mine[i]!))).item())));
console.log(`largest difference between the two models' weights: ${largest}`);
