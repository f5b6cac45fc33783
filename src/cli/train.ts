/** `strata train`: the Fashion-MNIST lesson end to end — split, scale, build, train with a best-model checkpoint, evaluate, report. */
import { accessSync, constants, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  EarlyStopping, ModelCheckpoint, ProgbarLogger, TensorBoard, TerminateOnNaN, ValueError, datasets, dispose, getBackend, getThreadsCount, literalFilepath, loadModel,
  optimizers, setSeed, type Callback, type CallbackHooks, type History, type Logs, type Tensor,
} from '../node/index.js';
import { firstRows, loadDataset, modelInput, type DataOptions } from './data.js';
import { useBackend } from './backend.js';
import { describeSystemError, isSystemError } from './errors.js';
import { Output } from './output.js';
import { PRESETS } from './presets.js';

/** The options of `strata train`, as parsed. */
export interface TrainOptions extends DataOptions {
  model: string;
  epochs?: number;
  batchSize: number;
  optimizer?: string;
  learningRate?: number;
  seed: number;
  output: string;
  trainSize: number;
  valSize: number;
  testSize?: number;
  backend?: string;
  logdir?: string;
  json: boolean;
}

/** Records the wall time of each epoch's training steps (validation excluded). */
function epochTimer(seconds: number[]): CallbackHooks {
  let start = 0;
  let lastBatch = 0;
  return {
    onEpochBegin: () => void (start = lastBatch = performance.now()),
    onBatchEnd: () => void (lastBatch = performance.now()),
    onEpochEnd: () => void seconds.push((lastBatch - start) / 1000),
  };
}

const fmt = (n: number): string => n.toLocaleString('en-US');

/** Creates the --output directory (with its parents) and checks that it can be written to, before any work is done. */
function createOutputDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (e) {
    if (!isSystemError(e)) throw e;
    const reason = e.code === 'EEXIST' || e.code === 'ENOTDIR' ? 'it, or a directory above it, is a file.' : describeSystemError(e);
    throw new ValueError(`--output '${dir}' cannot be used as the directory of the model: ${reason}`);
  }
}

/**
 * Why training diverged, or undefined when it did not: the loss became NaN or infinite (the run
 * was stopped there), or no epoch reached a finite val_loss.
 */
function divergence(guard: TerminateOnNaN, history: History, settings: string, modelPath: string): string | undefined {
  const valLoss = history.history['val_loss'] ?? [];
  const finite = valLoss.filter(Number.isFinite);
  if (guard.stoppedAt === undefined && finite.length > 0) return undefined;
  const at = guard.stoppedAt;
  const what = at
    ? `the loss became ${at.loss} at epoch ${at.epoch + 1}, batch ${at.batch + 1}`
    : `no epoch reached a finite val_loss (${valLoss.join(', ')})`;
  const bestEpoch = finite.length > 0 ? valLoss.indexOf(Math.min(...finite)) + 1 : 0;
  const before = bestEpoch > 0 ? ` Epoch ${bestEpoch} had the best val_loss (${valLoss[bestEpoch - 1]!.toFixed(4)}); --epochs ${bestEpoch} stops there.` : '';
  const kept = existsSync(modelPath) ? `; ${modelPath} is unchanged` : '';
  return `training diverged: ${what} (${settings}). Nothing was saved${kept}.${before} Try a lower --learning-rate, another --optimizer, or check the data for NaN or extreme values.`;
}

/** Runs `strata train`. */
export async function train(options: TrainOptions): Promise<void> {
  const out = new Output(options.json);
  const preset = PRESETS[options.model]!;
  useBackend(options.backend);
  setSeed(options.seed);
  const epochs = options.epochs ?? preset.epochs;
  const optimizerName = options.optimizer ?? preset.optimizer;
  createOutputDir(options.output);
  const modelPath = resolve(join(options.output, `${options.dataset}-${options.model}.strata`));

  const { dataset, dir, splits } = await loadDataset(options, out);
  const [[x, y], [testImages, testLabels]] = splits;
  const n = x.shape[0]!;
  if (options.trainSize + options.valSize > n) {
    throw new ValueError(`--train-size ${options.trainSize} and --val-size ${options.valSize} add up to more than the ${fmt(n)} training images of ${dataset.spec.title}.`);
  }
  const [xTrainBytes, xValBytes, yTrain, yVal] = datasets.trainTestSplit([x, y], { trainSize: options.trainSize, testSize: options.valSize, seed: options.seed, stratify: y });
  const xTestBytes = firstRows(testImages, options.testSize);
  const yTest = firstRows(testLabels, options.testSize);
  dispose([x, y, ...(xTestBytes === testImages ? [] : [testImages, testLabels])]);
  const testSize = yTest.shape[0]!;
  out.log(`Training on ${fmt(options.trainSize)} images, validating on ${fmt(options.valSize)}, testing on ${fmt(testSize)}.`);

  const model = preset.build(dataset.classNames.length);
  // The images stay uint8 (a quarter of float32's memory) and each batch is scaled as it is served.
  // The training batches are shuffled by the global generator exactly as fit shuffles arrays.
  const scale = (images: Tensor, labels: Tensor): [Tensor, Tensor] => [modelInput(model, images), labels];
  const batchSize = options.batchSize;
  const trainData = datasets.batches(xTrainBytes, yTrain, { batchSize, map: scale });
  const inOrder = (images: Tensor, labels: Tensor): Iterable<[Tensor, Tensor]> => datasets.batches(images, labels, { batchSize, shuffle: false, map: scale });

  const optimizer = optimizers.getOptimizer({ className: optimizerName, config: options.learningRate === undefined ? {} : { learningRate: options.learningRate } });
  model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  model.summary({ printFn: (line) => out.log(line) });

  // The best epoch so far is kept beside the model's path and becomes the model only when training
  // ends well: a run that diverges or fails leaves an earlier model at that path as it was. The
  // path is the user's, braces included: no {epoch} placeholders.
  const checkpoint = `${modelPath}.partial`;
  const guard = new TerminateOnNaN({ verbose: 0 });
  const epochSeconds: number[] = [];
  const verbose = options.json ? 0 : 1;
  const learningRate = options.learningRate ?? model.optimizer!.currentLearningRate();
  // The run's settings as hyperparameters, so that the HParams views compare runs by them.
  const hparams = { model: options.model, dataset: options.dataset, optimizer: optimizerName, learning_rate: learningRate, batch_size: batchSize, epochs, seed: options.seed };
  const callbacks: (Callback | CallbackHooks)[] = [
    new ProgbarLogger({ verbose: 1, display: out.display() }),
    epochTimer(epochSeconds),
    guard,
    new ModelCheckpoint({ filepath: literalFilepath(checkpoint), monitor: 'val_loss', saveBestOnly: true, verbose }),
    ...(preset.patience === undefined ? [] : [new EarlyStopping({ monitor: 'val_loss', patience: preset.patience, restoreBestWeights: true, verbose })]),
    ...(options.logdir === undefined ? [] : [new TensorBoard({ logDir: options.logdir, hparams })]),
  ];
  let history: History;
  let validation: Logs;
  let test: Logs;
  // Also when the command exits early (its output's reader went away); a killed run keeps it.
  const removeCheckpoint = (): void => rmSync(checkpoint, { force: true });
  process.once('exit', removeCheckpoint);
  try {
    history = await model.fit(trainData, undefined, {
      epochs, stepsPerEpoch: Math.ceil(options.trainSize / batchSize), validationData: inOrder(xValBytes, yVal), verbose: 0, callbacks,
    });
    const diverged = divergence(guard, history, `--optimizer ${optimizerName}, --learning-rate ${learningRate}`, modelPath);
    if (diverged) throw new ValueError(diverged);
    // The checkpoint holds the epoch with the lowest val_loss (a finite one exists, or training
    // diverged); report what it holds and save it as the model.
    const best = await loadModel(checkpoint);
    validation = await best.evaluate(inOrder(xValBytes, yVal), undefined, { returnDict: true });
    test = await best.evaluate(inOrder(xTestBytes, yTest), undefined, { returnDict: true });
    await best.save(modelPath);
  } finally {
    process.off('exit', removeCheckpoint);
    removeCheckpoint();
    dispose([xTrainBytes, yTrain, xValBytes, yVal, xTestBytes, yTest]);
  }
  const valLoss = history.history['val_loss']!;
  const bestEpoch = valLoss.indexOf(Math.min(...valLoss.filter(Number.isFinite))) + 1;

  out.log();
  out.log(`Best epoch: ${bestEpoch} of ${valLoss.length} (val_loss ${validation['loss']!.toFixed(4)})`);
  out.log(`Validation accuracy: ${validation['accuracy']!.toFixed(4)} (${fmt(options.valSize)} images)`);
  out.log(`Test accuracy: ${test['accuracy']!.toFixed(4)} (${fmt(testSize)} images)`);
  out.log(`Model saved to ${modelPath}`);
  out.result({
    command: 'train',
    options: {
      model: options.model, dataset: options.dataset, epochs, batchSize: options.batchSize, optimizer: optimizerName,
      learningRate: model.optimizer!.currentLearningRate(), seed: options.seed, output: options.output,
      trainSize: options.trainSize, valSize: options.valSize, testSize,
    },
    dataDir: dir,
    history: history.history,
    epochSeconds,
    bestEpoch,
    validation: pick(validation),
    test: pick(test),
    params: model.countParams(),
    backend: getBackend().name,
    threads: getThreadsCount(),
    modelPath,
  });
}

/** The loss and accuracy of an evaluation. */
function pick(logs: Logs): { loss: number; accuracy: number } {
  return { loss: logs['loss']!, accuracy: logs['accuracy']! };
}
