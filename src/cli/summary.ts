/** `strata summary MODEL`: the layer table of a saved model. */
import { loadModel } from '../node/index.js';
import { useBackend } from './backend.js';

/** Runs `strata summary`. */
export async function summaryCommand(path: string): Promise<void> {
  useBackend(undefined);
  (await loadModel(path)).summary();
}
