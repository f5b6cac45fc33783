/** `strata train`: the Fashion-MNIST lesson end to end — split, scale, build, train with a best-model checkpoint, evaluate, report. */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  EarlyStopping, ModelCheckpoint, ProgbarLogger, TensorBoard, ValueError, datasets, dispose, getBackend, getThreadsCount, loadModel, optimizers, setSeed,
  type Callback, type CallbackHooks, type Logs, type Tensor,
} from '../node/index.js';
import { firstRows, loadDataset, modelInput, type DataOptions } from './data.js';
import { useBackend } from './backend.js';
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

/** Runs `strata train`. */
export async function train(options: TrainOptions): Promise<void> {
  const out = new Output(options.json);
  const preset = PRESETS[options.model]!;
  useBackend(options.backend);
  setSeed(options.seed);
  const epochs = options.epochs ?? preset.epochs;
  const optimizerName = options.optimizer ?? preset.optimizer;

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

  mkdirSync(options.output, { recursive: true });
  const modelPath = resolve(join(options.output, `${options.dataset}-${options.model}.strata`));
  const epochSeconds: number[] = [];
  const verbose = options.json ? 0 : 1;
  const callbacks: (Callback | CallbackHooks)[] = [
    new ProgbarLogger({ verbose: 1, display: out.display() }),
    epochTimer(epochSeconds),
    new ModelCheckpoint({ filepath: modelPath, monitor: 'val_loss', saveBestOnly: true, verbose }),
    ...(preset.patience === undefined ? [] : [new EarlyStopping({ monitor: 'val_loss', patience: preset.patience, restoreBestWeights: true, verbose })]),
    ...(options.logdir === undefined ? [] : [new TensorBoard({ logDir: options.logdir })]),
  ];
  const history = await model.fit(trainData, undefined, {
    epochs, stepsPerEpoch: Math.ceil(options.trainSize / batchSize), validationData: inOrder(xValBytes, yVal), verbose: 0, callbacks,
  });

  // The checkpoint holds the epoch with the lowest val_loss; report what it holds.
  if (!existsSync(modelPath)) await model.save(modelPath);
  const best = await loadModel(modelPath);
  const validation = await best.evaluate(inOrder(xValBytes, yVal), undefined, { returnDict: true });
  const test = await best.evaluate(inOrder(xTestBytes, yTest), undefined, { returnDict: true });
  const valLoss = history.history['val_loss'] ?? [];
  const bestEpoch = valLoss.indexOf(Math.min(...valLoss)) + 1;
  dispose([xTrainBytes, yTrain, xValBytes, yVal, xTestBytes, yTest]);

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
