/** Tracking the best value of a monitored figure: shared by EarlyStopping, ModelCheckpoint and ReduceLROnPlateau. */
import { ValueError } from '../core/errors.js';
import type { Logs } from './callback.js';

/** Whether larger or smaller is better; `auto` picks max for accuracy-like names, min otherwise. */
export type MonitorMode = 'auto' | 'min' | 'max';

/** The monitored figure and how to compare it. */
export class Monitor {
  readonly monitor: string;
  readonly mode: 'min' | 'max';
  readonly minDelta: number;
  /** The best value seen so far (±Infinity before the first). */
  best: number;

  constructor(owner: string, monitor: string, mode: MonitorMode, minDelta: number) {
    if (!['auto', 'min', 'max'].includes(mode)) throw new ValueError(`${owner}: mode must be 'auto', 'min' or 'max', got '${mode}'.`);
    this.monitor = monitor;
    const maxLike = /acc|auc|precision|recall|f1|fmeasure/.test(monitor);
    this.mode = mode === 'auto' ? (maxLike ? 'max' : 'min') : mode;
    this.minDelta = Math.abs(minDelta);
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  /** Forgets the best value. */
  reset(): void {
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  /** The monitored value in `logs`, or undefined (with the available keys, for a warning) when missing. */
  read(logs: Logs): number | undefined {
    const v = logs[this.monitor];
    return typeof v === 'number' ? v : undefined;
  }

  /**
   * True when `value` beats `reference` (the best by default) by more than minDelta. A NaN or
   * infinite value is never an improvement: a diverging run must not become the best epoch that
   * EarlyStopping restores or ModelCheckpoint saves over a good file.
   */
  isImprovement(value: number, reference = this.best): boolean {
    if (!Number.isFinite(value)) return false;
    return this.mode === 'min' ? value + this.minDelta < reference : value - this.minDelta > reference;
  }
}

/** The warning callbacks print when the monitored figure is not logged. */
export function missingMonitorWarning(owner: string, monitor: string, logs: Logs): string {
  return `${owner}: '${monitor}' is not among the logged figures (${Object.keys(logs).join(', ') || 'none'}); nothing is monitored. Validation figures need validationData or validationSplit.`;
}
