/** The pass pipeline `jit` runs on every graph it traces, before the backend's own graph compiler. */
import type { Backend } from '../../core/backend.js';
import type { Graph } from '../graph.js';
import { eliminateCommonSubexpressions } from './common-subexpressions.js';
import { foldConstants } from './constant-folding.js';
import { eliminateDeadCode } from './dead-code.js';

/** The generic passes, by name. */
export type PassName = 'foldConstants' | 'eliminateCommonSubexpressions' | 'eliminateDeadCode';

/** One run of one pass. */
export interface PassRun {
  pass: PassName;
  /** The round of the pipeline it ran in, from 1. */
  round: number;
  nodesBefore: number;
  nodesAfter: number;
}

/** What `optimizeGraph` did. */
export interface OptimizationSummary {
  nodesBefore: number;
  nodesAfter: number;
  /** Nodes folded into constants, merged into an equal node, and dropped as unused, in all. */
  folded: number;
  merged: number;
  removed: number;
  /** Every pass run, in order. */
  runs: PassRun[];
}

/**
 * Folds constants, merges common subexpressions and drops dead code, in rounds, until a round changes
 * nothing (each change removes a node, so this ends). Folded kernels run on `backend`, the graph's.
 * Every pass leaves the numbers a call computes bit for bit as they were.
 *
 * @example
 * const summary = optimizeGraph(graph, getBackend());
 * console.log(`${summary.nodesBefore} nodes → ${summary.nodesAfter}`);
 */
export function optimizeGraph(graph: Graph, backend: Backend): OptimizationSummary {
  const summary: OptimizationSummary = { nodesBefore: graph.nodes.length, nodesAfter: graph.nodes.length, folded: 0, merged: 0, removed: 0, runs: [] };
  const passes: [PassName, () => void][] = [
    ['foldConstants', () => (summary.folded += foldConstants(graph, backend).folded)],
    ['eliminateCommonSubexpressions', () => (summary.merged += eliminateCommonSubexpressions(graph).merged)],
    ['eliminateDeadCode', () => (summary.removed += eliminateDeadCode(graph).removed)],
  ];
  for (let round = 1, changed = true; changed; round++) {
    changed = false;
    for (const [pass, run] of passes) {
      const nodesBefore = graph.nodes.length;
      run();
      summary.runs.push({ pass, round, nodesBefore, nodesAfter: graph.nodes.length });
      changed ||= graph.nodes.length < nodesBefore;
    }
  }
  summary.nodesAfter = graph.nodes.length;
  return summary;
}
