/** CSVLogger: append each epoch's figures to a CSV file (Node only). */
import { appendFileSync, writeFileSync } from 'node:fs';
import { checkOptions, optionKeys } from '../../core/options.js';
import { Callback, type Logs } from '../callback.js';

/** Options of CSVLogger. */
export interface CSVLoggerArgs {
  /** Field separator (default `,`). */
  separator?: string;
  /** Add to an existing file instead of starting a new one (default false). */
  append?: boolean;
}

/**
 * Writes one row per epoch: `epoch` then every logged figure in sorted order, with a header row.
 *
 * @example
 * new CSVLogger('training.csv');
 */
export class CSVLogger extends Callback {
  readonly separator: string;
  readonly append: boolean;
  private keys: string[] | undefined;

  constructor(
    readonly filename: string,
    args: CSVLoggerArgs = {},
  ) {
    super();
    checkOptions('CSVLogger', args, optionKeys<CSVLoggerArgs>({ separator: true, append: true }));
    this.separator = args.separator ?? ',';
    this.append = args.append ?? false;
  }

  override onTrainBegin(): void {
    this.keys = undefined;
    if (!this.append) writeFileSync(this.filename, '');
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    if (!this.keys) {
      this.keys = Object.keys(logs).sort();
      if (!this.append) appendFileSync(this.filename, `${['epoch', ...this.keys].join(this.separator)}\n`);
    }
    const row = [String(epoch), ...this.keys.map((k) => (logs[k] === undefined ? '' : String(logs[k])))];
    appendFileSync(this.filename, `${row.join(this.separator)}\n`);
  }
}
