/** `strata evaluate MODEL`: a saved model's loss and accuracy on the test images. */
import { ValueError, datasets, loadModel, losses, type Model, type Tensor } from '../node/index.js';
import { useBackend } from './backend.js';
import { firstRows, loadDataset, modelInput, type DataOptions } from './data.js';
import { nonFiniteOutputError, nonFiniteRows } from './non-finite.js';
import { Output } from './output.js';

/** The options of `strata evaluate`, as parsed. */
export interface EvaluateOptions extends DataOptions {
  batchSize: number;
  testSize?: number;
  backend?: string;
  json: boolean;
}

/** Compiles a model saved without its training settings for classification, so that it can be evaluated. */
export function ensureCompiled(model: Model): void {
  if (!model.compiledState) model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
}

/**
 * The test labels (class ids) as the model's loss reads them: one-hot rows for a categorical
 * crossentropy (as Keras models trained on one-hot labels are compiled), class ids otherwise.
 */
function labelsFor(model: Model, labels: Tensor): Tensor {
  const loss = model.compiledState?.losses[0];
  if (!loss || losses.canonicalLossName(loss) !== 'categoricalCrossentropy') return labels;
  const classes = model.outputs[0]!.shape.at(-1);
  if (typeof classes !== 'number') return labels;
  return datasets.toCategorical(labels, classes);
}

/** Runs `strata evaluate`. */
export async function evaluateCommand(path: string, options: EvaluateOptions): Promise<void> {
  const out = new Output(options.json);
  useBackend(options.backend);
  const model = await loadModel(path);
  ensureCompiled(model);
  const { dataset, dir, splits } = await loadDataset(options, out);
  const [[trainImages, trainLabels], [images, labels]] = splits;
  trainImages.dispose();
  trainLabels.dispose();
  const x = modelInput(model, firstRows(images, options.testSize));
  const y = labelsFor(model, firstRows(labels, options.testSize));
  const logs = await model.evaluate(x, y, { batchSize: options.batchSize, returnDict: true });
  if (!Object.values(logs).every(Number.isFinite)) {
    const output = model.predict(x, { batchSize: options.batchSize }) as Tensor;
    const rows = nonFiniteRows(output);
    output.dispose();
    if (rows.length > 0) throw nonFiniteOutputError(model, path, rows, y.shape[0]!, 'test images');
    throw new ValueError(`the test loss of '${path}' is ${logs['loss']} although the model's outputs are finite; check that the labels fit the model's ${model.outputs[0]!.shape.at(-1)} outputs.`);
  }
  for (const [key, value] of Object.entries(logs)) out.log(`Test ${key}: ${value.toFixed(4)}`);
  out.log(`(${y.shape[0]!.toLocaleString('en-US')} test images of ${dataset.spec.title})`);
  out.result({ command: 'evaluate', model: path, dataset: options.dataset, dataDir: dir, samples: y.shape[0], ...logs });
}
