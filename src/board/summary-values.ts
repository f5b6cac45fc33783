/**
 * The values of a Summary as TensorBoard reads them: scalars, histograms (equal-width buckets, as
 * TensorFlow 2 makes them), PNG images, text and op graphs.
 */
import { encode as encodePng } from 'fast-png';
import { ValueError } from '../core/errors.js';
import { DataType, encodeFunctionGraph, type GraphMessage, type HistogramMessage, type SummaryValueMessage } from './tf-protos.js';

/** TensorFlow 2's default number of histogram buckets. */
export const DEFAULT_BUCKETS = 30;

/** The plugin of a summary holding a function's op graph (a RunMetadata), as `tf.summary.trace_export` writes it. */
export const OP_GRAPH_PLUGIN = 'graph_run_metadata_graph';

/** The plugin of a RunMetadata holding a profile as well as the op graph (Keras's profiled batches), read as an op graph too. */
export const PROFILED_OP_GRAPH_PLUGIN = 'graph_run_metadata';

/** A scalar summary (the `simple_value` field every TensorBoard version reads). */
export function scalarValue(tag: string, value: number): SummaryValueMessage {
  return { tag, simpleValue: value };
}

/**
 * A histogram of the finite numbers in `values` over `buckets` equal-width buckets from their
 * minimum to their maximum (a single bucket of width 1 around the value when all are equal).
 * NaN and infinities are left out of the buckets and of the count.
 *
 * @example
 * histogram([0, 1, 1, 2], 2); // bucketLimit [1, 2], bucket [1, 3]
 */
export function histogram(values: ArrayLike<number>, buckets = DEFAULT_BUCKETS): HistogramMessage {
  if (!Number.isInteger(buckets) || buckets < 1) throw new ValueError(`histogram: buckets must be a positive integer, got ${buckets}.`);
  let min = Infinity;
  let max = -Infinity;
  let num = 0;
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    num++;
    sum += v;
    sumSquares += v * v;
  }
  if (num === 0) return { min: 0, max: 0, num: 0, sum: 0, sumSquares: 0, bucketLimit: [], bucket: [] };
  if (min === max) return { min: min - 0.5, max: max + 0.5, num, sum, sumSquares, bucketLimit: [max + 0.5], bucket: [num] };
  const width = (max - min) / buckets;
  const counts = new Array<number>(buckets).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) counts[Math.min(Math.floor((v - min) / width), buckets - 1)]!++;
  }
  const bucketLimit = counts.map((_, i) => (i === buckets - 1 ? max : min + (i + 1) * width));
  return { min, max, num, sum, sumSquares, bucketLimit, bucket: counts };
}

/** A histogram summary of `values` (see `histogram`). */
export function histogramValue(tag: string, values: ArrayLike<number>, buckets = DEFAULT_BUCKETS): SummaryValueMessage {
  return { tag, histo: histogram(values, buckets) };
}

/** Pixels ready to encode: `height × width × channels` bytes, row by row. */
export interface Pixels {
  width: number;
  height: number;
  /** 1 grayscale, 3 RGB, 4 RGBA. */
  channels: 1 | 3 | 4;
  data: Uint8Array;
}

/** An image summary holding `pixels` as a PNG. */
export function imageValue(tag: string, pixels: Pixels): SummaryValueMessage {
  if (pixels.data.length !== pixels.width * pixels.height * pixels.channels) {
    throw new ValueError(`image '${tag}': ${pixels.data.length} bytes do not make a ${pixels.height}×${pixels.width} image with ${pixels.channels} channels.`);
  }
  const png = encodePng({ width: pixels.width, height: pixels.height, data: pixels.data, channels: pixels.channels, depth: 8 });
  return { tag, image: { height: pixels.height, width: pixels.width, colorspace: pixels.channels, encodedImageString: png } };
}

/** A text summary (TensorBoard's text plugin: a string tensor; Markdown is rendered). */
export function textValue(tag: string, text: string): SummaryValueMessage {
  return {
    tag,
    metadata: { pluginData: { pluginName: 'text' }, dataClass: 2 },
    tensor: { dtype: DataType.DT_STRING, tensorShape: {}, stringVal: [new TextEncoder().encode(text)] },
  };
}

/**
 * A function's op graph under `tag`, as TensorFlow 2 stores a traced function's graph: a RunMetadata
 * holding it, in a string tensor whose plugin content is the version `1` (which TensorBoard checks).
 */
export function opGraphValue(tag: string, graph: GraphMessage): SummaryValueMessage {
  return {
    tag,
    metadata: { pluginData: { pluginName: OP_GRAPH_PLUGIN, content: new TextEncoder().encode('1') } },
    tensor: { dtype: DataType.DT_STRING, tensorShape: {}, stringVal: [encodeFunctionGraph(graph)] },
  };
}
