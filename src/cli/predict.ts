/** `strata predict MODEL [IMAGE.png | --index N]`: the class a saved model sees in an image, with the probabilities. */
import { ValueError, loadModel, slice, softmax, tensor, tidy, type Tensor } from '../node/index.js';
import { useBackend } from './backend.js';
import { DATASETS, loadDataset, modelInput, type DataOptions } from './data.js';
import { SIDE, readPng } from './image.js';
import { nonFiniteOutputError, nonFiniteRows } from './non-finite.js';
import { Output } from './output.js';
import { UsageError } from './usage-error.js';

/** The options of `strata predict`, as parsed. */
export interface PredictOptions extends DataOptions {
  index?: number;
  invert: boolean;
  backend?: string;
  json: boolean;
}

/** True when `p` already reads as probabilities (in [0, 1], summing to 1), as a softmax output does. */
function isDistribution(p: Float32Array): boolean {
  const total = p.reduce((a, b) => a + b, 0);
  return p.every((v) => v >= 0 && v <= 1) && Math.abs(total - 1) < 1e-3;
}

/** Runs `strata predict`. */
export async function predictCommand(path: string, image: string | undefined, options: PredictOptions): Promise<void> {
  if (image !== undefined && options.index !== undefined) throw new UsageError('predict: give an IMAGE.png or --index N, not both.');
  const out = new Output(options.json);
  useBackend(options.backend);
  const model = await loadModel(path);
  const classNames = DATASETS[options.dataset]!.classNames;
  let pixels: Tensor;
  let input: Record<string, unknown>;
  if (image !== undefined) {
    const img = readPng(image, options.invert);
    pixels = tensor(img.pixels, [1, SIDE, SIDE], 'float32');
    out.log(`Image: ${image} (${img.width}×${img.height}${img.width === SIDE && img.height === SIDE ? '' : `, resized to ${SIDE}×${SIDE}`}${options.invert ? ', inverted' : ''})`);
    if (img.lightBorder && !options.invert) out.log('Note: the image has a light border; the data set\'s images are light on black. If it is a dark drawing on white, add --invert.');
    input = { image, width: img.width, height: img.height, inverted: options.invert };
  } else {
    const index = options.index ?? 0;
    const { dataset, splits } = await loadDataset(options, out);
    const [[trainImages, trainLabels], [images, labels]] = splits;
    trainImages.dispose();
    trainLabels.dispose();
    const n = images.shape[0]!;
    if (index >= n) throw new ValueError(`predict: --index ${index} is out of range; the ${dataset.spec.title} test set has images 0 to ${n - 1}.`);
    const label = labels.dataSync()[index]!;
    pixels = slice(images, [index], [1]);
    out.log(`Test image ${index} of ${dataset.spec.title}, labelled ${classNames[label] ?? label}`);
    input = { dataset: options.dataset, index, label, labelName: classNames[label] ?? String(label) };
  }
  const output = tidy(() => model.predict(modelInput(model, pixels)) as Tensor);
  if (nonFiniteRows(output).length > 0) throw nonFiniteOutputError(model, path, [0], 1, image === undefined ? 'test images' : 'images');
  const raw = output.dataSync() as Float32Array;
  const probabilities = isDistribution(raw) ? raw : (tidy(() => softmax(output)).dataSync() as Float32Array);
  const names = Array.from(probabilities, (_, i) => (probabilities.length === classNames.length ? classNames[i]! : `class ${i}`));
  const top = probabilities.indexOf(Math.max(...probabilities));
  out.log(`Prediction: ${names[top]} (${(100 * probabilities[top]!).toFixed(1)}%)`);
  const width = Math.max(...names.map((s) => s.length));
  names.forEach((name, i) => out.log(`  ${name.padEnd(width)}  ${probabilities[i]!.toFixed(4)}`));
  out.result({
    command: 'predict',
    model: path,
    input,
    prediction: { classId: top, className: names[top], probability: probabilities[top] },
    probabilities: names.map((className, i) => ({ className, probability: probabilities[i] })),
  });
}
