/** Optimizers (Keras classes and TensorFlow.js-style lowercase factories), learning-rate schedules, and lookup by name. */
export { Optimizer, optimizerArgKeys, type OptimizerArgs, type OptimizerConfig, type OwnHyperparameters, type NamedTensor, type SlotSpec, type UpdateStep, type UpdateResult } from './optimizer.js';
export { SGD, sgd, type SGDArgs } from './sgd.js';
export { Adagrad, adagrad, type AdagradArgs } from './adagrad.js';
export { RMSprop, rmsprop, type RMSpropArgs } from './rmsprop.js';
export { Adam, AdamW, adam, adamw, type AdamArgs, type AdamWArgs } from './adam.js';
export {
  LearningRateSchedule, ExponentialDecay, PiecewiseConstantDecay, CosineDecay,
  registerSchedule, serializeSchedule, deserializeSchedule,
  type ScheduleConfig, type SerializedSchedule, type ExponentialDecayArgs, type PiecewiseConstantDecayArgs, type CosineDecayArgs,
} from './schedules.js';
export { getOptimizer, registerOptimizer, serializeOptimizer, deserializeOptimizer, type SerializedOptimizer } from './get-optimizer.js';
