/**
 * SummaryWriter: writes scalars, histograms, images, text, model graphs and op graphs to a TensorFlow event
 * file, for TensorBoard or `strata board`; what the TensorBoard callback uses, and what custom
 * training loops use directly.
 */
import { ValueError } from '../core/errors.js';
import { Tensor } from '../core/tensor.js';
import type { Graph } from '../graph/graph.js';
import type { Model } from '../models/model.js';
import { eventSinkFactory, type EventSink } from './event-sink.js';
import { checkHParams, sessionEndValue, sessionStartValue, type HParams, type SessionStatus } from './hparams.js';
import { modelGraph } from './model-graph.js';
import { opGraphDef } from './op-graph.js';
import { encodeRecord } from './records.js';
import { DEFAULT_BUCKETS, histogramValue, imageValue, opGraphValue, scalarValue, textValue, type Pixels } from './summary-values.js';
import { encodeEvent, encodeGraph, type EventMessage, type SummaryValueMessage } from './tf-protos.js';

/** The version string that opens every event file TensorFlow 2 writes. */
export const FILE_VERSION = 'brain.Event:2';

function checkStep(step: number): void {
  if (!Number.isInteger(step) || step < 0) throw new ValueError(`SummaryWriter: step must be a non-negative integer, got ${step}.`);
}

/** An image as `image` takes it: a Tensor `[height, width]` or `[height, width, channels]`, or encoded-ready pixels. */
export type ImageInput = Tensor | Pixels;

/** Pixels of a tensor: floats are taken in [0, 1] (clipped), integers in [0, 255]. */
function tensorPixels(tag: string, image: Tensor): Pixels {
  const [height, width, channels = 1] = image.shape;
  if ((image.rank !== 2 && image.rank !== 3) || ![1, 3, 4].includes(channels)) {
    throw new ValueError(`SummaryWriter.image '${tag}': expected a tensor [height, width] or [height, width, channels] with 1, 3 or 4 channels, got shape [${image.shape.join(', ')}].`);
  }
  const scale = image.dtype === 'float32' || image.dtype === 'float64' ? 255 : 1;
  const data = Uint8Array.from(image.dataSync() as ArrayLike<number>, (v) => Math.max(0, Math.min(255, Math.round(Number(v) * scale))));
  return { width: width!, height: height!, channels: channels as 1 | 3 | 4, data };
}

/**
 * Writes summaries to one event file. Each call writes one event at once, so a dashboard reading
 * the file sees it right away.
 *
 * @example
 * const writer = createFileWriter('logs/run1');
 * for (let step = 0; step < 100; step++) writer.scalar('loss', lossAt(step), step);
 * writer.histogram('weights', model.getLayer('dense').getWeights()[0], 100);
 * writer.close();
 */
export class SummaryWriter {
  private closed = false;

  /** A writer on `sink`; see `createFileWriter` for the usual way to make one. */
  constructor(private readonly sink: EventSink) {
    this.writeEvent({ wallTime: Date.now() / 1000, fileVersion: FILE_VERSION });
  }

  /** The value of `tag` at `step` (TensorBoard's Scalars view). */
  scalar(tag: string, value: number, step: number): void {
    this.writeValues(step, [scalarValue(tag, value)]);
  }

  /** The distribution of the values of `values` at `step`, over `buckets` equal-width buckets (Histograms and Distributions views). */
  histogram(tag: string, values: Tensor | ArrayLike<number>, step: number, buckets = DEFAULT_BUCKETS): void {
    const data = values instanceof Tensor ? (values.dataSync() as ArrayLike<number>) : values;
    this.writeValues(step, [histogramValue(tag, data, buckets)]);
  }

  /** An image at `step`, stored as PNG (Images view). */
  image(tag: string, image: ImageInput, step: number): void {
    this.writeValues(step, [imageValue(tag, image instanceof Tensor ? tensorPixels(tag, image) : image)]);
  }

  /** A text (Markdown) at `step` (Text view). */
  text(tag: string, text: string, step: number): void {
    this.writeValues(step, [textValue(tag, text)]);
  }

  /** The model's structure: its layers, their connections, output shapes and parameter counts (Graphs view). */
  graph(model: Model, step = 0): void {
    checkStep(step);
    this.writeEvent({ wallTime: Date.now() / 1000, step, graphDef: encodeGraph(modelGraph(model)) });
  }

  /**
   * The op graph of a traced function (`jit`), under `tag` (default: the graph's name), as TensorBoard
   * stores a `tf.function`'s graph: the Board's Graph tab shows it beside the model's layers (switch
   * "Ops"), fused nodes marked; TensorBoard lists it under the tag.
   *
   * @example
   * const step = jit(trainStep, { name: 'train_step' });
   * step(x, y);
   * writer.opGraph(step.lastGraph!, 0);
   */
  opGraph(graph: Graph, step = 0, tag = graph.name): void {
    this.writeValues(step, [opGraphValue(tag, opGraphDef(graph))]);
  }

  /**
   * Opens an hparams session: the hyperparameters of the run this writer writes to (TensorBoard's
   * HParams tab and the Board's show them beside the run's final metrics, the last values of its
   * scalars and of the runs below it). Close it with `endSession`.
   *
   * @example
   * const writer = createFileWriter('logs/lr-0.01');
   * writer.hparams({ optimizer: 'sgd', learning_rate: 0.01 });
   * for (let step = 0; step < 100; step++) writer.scalar('loss', lossAt(step), step);
   * writer.endSession();
   */
  hparams(hparams: HParams): void {
    this.writeValues(0, [sessionStartValue(checkHParams('SummaryWriter.hparams', hparams), Date.now() / 1000)]);
  }

  /** Closes the hparams session `hparams` opened, with how it ended (default `'success'`). */
  endSession(status: SessionStatus = 'success'): void {
    this.writeValues(0, [sessionEndValue(status, Date.now() / 1000)]);
  }

  /** Several summary values in one event at `step` (what the TensorBoard callback writes each epoch). */
  writeValues(step: number, values: SummaryValueMessage[]): void {
    checkStep(step);
    this.writeEvent({ wallTime: Date.now() / 1000, step, summary: { value: values } });
  }

  /** Ends the event file; later writes are errors. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sink.close();
  }

  private writeEvent(event: EventMessage): void {
    if (this.closed) throw new ValueError('SummaryWriter: the writer is closed.');
    this.sink.write(encodeRecord(encodeEvent(event)));
  }
}

/**
 * A SummaryWriter on a new event file in `logDir` (made if missing), as TensorFlow's
 * `tf.summary.create_file_writer`. Each run of a dashboard is one such directory.
 *
 * @example
 * const writer = createFileWriter('logs/custom');
 * writer.scalar('loss', 0.5, 0);
 */
export function createFileWriter(logDir: string): SummaryWriter {
  return new SummaryWriter(eventSinkFactory()(logDir));
}
