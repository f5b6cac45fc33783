/** Constant folding: nodes whose inputs are all known when the graph is made run once then, their outputs becoming constants. */
import type { Backend, DataId, TensorInfo } from '../../core/backend.js';
import type { TypedArray } from '../../core/dtype.js';
import { StrataError } from '../../core/errors.js';
import { sizeOf } from '../../core/shape.js';
import { nodeRunner } from '../execute.js';
import { opLabel, type Graph, type GraphNode } from '../graph.js';
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
    const values = runNow(backend, node);
    node.outputs.forEach((v, i) => (v.source = { kind: 'constant', values: values[i]! }));
  }
  const folded = graph.nodes.length - kept.length;
  graph.nodes = kept;
  return { folded };
}

/**
 * Runs `node` on `backend` as a replay would (`nodeRunner`), its constant inputs written for the call and
 * captured ones read in place, and returns its outputs' values; the storage it made is released.
 */
function runNow(backend: Backend, node: GraphNode): TypedArray[] {
  const written: DataId[] = [];
  const infos = node.inputs.map((r): TensorInfo => {
    const src = r.value.source;
    if (src.kind === 'capture') return { dataId: src.info.dataId, shape: r.shape, dtype: r.value.dtype };
    if (src.kind !== 'constant') throw new StrataError(`internal: folding ${opLabel(node)} on a ${src.kind} value`);
    const dataId = backend.write(src.values, r.value.shape, r.value.dtype);
    written.push(dataId);
    return { dataId, shape: r.shape, dtype: r.value.dtype };
  });
  try {
    const outputs = nodeRunner(backend, node, infos)();
    const values = outputs.map((id) => backend.read(id));
    // Pure nodes return fresh storage; the check guards the inputs' should a kernel ever return one.
    const inputIds = new Set(infos.map((i) => i.dataId));
    for (const id of new Set(outputs)) if (!inputIds.has(id)) backend.disposeData(id);
    return values;
  } finally {
    for (const id of written) backend.disposeData(id);
  }
}
