/** Browser-safe data set helpers: the IDX reader, splitting, one-hot labels, scaling and batching of in-memory data. */
export { parseIdx, type IdxArray } from './idx.js';
export { batches, type BatchesArgs } from './batches.js';
export { scaleImages } from './scale-images.js';
export { trainTestSplit, type TrainTestSplitArgs } from './split.js';
export { toCategorical } from './to-categorical.js';
