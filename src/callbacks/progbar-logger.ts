/** ProgbarLogger: Keras-style progress of `fit` — a live bar on a terminal, one line per epoch elsewhere. */
import { checkOptions, optionKeys } from '../core/options.js';
import { Callback, type Logs } from './callback.js';

/**
 * Where progress goes. An interactive display redraws one live line (a terminal); a plain one
 * only prints whole lines (a log file, a pipe, the browser console).
 */
export interface ProgressDisplay {
  /** Whether `update` can redraw a live bar. */
  readonly interactive: boolean;
  /** Prints a whole line. */
  line(text: string): void;
  /** Starts a live bar of `total` steps (undefined when unknown). */
  start(total: number | undefined): void;
  /** Redraws the live bar at `step`, followed by `suffix` (timing and figures). */
  update(step: number, suffix: string): void;
  /** Draws the bar's final state and ends its line. */
  stop(step: number, suffix: string): void;
}

/** Prints whole lines with `console.log`: the default outside Node's terminal. */
export class ConsoleDisplay implements ProgressDisplay {
  readonly interactive = false;
  line(text: string): void {
    console.log(text);
  }
  start(): void {}
  update(): void {}
  stop(): void {}
}

let defaultDisplay: () => ProgressDisplay = () => new ConsoleDisplay();

/** Sets the display `fit` uses for progress (Node's entry point installs a terminal display). */
export function setDefaultProgressDisplay(factory: () => ProgressDisplay): void {
  defaultDisplay = factory;
}

/** Formats a duration in seconds as Keras's progress bar does for the remaining time: `7s`, `1:05`, `1:02:03`. */
export function formatEta(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const pad = (n: number): string => String(n).padStart(2, '0');
  if (s >= 3600) return `${Math.floor(s / 3600)}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
  if (s >= 60) return `${Math.floor(s / 60)}:${pad(s % 60)}`;
  return `${s}s`;
}

/** Formats time per step as Keras does: `2s/step`, `4ms/step` or `350us/step`. */
export function formatPerStep(seconds: number): string {
  if (seconds >= 1) return `${Math.round(seconds)}s/step`;
  if (seconds >= 1e-3) return `${Math.round(seconds * 1e3)}ms/step`;
  return `${Math.round(seconds * 1e6)}us/step`;
}

/** Formats logged figures as Keras does: ` - accuracy: 0.8123 - loss: 0.5012`, keys sorted, tiny values in exponent form. */
export function formatLogs(logs: Logs): string {
  return Object.keys(logs)
    .sort()
    .map((key) => {
      const v = logs[key]!;
      return ` - ${key}: ${Math.abs(v) > 1e-3 || v === 0 || !Number.isFinite(v) ? v.toFixed(4) : v.toExponential(4)}`;
    })
    .join('');
}

/** Options of ProgbarLogger. */
export interface ProgbarLoggerArgs {
  /** 1: live bar on a terminal (one line per epoch elsewhere); 2: one line per epoch. */
  verbose?: number;
  /** Where to print (the platform's default display otherwise). */
  display?: ProgressDisplay;
}

/**
 * Shows training progress like Keras: `Epoch 1/5`, then
 * `1500/1500 ━━━━━━━━━━━━━━━━━━━━ 3s 2ms/step - accuracy: 0.8217 - loss: 0.5055 - val_accuracy: ...`.
 * `fit` adds one automatically unless `verbose` is 0.
 */
export class ProgbarLogger extends Callback {
  readonly verbose: number;
  private readonly display: ProgressDisplay;
  private epochStart = 0;
  private seen = 0;
  private lastLogs: Logs = {};

  constructor(args: ProgbarLoggerArgs = {}) {
    super();
    checkOptions('ProgbarLogger', args, optionKeys<ProgbarLoggerArgs>({ verbose: true, display: true }));
    this.verbose = args.verbose ?? 1;
    this.display = args.display ?? defaultDisplay();
  }

  private get live(): boolean {
    return this.verbose === 1 && this.display.interactive;
  }

  override onEpochBegin(epoch: number): void {
    this.display.line(`Epoch ${epoch + 1}/${this.params.epochs}`);
    this.epochStart = performance.now();
    this.seen = 0;
    this.lastLogs = {};
    if (this.live) this.display.start(this.params.steps);
  }

  override onBatchEnd(batch: number, logs: Logs): void {
    this.seen = batch + 1;
    this.lastLogs = logs;
    if (!this.live) return;
    const elapsed = (performance.now() - this.epochStart) / 1000;
    const perStep = elapsed / this.seen;
    const steps = this.params.steps;
    const timing = steps === undefined ? `${Math.round(elapsed)}s` : formatEta(perStep * (steps - this.seen));
    this.display.update(this.seen, `${timing} ${formatPerStep(perStep)}${formatLogs(logs)}`);
  }

  override onEpochEnd(_epoch: number, logs: Logs): void {
    const elapsed = (performance.now() - this.epochStart) / 1000;
    const perStep = this.seen > 0 ? elapsed / this.seen : 0;
    const figures = formatLogs({ ...this.lastLogs, ...logs });
    if (this.live) this.display.stop(this.seen, `${Math.round(elapsed)}s ${formatPerStep(perStep)}${figures}`);
    else this.display.line(`${this.seen}/${this.params.steps ?? this.seen} - ${Math.round(elapsed)}s - ${formatPerStep(perStep)}${figures}`);
  }
}
