/** Converters for the core layers: Dense, Embedding, Rescaling, Flatten, Reshape, and Dropout (nothing at inference). */
import { activate } from '../activations.js';
import { asFloat, channelsFirst, derived, moveAxis, permute, single, weightConstant, type Converter } from '../converter.js';

/** Dense: x · kernel + bias over the last axis (MatMul broadcasts over any leading axes), then the activation. */
export const dense: Converter = (call) => {
  const { graph, layer } = call;
  const x = asFloat(graph, layer.name, single(call));
  const useBias = layer.config['useBias'] !== false;
  const [kernel, bias] = call.weights.take(useBias ? ['kernel', 'bias'] : ['kernel']);
  let y = graph.op1(layer.name, 'MatMul', [x.name, weightConstant(graph, kernel!)]);
  if (bias) y = graph.op1(layer.name, 'Add', [y, weightConstant(graph, bias)]);
  return [derived(x, activate(graph, layer, y, layer.config['activation']), [...x.shape.slice(0, -1), kernel!.shape[1]!])];
};

/** Embedding: a Gather of rows; float ids are cast to integers first, as Strata casts them. */
export const embedding: Converter = (call) => {
  const { graph, layer } = call;
  const x = single(call);
  const [table] = call.weights.take(['embeddings']);
  const ids = x.dtype === 'int32' || x.dtype === 'int64' ? x.name : graph.op1(layer.name, 'Cast', [x.name], { to: { int: 7 } });
  const y = graph.op1(layer.name, 'Gather', [weightConstant(graph, table!), ids], { axis: { int: 0 } });
  return [{ name: y, dtype: 'float32', shape: [...x.shape, table!.shape[1]!], masked: layer.config['maskZero'] === true }];
};

/** Rescaling: x · scale + offset, in float32. */
export const rescaling: Converter = (call) => {
  const { graph, layer } = call;
  const x = asFloat(graph, layer.name, single(call));
  const scaled = graph.op1(layer.name, 'Mul', [x.name, graph.scalar(Number(layer.config['scale']))]);
  const offset = Number(layer.config['offset'] ?? 0);
  return [derived(x, offset === 0 ? scaled : graph.op1(layer.name, 'Add', [scaled, graph.scalar(offset)]), x.shape)];
};

/** Flatten: each sample to one row, in channels-last order (a channels-first input is transposed first, as Keras does). */
export const flatten: Converter = (call) => {
  const { graph, layer } = call;
  let x = single(call);
  const rank = x.shape.length;
  if (channelsFirst(layer) && rank > 2) {
    const perm = moveAxis(rank, 1, rank - 1);
    x = derived(x, graph.op1(layer.name, 'Transpose', [x.name], { perm: { ints: perm } }), permute(x.shape, perm));
  }
  const rest = x.shape.slice(1);
  const size = rest.every((d) => d !== null) ? rest.reduce<number>((a, b) => a * b!, 1) : null;
  return [{ ...derived(x, graph.op1(layer.name, 'Flatten', [x.name], { axis: { int: 1 } }), [x.shape[0]!, size]), masked: false }];
};

/** Reshape: [batch, ...] → [batch, ...targetShape] (0 keeps the batch size, -1 is inferred, so no size is fixed in the file). */
export const reshape: Converter = (call) => {
  const { graph, layer } = call;
  const x = single(call);
  const target = layer.config['targetShape'] as number[];
  const y = graph.op1(layer.name, 'Reshape', [x.name, graph.int64s([0, ...target])]);
  const known = x.shape.slice(1).every((d) => d !== null) ? x.shape.slice(1).reduce<number>((a, b) => a * b!, 1) : null;
  const fixed = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  return [{ ...derived(x, y, [x.shape[0]!, ...target.map((d) => (d !== -1 ? d : known === null ? null : known / fixed))]), masked: false }];
};

/** Dropout does nothing at inference: its output is its input. */
export const identity: Converter = (call) => [single(call)];
