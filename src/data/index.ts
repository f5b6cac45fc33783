/** The data pipeline, like tf.data: datasets from arrays, generators and CSV text, and the chain that maps, shuffles and batches them. */
export { Dataset, type MapArgs, type ShuffleArgs, type BatchArgs, type PaddedBatchArgs } from './dataset.js';
export { array, generator, zip, type ArraySource, type ElementStream } from './sources.js';
export { csv, type CsvArgs, type CsvColumnType, type CsvRow, type CsvSource } from './csv.js';
export type { Element, Batched } from './element.js';
