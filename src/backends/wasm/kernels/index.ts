// The WebAssembly module's exports: every kernel the wasm backend calls.
export { unaryF32, binaryF32, where32, cast } from './elementwise';
export { reduceF32, argExtremeRowsF32 } from './reduce';
export { transpose32 } from './transpose';
export { gemm, gemmScratchBytes } from './matmul';
export { adamF32, rmspropF32, sgdF32, updateGroupF32 } from './optimizer';
export { softmaxF32 } from './softmax';
export { softmaxCrossEntropyF32, softmaxCrossEntropyGradF32 } from './cross-entropy';
export { gatherRuns } from './gather';
export { im2colF32, col2imF32, poolF32, maxPoolGradF32, avgPoolGradF32, conv1ChannelF32 } from './windows';
export { winogradFilterF32, winogradConvF32, winogradFilterGradF32, winogradUntransformF32 } from './winograd';
export { biasActivationF32, biasActivationGradF32 } from './bias-activation';
export { fusedElementwiseF32 } from './fused-elementwise';

/** First byte past the module's static data: the JS allocator's heap starts here. */
export function heapBase(): usize {
  return __heap_base;
}
