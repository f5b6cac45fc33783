/**
 * A traced function's dataflow graph (what `jit` makes) as a TensorFlow GraphDef, the form TensorBoard
 * draws an op graph in: one NodeDef per node, plus the nodes its values come from and go to.
 */
import type { Variable } from '../core/tensor.js';
import { opLabel, TensorSlot, type Graph, type GraphNode, type GraphValue } from '../graph/graph.js';
import { GRAPH_ATTRS, GRAPH_DTYPES, shapeMessage } from './model-graph.js';
import type { AttrMessage, GraphMessage, NodeMessage } from './tf-protos.js';

/** The TensorFlow ops that stand for where a graph's values come from and where they go. */
export const OP_GRAPH_ENDPOINTS = { input: 'Placeholder', variable: 'VariableV2', constant: 'Const', output: 'Identity', assign: 'Assign' } as const;

/** Gives each node a unique name from a readable base: `add`, `add_1`, `add_2`, ... as TensorFlow numbers them. */
class Names {
  private readonly used = new Set<string>();

  take(base: string): string {
    // ':' separates a node's name from an output index in GraphDef inputs; '/' (name scopes) is kept.
    const clean = base.replace(/[^A-Za-z0-9_./-]/g, '_') || 'node';
    let name = clean;
    for (let k = 1; this.used.has(name); k++) name = `${clean}_${k}`;
    this.used.add(name);
    return name;
  }
}

function valueAttrs(values: readonly { shape: readonly number[]; dtype: GraphValue['dtype'] }[]): Record<string, AttrMessage> {
  const attr: Record<string, AttrMessage> = { [GRAPH_ATTRS.outputShapes]: { list: { shape: values.map((v) => shapeMessage(v.shape)) } } };
  if (values[0]) attr[GRAPH_ATTRS.dtype] = { type: GRAPH_DTYPES[values[0].dtype] };
  return attr;
}

/** The op's own attributes: a kernel's non-tensor arguments, a fused node's replaced ops. */
function opAttrs(node: GraphNode): Record<string, AttrMessage> {
  const op = node.op;
  const text = new TextEncoder();
  if (op.kind === 'call') return { [GRAPH_ATTRS.fusedOps]: { list: { s: op.fusedFrom.map((label) => text.encode(label)) } } };
  if (op.kind !== 'kernel') return {};
  const args = op.args.filter((a) => !(a instanceof TensorSlot));
  return args.length ? { [GRAPH_ATTRS.args]: { s: text.encode(JSON.stringify(args)) } } : {};
}

/**
 * The GraphDef of a traced graph. Each node is named after its op (`matMul`, `add`, `relu_2`: the
 * kernel's variant for elementwise kernels, the compiled call's name for fused ones), has as `op` its
 * label (`binary:add`), as inputs the names of the nodes producing them (`name:k` for output k > 0),
 * and as attributes its output shapes and dtype, its other arguments (`args`, JSON) and, for fused nodes,
 * the ops they replace (`fused_ops`). The function's tensor arguments become Placeholder nodes
 * (`input_0`, ...), the variables it reads VariableV2 nodes named as the variables, captured tensors and
 * constants Const nodes, its results Identity nodes (`output`, `output_1`, ...), and the variables it
 * assigns Assign nodes (`assign/<variable>`).
 *
 * @example
 * const step = jit((x: Tensor) => relu(add(matMul(x, w), b)));
 * step(x);
 * const graphDef = opGraphDef(step.lastGraph!); // graphDef.node.map((n) => n.op): ['Placeholder', 'VariableV2', 'matMul', ...]
 */
export function opGraphDef(graph: Graph): GraphMessage {
  const names = new Names();
  const nodeNames = new Map<GraphNode, string>(graph.nodes.map((n) => [n, names.take(opLabel(n).split(':').pop()!)]));
  const endpoints: NodeMessage[] = [];
  const endpointOf = new Map<GraphValue | Variable, string>();

  const endpoint = (key: GraphValue | Variable, base: string, op: string, value: GraphValue): string => {
    let name = endpointOf.get(key);
    if (name === undefined) {
      name = names.take(base);
      endpointOf.set(key, name);
      endpoints.push({ name, op, input: [], attr: valueAttrs([value]) });
    }
    return name;
  };
  const tensorName = (value: GraphValue): string => {
    const src = value.source;
    switch (src.kind) {
      case 'node':
        return src.index === 0 ? nodeNames.get(src.node)! : `${nodeNames.get(src.node)!}:${src.index}`;
      case 'input':
        return endpoint(value, `input_${src.index}`, OP_GRAPH_ENDPOINTS.input, value);
      case 'variable':
        return endpoint(src.variable, src.variable.name, OP_GRAPH_ENDPOINTS.variable, value);
      case 'capture':
        return endpoint(value, 'captured', OP_GRAPH_ENDPOINTS.constant, value);
      case 'constant':
        return endpoint(value, 'const', OP_GRAPH_ENDPOINTS.constant, value);
    }
  };

  const ops: NodeMessage[] = graph.nodes.map((n) => ({
    name: nodeNames.get(n)!,
    op: opLabel(n),
    input: n.inputs.map((r) => tensorName(r.value)),
    attr: { ...valueAttrs(n.outputs), ...opAttrs(n) },
  }));
  const outputs: NodeMessage[] = graph.outputs.map((r) => ({ name: names.take('output'), op: OP_GRAPH_ENDPOINTS.output, input: [tensorName(r.value)], attr: valueAttrs([{ shape: r.shape, dtype: r.value.dtype }]) }));
  const assigns: NodeMessage[] = graph.assignments.map((a) => ({
    name: names.take(`assign/${a.variable.name}`),
    op: OP_GRAPH_ENDPOINTS.assign,
    input: [endpoint(a.variable, a.variable.name, OP_GRAPH_ENDPOINTS.variable, a.value.value), tensorName(a.value.value)],
    attr: valueAttrs([a.value.value]),
  }));
  return { node: [...endpoints, ...ops, ...outputs, ...assigns] };
}
