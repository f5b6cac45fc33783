/**
 * Reproduces the Fashion-MNIST lesson's published Keras figures with `strata train`: each row
 * runs the command (as a user would, with --json), and the table compares the validation
 * accuracy with Keras's and with the threshold Strata must reach. Exits 1 if a row misses it.
 *
 *   npm run reproduce                      the full lesson: 48,000 / 12,000 images
 *   npm run reproduce -- --train-size 6000 --val-size 1000 --test-size 1000 --epochs 2
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** One model of the lesson and the figure Keras published for it. */
export interface ReproduceRow {
  /** `strata train --model` preset. */
  model: string;
  /** What it is, for the table. */
  label: string;
  /** Keras's published validation accuracy. */
  keras: number;
  /** What Strata must reach. */
  threshold: number;
  /** Which epoch's validation accuracy is compared: the last one, or the best one that early stopping restores. */
  epoch: 'last' | 'best';
}

/** The lesson's three published figures (5 epochs, or up to 20 with early stopping). */
export const ROWS: ReproduceRow[] = [
  { model: 'softmax', label: 'Dense(10, softmax), RMSprop, 5 epochs', keras: 0.8458, threshold: 0.84, epoch: 'last' },
  { model: 'relu', label: 'Dense(100, relu) → Dense(10), Adam, 5 epochs', keras: 0.8726, threshold: 0.87, epoch: 'last' },
  { model: 'dropout', label: '+ Dropout(0.3), Adam, early stopping (≤ 20 epochs)', keras: 0.8859, threshold: 0.88, epoch: 'best' },
];

/** The sizes and seed of a run; epochs overrides each model's own. */
export interface ReproduceArgs {
  trainSize?: number;
  valSize?: number;
  testSize?: number;
  epochs?: number;
  seed?: number;
  /** Show the command's progress (its standard error) while it runs. */
  progress?: boolean;
}

/** The JSON document `strata train --json` prints, as far as the table needs it. */
export interface TrainReport {
  options: { epochs: number; trainSize: number; valSize: number; testSize: number; seed: number };
  history: { val_accuracy: number[]; val_loss: number[] };
  epochSeconds: number[];
  bestEpoch: number;
  validation: { accuracy: number };
  test: { accuracy: number };
  backend: string;
  threads: number;
}

/** One measured row. */
export interface ReproduceResult {
  row: ReproduceRow;
  report: TrainReport;
  /** The validation accuracy compared with Keras's. */
  valAccuracy: number;
  passed: boolean;
}

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

/** Runs `strata train --json` for one row and returns its report. */
export async function runRow(row: ReproduceRow, args: ReproduceArgs = {}): Promise<ReproduceResult> {
  const output = mkdtempSync(join(tmpdir(), 'strata-reproduce-'));
  const flags = [
    'train', '--json', '--model', row.model, '--output', output, '--seed', String(args.seed ?? 42),
    ...(args.trainSize ? ['--train-size', String(args.trainSize)] : []),
    ...(args.valSize ? ['--val-size', String(args.valSize)] : []),
    ...(args.testSize ? ['--test-size', String(args.testSize)] : []),
    ...(args.epochs ? ['--epochs', String(args.epochs)] : []),
  ];
  try {
    const stdout = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...flags], { stdio: ['ignore', 'pipe', args.progress ? 'inherit' : 'pipe'] });
      let out = '';
      let err = '';
      child.stdout!.on('data', (d: Buffer) => (out += d));
      child.stderr?.on('data', (d: Buffer) => (err += d));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`strata ${flags.join(' ')} exited with ${code}: ${err.trim().split('\n').pop()}`))));
    });
    const report = JSON.parse(stdout) as TrainReport;
    const val = report.history.val_accuracy;
    const valAccuracy = row.epoch === 'last' ? val[val.length - 1]! : report.validation.accuracy;
    return { row, report, valAccuracy, passed: valAccuracy >= row.threshold };
  } finally {
    rmSync(output, { recursive: true, force: true });
  }
}

/** The results as a markdown table. */
export function table(results: ReproduceResult[]): string {
  const lines = [
    '| model (`--model`) | Keras val_accuracy | threshold | Strata val_accuracy | Strata test accuracy | epochs run | s / epoch | result |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const { row, report, valAccuracy, passed } of results) {
    const seconds = report.epochSeconds.reduce((a, b) => a + b, 0) / report.epochSeconds.length;
    const epochs = row.epoch === 'best' ? `${report.history.val_loss.length} (best ${report.bestEpoch})` : String(report.history.val_loss.length);
    lines.push(
      `| ${row.label} (\`${row.model}\`) | ${row.keras.toFixed(4)} | ≥ ${row.threshold.toFixed(2)} | ${valAccuracy.toFixed(4)} | ${report.test.accuracy.toFixed(4)} | ${epochs} | ${seconds.toFixed(1)} | ${passed ? 'pass' : 'FAIL'} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'train-size': { type: 'string' },
      'val-size': { type: 'string' },
      'test-size': { type: 'string' },
      epochs: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  const num = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v));
  const args: ReproduceArgs = {
    trainSize: num(values['train-size']), valSize: num(values['val-size']), testSize: num(values['test-size']),
    epochs: num(values.epochs), seed: num(values.seed), progress: true,
  };
  const results: ReproduceResult[] = [];
  for (const row of ROWS) {
    process.stderr.write(`\n== ${row.label}\n`);
    results.push(await runRow(row, args));
  }
  const first = results[0]!.report;
  console.log(`Date: ${new Date().toISOString().slice(0, 10)}`);
  console.log(`Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores; Node ${process.version}; backend ${first.backend} (${first.threads} thread${first.threads > 1 ? 's' : ''})`);
  console.log(`Split: ${first.options.trainSize} train / ${first.options.valSize} validation (stratified), ${first.options.testSize} test; seed ${first.options.seed}; batch size 32`);
  console.log('');
  console.log(table(results));
  if (results.some((r) => !r.passed)) process.exitCode = 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
