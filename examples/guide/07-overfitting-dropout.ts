/** Guide, step 7: loss curves on training and validation data, overfitting, and dropout. */
import { Sequential, layers, setSeed } from '../../src/node/index.js';
import { f4, loadLesson } from './lesson-data.js';

const EPOCHS = Number(process.env.STRATA_GUIDE_EPOCHS ?? 20);
const { xTrain, yTrain, xVal, yVal } = await loadLesson();

async function curves(dropout: number): Promise<{ loss: number[]; val_loss: number[] }> {
  setSeed(7);
  const model = new Sequential({
    layers: [
      new layers.Flatten({ inputShape: [28, 28] }),
      new layers.Dense({ units: 100, activation: 'relu' }),
      ...(dropout > 0 ? [new layers.Dropout({ rate: dropout })] : []),
      new layers.Dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const h = await model.fit(xTrain, yTrain, { epochs: EPOCHS, validationData: [xVal, yVal], verbose: 0 });
  return { loss: h.history.loss!, val_loss: h.history.val_loss! };
}

const plain = await curves(0);
const dropped = await curves(0.3);
console.log('        without dropout       with Dropout(0.3)');
console.log('epoch   loss    val_loss      loss    val_loss');
plain.loss.forEach((_, i) =>
  console.log(`${String(i + 1).padStart(5)}   ${f4(plain.loss[i]!)}  ${f4(plain.val_loss[i]!)}        ${f4(dropped.loss[i]!)}  ${f4(dropped.val_loss[i]!)}`),
);
const best = (v: number[]): string => `${f4(Math.min(...v))} at epoch ${v.indexOf(Math.min(...v)) + 1}`;
console.log(`lowest val_loss without dropout: ${best(plain.val_loss)}; with dropout: ${best(dropped.val_loss)}`);
