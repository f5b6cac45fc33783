/**
 * Memory planning: from the graph alone, when each intermediate value is last read, so that a replay
 * releases its storage right then (and the allocator hands the block to the next value of that size),
 * where an eager step keeps every intermediate until its scope ends and the tape lets go.
 */
import type { Graph, GraphValue } from './graph.js';

/** What a replay does with storage, node by node. */
export interface MemoryPlan {
  /** Per node (by position in `graph.nodes`): the values whose storage is released once it has run. */
  releaseAfter: GraphValue[][];
  /** Values whose storage the replay made and holds to the end: what it returns, assigns or hands to effects. */
  keptToEnd: GraphValue[];
}

/**
 * Plans `graph`'s storage. A node's fresh output owns its storage; an in-place output takes over its
 * input's (the input, overwritten, is dead from then on, and storage that was never the replay's — a
 * variable's — stays unowned); everything else (inputs, variables, captures, constants) is owned elsewhere.
 */
export function planMemory(graph: Graph): MemoryPlan {
  const owned = new Set<GraphValue>();
  const lastUse = new Map<GraphValue, number>();
  const kept = new Set<GraphValue>();
  for (const r of graph.outputs) kept.add(r.value);
  for (const a of graph.assignments) kept.add(a.value.value);
  for (const e of graph.effects) for (const r of e.inputs) kept.add(r.value);
  graph.nodes.forEach((node, i) => {
    for (const r of node.inputs) lastUse.set(r.value, i);
    node.outputs.forEach((out, k) => {
      const from = node.inPlace[k]!;
      if (from < 0) owned.add(out);
      else {
        const input = node.inputs[from]!.value;
        if (owned.delete(input)) owned.add(out);
      }
      // An output nothing reads is released right after the node that made it.
      lastUse.set(out, Math.max(lastUse.get(out) ?? i, i));
    });
  });
  const releaseAfter: GraphValue[][] = graph.nodes.map(() => []);
  for (const value of owned) {
    if (kept.has(value)) continue;
    releaseAfter[lastUse.get(value)!]!.push(value);
  }
  return { releaseAfter, keptToEnd: [...owned].filter((v) => kept.has(v)) };
}
