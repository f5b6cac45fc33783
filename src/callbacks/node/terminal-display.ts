/** Progress on Node's standard output: a live Keras-style bar (drawn by cli-progress) on a terminal, whole lines otherwise. */
import cliProgress from 'cli-progress';
import type { ProgressDisplay } from '../progbar-logger.js';

const BAR_WIDTH = 20;

/** A display writing to `stream` (standard output by default). */
export class TerminalDisplay implements ProgressDisplay {
  readonly interactive: boolean;
  private bar: cliProgress.SingleBar | undefined;
  private totalWidth = 0;

  constructor(private readonly stream: NodeJS.WriteStream = process.stdout) {
    this.interactive = stream.isTTY === true;
  }

  line(text: string): void {
    this.stream.write(`${text}\n`);
  }

  start(total: number | undefined): void {
    this.totalWidth = String(total ?? '').length;
    this.bar = new cliProgress.SingleBar({
      stream: this.stream,
      format: total === undefined ? '{value}/Unknown {suffix}' : '{value}/{total} {bar} {suffix}',
      barsize: BAR_WIDTH,
      barCompleteChar: '━',
      barIncompleteChar: '━',
      // Keras draws the whole bar with one character: done in bright, to do in dim.
      formatBar: (progress: number) => {
        const done = Math.round(Math.min(Math.max(progress, 0), 1) * BAR_WIDTH);
        return `\x1b[1m${'━'.repeat(done)}\x1b[0m\x1b[2m${'━'.repeat(BAR_WIDTH - done)}\x1b[0m`;
      },
      formatValue: (value: number, _options: unknown, type: string) => (type === 'value' ? String(value).padStart(this.totalWidth) : String(value)),
      hideCursor: true,
      linewrap: false,
      fps: 10,
      clearOnComplete: false,
      stopOnComplete: false,
    });
    this.bar.start(total ?? 0, 0, { suffix: '' });
  }

  update(step: number, suffix: string): void {
    this.bar?.update(step, { suffix });
  }

  stop(step: number, suffix: string): void {
    this.bar?.update(step, { suffix });
    this.bar?.stop();
    this.bar = undefined;
  }
}
