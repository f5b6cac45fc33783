/** Losses: Keras's losses as classes (`new SparseCategoricalCrossentropy()`) and as functions returning per-sample values, and lookup by name. */
export { FunctionLoss, Loss, LossFunctionWrapper, type LossOptions, type LossFn, type LossArgs, type LossConfig } from './loss.js';
export { meanSquaredError, meanAbsoluteError, huber, MeanSquaredError, MeanAbsoluteError, Huber, type HuberArgs } from './regression.js';
export { binaryCrossentropy, BinaryCrossentropy, type BinaryCrossentropyArgs } from './binary-crossentropy.js';
export {
  categoricalCrossentropy, sparseCategoricalCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy,
  type CategoricalCrossentropyArgs, type SparseCategoricalCrossentropyArgs,
} from './categorical-crossentropy.js';
export { getLoss, registerLoss, canonicalLossName, serializeLoss, deserializeLoss, type SerializedLoss } from './get-loss.js';
