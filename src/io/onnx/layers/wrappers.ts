/**
 * Converters for the wrappers: Bidirectional (its forward and backward recurrent layers, the
 * backward sequence put back in time order, then merged as Strata merges them) and
 * TimeDistributed (the steps folded into the batch around the wrapped layer).
 */
import { derived, notExportable, single, type Converter, type LayerEntry } from '../converter.js';
import type { OnnxValue } from '../graph.js';

/** A serialized inner layer as an entry (its name from its config). */
function entryOf(serialized: unknown): LayerEntry {
  const { className, config } = serialized as { className: string; config: LayerEntry['config'] };
  return { className, name: String(config['name']), config };
}

/** Bidirectional over SimpleRNN, LSTM, GRU or RNN, every merge mode, with states. */
export const bidirectional: Converter = (call) => {
  const { graph, layer } = call;
  const x = single(call);
  if (x.masked) throw notExportable(layer, 'its input carries a mask (from an Embedding with maskZero), which recurrent layers use and ONNX export does not carry');
  const forward = entryOf(layer.config['layer']);
  const backward = entryOf(layer.config['backwardLayer']);
  const [y, ...forwardStates] = call.convertInner(forward, [x], call.weights.inner(forward, 0, 2));
  const [yBack, ...backwardStates] = call.convertInner(backward, [x], call.weights.inner(backward, 1, 2));
  let back = yBack!;
  if (forward.config['returnSequences'] === true) {
    // The backward layer's sequence comes in processing order; Strata reverses it to time order.
    const reversed = graph.op1(layer.name, 'Slice', [back.name, graph.int64s([-1]), graph.int64s([-(2 ** 63)]), graph.int64s([1]), graph.int64s([-1])]);
    back = derived(back, reversed, back.shape);
  }
  const mode = layer.config['mergeMode'] === undefined ? 'concat' : layer.config['mergeMode'];
  const pair = (opType: string): OnnxValue => derived(y!, graph.op1(layer.name, opType, [y!.name, back.name]), y!.shape);
  let outputs: OnnxValue[];
  if (mode === 'concat') {
    const units = y!.shape.at(-1);
    outputs = [derived(y!, graph.op1(layer.name, 'Concat', [y!.name, back.name], { axis: { int: -1 } }), [...y!.shape.slice(0, -1), units === null || units === undefined ? null : 2 * units])];
  } else if (mode === 'sum') outputs = [pair('Add')];
  else if (mode === 'mul') outputs = [pair('Mul')];
  else if (mode === 'ave') outputs = [derived(y!, graph.op1(layer.name, 'Div', [pair('Add').name, graph.scalar(2)]), y!.shape)];
  else if (mode === null) outputs = [y!, back];
  else throw notExportable(layer, `its mergeMode ${JSON.stringify(mode)} is not one Strata knows`);
  return forward.config['returnState'] === true ? [...outputs, ...forwardStates, ...backwardStates] : outputs;
};

/** TimeDistributed: [batch, steps, ...] → [batch · steps, ...] → the layer → [batch, steps, ...its output]. */
export const timeDistributed: Converter = (call) => {
  const { graph, layer } = call;
  const x = single(call);
  const inner = entryOf(layer.config['layer']);
  const [steps, ...rest] = x.shape.slice(1);
  if (steps === null || steps === undefined || rest.some((d) => d === null)) {
    throw notExportable(layer, `the steps and sizes of its input [${x.shape.map((d) => d ?? 'null').join(', ')}] must be known to fold the steps into the batch`);
  }
  const folded = derived(x, graph.op1(layer.name, 'Reshape', [x.name, graph.int64s([-1, ...(rest as number[])])]), [null, ...rest]);
  const outputs = call.convertInner(inner, [folded], call.weights.inner(inner));
  return outputs.map((y) => {
    const out = y.shape.slice(1);
    if (out.some((d) => d === null)) throw notExportable(layer, `the output size of its layer '${inner.name}' is unknown at export`);
    return derived(y, graph.op1(layer.name, 'Reshape', [y.name, graph.int64s([-1, steps, ...(out as number[])])]), [x.shape[0]!, steps, ...out]);
  });
};
