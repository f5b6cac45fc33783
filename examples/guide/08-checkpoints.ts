/** Guide, step 8: early stopping, checkpoints, saving and loading. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EarlyStopping, ModelCheckpoint, Sequential, layers, loadModel } from '../../src/node/index.js';
import { f4, loadLesson } from './lesson-data.js';

const EPOCHS = Number(process.env.STRATA_GUIDE_EPOCHS ?? 20);
const { xTrain, yTrain, xVal, yVal, xTest, yTest } = await loadLesson();
const dir = mkdtempSync(join(tmpdir(), 'strata-guide-'));

const model = new Sequential({
  layers: [
    new layers.Flatten({ inputShape: [28, 28] }),
    new layers.Dense({ units: 100, activation: 'relu' }),
    new layers.Dropout({ rate: 0.3 }),
    new layers.Dense({ units: 10, activation: 'softmax' }),
  ],
});
model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
const stop = new EarlyStopping({ monitor: 'val_loss', patience: 2, restoreBestWeights: true });
const checkpoint = new ModelCheckpoint({ filepath: join(dir, 'best.strata'), monitor: 'val_loss', saveBestOnly: true });
const history = await model.fit(xTrain, yTrain, { epochs: EPOCHS, validationData: [xVal, yVal], verbose: 0, callbacks: [stop, checkpoint] });

const epochs = history.epoch.length;
console.log(`trained ${epochs} epochs${stop.stoppedEpoch > 0 ? `, stopped early after epoch ${stop.stoppedEpoch + 1}` : ''}; best epoch ${stop.bestEpoch + 1}`);
console.log(`best val_loss ${f4(stop.best)}; the checkpoint was written ${checkpoint.savedPaths.length} times`);

const restored = await loadModel(join(dir, 'best.strata'));
const [, accModel] = await model.evaluate(xTest, yTest);
const [, accFile] = await restored.evaluate(xTest, yTest);
console.log(`test accuracy: model in memory ${f4(accModel!)}, model loaded from the checkpoint ${f4(accFile!)}`);
