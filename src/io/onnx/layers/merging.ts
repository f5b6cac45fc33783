/** Converters for the merging layers: Add, Subtract, Multiply, Average, Maximum, Minimum (elementwise, broadcasting) and Concatenate. */
import { asFloat, derived, type Converter, type LayerCall } from '../converter.js';
import type { OnnxValue } from '../graph.js';

/** The inputs as float32, and the merged value's shape (the broadcast of theirs) and mask (masked if any input is). */
function merged(call: LayerCall): { xs: OnnxValue[]; like: OnnxValue } {
  const xs = call.inputs.map((x) => asFloat(call.graph, call.layer.name, x));
  const rank = Math.max(...xs.map((x) => x.shape.length));
  const shape = Array.from({ length: rank }, (_, i) => {
    const dims = xs.map((x) => x.shape[x.shape.length - rank + i]).filter((d): d is number | null => d !== undefined);
    const sized = dims.find((d) => d !== null && d !== 1);
    if (sized !== undefined) return sized;
    return dims.includes(null) ? null : 1;
  });
  return { xs, like: { ...xs[0]!, shape, masked: xs.some((x) => x.masked) } };
}

/** A merge done by one variadic ONNX op (Sum, Max, Min), or by a chain of a binary one (Sub, Mul). */
export function elementwise(opType: 'Sum' | 'Max' | 'Min' | 'Sub' | 'Mul', average = false): Converter {
  return (call) => {
    const { graph, layer } = call;
    const { xs, like } = merged(call);
    const names = xs.map((x) => x.name);
    let y = opType === 'Sub' || opType === 'Mul'
      ? names.slice(1).reduce((acc, n) => graph.op1(layer.name, opType, [acc, n]), names[0]!)
      : graph.op1(layer.name, opType, names);
    if (average) y = graph.op1(layer.name, 'Div', [y, graph.scalar(xs.length)]);
    return [derived(like, y, like.shape)];
  };
}

/** Concatenate along the layer's axis (negative counts from the end, as ONNX's Concat also takes it). */
export const concatenate: Converter = (call) => {
  const { graph, layer } = call;
  const xs = call.inputs.map((x) => asFloat(graph, layer.name, x));
  const rank = xs[0]!.shape.length;
  const given = Number(layer.config['axis'] ?? -1);
  const axis = given < 0 ? given + rank : given;
  const along = xs.map((x) => x.shape[axis] ?? null);
  const shape = xs[0]!.shape.map((d, i) => (i === axis ? (along.every((a) => a !== null) ? along.reduce<number>((p, q) => p + q!, 0) : null) : d));
  const y = graph.op1(layer.name, 'Concat', xs.map((x) => x.name), { axis: { int: axis } });
  return [{ name: y, dtype: 'float32', shape, masked: xs.some((x) => x.masked) }];
};
