/**
 * Reading event files back: the scalars, histograms, images, text, sounds, graphs (layers and
 * ops) and hparams session of a run, gathered from TFRecord bytes fed as they arrive (a run may
 * still be writing), for the dashboard and `strata plot`. Reads what Strata, TensorFlow 1 and 2,
 * Keras, PyTorch and tensorboardX write: TensorFlow 1's summary fields and TensorFlow 2's tensors
 * with their plugin.
 */
import { ValueError } from '../core/errors.js';
import { getLimits, type Limits } from '../core/limits.js';
import { checkOptions, optionKeys } from '../core/options.js';
import type { AudioEntry, GraphNode, HistogramPoint, ImageEntry, PrCurveEntry, RunInfo, ScalarPoint, TextEntry } from './api-types.js';
import { HPARAMS_PLUGIN, readSessionInfo, type SessionInfo } from './hparams.js';
import { KERAS_GRAPH_PLUGIN, kerasGraph } from './keras-graph.js';
import { GRAPH_ATTRS } from './model-graph.js';
import { PR_CURVES_PLUGIN, readPrCurve } from './pr-curve.js';
import { PLUGINS, summaryAudio, tensorAudio, tensorHistogram, tensorImages, tensorText, type AudioData, type ImageData } from './plugin-values.js';
import { decodeRecords } from './records.js';
import { Reservoir } from './reservoir.js';
import { OP_GRAPH_PLUGIN, PROFILED_OP_GRAPH_PLUGIN } from './summary-values.js';
import { tensorNumbers } from './tensor-values.js';
import { decodeEvent, decodeFunctionGraphs, decodeGraph, type GraphMessage, type HistogramMessage, type SummaryValueMessage } from './tf-protos.js';

/** An image event as read: where and when it was logged, and each sample's encoded bytes. */
export interface StoredImage extends ImageEntry {
  encoded: Uint8Array[];
}

/** A sound event as read: where and when it was logged, and each clip's encoded bytes. */
export interface StoredAudio extends AudioEntry {
  encoded: Uint8Array[];
}

/**
 * The tag under which a run's op-level GraphDef (an `Event.graph_def` that TensorFlow or PyTorch
 * wrote, not Strata's layer graph) is listed among its op graphs.
 */
export const RUN_OP_GRAPH_TAG = 'graph_def';

/** TensorBoard's reading of a legacy histogram: buckets `[left, right, count]`, empty ones at both ends dropped. */
export function histogramBuckets(h: HistogramMessage): [number, number, number][] {
  const counts = h.bucket ?? [];
  const limits = h.bucketLimit ?? [];
  const first = counts.findIndex((c) => c > 0);
  if (first < 0) return [];
  let last = counts.length - 1;
  while (counts[last]! <= 0) last--;
  const buckets: [number, number, number][] = [];
  for (let i = first; i <= last; i++) buckets.push([i === first ? h.min : limits[i - 1]!, i === last ? h.max : limits[i]!, counts[i]!]);
  return buckets;
}

/** The nodes of a GraphDef (layers of a model or ops of a function) as the dashboard draws them. */
export function graphNodes(graph: GraphMessage): GraphNode[] {
  const text = new TextDecoder();
  return (graph.node ?? []).map((n) => {
    const attr = n.attr ?? {};
    const shapes = attr[GRAPH_ATTRS.outputShapes]?.list?.shape ?? [];
    const fused = attr[GRAPH_ATTRS.fusedOps]?.list?.s;
    return {
      name: n.name,
      op: n.op,
      inputs: n.input ?? [],
      outputShapes: shapes.map((s) => (s.dim ?? []).map((d) => (d.size < 0 ? null : d.size))),
      parameters: Number(attr[GRAPH_ATTRS.parameters]?.i ?? 0),
      trainableParameters: Number(attr[GRAPH_ATTRS.trainableParameters]?.i ?? 0),
      ...(fused ? { fusedOps: fused.map((s) => text.decode(s)) } : {}),
    };
  });
}

/**
 * How many values of each tag a run keeps for display (TensorBoard's defaults): beyond that, a
 * uniform sample of them in step order, always with the latest (see `Reservoir`).
 */
export interface SampleSizes {
  /** Values kept of each scalar tag: default 1000. */
  scalars?: number;
  /** Histograms kept of each histogram tag: default 500. */
  histograms?: number;
  /** Images kept of each image tag: default 10. */
  images?: number;
  /** Texts kept of each text tag: default 10. */
  text?: number;
  /** Sounds kept of each audio tag: default 10. */
  audio?: number;
  /** PR curves kept of each tag: default 100. */
  prCurves?: number;
}

const SAMPLE_SIZE_KEYS = optionKeys<SampleSizes>({ scalars: true, histograms: true, images: true, text: true, audio: true, prCurves: true });

const DEFAULT_SAMPLES: Required<SampleSizes> = { scalars: 1000, histograms: 500, images: 10, text: 10, audio: 10, prCurves: 100 };

/**
 * `samples` with the defaults filled in, after checking its keys and that each size is a positive
 * integer (a `ValueError` naming `where` otherwise).
 *
 * @example
 * ```ts
 * resolveSampleSizes({ scalars: 5000 }, 'runBoard'); // { scalars: 5000, histograms: 500, images: 10, text: 10, audio: 10, prCurves: 100 }
 * ```
 */
export function resolveSampleSizes(samples: SampleSizes | undefined, where: string): Required<SampleSizes> {
  checkOptions(`${where}: samples`, samples, SAMPLE_SIZE_KEYS);
  const resolved = { ...DEFAULT_SAMPLES };
  for (const key of SAMPLE_SIZE_KEYS as (keyof SampleSizes)[]) {
    const size = samples?.[key];
    if (size === undefined) continue;
    if (!Number.isInteger(size) || size < 1) throw new ValueError(`${where}: samples.${key} must be a positive integer, got ${String(size)}.`);
    resolved[key] = size;
  }
  return resolved;
}

/** What `RunData.feed` made of a stretch of a file. */
export interface FeedResult {
  /** Bytes used by whole records, from the start of the stretch. */
  consumed: number;
  /** When the stretch ends inside a record whose header was read: the bytes the whole record takes. */
  pending?: number;
  /** The file proved corrupt (the run's `error` says where): nothing more should be read from it. */
  failed: boolean;
}

/** Everything read so far of one run (one or more event files in one directory). */
export class RunData {
  /** Each scalar tag's values in the order logged (a sample of them beyond `SampleSizes.scalars`). */
  readonly scalars = new Map<string, Reservoir<ScalarPoint>>();
  /** Each histogram tag's histograms in the order logged (a sample beyond `SampleSizes.histograms`). */
  readonly histograms = new Map<string, Reservoir<HistogramPoint>>();
  /** Each image tag's images in the order logged (a sample beyond `SampleSizes.images`). */
  readonly images = new Map<string, Reservoir<StoredImage>>();
  /** Each text tag's texts in the order logged (a sample beyond `SampleSizes.text`). */
  readonly text = new Map<string, Reservoir<TextEntry>>();
  /** Each audio tag's sounds in the order logged (a sample beyond `SampleSizes.audio`). */
  readonly audio = new Map<string, Reservoir<StoredAudio>>();
  /** Each `pr_curves` tag's curves in the order logged (a sample beyond `SampleSizes.prCurves`). */
  readonly prCurves = new Map<string, Reservoir<PrCurveEntry>>();
  /**
   * The model graph's layers (the last written): Strata's layer graph, or else Keras's conceptual
   * graph (its JSON config, under the plugin `graph_keras_model`).
   */
  graph: GraphNode[] | undefined;
  /**
   * Each tagged op graph's nodes (a traced function's; the last one written under the tag), and
   * under `RUN_OP_GRAPH_TAG` the op-level GraphDef of the run as TensorFlow or PyTorch wrote it.
   */
  readonly opGraphs = new Map<string, GraphNode[]>();
  /** The hparams session this run holds (its hyperparameters, and its status once ended), if any. */
  session: SessionInfo | undefined;
  /** The first problem met, with the file it was met in. */
  error: string | undefined;
  /** Grows whenever something new was read. */
  version = 0;
  private readonly samples: Required<SampleSizes>;
  /** Whether `graph` came from Keras's conceptual graph (Strata's own layer graph takes precedence). */
  private keras = false;

  /**
   * An empty run named `name` (its path inside the log directory), keeping at most `samples`
   * values of each tag.
   *
   * @example
   * ```ts
   * const run = new RunData('mlp/train');
   * run.feed('events.out.tfevents.1', bytes);
   * run.scalars.get('epoch_loss')?.items; // [[step, value, wallTime], ...]
   * ```
   */
  constructor(
    readonly name: string,
    samples: SampleSizes = {},
  ) {
    this.samples = resolveSampleSizes(samples, 'RunData');
  }

  /**
   * Reads the whole records in `bytes` (a stretch of the file `file` starting at byte `offset`).
   * An incomplete record at the end is left for the next call (`consumed` stops before it). A
   * corrupt record, or one that is not an Event, sets `error` and `failed`: the records before it
   * are kept, and the caller reads nothing more of that file. Never throws for bad bytes.
   */
  feed(file: string, bytes: Uint8Array, offset = 0, limits: Limits = getLimits()): FeedResult {
    const { records, consumed, pending, error } = decodeRecords(bytes, offset, limits);
    let at = offset;
    for (const record of records) {
      try {
        this.addEvent(record);
      } catch (e) {
        this.fail(file, `record at byte ${at} is not a valid Event (${(e as Error).message})`);
        return { consumed: at - offset, failed: true };
      }
      at += 12 + record.length + 4;
    }
    if (records.length) this.version++;
    if (error) {
      this.fail(file, error);
      return { consumed, failed: true };
    }
    return { consumed, ...(pending === undefined ? {} : { pending }), failed: false };
  }

  /** Marks the run as not read completely because of `problem` in `file` (the first problem is kept). */
  fail(file: string, problem: string): void {
    this.error ??= `${file}: ${problem}`;
    this.version++;
  }

  private addEvent(record: Uint8Array): void {
    const event = decodeEvent(record);
    const step = event.step ?? 0;
    if (event.graphDef) this.addGraphDef(decodeGraph(event.graphDef));
    for (const value of event.summary?.value ?? []) this.addValue(value, step, event.wallTime);
  }

  /**
   * Strata's layer graph (its nodes carry parameter counts) becomes the run's graph; any other
   * GraphDef is TensorFlow's or PyTorch's op graph, listed with the op graphs.
   */
  private addGraphDef(graph: GraphMessage): void {
    const nodes = graphNodes(graph);
    if ((graph.node ?? []).some((n) => n.attr?.[GRAPH_ATTRS.parameters] !== undefined)) {
      this.graph = nodes;
      this.keras = false;
    } else this.opGraphs.set(RUN_OP_GRAPH_TAG, nodes);
  }

  /**
   * Adds `item` to the tag's sample. Values of a tag are kept in step order: a run restarted from a
   * checkpoint (a second event file starting at an earlier step) is merged in by step.
   */
  private add<T extends { step: number } | ScalarPoint>(map: Map<string, Reservoir<T>>, tag: string, capacity: number, item: T): void {
    let reservoir = map.get(tag);
    if (!reservoir) map.set(tag, (reservoir = new Reservoir<T>(capacity)));
    const items = reservoir.items;
    const before = items.length ? stepOf(items[items.length - 1]!) : -Infinity;
    reservoir.add(item);
    if (stepOf(item) < before) items.sort((a, b) => stepOf(a) - stepOf(b));
  }

  private addValue(value: SummaryValueMessage, step: number, wallTime: number): void {
    const plugin = value.metadata?.pluginData?.pluginName;
    const { tag, tensor } = value;
    if (value.simpleValue !== undefined) this.add(this.scalars, tag, this.samples.scalars, [step, value.simpleValue, wallTime] as ScalarPoint);
    else if (value.histo) this.add(this.histograms, tag, this.samples.histograms, { step, wallTime, min: value.histo.min ?? 0, max: value.histo.max ?? 0, num: value.histo.num ?? 0, buckets: histogramBuckets(value.histo) });
    // NOTE: the decoded bytes are a view into the chunk read from the file; a copy keeps only the image alive.
    else if (value.image) this.addImages(tag, step, wallTime, { width: value.image.width ?? 0, height: value.image.height ?? 0, encoded: [(value.image.encodedImageString ?? new Uint8Array(0)).slice()] });
    else if (value.audio) this.addAudio(tag, step, wallTime, summaryAudio(value.audio));
    // PyTorch writes hparams summaries without a tensor, TensorFlow with an empty one: the plugin data says it all.
    else if (plugin === HPARAMS_PLUGIN) this.addSession(value.metadata?.pluginData?.content);
    else if (!tensor) return;
    else if ((plugin === OP_GRAPH_PLUGIN || plugin === PROFILED_OP_GRAPH_PLUGIN) && tensor.stringVal?.[0]) {
      // One RunMetadata may hold several functions' graphs: TensorBoard shows them side by side.
      this.opGraphs.set(tag, graphNodes({ node: decodeFunctionGraphs(tensor.stringVal[0]).flatMap((g) => g.node ?? []) }));
    } else if (plugin === KERAS_GRAPH_PLUGIN && tensor.stringVal?.[0]) {
      if (this.graph && !this.keras) return;
      this.graph = kerasGraph(new TextDecoder().decode(tensor.stringVal[0]));
      this.keras = true;
    } else if (plugin === PLUGINS.scalars) {
      // TensorFlow 2 writes scalars as one-element tensors.
      const v = tensorNumbers(tensor)?.values[0];
      if (v !== undefined) this.add(this.scalars, tag, this.samples.scalars, [step, v, wallTime] as ScalarPoint);
    } else if (plugin === PLUGINS.histograms) {
      const h = tensorHistogram(tensor);
      if (h) this.add(this.histograms, tag, this.samples.histograms, { step, wallTime, ...h });
    } else if (plugin === PLUGINS.images) {
      const images = tensorImages(tensor);
      if (images) this.addImages(tag, step, wallTime, images);
    } else if (plugin === PLUGINS.audio) {
      const audio = tensorAudio(tensor);
      if (audio) this.addAudio(tag, step, wallTime, audio);
    } else if (plugin === PR_CURVES_PLUGIN) {
      const curve = readPrCurve(tensor);
      if (curve) this.add(this.prCurves, tag, this.samples.prCurves, { step, wallTime, ...curve });
    } else if (plugin === PLUGINS.text) {
      const text = tensorText(tensor);
      if (text) this.add(this.text, tag, this.samples.text, { step, wallTime, ...text });
    }
  }

  /** A session's start opens it anew (a run trained again in the same directory); its end adds the status. */
  private addSession(content: Uint8Array | undefined): void {
    if (!content) return;
    const info = readSessionInfo(content);
    this.session = info.hparams ? info : { ...this.session, ...info };
  }

  private addImages(tag: string, step: number, wallTime: number, { width, height, encoded }: ImageData): void {
    this.add(this.images, tag, this.samples.images, { step, wallTime, width, height, samples: encoded.length, encoded });
  }

  private addAudio(tag: string, step: number, wallTime: number, { encoded, ...rest }: AudioData): void {
    this.add(this.audio, tag, this.samples.audio, { step, wallTime, samples: encoded.length, ...rest, encoded });
  }

  /** What the dashboard lists for the run. */
  info(): RunInfo {
    return {
      name: this.name,
      ...(this.error ? { error: this.error } : {}),
      version: this.version,
      scalarTags: [...this.scalars.keys()],
      histogramTags: [...this.histograms.keys()],
      imageTags: [...this.images.keys()],
      textTags: [...this.text.keys()],
      audioTags: [...this.audio.keys()],
      prCurveTags: [...this.prCurves.keys()],
      hasGraph: this.graph !== undefined,
      opGraphTags: [...this.opGraphs.keys()],
      hasHParams: this.session?.hparams !== undefined,
    };
  }
}

/** The step of a kept value (a scalar point is `[step, value, wallTime]`). */
function stepOf(item: { step: number } | ScalarPoint): number {
  return Array.isArray(item) ? item[0] : (item as { step: number }).step;
}
