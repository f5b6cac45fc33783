/** `strata summary MODEL`: the layer table of a saved model. */
import { loadModel } from '../node/index.js';

/** Runs `strata summary`. */
export async function summaryCommand(path: string): Promise<void> {
  (await loadModel(path)).summary();
}
