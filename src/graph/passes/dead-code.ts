/** Dead-code elimination: nodes whose results nothing uses are dropped. */
import type { Graph, GraphValue } from '../graph.js';
import { isPure } from './purity.js';

/** What `eliminateDeadCode` did. */
export interface DeadCodeResult {
  /** Nodes dropped. */
  removed: number;
}

/**
 * Drops every pure node (see `isPure`) none of whose outputs reaches what a call leaves behind: the
 * returned tensors, the variables' new values, the effects' inputs, and the inputs of the nodes that are
 * always kept (in-place updates, random draws, fused calls, nodes with dynamic arguments). One walk
 * backwards suffices, as nodes are in an order that runs them.
 *
 * @example
 * const { removed } = eliminateDeadCode(graph); // the unused branch's nodes are gone
 */
export function eliminateDeadCode(graph: Graph): DeadCodeResult {
  const live = new Set<GraphValue>();
  for (const r of graph.outputs) live.add(r.value);
  for (const a of graph.assignments) live.add(a.value.value);
  for (const e of graph.effects) for (const r of e.inputs) live.add(r.value);
  const kept = [];
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const node = graph.nodes[i]!;
    if (isPure(node) && !node.outputs.some((v) => live.has(v))) continue;
    for (const r of node.inputs) live.add(r.value);
    kept.push(node);
  }
  const removed = graph.nodes.length - kept.length;
  graph.nodes = kept.reverse();
  return { removed };
}
