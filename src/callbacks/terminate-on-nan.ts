/** TerminateOnNaN: stop training as soon as the loss becomes NaN or infinite. */
import { Callback, type Logs } from './callback.js';

/**
 * Stops `fit` after the first batch whose loss is NaN or infinite.
 *
 * @example
 * await model.fit(x, y, { callbacks: [new TerminateOnNaN()] });
 */
export class TerminateOnNaN extends Callback {
  override onBatchEnd(batch: number, logs: Logs): void {
    const loss = logs.loss;
    if (loss !== undefined && !Number.isFinite(loss)) {
      console.log(`Batch ${batch}: Invalid loss, terminating training`);
      this.trainedModel.stopTraining = true;
    }
  }
}
