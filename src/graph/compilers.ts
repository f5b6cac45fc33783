/**
 * Backends see whole graphs: a backend may register a compiler that rewrites a traced, optimised graph
 * for itself (the wasm backend fuses elementwise chains into single kernels), before it is replayed.
 */
import type { Graph } from './graph.js';

/** Rewrites `graph` in place for one backend; the result must compute what the graph computed. */
export type GraphCompiler = (graph: Graph) => void;

const compilers = new Map<string, GraphCompiler>();

/**
 * Makes `compiler` rewrite every graph `jit` makes for the backend named `backendName` (one per backend;
 * a second registration replaces the first).
 *
 * @example
 * registerGraphCompiler('wasm', (graph) => fuseElementwise(graph));
 */
export function registerGraphCompiler(backendName: string, compiler: GraphCompiler): void {
  compilers.set(backendName, compiler);
}

/** The compiler registered for `backendName`, if any. */
export function graphCompilerFor(backendName: string): GraphCompiler | undefined {
  return compilers.get(backendName);
}
