/** Common subexpression elimination: a node computing what an earlier node computed is dropped, its uses given the earlier results. */
import { TensorSlot, type Graph, type GraphNode, type GraphValue, type ValueRef } from '../graph.js';
import { isPure, overwrittenValues } from './purity.js';

/** What `eliminateCommonSubexpressions` did. */
export interface CommonSubexpressionResult {
  /** Nodes dropped, each replaced by an equal earlier one. */
  merged: number;
}

/** Constants up to this many elements are compared by content, so that two writes of one number are one value. */
const MAX_CONSTANT_KEY_ELEMENTS = 1024;

/**
 * Merges pure nodes (see `isPure`) that compute the same thing: the same kernel with equal arguments (tensor
 * slots compared by the input they name, numbers as `Object.is` does), or the same host function object,
 * on equal inputs (the same value seen under the same shape; small constants by content, captures by
 * storage, variables by variable). Every use of the later node's outputs (by nodes, returned tensors,
 * assignments, effects) reads the earlier node's instead. A value read before and after a node overwrites
 * it in place counts as two values, and a node whose output is overwritten in place is never merged (its
 * storage would then be shared with a reader that needs the old values).
 *
 * @example
 * // exp(x) computed twice in a traced function: the second node goes, its readers read the first
 * const { merged } = eliminateCommonSubexpressions(graph); // 1
 */
export function eliminateCommonSubexpressions(graph: Graph): CommonSubexpressionResult {
  const overwritten = overwrittenValues(graph);
  const ids = new IdentityKeys();
  const replaced = new Map<GraphValue, GraphValue>();
  /** How many times each value was overwritten in place by the nodes walked so far. */
  const versions = new Map<GraphValue, number>();
  const firsts = new Map<string, GraphNode>();
  const kept: GraphNode[] = [];
  const rewrite = (r: ValueRef): void => {
    r.value = replaced.get(r.value) ?? r.value;
  };
  for (const node of graph.nodes) {
    node.inputs.forEach(rewrite);
    const key = isPure(node) && !node.outputs.some((v) => overwritten.has(v)) ? nodeKey(node, versions, ids) : undefined;
    const first = key === undefined ? undefined : firsts.get(key);
    if (first) {
      node.outputs.forEach((v, i) => replaced.set(v, first.outputs[i]!));
      continue;
    }
    if (key !== undefined) firsts.set(key, node);
    for (const i of node.inPlace) {
      if (i >= 0) versions.set(node.inputs[i]!.value, (versions.get(node.inputs[i]!.value) ?? 0) + 1);
    }
    kept.push(node);
  }
  graph.outputs.forEach(rewrite);
  for (const a of graph.assignments) rewrite(a.value);
  for (const e of graph.effects) e.inputs.forEach(rewrite);
  const merged = graph.nodes.length - kept.length;
  graph.nodes = kept;
  return { merged };
}

/** A string equal for two nodes exactly when they compute the same outputs. */
function nodeKey(node: GraphNode, versions: Map<GraphValue, number>, ids: IdentityKeys): string {
  const op = node.op;
  const what = op.kind === 'kernel' ? `kernel ${op.name}(${argKey(op.args, ids)})` : `${op.kind} ${op.name} #${ids.of(op.kind === 'host' ? op.compute : op.run)}`;
  const inputs = node.inputs.map((r) => `${valueKey(r.value, ids)}@${versions.get(r.value) ?? 0}[${r.shape.join(',')}]`);
  return `${what} on ${inputs.join(' ')}`;
}

function valueKey(v: GraphValue, ids: IdentityKeys): string {
  const src = v.source;
  if (src.kind === 'constant' && src.values.length <= MAX_CONSTANT_KEY_ELEMENTS) {
    // The bytes, not the numbers: -0 and 0 (and NaNs' payloads) stay apart.
    return `constant ${v.dtype}[${v.shape.join(',')}] ${new Uint8Array(src.values.buffer, src.values.byteOffset, src.values.byteLength).join(',')}`;
  }
  if (src.kind === 'capture') return `capture #${ids.of(src.info.dataId)}`;
  if (src.kind === 'variable') return `variable #${ids.of(src.variable)}`;
  return `%${v.id}`;
}

/** A kernel argument as a string: slots by input, numbers as `Object.is` tells them apart, plain data by content, other objects by identity. */
function argKey(a: unknown, ids: IdentityKeys): string {
  if (a instanceof TensorSlot) return `%in${a.input}`;
  if (typeof a === 'number') return Object.is(a, -0) ? '-0' : String(a);
  if (typeof a === 'string') return JSON.stringify(a);
  if (typeof a === 'boolean' || a === null || a === undefined) return String(a);
  if (Array.isArray(a)) return `[${a.map((x: unknown) => argKey(x, ids)).join(',')}]`;
  if (typeof a === 'object' && a !== null && Object.getPrototypeOf(a) === Object.prototype) {
    const o = a as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${argKey(o[k], ids)}`).join(',')}}`;
  }
  return `#${ids.of(a as object)}`;
}

/** Numbers standing for objects compared by identity (functions, storage handles, variables). */
class IdentityKeys {
  private readonly keys = new WeakMap<object, number>();
  private next = 0;

  of(o: object): number {
    let k = this.keys.get(o);
    if (k === undefined) this.keys.set(o, (k = this.next++));
    return k;
  }
}
