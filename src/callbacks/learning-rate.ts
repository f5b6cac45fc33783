/** Callbacks that change the optimizer's learning rate: ReduceLROnPlateau and LearningRateScheduler. */
import { ValueError } from '../core/errors.js';
import { checkOptions, optionKeys } from '../core/options.js';
import { Callback, type CallbackModel, type Logs } from './callback.js';
import { Monitor, missingMonitorWarning, type MonitorMode } from './monitor.js';

function currentRate(owner: string, model: CallbackModel): number {
  const optimizer = model.optimizer;
  if (!optimizer) throw new ValueError(`${owner}: the model has no optimizer; call compile() first.`);
  if (typeof optimizer.learningRate !== 'number') {
    throw new ValueError(`${owner}: the optimizer's learning rate is a schedule; ${owner} needs a plain number (do not combine it with a LearningRateSchedule).`);
  }
  return optimizer.learningRate;
}

function setRate(model: CallbackModel, rate: number): void {
  (model.optimizer as { learningRate: number }).learningRate = rate;
}

/** Options of ReduceLROnPlateau (Keras's defaults). */
export interface ReduceLROnPlateauArgs {
  /** The figure to watch (default `val_loss`). */
  monitor?: string;
  /** The rate is multiplied by this when the figure stalls (default 0.1; must be below 1). */
  factor?: number;
  /** Epochs without improvement before reducing (default 10). */
  patience?: number;
  /** 1 prints a line at each reduction (default 0). */
  verbose?: number;
  mode?: MonitorMode;
  /** Smallest change that counts as an improvement (default 1e-4). */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again (default 0). */
  cooldown?: number;
  /** The rate never goes below this (default 0). */
  minLr?: number;
}

/**
 * Divides the learning rate when the monitored figure stops improving.
 *
 * @example
 * new ReduceLROnPlateau({ monitor: 'val_loss', factor: 0.5, patience: 2 });
 */
export class ReduceLROnPlateau extends Callback {
  readonly factor: number;
  readonly patience: number;
  readonly cooldown: number;
  readonly minLr: number;
  readonly verbose: number;
  private readonly tracker: Monitor;
  private wait = 0;
  private cooldownCounter = 0;

  constructor(args: ReduceLROnPlateauArgs = {}) {
    super();
    checkOptions('ReduceLROnPlateau', args, optionKeys<ReduceLROnPlateauArgs>({ monitor: true, factor: true, patience: true, verbose: true, mode: true, minDelta: true, cooldown: true, minLr: true }));
    this.factor = args.factor ?? 0.1;
    if (!(this.factor < 1) || this.factor <= 0) throw new ValueError(`ReduceLROnPlateau: factor must be in (0, 1), got ${this.factor}; it multiplies the learning rate.`);
    this.tracker = new Monitor('ReduceLROnPlateau', args.monitor ?? 'val_loss', args.mode ?? 'auto', args.minDelta ?? 1e-4);
    this.patience = args.patience ?? 10;
    this.cooldown = args.cooldown ?? 0;
    this.minLr = args.minLr ?? 0;
    this.verbose = args.verbose ?? 0;
  }

  override onTrainBegin(): void {
    this.tracker.reset();
    this.wait = 0;
    this.cooldownCounter = 0;
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    const rate = currentRate('ReduceLROnPlateau', this.trainedModel);
    logs.learning_rate = rate;
    const current = this.tracker.read(logs);
    if (current === undefined) {
      console.warn(missingMonitorWarning('ReduceLROnPlateau', this.tracker.monitor, logs));
      return;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.wait = 0;
    }
    if (this.tracker.isImprovement(current)) {
      this.tracker.best = current;
      this.wait = 0;
    } else if (this.cooldownCounter === 0 && ++this.wait >= this.patience && rate > this.minLr) {
      const reduced = Math.max(rate * this.factor, this.minLr);
      setRate(this.trainedModel, reduced);
      if (this.verbose > 0) console.log(`Epoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${reduced}.`);
      this.cooldownCounter = this.cooldown;
      this.wait = 0;
    }
  }
}

/**
 * Sets the learning rate at the start of every epoch from `schedule(epoch, currentRate)`.
 *
 * @example
 * new LearningRateScheduler((epoch, lr) => (epoch < 10 ? lr : lr * Math.exp(-0.1)));
 */
export class LearningRateScheduler extends Callback {
  constructor(
    readonly schedule: (epoch: number, learningRate: number) => number,
    readonly verbose = 0,
  ) {
    super();
  }

  override onEpochBegin(epoch: number): void {
    const rate = this.schedule(epoch, currentRate('LearningRateScheduler', this.trainedModel));
    if (typeof rate !== 'number' || !Number.isFinite(rate)) {
      throw new ValueError(`LearningRateScheduler: the schedule must return a finite number, got ${String(rate)} for epoch ${epoch}.`);
    }
    setRate(this.trainedModel, rate);
    if (this.verbose > 0) console.log(`Epoch ${epoch + 1}: LearningRateScheduler setting learning rate to ${rate}.`);
  }

  override onEpochEnd(_epoch: number, logs: Logs): void {
    logs.learning_rate = currentRate('LearningRateScheduler', this.trainedModel);
  }
}
