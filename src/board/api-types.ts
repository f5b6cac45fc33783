/** The JSON the dashboard server sends its web page: what the runs hold, read from their event files. */
import type { HParams, SessionStatus } from './hparams.js';
import type { PrCurveData } from './pr-curve.js';

/** A run: a directory holding event files, named by its path inside the log directory. */
export interface RunInfo {
  name: string;
  /** Why the run could not be read completely (a corrupt file); what was read before is still shown. */
  error?: string;
  /** Grows whenever new data was read, so the page refetches only what changed. */
  version: number;
  scalarTags: string[];
  histogramTags: string[];
  imageTags: string[];
  textTags: string[];
  audioTags: string[];
  /** The tags of precision–recall curves (TensorBoard's `pr_curves` plugin). */
  prCurveTags: string[];
  /** Whether the run has a model graph (its layers). */
  hasGraph: boolean;
  /** The tags of the op graphs of traced functions in the run (`train_step` for a `jitCompile` model's step). */
  opGraphTags: string[];
  /** Whether the run is an hparams session (it logged its hyperparameters). */
  hasHParams: boolean;
}

/** The answer of `/api/runs`. */
export interface RunsResponse {
  /** The log directory, as given to the board. */
  logDir: string;
  runs: RunInfo[];
}

/** One value of a scalar: `[step, value, wallTime]`. */
export type ScalarPoint = [number, number, number];

/** Every scalar of every run: `scalars[run][tag]`. */
export type ScalarsResponse = Record<string, Record<string, ScalarPoint[]>>;

/** One histogram: its buckets as `[left, right, count]` (as TensorBoard shows them). */
export interface HistogramPoint {
  step: number;
  wallTime: number;
  min: number;
  max: number;
  num: number;
  buckets: [number, number, number][];
}

/** The histograms of one run: `histograms[tag]` over steps. */
export type HistogramsResponse = Record<string, HistogramPoint[]>;

/** One layer of a model graph, or one op of an op graph. */
export interface GraphNode {
  name: string;
  /** The layer's class (`Dense`, `InputLayer`, ...), or the op (`matMul`, `binary:add`, `Placeholder`, ...). */
  op: string;
  /** The nodes feeding it (`name` or `name:k` for another output than the first). */
  inputs: string[];
  /** Output shapes, `null` where unknown (the batch). */
  outputShapes: (number | null)[][];
  parameters: number;
  trainableParameters: number;
  /** Set when the log does not record the layer's parameters (a Keras config without its input size): the counts read 0. */
  parametersUnknown?: boolean;
  /** For a fused node of an op graph: the ops it replaces, in the order they ran. */
  fusedOps?: string[];
}

/** A graph of one run: its layers, or with `tag=` an op graph. */
export interface GraphResponse {
  nodes: GraphNode[];
}

/**
 * One logged image event (its bytes come from `/api/image?run=&tag=&index=&sample=`): TensorFlow 2
 * logs up to `max_outputs` images a step under one tag, its samples; older writers one.
 */
export interface ImageEntry {
  step: number;
  wallTime: number;
  width: number;
  height: number;
  /** How many images this step holds (sample 0 is described by width and height). */
  samples: number;
}

/** The images of one run: `images[tag]` over steps. */
export type ImagesResponse = Record<string, ImageEntry[]>;

/** One logged text: its strings (one for a scalar string tensor; a table's cells, row by row, otherwise) and their shape. */
export interface TextEntry {
  step: number;
  wallTime: number;
  shape: number[];
  values: string[];
}

/** The texts of one run: `text[tag]` over steps. */
export type TextResponse = Record<string, TextEntry[]>;

/** One logged sound event (its bytes come from `/api/audio-clip?run=&tag=&index=&sample=`). */
export interface AudioEntry {
  step: number;
  wallTime: number;
  /** How many clips this step holds. */
  samples: number;
  /** The clips' MIME type (`audio/wav` as TensorFlow and PyTorch write them). */
  contentType: string;
  /** Samples per second, when the writer recorded it (TensorFlow 1 and PyTorch do). */
  sampleRate?: number;
  /** Each clip's label (TensorFlow 2's audio summaries may carry one; Markdown, shown as text). */
  labels?: string[];
}

/** The sounds of one run: `audio[tag]` over steps. */
export type AudioResponse = Record<string, AudioEntry[]>;

/**
 * One hparams session: a run that logged its hyperparameters, with its final metrics: the last
 * value of each scalar of the run and of the runs below it (`train/epoch_loss`, by path below the
 * session's run; a deeper session's runs are its own).
 */
export interface HParamsSession {
  run: string;
  hparams: HParams;
  /** How it ended; absent while it has not. */
  status?: SessionStatus;
  metrics: Record<string, number>;
}

/** The answer of `/api/hparams`: every session, in run order. */
export interface HParamsResponse {
  sessions: HParamsSession[];
}

/** One logged precision–recall curve: each row has one value per threshold (thresholds i/(n-1)). */
export interface PrCurveEntry extends PrCurveData {
  step: number;
  wallTime: number;
}

/** The PR curves of one run: `prCurves[tag]` over steps. */
export type PrCurvesResponse = Record<string, PrCurveEntry[]>;
