#!/usr/bin/env node
/**
 * A standalone command for the board until `strata` wires it: `board --logdir DIR [--port N]
 * [--host H]` serves the dashboard, `plot RUN [--metric M] --out FILE` draws a metric (Node only).
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { plotRun } from './plot.js';
import { runBoard, type Board } from './server.js';

const USAGE = `usage:
  board-cli board --logdir DIR [--port 6006] [--host 127.0.0.1]
  board-cli plot RUN [--metric loss] --out FILE.png|FILE.svg [--font FILE.ttf]`;

/** Runs `board` or `plot` with command-line arguments; resolves with the board while it serves, or with nothing once the plot is written. */
export async function boardMain(argv: readonly string[], log: (line: string) => void = console.log): Promise<Board | undefined> {
  const [command, ...rest] = argv;
  if (command === 'board') {
    const { values } = parseArgs({ args: [...rest], options: { logdir: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' } } });
    if (!values.logdir) throw new Error(`--logdir is required.\n${USAGE}`);
    const board = await runBoard({ logDir: values.logdir, host: values.host, port: values.port === undefined ? undefined : Number(values.port) });
    log(`Strata Board serving ${values.logdir} at ${board.url} (Ctrl+C to stop)`);
    return board;
  }
  if (command === 'plot') {
    const { values, positionals } = parseArgs({ args: [...rest], allowPositionals: true, options: { metric: { type: 'string' }, out: { type: 'string' }, font: { type: 'string' } } });
    if (positionals.length !== 1 || !values.out) throw new Error(`plot needs one RUN and --out.\n${USAGE}`);
    const result = await plotRun({ run: positionals[0]!, metric: values.metric, out: values.out, font: values.font });
    log(`wrote ${result.out}: ${result.tag} of ${result.series.map((s) => s.name).join(', ')}`);
    return undefined;
  }
  throw new Error(USAGE);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  boardMain(process.argv.slice(2)).then(
    (board) => {
      if (board) process.once('SIGINT', () => void board.close().then(() => process.exit(0)));
    },
    (e: Error) => {
      console.error(e.message);
      process.exit(1);
    },
  );
}
