/** History: the callback `fit` always adds, recording each epoch's logs. */
import { Callback, type Logs } from './callback.js';

/**
 * The record of a `fit`: `history.loss[i]` is epoch i's training loss, `history.val_accuracy[i]`
 * its validation accuracy, and so on for every logged figure (Keras's keys).
 *
 * @example
 * const h = await model.fit(x, y, { epochs: 5, validationSplit: 0.2 });
 * h.history.val_loss; // five numbers
 */
export class History extends Callback {
  /** The epochs recorded (counting from `initialEpoch`, from 0). */
  epoch: number[] = [];
  /** Each figure's value per epoch. */
  history: Record<string, number[]> = {};

  override onTrainBegin(): void {
    this.epoch = [];
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const [key, value] of Object.entries(logs)) (this.history[key] ??= []).push(value);
  }
}
