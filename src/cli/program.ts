/**
 * The `strata` command line: its commands and options (parsed by commander, which also writes
 * each command's --help), and the exit status: 0 on success, 1 when the data or a file is at
 * fault, 2 when the command line is.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { modelFormats } from '../node/index.js';
import { boardCommand, plotCommand } from './board.js';
import { convertCommand } from './convert.js';
import { DATASETS } from './data.js';
import { errorLine, exitStatus } from './errors.js';
import { evaluateCommand } from './evaluate.js';
import { labCommand } from './lab.js';
import { predictCommand } from './predict.js';
import { DEFAULT_PRESET, PRESETS } from './presets.js';
import { summaryCommand } from './summary.js';
import { train } from './train.js';

/** How the commands that read a model describe it. */
const MODEL_ARGUMENT = 'a saved model: .strata (strata train, model.save), Keras .keras or .h5, or a TF.js model.json';

const OPTIMIZERS = ['sgd', 'rmsprop', 'adam', 'adamw', 'adagrad'];

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** An option parser for whole numbers from `min` to `max`. */
function integer(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
      throw new InvalidArgumentError(max === Number.MAX_SAFE_INTEGER ? `expected a whole number >= ${min}.` : `expected a whole number from ${min} to ${max}.`);
    }
    return n;
  };
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError('expected a positive number.');
  return n;
}

const ENVIRONMENT = `
Environment:
  STRATA_DATA_DIR         a directory holding the data set (like --data-dir)
  STRATA_CACHE_DIR        where downloads are kept (default ~/.cache/strata)
  STRATA_DATASETS_URL     the mirror to download from (default Keras's)
  STRATA_SYSTEM_DATA_DIR  where system packages put data sets (default /usr/share/datasets)
  STRATA_BACKEND          the backend when --backend is not given (cpu or wasm)
  STRATA_THREADS          threads of the wasm backend: 1 to the number of cores (default: one per core)

Exit status: 0 on success, 1 when the data, a file or the training is at fault (one line on
standard error), 2 when the command line is. When the reader of the output goes away
(strata ... | head), strata stops quietly with status 0.`;

const SAVING = `
Saving: while training runs, the best epoch so far (lowest val_loss) is kept in
<dataset>-<model>.strata.partial; it becomes <dataset>-<model>.strata when training ends. If the
loss becomes NaN or infinite (training diverged), training stops, nothing is saved, an earlier
model at that path is left as it was, and the exit status is 1.
`;

/** Adds the options of every command that reads a data set. */
function dataOptions(command: Command): Command {
  return command
    .addOption(new Option('--dataset <name>', 'the data set').choices(Object.keys(DATASETS)).default('fashion-mnist'))
    .option('--data-dir <dir>', 'read the data set from this directory (default: the cache, then /usr/share/datasets, then download)')
    .option('--no-download', 'fail instead of downloading the data set when it is not found locally')
    .option('--backend <name>', 'the backend to compute on: wasm (the default where the runtime has it) or cpu')
    .option('--json', 'print one JSON document on standard output; everything else goes to standard error', false);
}

/** The command line, with each command bound to its implementation. */
export function buildProgram(): Command {
  const program = new Command('strata')
    .description('Strata: deep learning for TypeScript. Trains and uses the models of the Fashion-MNIST lesson, and shows their training in Strata Board.')
    .version(version(), '-V, --version')
    .exitOverride()
    .showHelpAfterError(false)
    .configureOutput({ outputError: (text, write) => write(`strata: ${text.trim().replace(/\s*\n\s*/g, ' ')}\n`) });

  dataOptions(
    program
      .command('train')
      .description('Train a model of the lesson on Fashion-MNIST (48,000 training and 12,000 validation images), keep the best epoch, and report validation and test accuracy.')
      .addOption(new Option('--model <name>', 'the model (see Models below)').choices(Object.keys(PRESETS)).default(DEFAULT_PRESET))
      .option('--epochs <n>', "number of epochs (default: the model's, 5 or 20)", integer(1))
      .option('--batch-size <n>', 'samples per gradient step', integer(1), 32)
      .addOption(new Option('--optimizer <name>', "the optimizer (default: the model's)").choices(OPTIMIZERS))
      .option('--learning-rate <lr>', "the optimizer's learning rate (default: Keras's, 0.001)", positiveNumber)
      .option('--seed <n>', 'seed of the split, the initial weights, dropout and shuffling', integer(0), 42)
      .option('--output <dir>', 'where the best model is saved, as <dataset>-<model>.strata (created if needed; the name is taken as written, braces are not placeholders)', 'models')
      .option('--train-size <n>', 'training images, drawn from the training set', integer(1), 48000)
      .option('--val-size <n>', 'validation images, drawn from the rest of the training set (same class ratios)', integer(1), 12000)
      .option('--test-size <n>', 'test images used, the first ones of the test set (default: all 10,000)', integer(1))
      .option('--logdir <dir>', 'also log the run for Strata Board (TensorBoard event files), to see with strata board'),
  )
    .addHelpText('after', `\nModels:\n${Object.entries(PRESETS).map(([name, p]) => `  ${name.padEnd(8)} ${p.description}`).join('\n')}\n${SAVING}\nExamples:\n  strata train\n  strata train --model relu --epochs 5 --json > run.json\n  strata train --logdir runs/dropout && strata board --logdir runs\n  strata train --train-size 6000 --val-size 1000 --epochs 2\n${ENVIRONMENT}`)
    .action((options) => train(options));

  dataOptions(
    program
      .command('evaluate')
      .description("A saved model's loss and accuracy on the test images.")
      .argument('<model>', MODEL_ARGUMENT)
      .option('--batch-size <n>', 'samples per batch', integer(1), 32)
      .option('--test-size <n>', 'test images used, the first ones (default: all)', integer(1)),
  )
    .addHelpText('after', `\nExample:\n  strata evaluate models/fashion-mnist-dropout.strata\n${ENVIRONMENT}`)
    .action((path: string, options) => evaluateCommand(path, options));

  dataOptions(
    program
      .command('predict')
      .description('The class a saved model sees in a test image (--index) or a PNG file, with the probability of each class.')
      .argument('<model>', MODEL_ARGUMENT)
      .argument('[image]', 'a PNG image: made gray by luminance, transparent areas as background, resized to 28×28')
      .option('--index <n>', 'the test image to classify (default 0)', integer(0))
      .option('--invert', 'invert the PNG first (for dark drawings on a light background)', false),
  )
    .addHelpText('after', `\nExamples:\n  strata predict models/fashion-mnist-dropout.strata --index 7\n  strata predict models/fashion-mnist-dropout.strata shoe.png --invert\n${ENVIRONMENT}`)
    .action((path: string, image: string | undefined, options) => predictCommand(path, image, options));

  program
    .command('lab')
    .description("Run an experiment of the lesson: one of its claims (a neuron is logistic regression, ReLU beats sigmoid, ...) measured on Fashion-MNIST or a toy set, reported in words with the verdict computed from the run, and drawn as PNG and SVG plots.")
    .argument('[name]', 'the experiment (see --list)')
    .option('--list', 'name the experiments and what each shows', false)
    .option('--output <dir>', 'where the plots are written (created if needed)', 'lab')
    .option('--full', 'the slow, exact version (the whole data set, more epochs) instead of the minute-long one', false)
    .option('--train-size <n>', "training images (default: the experiment's)", integer(1, 60000))
    .option('--test-size <n>', "test images (default: the experiment's)", integer(1, 10000))
    .option('--epochs <n>', "epochs of each training run (default: the experiment's)", integer(1, 1000))
    .option('--seed <n>', 'seed of the weights, shuffling and sampling', integer(0), 42)
    .option('--data-dir <dir>', 'read Fashion-MNIST from this directory (default: the cache, then /usr/share/datasets, then download)')
    .option('--no-download', 'fail instead of downloading Fashion-MNIST when it is not found locally')
    .option('--backend <name>', 'the backend to compute on: wasm (the default where the runtime has it) or cpu')
    .option('--json', 'print one JSON document on standard output (experiment, claims with holds and figures, plots, ...); everything else goes to standard error', false)
    .option('--serve', 'serve the playground instead: a page that trains a network live in the browser (toy sets or Fashion-MNIST; --train-size/--test-size: its slice, default 10000/2000)', false)
    .option('--port <n>', "the playground's port (0 picks a free one)", integer(0, 65535), 8080)
    .option('--host <address>', 'the address the playground listens on (127.0.0.1: this machine only)', '127.0.0.1')
    .option('--build-static <dir>', 'write the playground as static files into this directory (with _headers: the two headers that give it threads)')
    .addHelpText('after', `\nExamples:\n  strata lab --list\n  strata lab neuron\n  strata lab activations --output plots --json > activations.json\n  strata lab depth --full\n  strata lab --serve\n  strata lab --build-static site/playground\n${ENVIRONMENT}`)
    .action((name: string | undefined, options) => labCommand(name, options));

  program
    .command('board')
    .description('Serve Strata Board, the dashboard of the runs logged under a directory (strata train --logdir, or the TensorBoard callback).')
    .requiredOption('--logdir <dir>', 'the directory holding the runs')
    .option('--port <n>', 'the port (0 picks a free one)', integer(0, 65535), 6006)
    .option('--host <address>', 'the address to listen on (127.0.0.1: this machine only)', '127.0.0.1')
    .action((options) => boardCommand(options));

  program
    .command('plot')
    .description('Draw one logged figure of a run (training and validation) to a PNG or SVG file.')
    .argument('<run>', "a run's log directory (the --logdir of strata train)")
    .requiredOption('--out <file>', 'the file to write: .png or .svg')
    .option('--metric <name>', 'the figure: loss, accuracy, ...', 'loss')
    .option('--font <file>', "a TrueType font for the PNG's text (default: a common system font)")
    .action((run: string, options) => plotCommand(run, options));

  program
    .command('summary')
    .description('The layers, output shapes and parameter counts of a saved model.')
    .argument('<model>', MODEL_ARGUMENT)
    .action((path: string) => summaryCommand(path));

  program
    .command('convert')
    .description('Convert a saved model between formats: the input\'s format is read from its bytes, the output\'s from its name.')
    .argument('<in>', 'a model: .strata, Keras .keras or .h5, or a TF.js model.json (or its folder)')
    .argument('<out>', 'where to write it: .keras (Keras 3), .h5 (legacy Keras), model.json or a folder ending in / (TF.js), .onnx (inference graph), else .strata')
    .option('--json', 'print one JSON document on standard output; everything else goes to standard error', false)
    .addHelpText('after', `\nFormats:\n${modelFormats().map((f) => `  ${f.name.padEnd(7)} ${f.description}${f.read ? (f.write ? '' : ' (read only)') : ' (write only)'}`).join('\n')}\n\nExamples:\n  strata convert best-cnn-model.keras cnn.strata\n  strata convert models/fashion-mnist-cnn.strata web/model/\n  strata convert models/fashion-mnist-cnn.strata cnn.onnx\n`)
    .action((input: string, output: string, options) => convertCommand(input, output, options));

  return program;
}

/**
 * Runs the command line `argv` (without `node` and the script) and returns the exit status;
 * errors a user can cause are reported on standard error in one line, others (bugs) are thrown.
 */
export async function run(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    // commander has already printed its message (or the help or version).
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    const line = errorLine(e);
    if (line === undefined) throw e;
    process.stderr.write(`${line}\n`);
    return exitStatus(e);
  }
}
