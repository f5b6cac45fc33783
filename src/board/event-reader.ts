/**
 * Reading event files back: the scalars, histograms, images and graph of a run, gathered from
 * TFRecord bytes fed as they arrive (a run may still be writing), for the dashboard and `strata plot`.
 */
import type { GraphNode, HistogramPoint, ImageEntry, RunInfo, ScalarPoint } from './api-types.js';
import { GRAPH_ATTRS } from './model-graph.js';
import { decodeRecords } from './records.js';
import { DataType, decodeEvent, decodeGraph, type GraphMessage, type HistogramMessage, type SummaryValueMessage, type TensorMessage } from './tf-protos.js';

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

/** The layers of a GraphDef as the dashboard draws them. */
export function graphNodes(graph: GraphMessage): GraphNode[] {
  return (graph.node ?? []).map((n) => {
    const attr = n.attr ?? {};
    const shapes = attr[GRAPH_ATTRS.outputShapes]?.list?.shape ?? [];
    return {
      name: n.name,
      op: n.op,
      inputs: n.input ?? [],
      outputShapes: shapes.map((s) => (s.dim ?? []).map((d) => (d.size < 0 ? null : d.size))),
      parameters: Number(attr[GRAPH_ATTRS.parameters]?.i ?? 0),
      trainableParameters: Number(attr[GRAPH_ATTRS.trainableParameters]?.i ?? 0),
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

/** Everything read so far of one run (one or more event files in one directory). */
export class RunData {
  /** Each scalar tag's values in the order logged. */
  readonly scalars = new Map<string, ScalarPoint[]>();
  /** Each histogram tag's histograms in the order logged. */
  readonly histograms = new Map<string, HistogramPoint[]>();
  /** Each image tag's images in the order logged. */
  readonly images = new Map<string, StoredImage[]>();
  /** The model graph's layers (the last graph written), if any. */
  graph: GraphNode[] | undefined;
  /** The first problem met, with the file it was met in. */
  error: string | undefined;
  /** Grows whenever something new was read. */
  version = 0;

  /** An empty run named `name` (its path inside the log directory). */
  constructor(readonly name: string) {}

  /**
   * Reads the whole records in `bytes` (a stretch of the file `file` starting at byte `offset`)
   * and returns how many bytes they took; an incomplete record at the end is left for the next
   * call. A corrupt record sets `error` and consumes nothing more of that file.
   */
  feed(file: string, bytes: Uint8Array, offset = 0): number {
    const { records, consumed, error } = decodeRecords(bytes, offset);
    for (const [i, record] of records.entries()) {
      try {
        this.addEvent(record);
      } catch (e) {
        this.error ??= `${file}: record ${i + 1} after byte ${offset} is not a valid Event (${(e as Error).message})`;
        this.version++;
        return bytes.length;
      }
    }
    if (records.length) this.version++;
    if (error) {
      this.error ??= `${file}: ${error}`;
      this.version++;
      return bytes.length;
    }
    return consumed;
  }

  private addEvent(record: Uint8Array): void {
    const event = decodeEvent(record);
    const step = event.step ?? 0;
    if (event.graphDef) this.graph = graphNodes(decodeGraph(event.graphDef));
    for (const value of event.summary?.value ?? []) this.addValue(value, step, event.wallTime);
  }

  private addValue(value: SummaryValueMessage, step: number, wallTime: number): void {
    const push = <T>(map: Map<string, T[]>, item: T): void => void (map.get(value.tag) ?? map.set(value.tag, []).get(value.tag)!).push(item);
    if (value.simpleValue !== undefined) push(this.scalars, [step, value.simpleValue, wallTime] as ScalarPoint);
    else if (value.histo) push(this.histograms, { step, wallTime, min: value.histo.min ?? 0, max: value.histo.max ?? 0, num: value.histo.num ?? 0, buckets: histogramBuckets(value.histo) });
    else if (value.image) push(this.images, { step, wallTime, width: value.image.width, height: value.image.height, bytes: value.image.encodedImageString });
    else if (value.metadata?.pluginData?.pluginName === 'scalars' && value.tensor) {
      // TensorFlow 2 writes scalars as one-element tensors.
      const v = tensorScalar(value.tensor);
      if (v !== undefined) push(this.scalars, [step, v, wallTime] as ScalarPoint);
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
    };
  }
}
