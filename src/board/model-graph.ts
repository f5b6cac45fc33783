/**
 * A model's structure as a TensorFlow GraphDef, the form TensorBoard's graph view reads: one node
 * per layer (op = the layer's class), inputs naming the layers that feed it, and as attributes its
 * output shapes, dtype, parameter counts and config.
 */
import type { DType } from '../core/dtype.js';
import { classNameOf } from '../core/serialization.js';
import type { Layer } from '../layers/layer.js';
import type { Node, SymbolicShape, SymbolicTensor } from '../layers/symbolic-tensor.js';
import type { Model } from '../models/model.js';
import { DataType, type AttrMessage, type GraphMessage, type NodeMessage, type ShapeMessage } from './tf-protos.js';

/** TensorFlow's DataType of each Strata dtype. */
export const GRAPH_DTYPES: Record<DType, number> = { float32: DataType.DT_FLOAT, float64: DataType.DT_DOUBLE, int32: DataType.DT_INT32, uint8: DataType.DT_UINT8, bool: DataType.DT_BOOL };

/** Attribute names of the nodes Strata writes (read back by the dashboard). */
export const GRAPH_ATTRS = {
  outputShapes: '_output_shapes',
  dtype: 'dtype',
  parameters: 'parameters',
  trainableParameters: 'trainable_parameters',
  config: 'config',
  /** On an op graph's fused node: the ops it replaces, in the order they ran. */
  fusedOps: 'fused_ops',
  /** On an op graph's kernel node: its arguments other than tensors, as JSON. */
  args: 'args',
} as const;

/** A shape as TensorFlow stores it, -1 where unknown. */
export function shapeMessage(shape: SymbolicShape): ShapeMessage {
  return { dim: shape.map((d) => ({ size: d ?? -1 })) };
}

/** How a GraphDef names a layer's output: `dense` for its first output, `split:1` for the second. */
function tensorName(t: SymbolicTensor): string {
  return t.tensorIndex === 0 ? t.sourceLayer.name : `${t.sourceLayer.name}:${t.tensorIndex}`;
}

/** The layer calls between the model's inputs and outputs, producers first. */
function callsOf(model: Model): Node[] {
  const seen = new Set<Node>();
  const order: Node[] = [];
  const visit = (node: Node): void => {
    if (seen.has(node)) return;
    seen.add(node);
    for (const t of node.inputs) visit(t.node);
    order.push(node);
  };
  for (const t of model.outputs) visit(t.node);
  return order;
}

function count(weights: readonly { size: number }[]): number {
  return weights.reduce((n, w) => n + w.size, 0);
}

/**
 * The GraphDef of a built model. A layer called several times (shared) is one node whose inputs
 * are those of all its calls, and whose output shapes are those of its last call.
 *
 * @example
 * const graph = modelGraph(model); // graph.node.map((n) => n.name): ['input_layer', 'flatten', 'dense', ...]
 */
export function modelGraph(model: Model): GraphMessage {
  const byLayer = new Map<Layer, Node[]>();
  for (const node of callsOf(model)) byLayer.set(node.layer, [...(byLayer.get(node.layer) ?? []), node]);
  const nodes: NodeMessage[] = [...byLayer].map(([layer, calls]) => {
    const last = calls[calls.length - 1]!;
    const attr: Record<string, AttrMessage> = {
      [GRAPH_ATTRS.outputShapes]: { list: { shape: last.outputs.map((t) => shapeMessage(t.shape)) } },
      [GRAPH_ATTRS.dtype]: { type: GRAPH_DTYPES[layer.dtype] },
      [GRAPH_ATTRS.parameters]: { i: layer.built ? layer.countParams() : 0 },
      [GRAPH_ATTRS.trainableParameters]: { i: count(layer.trainableWeights) },
      [GRAPH_ATTRS.config]: { s: new TextEncoder().encode(JSON.stringify(layer.getConfig())) },
    };
    return { name: layer.name, op: classNameOf(layer), input: [...new Set(calls.flatMap((n) => n.inputs.map(tensorName)))], attr };
  });
  return { node: nodes };
}
