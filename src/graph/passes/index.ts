/** The generic graph passes: dead code, common subexpressions, constant folding, and the pipeline running them. */
export { eliminateCommonSubexpressions, type CommonSubexpressionResult } from './common-subexpressions.js';
export { foldConstants, MAX_FOLDED_ELEMENTS, type ConstantFoldingResult } from './constant-folding.js';
export { eliminateDeadCode, type DeadCodeResult } from './dead-code.js';
export { optimizeGraph, type OptimizationSummary, type PassName, type PassRun } from './optimize.js';
export { isPure, overwrittenValues } from './purity.js';
