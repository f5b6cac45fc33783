/**
 * Running one experiment of the lab in Node: its context (Fashion-MNIST from disk, figures written
 * as PNG and SVG files, the peers' Python for comparisons) and the report it returns.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NotFoundError, ValueError } from '../../core/errors.js';
import { dispose } from '../../core/memory.js';
import { checkOptions, optionKeys } from '../../core/options.js';
import type { Tensor } from '../../core/tensor.js';
import { fashionMnist, type ImageSplits, type LoadDataArgs } from '../../datasets/node/index.js';
import { scaleImages } from '../../datasets/scale-images.js';
import { cast } from '../../ops/convert.js';
import { slice } from '../../ops/slicing.js';
import type { LabContext, LabImages, LabReport, LabSizes } from '../experiment.js';
import { EXPERIMENTS } from '../experiments/index.js';
import type { FigureSpec } from '../figure.js';
import { renderFigure } from './render-figure.js';

/** Options of {@link runExperiment}. */
export interface RunExperimentArgs {
  /** The directory the plots are written to (created with its parents). */
  output: string;
  /** The slow, exact version: the whole data set and more epochs. Default false. */
  full?: boolean;
  /** Training images, test images and epochs, where the caller chooses them (a test runs on a slice). */
  sizes?: LabSizes;
  /** Seed of weights, shuffling and sampling. Default 42. */
  seed?: number;
  /** Where progress lines go (default: nowhere). */
  log?: (line: string) => void;
  /** Where Fashion-MNIST is read from, and whether it may be downloaded (as `datasets.fashionMnist.loadData`). */
  dataDir?: string;
  download?: boolean;
  /** A TrueType font for the PNGs' text (default: a common system font). */
  font?: string;
  /** The Python interpreter comparisons run with (default: STRATA_LAB_PYTHON, else ./.venv-peers/bin/python, else python3). */
  python?: string;
}

const RUN_KEYS = optionKeys<RunExperimentArgs>({ output: true, full: true, sizes: true, seed: true, log: true, dataDir: true, download: true, font: true, python: true });
const SIZE_LIMITS: Record<keyof LabSizes, number> = { trainSize: 60000, testSize: 10000, epochs: 1000 };

let loaded: { key: string; splits: Promise<ImageSplits> } | undefined;

/** Fashion-MNIST's four arrays, read once per process (and again only for another directory). */
function fashionMnistSplits(args: LoadDataArgs): Promise<ImageSplits> {
  const key = JSON.stringify(args);
  if (loaded?.key !== key) loaded = { key, splits: fashionMnist.loadData(args) };
  return loaded.splits;
}

function checkSizes(sizes: LabSizes): void {
  for (const [key, value] of Object.entries(sizes) as [keyof LabSizes, number | undefined][]) {
    if (!(key in SIZE_LIMITS)) throw new ValueError(`runExperiment: unknown size '${key}'; the sizes are ${Object.keys(SIZE_LIMITS).join(', ')}.`);
    if (value !== undefined && !(Number.isInteger(value) && value >= 1 && value <= SIZE_LIMITS[key])) {
      throw new ValueError(`runExperiment: ${key} must be a whole number from 1 to ${SIZE_LIMITS[key].toLocaleString('en-US')}, got ${value}.`);
    }
  }
}

/** The interpreter to try: the one named, the project's peers' venv, or the system's. */
function pythonInterpreter(named: string | undefined): string {
  const venv = resolve('.venv-peers/bin/python');
  return named ?? process.env.STRATA_LAB_PYTHON ?? (existsSync(venv) ? venv : 'python3');
}

/**
 * Runs `code` with `interpreter`, `input` on its standard input: its standard output, or undefined
 * (with the reason logged) when the interpreter or a module it imports is missing. Any other failure
 * is a bug of the experiment and is thrown with Python's last lines.
 */
function runPython(interpreter: string, code: string, input: string | undefined, log: (line: string) => void): Promise<string | undefined> {
  return new Promise((done, fail) => {
    const child = spawn(interpreter, ['-c', code], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') return fail(e);
      log(`no Python interpreter '${interpreter}': the comparison that needs it is skipped`);
      done(undefined);
    });
    child.on('close', (status) => {
      const stderr = Buffer.concat(err).toString('utf8');
      if (status === 0) return done(Buffer.concat(out).toString('utf8'));
      const missing = /(?:ModuleNotFoundError|ImportError): (.*)/.exec(stderr);
      if (missing) {
        log(`${interpreter}: ${missing[1]}: the comparison that needs it is skipped`);
        return done(undefined);
      }
      fail(new Error(`the lab's Python snippet failed (status ${status}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
    });
    child.stdin.on('error', () => undefined); // a child that exits without reading its input
    child.stdin.end(input ?? '');
  });
}

/** Writes `bytes` to `path` through a temporary file, so a reader never sees half a figure. */
function writeAtomically(path: string, bytes: string | Uint8Array): void {
  const temporary = `${path}.partial`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, path);
}

/**
 * Runs the experiment `name` of `strata lab` and returns its report: the claims with their verdicts
 * computed from the run, the findings in words, and the plots written into `output`.
 *
 * @example
 * const report = await runExperiment('neuron', { output: 'lab', sizes: { trainSize: 3000, epochs: 2 } });
 * report.claims.every((c) => c.holds);
 */
export async function runExperiment(name: string, args: RunExperimentArgs): Promise<LabReport> {
  checkOptions('runExperiment', args, RUN_KEYS);
  const experiment = EXPERIMENTS.find((e) => e.name === name);
  if (!experiment) throw new NotFoundError(`runExperiment: no experiment '${name}'. The experiments: ${EXPERIMENTS.map((e) => e.name).join(', ')} (strata lab --list).`);
  const sizes = args.sizes ?? {};
  checkSizes(sizes);
  const output = args.output;
  mkdirSync(output, { recursive: true });
  const log = args.log ?? (() => undefined);
  const plots: string[] = [];
  const made: Tensor[] = [];
  const dataArgs: LoadDataArgs = { ...(args.dataDir === undefined ? {} : { dataDir: args.dataDir }), ...(args.download === undefined ? {} : { download: args.download }) };
  const interpreter = pythonInterpreter(args.python);
  const context: LabContext = {
    full: args.full ?? false,
    sizes,
    seed: args.seed ?? 42,
    log,
    async fashionMnist(trainSize: number, testSize: number): Promise<LabImages> {
      checkSizes({ trainSize, testSize });
      const [[images, labels], [testImages, testLabels]] = await fashionMnistSplits(dataArgs);
      const part = (x: Tensor, n: number, scale: boolean): Tensor => {
        const rows = slice(x, [0], [n]);
        const result = scale ? scaleImages(rows) : cast(rows, 'int32');
        made.push(rows, result);
        return result;
      };
      return {
        xTrain: part(images, trainSize, true),
        yTrain: part(labels, trainSize, false),
        xTest: part(testImages, testSize, true),
        yTest: part(testLabels, testSize, false),
        classNames: fashionMnist.classNames,
      };
    },
    async figure(figureName: string, spec: FigureSpec): Promise<string[]> {
      if (!/^[a-z0-9][a-z0-9-]*$/.test(figureName)) throw new ValueError(`strata lab: a figure's name is lower-case letters, digits and dashes, got '${figureName}'.`);
      const { svg, png } = await renderFigure(spec, args.font);
      const base = join(output, `${experiment.name}-${figureName}`);
      writeAtomically(`${base}.png`, png);
      writeAtomically(`${base}.svg`, svg);
      const paths = [`${base}.png`, `${base}.svg`];
      plots.push(...paths);
      return paths;
    },
    python: (code, input) => runPython(interpreter, code, input, log),
  };
  try {
    const { plots: extraPlots, claims, ...outcome } = await experiment.run(context);
    for (const c of claims) {
      if (typeof c.holds !== 'boolean') throw new Error(`strata lab ${name}: the claim '${c.claim}' has no verdict.`);
    }
    // The experiment's name, its claims and the plots lead the report, as `--json` users read it.
    return { experiment: experiment.name, claims, plots: [...plots, ...(extraPlots ?? [])], ...outcome };
  } finally {
    dispose(made);
  }
}
