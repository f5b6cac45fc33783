/** Constant folding: nodes whose inputs are all known when the graph is made run once then, their outputs becoming constants. */
import type { Backend, DataId, Kernels, TensorInfo } from '../../core/backend.js';
import { allocArray, type TypedArray } from '../../core/dtype.js';
import { StrataError } from '../../core/errors.js';
import { sizeOf } from '../../core/shape.js';
import type { Graph, GraphNode, GraphValue, ValueRef } from '../graph.js';
import { bindArgs } from './bind-args.js';
import { isPure, overwrittenValues } from './purity.js';

/** What `foldConstants` did. */
export interface ConstantFoldingResult {
  /** Nodes run now and removed, their outputs made constants. */
  folded: number;
}

/**
 * The most elements an output may have to be folded: a folded value lives in the graph for as long as it
 * does, so a broadcast of a constant to a batch's shape is left to run at each call.
 */
export const MAX_FOLDED_ELEMENTS = 1 << 16;

/**
 * Runs every pure node (see `isPure`) whose inputs are all constants or captured storage, on `backend`
 * (the one the graph runs on, so the values are the bits a call would compute), and makes its outputs
 * constant values; chains fold in one walk. Not folded: outputs of more than `MAX_FOLDED_ELEMENTS`
 * elements, and values some node overwrites in place (as input or output).
 *
 * @example
 * // mul(scalar 2, scalar 3) traced: the node goes, its output is the constant 6
 * const { folded } = foldConstants(graph, getBackend()); // 1
 */
export function foldConstants(graph: Graph, backend: Backend): ConstantFoldingResult {
  const overwritten = overwrittenValues(graph);
  const foldable = (n: GraphNode): boolean =>
    isPure(n) &&
    n.inputs.every((r) => (r.value.source.kind === 'constant' || r.value.source.kind === 'capture') && !overwritten.has(r.value)) &&
    n.outputs.every((v) => sizeOf(v.shape) <= MAX_FOLDED_ELEMENTS && !overwritten.has(v));
  const kept: GraphNode[] = [];
  for (const node of graph.nodes) {
    if (!foldable(node)) {
      kept.push(node);
      continue;
    }
    const values = node.op.kind === 'kernel' ? runKernel(backend, node.op.name, node.op.args, node.inputs) : runHost(backend, node);
    if (values.length !== node.outputs.length) {
      throw new StrataError(`internal: folding ${node.op.name} gave ${values.length} outputs where the graph has ${node.outputs.length}`);
    }
    node.outputs.forEach((v, i) => (v.source = { kind: 'constant', values: values[i]! }));
  }
  const folded = graph.nodes.length - kept.length;
  graph.nodes = kept;
  return { folded };
}

/** Runs kernel `name` on the inputs' storage (constants written for the call) and returns its outputs' values. */
function runKernel(backend: Backend, name: keyof Kernels, args: readonly unknown[], inputs: readonly ValueRef[]): TypedArray[] {
  const written: DataId[] = [];
  const infos = inputs.map((r): TensorInfo => {
    const src = r.value.source;
    if (src.kind === 'capture') return { dataId: src.info.dataId, shape: r.shape, dtype: r.value.dtype };
    if (src.kind !== 'constant') throw new StrataError(`internal: folding ${name} on a ${src.kind} value`);
    const dataId = backend.write(src.values, r.value.shape, r.value.dtype);
    written.push(dataId);
    return { dataId, shape: r.shape, dtype: r.value.dtype };
  });
  try {
    const kernel = backend[name] as (...args: unknown[]) => TensorInfo | readonly TensorInfo[];
    const result = kernel.apply(backend, bindArgs(args, infos));
    const outputs = Array.isArray(result) ? (result as readonly TensorInfo[]) : [result as TensorInfo];
    const values = outputs.map((o) => backend.read(o.dataId));
    // Kernels allocate their outputs; the check guards the inputs' storage should one return an input.
    const inputIds = new Set(infos.map((i) => i.dataId));
    for (const id of new Set(outputs.map((o) => o.dataId))) if (!inputIds.has(id)) backend.disposeData(id);
    return values;
  } finally {
    for (const id of written) backend.disposeData(id);
  }
}

/** Runs a host node's JavaScript on the inputs' values and returns its outputs' values in their dtypes, as a write would store them. */
function runHost(backend: Backend, node: GraphNode): TypedArray[] {
  if (node.op.kind !== 'host') throw new StrataError(`internal: ${node.op.name} is not a host computation`);
  const inputs = node.inputs.map((r) => ({ values: valuesOf(backend, r.value), shape: r.shape, dtype: r.value.dtype }));
  return node.op.compute(inputs).map((o, i) => {
    const v = node.outputs[i];
    if (!v) throw new StrataError(`internal: ${node.op.name} computed more outputs than the graph has`);
    const values = allocArray(v.dtype, sizeOf(v.shape));
    values.set(o.values);
    return values;
  });
}

/** A constant's or a capture's values, as a copy the host function may change. */
function valuesOf(backend: Backend, v: GraphValue): TypedArray {
  const src = v.source;
  if (src.kind === 'constant') return src.values.slice();
  if (src.kind === 'capture') return backend.read(src.info.dataId);
  throw new StrataError(`internal: folding a host computation on a ${src.kind} value`);
}
