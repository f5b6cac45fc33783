/**
 * Reading event files back: the scalars, histograms, images and graphs (layers and ops) of a run,
 * gathered from TFRecord bytes fed as they arrive (a run may still be writing), for the dashboard
 * and `strata plot`.
 */
import { ValueError } from '../core/errors.js';
import { getLimits, type Limits } from '../core/limits.js';
import { checkOptions, optionKeys } from '../core/options.js';
import type { GraphNode, HistogramPoint, ImageEntry, RunInfo, ScalarPoint } from './api-types.js';
import { GRAPH_ATTRS } from './model-graph.js';
import { decodeRecords } from './records.js';
import { Reservoir } from './reservoir.js';
import { OP_GRAPH_PLUGIN, PROFILED_OP_GRAPH_PLUGIN } from './summary-values.js';
import { DataType, decodeEvent, decodeFunctionGraphs, decodeGraph, type GraphMessage, type HistogramMessage, type SummaryValueMessage, type TensorMessage } from './tf-protos.js';

/** An image as read: where and when it was logged, and its encoded bytes. */
export interface StoredImage extends ImageEntry {
  bytes: Uint8Array;
}

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

/** The number in a one-element float tensor, from its value list or its raw bytes. */
function tensorScalar(t: TensorMessage): number | undefined {
  const listed = t.floatVal?.[0] ?? t.doubleVal?.[0];
  if (listed !== undefined || !t.tensorContent) return listed;
  const view = new DataView(t.tensorContent.buffer, t.tensorContent.byteOffset, t.tensorContent.byteLength);
  if (t.dtype === DataType.DT_FLOAT && view.byteLength >= 4) return view.getFloat32(0, true);
  if (t.dtype === DataType.DT_DOUBLE && view.byteLength >= 8) return view.getFloat64(0, true);
  return undefined;
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
}

const SAMPLE_SIZE_KEYS = optionKeys<SampleSizes>({ scalars: true, histograms: true, images: true });

const DEFAULT_SAMPLES: Required<SampleSizes> = { scalars: 1000, histograms: 500, images: 10 };

/**
 * `samples` with the defaults filled in, after checking its keys and that each size is a positive
 * integer (a `ValueError` naming `where` otherwise).
 *
 * @example
 * ```ts
 * resolveSampleSizes({ scalars: 5000 }, 'runBoard'); // { scalars: 5000, histograms: 500, images: 10 }
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
  /** The model graph's layers (the last graph written), if any. */
  graph: GraphNode[] | undefined;
  /** Each tagged op graph's nodes (a traced function's; the last one written under the tag). */
  readonly opGraphs = new Map<string, GraphNode[]>();
  /** The first problem met, with the file it was met in. */
  error: string | undefined;
  /** Grows whenever something new was read. */
  version = 0;
  private readonly samples: Required<SampleSizes>;

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
    if (event.graphDef) this.graph = graphNodes(decodeGraph(event.graphDef));
    for (const value of event.summary?.value ?? []) this.addValue(value, step, event.wallTime);
  }

  private addValue(value: SummaryValueMessage, step: number, wallTime: number): void {
    const add = <T>(map: Map<string, Reservoir<T>>, capacity: number, item: T): void => {
      let reservoir = map.get(value.tag);
      if (!reservoir) map.set(value.tag, (reservoir = new Reservoir<T>(capacity)));
      reservoir.add(item);
    };
    const plugin = value.metadata?.pluginData?.pluginName;
    if (value.simpleValue !== undefined) add(this.scalars, this.samples.scalars, [step, value.simpleValue, wallTime] as ScalarPoint);
    else if (value.histo) add(this.histograms, this.samples.histograms, { step, wallTime, min: value.histo.min ?? 0, max: value.histo.max ?? 0, num: value.histo.num ?? 0, buckets: histogramBuckets(value.histo) });
    // NOTE: the decoded bytes are a view into the chunk read from the file; a copy keeps only the image alive.
    else if (value.image) add(this.images, this.samples.images, { step, wallTime, width: value.image.width, height: value.image.height, bytes: (value.image.encodedImageString ?? new Uint8Array(0)).slice() });
    else if ((plugin === OP_GRAPH_PLUGIN || plugin === PROFILED_OP_GRAPH_PLUGIN) && value.tensor?.stringVal?.[0]) {
      // One RunMetadata may hold several functions' graphs: TensorBoard shows them side by side.
      this.opGraphs.set(value.tag, graphNodes({ node: decodeFunctionGraphs(value.tensor.stringVal[0]).flatMap((g) => g.node ?? []) }));
    } else if (plugin === 'scalars' && value.tensor) {
      // TensorFlow 2 writes scalars as one-element tensors.
      const v = tensorScalar(value.tensor);
      if (v !== undefined) add(this.scalars, this.samples.scalars, [step, v, wallTime] as ScalarPoint);
    }
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
      hasGraph: this.graph !== undefined,
      opGraphTags: [...this.opGraphs.keys()],
    };
  }
}
