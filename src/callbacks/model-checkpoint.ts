/** ModelCheckpoint: save the model (or its weights) after epochs, optionally only when a monitored figure improves. */
import { ValueError } from '../core/errors.js';
import { checkOptions, optionKeys } from '../core/options.js';
import { Callback, type Logs } from './callback.js';
import { Monitor, missingMonitorWarning, type MonitorMode } from './monitor.js';

/** Options of ModelCheckpoint (Keras's defaults). */
export interface ModelCheckpointArgs {
  /**
   * Where to save. May hold placeholders filled at save time: `{epoch}` (counting from 1),
   * any logged figure (`{val_loss}`), with Python-style formats: `{epoch:02d}`, `{val_loss:.4f}`.
   * `{{` and `}}` stand for literal braces, as in Python (`literalFilepath` escapes a whole path).
   */
  filepath: string;
  /** The figure that decides the best epoch (default `val_loss`). */
  monitor?: string;
  /** 1 prints a line at each save (default 0). */
  verbose?: number;
  /** Save only when the monitored figure improves on the best so far (default false). */
  saveBestOnly?: boolean;
  /** Save the weights alone instead of the whole model (default false). */
  saveWeightsOnly?: boolean;
  /** Whether the figure should decrease or increase; `auto` guesses from its name. */
  mode?: MonitorMode;
  /** Save every epoch (`'epoch'`, the default) or every N batches. */
  saveFreq?: 'epoch' | number;
  /** With saveBestOnly, the value the first save must beat (default none). */
  initialValueThreshold?: number;
}

/**
 * Fills `{name}` and `{name:format}` placeholders from `values`; formats follow Python's
 * `02d` (zero-padded integer), `.4f` (fixed decimals) and `.3e` (exponent). `{{` and `}}` are
 * literal braces.
 *
 * @example
 * formatFilepath('ckpt-{epoch:02d}-{val_loss:.2f}.strata', { epoch: 3, val_loss: 0.41234 }); // 'ckpt-03-0.41.strata'
 * formatFilepath('{{run}}-{epoch}.strata', { epoch: 3 }); // '{run}-3.strata'
 */
export function formatFilepath(template: string, values: Logs): string {
  return template.replace(/\{\{|\}\}|\{(\w+)(?::([^}]*))?\}/g, (whole: string, key: string | undefined, format: string | undefined) => {
    if (key === undefined) return whole[0]!;
    const value = values[key];
    if (value === undefined) {
      throw new ValueError(`ModelCheckpoint: the filepath '${template}' names {${key}}, which is not among the logged figures (${Object.keys(values).join(', ')}).`);
    }
    const m = /^(0?)(\d*)(?:\.(\d+))?([dfe]?)$/.exec(format ?? '');
    if (!m) throw new ValueError(`ModelCheckpoint: unsupported format '{${key}:${format}}' in '${template}'; use forms like {epoch:02d} or {val_loss:.4f}.`);
    const [, zero, width, precision, type] = m;
    let text = type === 'd' ? String(Math.round(value)) : type === 'e' ? value.toExponential(Number(precision ?? 6)) : type === 'f' || precision ? value.toFixed(Number(precision ?? 6)) : String(value);
    if (width) text = text.padStart(Number(width), zero ? '0' : ' ');
    return text;
  });
}

/**
 * `path` with its braces doubled, so that `formatFilepath` gives it back unchanged: for a path
 * chosen by a user that must not be read as a template.
 *
 * @example
 * new ModelCheckpoint({ filepath: literalFilepath('runs/{draft}/best.strata') }); // saves to runs/{draft}/best.strata
 */
export function literalFilepath(path: string): string {
  return path.replace(/[{}]/g, '$&$&');
}

/**
 * Saves the model during training, so that the best (or every) epoch survives a crash.
 *
 * @example
 * new ModelCheckpoint({ filepath: 'best.strata', monitor: 'val_accuracy', saveBestOnly: true });
 */
export class ModelCheckpoint extends Callback {
  readonly filepath: string;
  readonly saveBestOnly: boolean;
  readonly saveWeightsOnly: boolean;
  readonly saveFreq: 'epoch' | number;
  readonly verbose: number;
  private readonly tracker: Monitor;
  private readonly initialValueThreshold: number | undefined;
  private batchesSinceSave = 0;
  private currentEpoch = 0;
  /** The paths written, in order. */
  readonly savedPaths: string[] = [];

  constructor(args: ModelCheckpointArgs) {
    super();
    checkOptions('ModelCheckpoint', args, optionKeys<ModelCheckpointArgs>({ filepath: true, monitor: true, verbose: true, saveBestOnly: true, saveWeightsOnly: true, mode: true, saveFreq: true, initialValueThreshold: true }));
    if (typeof args?.filepath !== 'string' || args.filepath === '') throw new ValueError('ModelCheckpoint: filepath must be a non-empty string.');
    if (args.saveFreq !== undefined && args.saveFreq !== 'epoch' && !(Number.isInteger(args.saveFreq) && args.saveFreq > 0)) {
      throw new ValueError(`ModelCheckpoint: saveFreq must be 'epoch' or a positive integer number of batches, got ${String(args.saveFreq)}.`);
    }
    this.filepath = args.filepath;
    this.tracker = new Monitor('ModelCheckpoint', args.monitor ?? 'val_loss', args.mode ?? 'auto', 0);
    this.saveBestOnly = args.saveBestOnly ?? false;
    this.saveWeightsOnly = args.saveWeightsOnly ?? false;
    this.saveFreq = args.saveFreq ?? 'epoch';
    this.verbose = args.verbose ?? 0;
    this.initialValueThreshold = args.initialValueThreshold;
  }

  /** The best monitored value so far. */
  get best(): number {
    return this.tracker.best;
  }

  override onTrainBegin(): void {
    this.tracker.reset();
    if (this.initialValueThreshold !== undefined) this.tracker.best = this.initialValueThreshold;
    this.batchesSinceSave = 0;
  }

  override onEpochBegin(epoch: number): void {
    this.currentEpoch = epoch;
  }

  override async onBatchEnd(_batch: number, logs: Logs): Promise<void> {
    if (this.saveFreq === 'epoch') return;
    if (++this.batchesSinceSave >= this.saveFreq) {
      this.batchesSinceSave = 0;
      await this.maybeSave(this.currentEpoch, logs);
    }
  }

  override async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    if (this.saveFreq === 'epoch') await this.maybeSave(epoch, logs);
  }

  private async maybeSave(epoch: number, logs: Logs): Promise<void> {
    const path = formatFilepath(this.filepath, { ...logs, epoch: epoch + 1 });
    if (this.saveBestOnly) {
      const current = this.tracker.read(logs);
      if (current === undefined) {
        console.warn(missingMonitorWarning('ModelCheckpoint', this.tracker.monitor, logs));
        return;
      }
      if (!this.tracker.isImprovement(current)) {
        if (this.verbose > 0) console.log(`Epoch ${epoch + 1}: ${this.tracker.monitor} did not improve from ${this.tracker.best.toFixed(5)}`);
        return;
      }
      if (this.verbose > 0) console.log(`Epoch ${epoch + 1}: ${this.tracker.monitor} improved from ${this.tracker.best.toFixed(5)} to ${current.toFixed(5)}, saving model to ${path}`);
      this.tracker.best = current;
    } else if (this.verbose > 0) {
      console.log(`Epoch ${epoch + 1}: saving model to ${path}`);
    }
    const model = this.trainedModel;
    const save = this.saveWeightsOnly ? model.saveWeights : model.save;
    if (!save) throw new ValueError(`ModelCheckpoint: this model cannot be saved to '${path}' (no ${this.saveWeightsOnly ? 'saveWeights' : 'save'} method).`);
    await save.call(model, path);
    this.savedPaths.push(path);
  }
}
