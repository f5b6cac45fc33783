/** Dataflow graphs: `jit`, the graphs it traces, and the hook by which a backend compiles them. */
export { jit, type JitOptions, type Jitted } from './jit.js';
export { Graph, TensorSlot, opLabel, valueBytes, type Assignment, type DynamicArg, type GraphEffect, type GraphNode, type GraphStats, type GraphValue, type NodeOp, type OutputTemplate, type ValueRef, type ValueSource } from './graph.js';
export { dynamic, effect } from './effects.js';
export { registerGraphCompiler, graphCompilerFor, type GraphCompiler } from './compilers.js';
