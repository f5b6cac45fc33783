/** Strata Board, the browser-safe part: the TensorBoard callback, SummaryWriter, and reading and writing TensorFlow event files. */
export { TensorBoard, TRAIN_STEP_GRAPH_TAG, type FeatureMapArgs, type TensorBoardArgs } from './tensorboard.js';
export { SummaryWriter, createFileWriter, FILE_VERSION, type ImageInput } from './summary-writer.js';
export { setEventSinkFactory, type EventSink, type EventSinkFactory } from './event-sink.js';
export { encodeRecord, decodeRecords, maskedCrc32c, type DecodedRecords } from './records.js';
export { histogram, DEFAULT_BUCKETS, type Pixels } from './summary-values.js';
export { modelGraph } from './model-graph.js';
export { opGraphDef, OP_GRAPH_ENDPOINTS } from './op-graph.js';
export { RunData, RUN_OP_GRAPH_TAG, histogramBuckets, resolveSampleSizes, type FeedResult, type SampleSizes, type StoredAudio, type StoredImage } from './event-reader.js';
export { EventFileTail, EVENT_CHUNK_BYTES, type EventFileTailArgs, type ReadAt } from './event-tail.js';
export { Reservoir } from './reservoir.js';
export { HPARAMS_PLUGIN, HPARAMS_TAGS, checkHParams, readSessionInfo, sessionEndValue, sessionStartValue, type HParamValue, type HParams, type SessionInfo, type SessionStatus } from './hparams.js';
export { hparamsSessions } from './hparams-sessions.js';
export type * from './api-types.js';
export { ClassifierEvaluation, CONFUSION_MATRIX_TAG, type ClassifierEvaluationArgs } from './classifier-evaluation.js';
export { confusionMatrix, confusionImage, CELL_PIXELS } from './confusion-matrix.js';
export { prCurve, prCurveValue, readPrCurve, PR_CURVES_PLUGIN, DEFAULT_THRESHOLDS, type PrCurveData } from './pr-curve.js';
