/** EarlyStopping: stop training when a monitored figure stops improving, optionally restoring the best weights. */
import { dispose } from '../core/memory.js';
import { checkOptions, optionKeys } from '../core/options.js';
import type { Tensor } from '../core/tensor.js';
import { Callback, type Logs } from './callback.js';
import { Monitor, missingMonitorWarning, type MonitorMode } from './monitor.js';

/** Options of EarlyStopping (Keras's defaults). */
export interface EarlyStoppingArgs {
  /** The figure to watch (default `val_loss`). */
  monitor?: string;
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** Epochs without improvement before stopping (default 0). */
  patience?: number;
  /** 1 prints a line when training stops (default 0). */
  verbose?: number;
  /** Whether the figure should decrease (`min`) or increase (`max`); `auto` guesses from its name. */
  mode?: MonitorMode;
  /** Training stops unless the figure beats this value (default none). */
  baseline?: number;
  /** At the end of training, put back the weights of the best epoch (default false). */
  restoreBestWeights?: boolean;
  /** Epochs to wait before starting to monitor (default 0). */
  startFromEpoch?: number;
}

/**
 * Stops `fit` once the monitored figure has not improved for `patience` epochs. With
 * `restoreBestWeights`, the model ends with the weights of its best epoch.
 *
 * @example
 * const stop = new EarlyStopping({ monitor: 'val_loss', patience: 2, restoreBestWeights: true });
 * await model.fit(x, y, { epochs: 20, validationSplit: 0.2, callbacks: [stop] });
 * stop.stoppedEpoch; // the epoch (from 0) at which training stopped, or 0 if it ran to the end
 */
export class EarlyStopping extends Callback {
  readonly patience: number;
  readonly baseline: number | undefined;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  readonly verbose: number;
  private readonly tracker: Monitor;
  private wait = 0;
  private bestWeights: Tensor[] | undefined;
  /** The epoch (from 0) at which training was stopped; 0 if it was not. */
  stoppedEpoch = 0;
  /** The epoch (from 0) with the best monitored value. */
  bestEpoch = 0;

  constructor(args: EarlyStoppingArgs = {}) {
    super();
    checkOptions('EarlyStopping', args, optionKeys<EarlyStoppingArgs>({ monitor: true, minDelta: true, patience: true, verbose: true, mode: true, baseline: true, restoreBestWeights: true, startFromEpoch: true }));
    this.tracker = new Monitor('EarlyStopping', args.monitor ?? 'val_loss', args.mode ?? 'auto', args.minDelta ?? 0);
    this.patience = args.patience ?? 0;
    this.baseline = args.baseline;
    this.restoreBestWeights = args.restoreBestWeights ?? false;
    this.startFromEpoch = args.startFromEpoch ?? 0;
    this.verbose = args.verbose ?? 0;
  }

  /** The monitored figure's name. */
  get monitor(): string {
    return this.tracker.monitor;
  }

  /** The best value seen. */
  get best(): number {
    return this.tracker.best;
  }

  override onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.bestEpoch = 0;
    this.tracker.reset();
    this.replaceBestWeights(undefined);
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    const current = this.tracker.read(logs);
    if (current === undefined) {
      console.warn(missingMonitorWarning('EarlyStopping', this.monitor, logs));
      return;
    }
    if (epoch < this.startFromEpoch) return;
    // Keep the first epoch's weights so that something is restored even if nothing ever improves.
    if (this.restoreBestWeights && !this.bestWeights) this.replaceBestWeights(this.trainedModel.getWeights());
    this.wait++;
    if (this.tracker.isImprovement(current)) {
      this.tracker.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.replaceBestWeights(this.trainedModel.getWeights());
      if (this.baseline === undefined || this.tracker.isImprovement(current, this.baseline)) {
        this.wait = 0;
        return;
      }
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.trainedModel.stopTraining = true;
    }
  }

  override onTrainEnd(): void {
    if (this.stoppedEpoch > 0 && this.verbose > 0) console.log(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    if (this.restoreBestWeights && this.bestWeights) {
      if (this.verbose > 0) console.log(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
      this.trainedModel.setWeights(this.bestWeights);
      this.replaceBestWeights(undefined);
    }
  }

  private replaceBestWeights(weights: Tensor[] | undefined): void {
    if (this.bestWeights) dispose(this.bestWeights);
    this.bestWeights = weights;
  }
}
