/**
 * Optimizer updates in place: a traced step whose optimizer returned new values (`applyUpdate`, one
 * parameter at a time, each result assigned back to the parameter and its slots) becomes one `applyUpdates`
 * per rule, overwriting the parameters and slots where they are — what an eager step does once the
 * variables own their storage. Same numbers (the kernels' contract), no new storage per parameter.
 */
import type { UpdateRule } from '../../core/backend.js';
import type { Variable } from '../../core/tensor.js';
import { TensorSlot, type Graph, type GraphNode, type GraphValue, type ValueRef } from '../graph.js';

/** One `applyUpdate` that can run in place: its node, and the variable each output is assigned to. */
interface Candidate {
  node: GraphNode;
  args: readonly unknown[];
  /** The parameter, then its slots: each output's variable, with the value of it the graph starts from. */
  targets: { variable: Variable; start: GraphValue }[];
}

/** The value a graph starts from for `variable`, if some node reads it (else a fresh one is not made here). */
function startValueOf(graph: Graph, variable: Variable): GraphValue | undefined {
  for (const node of graph.nodes) {
    for (const r of node.inputs) if (r.value.source.kind === 'variable' && r.value.source.variable === variable) return r.value;
  }
  return undefined;
}

/**
 * Rewrites `graph`'s per-parameter `applyUpdate` nodes into in-place `applyUpdates`, one per update rule
 * object (one optimizer step), where every output is only assigned back to a variable whose starting
 * value nothing reads after the update. Returns how many nodes it replaced.
 */
export function updateInPlace(graph: Graph): number {
  const assignedTo = new Map<GraphValue, Variable>();
  for (const a of graph.assignments) if (a.value.shape === a.value.value.shape) assignedTo.set(a.value.value, a.variable);
  const readers = new Map<GraphValue, number>();
  for (const node of graph.nodes) for (const r of node.inputs) readers.set(r.value, (readers.get(r.value) ?? 0) + 1);
  const elsewhere = new Set<GraphValue>([...graph.outputs, ...graph.effects.flatMap((e) => e.inputs)].map((r) => r.value));
  const lastRead = new Map<Variable, number>();
  graph.nodes.forEach((node, i) => {
    for (const r of node.inputs) if (r.value.source.kind === 'variable') lastRead.set(r.value.source.variable, i);
  });

  // One group per optimizer step: equal rules, computed again (when dynamic) by the same function.
  const groups = new Map<string, Candidate[]>();
  const computes: unknown[] = [];
  graph.nodes.forEach((node, i) => {
    if (node.op.kind !== 'kernel' || node.op.name !== 'applyUpdate') return;
    const targets: Candidate['targets'] = [];
    for (const out of node.outputs) {
      const variable = assignedTo.get(out);
      if (!variable || readers.has(out) || elsewhere.has(out)) return;
      const start = startValueOf(graph, variable);
      // Overwriting the variable is safe only when no later node reads the value it starts from.
      if (!start || (lastRead.get(variable) ?? -1) > i) return;
      targets.push({ variable, start });
    }
    const compute = node.dynamic.find((d) => d.arg === 0)?.compute;
    if (compute && !computes.includes(compute)) computes.push(compute);
    const key = `${JSON.stringify(node.op.args[0])}|${computes.indexOf(compute)}`;
    groups.set(key, [...(groups.get(key) ?? []), { node, args: node.op.args, targets }]);
  });

  let replaced = 0;
  for (const candidates of groups.values()) {
    const rule = candidates[0]!.args[0] as UpdateRule;
    const last = candidates[candidates.length - 1]!.node;
    const inputs: ValueRef[] = [];
    const slot = (r: ValueRef): TensorSlot => {
      inputs.push(r);
      return new TensorSlot(inputs.length - 1);
    };
    // applyUpdate's arguments are (rule, value, grad, slots): the value and gradient carry over as they are.
    const targets = candidates.map(({ node, args, targets: [param, ...slots] }) => ({
      param: slot({ value: param!.start, shape: param!.start.shape }),
      value: slot(node.inputs[(args[1] as TensorSlot).input]!),
      grad: slot(node.inputs[(args[2] as TensorSlot).input]!),
      slots: slots.map((s) => slot({ value: s.start, shape: s.start.shape })),
    }));
    const merged: GraphNode = {
      id: last.id,
      op: { kind: 'kernel', name: 'applyUpdates', args: [rule, targets] },
      inputs,
      outputs: [],
      inPlace: [],
      dynamic: last.dynamic,
    };
    // The new versions of the parameters and slots, in the order the kernel's contract lists them.
    for (const t of targets) {
      for (const s of [t.param, ...t.slots]) {
        const start = inputs[s.input]!.value;
        merged.outputs.push({ id: graph.newId(), shape: start.shape, dtype: start.dtype, source: { kind: 'node', node: merged, index: merged.outputs.length } });
        merged.inPlace.push(s.input);
      }
    }
    const removed = new Set(candidates.map((c) => c.node));
    const assigned = new Set(candidates.flatMap((c) => c.node.outputs));
    graph.nodes = graph.nodes.flatMap((n) => (n === last ? [merged] : removed.has(n) ? [] : [n]));
    graph.assignments = graph.assignments.filter((a) => !assigned.has(a.value.value));
    replaced += candidates.length;
  }
  return replaced;
}
