/** Two small runs logged by the TensorBoard callback with different hyperparameters, for the HParams tests. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as s from '../../src/node/index.js';

/** Trains a small classifier for 2 epochs under a TensorBoard callback logging `hparams` into `logDir`. */
async function trainLogged(logDir: string, hparams: s.board.HParams, units: number): Promise<s.History> {
  s.setSeed(5);
  const x = s.randomUniform([24, 4], 0, 1, { seed: 2 });
  const y = s.tensor(Array.from({ length: 24 }, (_, i) => i % 2), [24], 'int32');
  const model = new s.Sequential({ layers: [s.Input({ shape: [4] }), new s.layers.Dense({ units, activation: 'relu' }), new s.layers.Dense({ units: 2, activation: 'softmax' })] });
  model.compile({ optimizer: new s.SGD({ learningRate: hparams['learning_rate'] as number }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model.fit(x, y, { epochs: 2, batchSize: 8, validationSplit: 0.25, verbose: 0, callbacks: [new s.TensorBoard({ logDir, hparams, histogramFreq: 0 })] });
}

/**
 * Two runs logged with different hyperparameters in a new temporary log directory (`lr-0.1` and
 * `lr-0.01`), both with the hyperparameters `extra` too, and their histories.
 *
 * @example
 * const { dir, histories } = await twoRuns();
 */
export async function twoRuns(extra: s.board.HParams = {}): Promise<{ dir: string; histories: Record<string, s.History> }> {
  const dir = mkdtempSync(join(tmpdir(), 'strata-hparams-'));
  const a = await trainLogged(join(dir, 'lr-0.1'), { learning_rate: 0.1, units: 8, optimizer: 'sgd', shuffle: true, ...extra }, 8);
  const b = await trainLogged(join(dir, 'lr-0.01'), { learning_rate: 0.01, units: 4, optimizer: 'sgd', shuffle: false, ...extra }, 4);
  return { dir, histories: { 'lr-0.1': a, 'lr-0.01': b } };
}
