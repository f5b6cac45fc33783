/** TerminateOnNaN: stop training as soon as the loss becomes NaN or infinite. */
import { checkOptions, optionKeys } from '../core/options.js';
import { Callback, type Logs } from './callback.js';

/** Options of TerminateOnNaN. */
export interface TerminateOnNaNArgs {
  /** 1 prints a line when training stops, as Keras does (default 1); 0 is silent. */
  verbose?: number;
}

const TERMINATE_ON_NAN_KEYS = optionKeys<TerminateOnNaNArgs>({ verbose: true });

/** Where a loss stopped being finite: the epoch and batch (from 0, as the hooks count) and the loss logged there. */
export interface NonFiniteLoss {
  epoch: number;
  batch: number;
  loss: number;
}

/**
 * Stops `fit` after the first batch whose loss is NaN or infinite, and records where.
 *
 * @example
 * const guard = new TerminateOnNaN();
 * await model.fit(x, y, { epochs: 10, callbacks: [guard] });
 * if (guard.stoppedAt) console.log(`diverged at epoch ${guard.stoppedAt.epoch + 1}`);
 */
export class TerminateOnNaN extends Callback {
  readonly verbose: number;
  /** Where the loss became NaN or infinite in the last `fit`; undefined while it stayed finite. */
  stoppedAt: NonFiniteLoss | undefined;
  private epoch = 0;

  constructor(args: TerminateOnNaNArgs = {}) {
    super();
    checkOptions('TerminateOnNaN', args, TERMINATE_ON_NAN_KEYS);
    this.verbose = args.verbose ?? 1;
  }

  override onTrainBegin(): void {
    this.stoppedAt = undefined;
  }

  override onEpochBegin(epoch: number): void {
    this.epoch = epoch;
  }

  override onBatchEnd(batch: number, logs: Logs): void {
    const loss = logs.loss;
    if (loss !== undefined && !Number.isFinite(loss)) {
      if (this.verbose > 0) console.log(`Batch ${batch}: Invalid loss, terminating training`);
      this.stoppedAt ??= { epoch: this.epoch, batch, loss };
      this.trainedModel.stopTraining = true;
    }
  }
}
