/**
 * What Strata promises when things go wrong, shown by doing them wrong on purpose: a typo in an
 * option, NaN in the data, a damaged file, a file that declares a huge size, and a model freed with
 * dispose(). Each prints the error (class and message) or the figures that show the promise kept.
 */
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  LimitError, Sequential, StrataError, ValueError, layers, loadModel, memory, randomNormal, relu, setSeed, tensor, tidy,
} from '../src/node/index.js';

setSeed(1);
const dir = mkdtempSync(join(tmpdir(), 'strata-reliability-'));

/** Runs `fn` and prints the typed error it throws as `ClassName: message`. */
async function showError(fn: () => unknown): Promise<void> {
  try {
    await fn();
    console.log('(no error)');
  } catch (e) {
    if (!(e instanceof StrataError)) throw e;
    console.log(`${e.name}: ${e.message}`);
  }
}

// 1. A typo in an option is an error, not a silent default.
const model = new Sequential([layers.dense({ units: 16, activation: 'relu', inputShape: [4] }), layers.dense({ units: 3, activation: 'softmax' })]);
await showError(() => model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrcs: ['accuracy'] } as never));
model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });

// 2. NaN propagates: relu(NaN) is NaN, never a plausible 0.
console.log('relu([NaN, -1, 2]) =', Array.from(tidy(() => relu(tensor([NaN, -1, 2]))).dataSync()));

// 3. A bit flipped in a saved model is caught by its checksum; the error names the file and the section.
const x = randomNormal([64, 4]);
const y = tensor(Array.from({ length: 64 }, (_, i) => i % 3), [64], 'int32');
await model.fit(x, y, { epochs: 2, verbose: 0 });
const path = join(dir, 'model.strata');
await model.save(path);
const damaged = readFileSync(path);
damaged[damaged.length - 5]! ^= 0x10;
const damagedPath = join(dir, 'damaged.strata');
writeFileSync(damagedPath, damaged);
await showError(() => loadModel(damagedPath));

// 4. Sizes are checked before anything is allocated, against caps that one call can raise.
await showError(() => loadModel(path, { limits: { maxTensorBytes: 100 } }));
const loaded = await loadModel(path, { limits: { maxTensorBytes: 1024 ** 2 } });
console.log('loaded with a raised cap:', loaded.countParams(), 'parameters');
console.log('a LimitError is a ValueError too:', LimitError.prototype instanceof ValueError);

// 5. Re-saving keeps the file's permissions (the save is atomic: a temporary file, then a rename).
chmodSync(path, 0o600);
await loaded.save(path);
console.log('mode after re-saving:', (statSync(path).mode & 0o777).toString(8));

// 6. A model owns its weights and its optimizer's state until dispose(); everything else frees itself.
const before = memory().numTensors;
const again = await loadModel(path);
await again.evaluate(x, y);
console.log('tensors held by the loaded model:', memory().numTensors - before);
again.dispose();
console.log('after dispose():', memory().numTensors - before);
await showError(() => again.predict(x));
