/** `strata board` and `strata plot`: Strata Board's dashboard and its plots, from the command line. */
import { plotRun, runBoard } from '../node/index.js';

/** The options of `strata board`, as parsed. */
export interface BoardOptions {
  logdir: string;
  port: number;
  host: string;
}

/** Runs `strata board`: serves the dashboard until the process is interrupted. */
export async function boardCommand(options: BoardOptions): Promise<void> {
  const board = await runBoard({ logDir: options.logdir, port: options.port, host: options.host });
  process.stdout.write(`Strata Board serving ${options.logdir} at ${board.url} (Ctrl+C to stop)\n`);
  await new Promise<void>((resolve) => process.once('SIGINT', () => void board.close().then(resolve)));
}

/** The options of `strata plot`, as parsed. */
export interface PlotOptions {
  metric: string;
  out: string;
  font?: string;
}

/** Runs `strata plot`: draws one logged figure of a run to a PNG or SVG file. */
export async function plotCommand(run: string, options: PlotOptions): Promise<void> {
  const result = await plotRun({ run, metric: options.metric, out: options.out, font: options.font });
  process.stdout.write(`Wrote ${result.out}: ${result.tag} of ${result.series.map((s) => s.name).join(', ')}\n`);
}
