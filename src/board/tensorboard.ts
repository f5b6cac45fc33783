/**
 * The TensorBoard callback: logs the loss, metrics and learning rate, weight histograms,
 * per-layer gradient norms, the model's graph (its layers, and the ops of its training step when
 * it runs as a graph) and pictures of filters and feature maps as TensorFlow event files under
 * `logDir/train` and `logDir/validation`, as Keras does.
 */
import { Callback, type CallbackModel, type Logs } from '../callbacks/callback.js';
import { ValueError } from '../core/errors.js';
import { tidy } from '../core/memory.js';
import { checkOptions, optionKeys } from '../core/options.js';
import type { Tensor, Variable } from '../core/tensor.js';
import type { Graph } from '../graph/graph.js';
import type { Layer } from '../layers/layer.js';
import type { SymbolicTensor } from '../layers/symbolic-tensor.js';
import { Model } from '../models/model.js';
import { slice } from '../ops/index.js';
import { eventSinkFactory, type EventSinkFactory } from './event-sink.js';
import { checkHParams, type HParams } from './hparams.js';
import { denseTiles, featureMapTiles, kernelTiles, tileGrid } from './image-grid.js';
import { histogramValue, imageValue, scalarValue } from './summary-values.js';
import { SummaryWriter } from './summary-writer.js';
import type { SummaryValueMessage } from './tf-protos.js';

/** Which activations to picture: the outputs of some layers for one sample. */
export interface FeatureMapArgs {
  /** The input to run (a batch; its first sample is used), e.g. one test image `[1, 28, 28, 1]`. */
  sample: Tensor;
  /** Layers whose outputs (`[batch, height, width, channels]`) are drawn (default: every layer with such an output). */
  layers?: string[];
}

/** Options of the TensorBoard callback. */
export interface TensorBoardArgs {
  /** The directory of this run's logs: `train/` and `validation/` are made inside it (default `logs`). */
  logDir?: string;
  /** Write weight histograms (and images) every this many epochs; 0 for never (default 1). */
  histogramFreq?: number;
  /**
   * Also write the loss, metrics and gradient norms of batches (`batch_loss`, ...): `'batch'` for
   * every batch, n for every n-th; the default `'epoch'` writes per-epoch figures only.
   */
  updateFreq?: 'epoch' | 'batch' | number;
  /**
   * Write the model's graph at the start of training, and, for a model compiled with `jitCompile`,
   * the op graph of its training step once it is traced (after the second batch: the first step runs
   * eagerly) (default true).
   */
  writeGraph?: boolean;
  /** At histogram epochs, also picture the first layer's filters (default true). */
  writeImages?: boolean;
  /** Log each layer's gradient norm, averaged over the epoch's batches (default true). */
  writeGradientNorms?: boolean;
  /** At histogram epochs, also picture these feature maps. */
  featureMaps?: FeatureMapArgs;
  /**
   * The run's hyperparameters (numbers, strings, booleans): written as an hparams session in
   * `logDir` itself when training begins and closed when it ends, so TensorBoard's HParams tab and
   * the Board's compare runs by them and by their final `epoch_*` figures.
   */
  hparams?: HParams;
  /** Where event files go (default: the installed one; files under Node). */
  sinkFactory?: EventSinkFactory;
}

/** A model whose steps may run as traced graphs (`compile({ jitCompile: true })`). */
interface GraphStepModel extends CallbackModel {
  /** The graph the training step replays, once traced; undefined for an eager model. */
  stepGraph?(kind: 'train'): Graph | undefined;
}

/** The tag of the training step's op graph (TensorBoard lists op graphs by tag). */
export const TRAIN_STEP_GRAPH_TAG = 'train_step';

/** Per-layer sums of gradient norms over an epoch, and the latest batch's norms. */
class GradientNorms {
  private readonly sums = new Map<string, { total: number; count: number }>();
  latest = new Map<string, number>();

  constructor(private readonly layerOf: Map<Variable, string>) {}

  /** Records one step: each layer's norm is the L2 norm of all its weights' gradients together. */
  record(grads: readonly Tensor[], variables: readonly Variable[]): void {
    const squares = new Map<string, number>();
    grads.forEach((g, i) => {
      const v = variables[i]!;
      const layer = this.layerOf.get(v) ?? v.name.split('/')[0]!;
      const data = g.dataSync() as ArrayLike<number>;
      let s = 0;
      for (let k = 0; k < data.length; k++) s += data[k]! * data[k]!;
      squares.set(layer, (squares.get(layer) ?? 0) + s);
    });
    this.latest = new Map([...squares].map(([layer, s]) => [layer, Math.sqrt(s)]));
    for (const [layer, norm] of this.latest) {
      const entry = this.sums.get(layer) ?? { total: 0, count: 0 };
      entry.total += norm;
      entry.count++;
      this.sums.set(layer, entry);
    }
  }

  /** Each layer's mean norm since the last call, then starts over. */
  takeMeans(): Map<string, number> {
    const means = new Map([...this.sums].map(([layer, { total, count }]) => [layer, total / count]));
    this.sums.clear();
    return means;
  }
}

/**
 * Logs training for TensorBoard (`tensorboard --logdir logs`) or `strata board --logdir logs`:
 * per epoch `epoch_loss`, `epoch_<metric>` and `epoch_learning_rate` (validation figures under
 * `validation/` with the same tags, so both share a chart), `gradient_norm/<layer>`, the histogram
 * of every weight (`<layer>/<weight>/histogram`), the model graph (and, under `jitCompile`, the op
 * graph of the training step, tag `train_step`), and images of the first layer's filters
 * (`<layer>/filters`) and of requested feature maps (`<layer>/feature_maps`); with `hparams`, an
 * hparams session in `logDir` itself.
 *
 * @example
 * await model.fit(x, y, { epochs: 10, validationSplit: 0.2, callbacks: [new TensorBoard({ logDir: 'logs/mlp' })] });
 */
export class TensorBoard extends Callback {
  /** The run's directory (`train/` and `validation/` go inside). */
  readonly logDir: string;
  /** Histograms and images every this many epochs (0: never). */
  readonly histogramFreq: number;
  /** `'epoch'`, or every how many batches batch figures are written (`'batch'` is 1). */
  readonly updateFreq: 'epoch' | number;
  /** Whether the model graph is written. */
  readonly writeGraph: boolean;
  /** Whether the first layer's filters are pictured. */
  readonly writeImages: boolean;
  /** Whether per-layer gradient norms are logged. */
  readonly writeGradientNorms: boolean;
  /** The feature maps to picture, if any. */
  readonly featureMaps: FeatureMapArgs | undefined;
  /** The run's hyperparameters, if given. */
  readonly hparams: HParams | undefined;
  private readonly sinkFactory: EventSinkFactory | undefined;
  private writers: { train?: SummaryWriter; validation?: SummaryWriter; session?: SummaryWriter } = {};
  private norms: GradientNorms | undefined;
  private stopObserving: (() => void) | undefined;
  private featureModel: Model | undefined;
  private graphWritten = false;
  private opGraphWritten = false;
  /** Batches trained since this callback was made, across fits: the step of batch-level summaries. */
  private batchStep = 0;

  constructor(args: TensorBoardArgs = {}) {
    super();
    checkOptions('TensorBoard', args, optionKeys<TensorBoardArgs>({
      logDir: true, histogramFreq: true, updateFreq: true, writeGraph: true, writeImages: true, writeGradientNorms: true, featureMaps: true, hparams: true, sinkFactory: true,
    }));
    checkOptions('TensorBoard (featureMaps)', args.featureMaps, optionKeys<FeatureMapArgs>({ sample: true, layers: true }));
    this.logDir = (args.logDir ?? 'logs').replace(/[/\\]+$/, '') || '.';
    this.histogramFreq = args.histogramFreq ?? 1;
    if (!Number.isInteger(this.histogramFreq) || this.histogramFreq < 0) throw new ValueError(`TensorBoard: histogramFreq must be a non-negative integer, got ${args.histogramFreq}.`);
    const freq = args.updateFreq ?? 'epoch';
    this.updateFreq = freq === 'batch' ? 1 : freq;
    if (this.updateFreq !== 'epoch' && !(Number.isInteger(this.updateFreq) && this.updateFreq > 0)) {
      throw new ValueError(`TensorBoard: updateFreq must be 'epoch', 'batch' or a positive integer, got ${JSON.stringify(freq)}.`);
    }
    this.writeGraph = args.writeGraph ?? true;
    this.writeImages = args.writeImages ?? true;
    this.writeGradientNorms = args.writeGradientNorms ?? true;
    this.featureMaps = args.featureMaps;
    this.hparams = args.hparams === undefined ? undefined : { ...checkHParams('TensorBoard', args.hparams) };
    this.sinkFactory = args.sinkFactory;
  }

  /** The writer of `train/`, `validation/`, or of the log directory itself (the hparams session, as Keras's hparams callback places it). */
  private writer(run: 'train' | 'validation' | 'session'): SummaryWriter {
    return (this.writers[run] ??= new SummaryWriter((this.sinkFactory ?? eventSinkFactory())(run === 'session' ? this.logDir : `${this.logDir}/${run}`)));
  }

  override onTrainBegin(): void {
    const model = this.trainedModel;
    const train = this.writer('train');
    const layerOf = new Map<Variable, string>();
    this.graphWritten = false;
    this.opGraphWritten = false;
    this.featureModel = undefined;
    if (this.hparams) this.writer('session').hparams(this.hparams);
    if (model instanceof Model) {
      for (const layer of model.layers) for (const w of layer.weights) layerOf.set(w, layer.name);
      this.maybeWriteGraph(model, train);
    }
    if (this.writeGradientNorms && model.observeGradients) {
      const norms = (this.norms = new GradientNorms(layerOf));
      this.stopObserving = model.observeGradients((grads, variables) => norms.record(grads, variables));
    }
  }

  override onBatchEnd(_batch: number, logs: Logs): void {
    this.batchStep++;
    // Asked at every batch until there is one: a jitCompile model runs its first step eagerly and traces the second.
    if (this.writeGraph && !this.opGraphWritten) {
      const graph = (this.trainedModel as GraphStepModel).stepGraph?.('train');
      if (graph) {
        this.opGraphWritten = true;
        this.writer('train').opGraph(graph, this.batchStep, TRAIN_STEP_GRAPH_TAG);
      }
    }
    if (this.updateFreq === 'epoch' || this.batchStep % this.updateFreq !== 0) return;
    const values = Object.entries(logs).map(([key, value]) => scalarValue(`batch_${key}`, value));
    for (const [layer, norm] of this.norms?.latest ?? []) values.push(scalarValue(`batch_gradient_norm/${layer}`, norm));
    this.writer('train').writeValues(this.batchStep, values);
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    const model = this.trainedModel;
    const train: SummaryValueMessage[] = [];
    const validation: SummaryValueMessage[] = [];
    for (const [key, value] of Object.entries(logs)) {
      if (key.startsWith('val_')) validation.push(scalarValue(`epoch_${key.slice(4)}`, value));
      else train.push(scalarValue(`epoch_${key}`, value));
    }
    const lr = model.optimizer?.currentLearningRate?.();
    if (lr !== undefined && logs['learning_rate'] === undefined) train.push(scalarValue('epoch_learning_rate', lr));
    for (const [layer, norm] of this.norms?.takeMeans() ?? []) train.push(scalarValue(`gradient_norm/${layer}`, norm));
    if (this.histogramFreq > 0 && epoch % this.histogramFreq === 0 && model instanceof Model) train.push(...this.weightPictures(model));
    // A model that learns its input shape from the data is built only by the first batch.
    if (model instanceof Model) this.maybeWriteGraph(model, this.writer('train'));
    this.writer('train').writeValues(epoch, train);
    if (validation.length) this.writer('validation').writeValues(epoch, validation);
  }

  override onTrainEnd(): void {
    this.stopObserving?.();
    this.stopObserving = undefined;
    this.writers.session?.endSession('success');
    this.writers.session?.close();
    this.writers.train?.close();
    this.writers.validation?.close();
    this.writers = {};
  }

  private maybeWriteGraph(model: Model, train: SummaryWriter): void {
    if (!this.writeGraph || this.graphWritten || !model.built) return;
    train.graph(model);
    this.graphWritten = true;
  }

  /** Histograms of every weight, and the images asked for. */
  private weightPictures(model: Model): SummaryValueMessage[] {
    const values = model.weights.map((w) => histogramValue(`${w.name}/histogram`, w.dataSync() as ArrayLike<number>));
    if (this.writeImages) {
      const filters = firstLayerFilters(model);
      if (filters) values.push(filters);
    }
    if (this.featureMaps) {
      this.featureModel ??= this.makeFeatureModel(model, this.featureMaps);
      if (this.featureModel) values.push(...featureMapImages(this.featureModel, this.featureMaps.sample));
    }
    return values;
  }

  private makeFeatureModel(model: Model, args: FeatureMapArgs): Model | undefined {
    const isImage = (l: Layer): boolean => l.inboundNodes.length > 0 && !Array.isArray(l.outputShape[0]) && l.outputShape.length === 4;
    const layers = args.layers ? args.layers.map((name) => model.getLayer(name)) : model.layers.filter(isImage);
    for (const l of layers) {
      if (!isImage(l)) {
        throw new ValueError(`TensorBoard: feature maps need a layer output [batch, height, width, channels], but layer '${l.name}' outputs ${JSON.stringify(l.inboundNodes.length ? l.outputShape : 'nothing (never called)')}.`);
      }
    }
    if (layers.length === 0) return undefined;
    return new Model({ inputs: model.inputs, outputs: layers.map((l) => l.output as SymbolicTensor), name: `${model.name}_feature_maps` });
  }
}

/**
 * A picture of the first weighted layer's filters: a convolution kernel `[kh, kw, in, out]`, or
 * a dense kernel whose inputs are a flattened image (an input `[h, w]` or `[h, w, 1]`).
 */
function firstLayerFilters(model: Model): SummaryValueMessage | undefined {
  const layer = model.layers.find((l) => l.weights.length > 0);
  if (!layer) return undefined;
  const kernel = layer.weights.find((w) => w.rank === 4) ?? layer.weights.find((w) => w.rank === 2);
  if (!kernel) return undefined;
  const data = kernel.dataSync() as Float32Array;
  const tag = `${layer.name}/filters`;
  if (kernel.rank === 4) {
    const { tiles, columns } = kernelTiles(data, kernel.shape);
    return imageValue(tag, tileGrid(tiles, { columns }));
  }
  const input = model.inputs[0]!.shape;
  const [h, w, c = 1] = input.slice(1);
  if (input.length > 4 || input.length < 3 || c !== 1 || h === null || w === null || h! * w! !== kernel.shape[0]) return undefined;
  return imageValue(tag, tileGrid(denseTiles(data, kernel.shape, h!, w!)));
}

/** The feature maps of the first sample, one picture per layer. */
function featureMapImages(featureModel: Model, sample: Tensor): SummaryValueMessage[] {
  let images: SummaryValueMessage[] = [];
  tidy(() => {
    const outputs = featureModel.predict(slice(sample, [0], [1]));
    images = (Array.isArray(outputs) ? outputs : [outputs]).map((out, i) => {
      const [, h, w, c] = out.shape as [number, number, number, number];
      const layer = featureModel.outputs[i]!.sourceLayer.name;
      return imageValue(`${layer}/feature_maps`, tileGrid(featureMapTiles(out.dataSync() as Float32Array, h, w, c)));
    });
  });
  return images;
}
