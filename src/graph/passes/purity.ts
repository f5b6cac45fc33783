/** What the passes may do with a node: whether it only computes its outputs from its inputs, and which values are overwritten in place. */
import type { Graph, GraphNode, GraphValue } from '../graph.js';

/**
 * Whether `node` does nothing but compute its outputs from its inputs' values, so that a pass may drop it
 * when unused, merge it with an equal node, or run it once at optimisation time: a kernel with no output
 * in place and no argument JavaScript recomputes at each call, or a pure host computation. A random draw
 * is not pure (dropping one would shift its generator, and every later number, away from eager's); a
 * dynamic argument's JavaScript may advance state of its own (a schedule's step); a backend's fused call
 * is opaque.
 *
 * @example
 * graph.nodes.filter(isPure).length; // the nodes the passes may drop, merge or fold
 */
export function isPure(node: GraphNode): boolean {
  const op = node.op;
  if (op.kind === 'call' || node.dynamic.length > 0 || node.inPlace.some((i) => i >= 0)) return false;
  return op.kind === 'kernel' || op.pure;
}

/**
 * The values some node overwrites in place: their storage changes during a call, so a pass may neither
 * bake them into constants nor give their storage to a second reader by merging the node that makes them.
 *
 * @example
 * overwrittenValues(graph).has(graph.nodes[0]!.outputs[0]!); // whether an update writes over that result
 */
export function overwrittenValues(graph: Graph): Set<GraphValue> {
  const out = new Set<GraphValue>();
  for (const n of graph.nodes) for (const i of n.inPlace) if (i >= 0) out.add(n.inputs[i]!.value);
  return out;
}
