/** Every op, re-exported from the file of its family. */
export * from './activations.js';
export * from './arithmetic.js';
export * from './compare.js';
export {
  conv1d, conv2d, depthwiseConv2d, conv2dTranspose, conv1dTranspose, conv3d,
  type Conv1DArgs, type Conv2DArgs, type Conv2DTransposeArgs, type Conv1DTransposeArgs, type Conv3DArgs,
} from './conv.js';
export { cast, type TensorLike } from './convert.js';
export * from './creation.js';
export * from './dropout.js';
export { matMul } from './linalg.js';
export * as fused from './fused.js';
export * from './pool.js';
export * from './reduction.js';
export * from './shape.js';
export { slice, concat, stack, split, unstack, pad, tile, gather, oneHot } from './slicing.js';
export * from './sum-broadcast.js';
export * from './unary.js';
export * from './optimizer-update.js';
export * from './cross-entropy.js';
export * from './define-op.js';
export type { Padding, PairLike } from './windows.js';
export { imageTransform, resizeBilinear, type ImageTransformArgs, type FillMode, type Interpolation } from './image.js';
