/**
 * Converters for SimpleRNN, LSTM, GRU (and RNN over their cells): ONNX's RNN, LSTM and GRU ops,
 * which run time-major ([steps, batch, features]) while Keras is batch-major, so the sequence is
 * transposed in and out. Kernels are transposed to ONNX's [gates · units, features] and the gates
 * reordered: Keras's LSTM i, f, c, o becomes ONNX's i, o, f, c; GRU's z, r, h is the same in both,
 * and Keras's reset-after GRU is ONNX's `linear_before_reset`. `goBackwards` reverses the input and
 * runs forwards, so the sequence output stays in processing order as in Keras.
 */
import { LayerWeights, notExportable, asFloat, type Converter, type LayerCall, type LayerEntry } from '../converter.js';
import type { Attribute } from '../graph.js';
import type { ArtifactWeight } from '../../artifacts.js';

/** Per cell class: the ONNX op, its gates as Keras's gate indices in ONNX's order, and its states. */
const CELLS: Record<string, { op: 'RNN' | 'LSTM' | 'GRU'; gates: number[]; states: number }> = {
  SimpleRNNCell: { op: 'RNN', gates: [0], states: 1 },
  LSTMCell: { op: 'LSTM', gates: [0, 3, 1, 2], states: 2 },
  GRUCell: { op: 'GRU', gates: [0, 1, 2], states: 1 },
};
const LAYER_CELLS: Record<string, string> = { SimpleRNN: 'SimpleRNNCell', LSTM: 'LSTMCell', GRU: 'GRUCell' };

/** Activations ONNX's recurrent ops take by name (with HardSigmoid's parameters set to Strata's x/6 + 0.5). */
const RECURRENT_ACTIVATIONS: Record<string, { name: string; alpha?: number; beta?: number }> = {
  sigmoid: { name: 'Sigmoid' },
  tanh: { name: 'Tanh' },
  relu: { name: 'Relu' },
  softsign: { name: 'Softsign' },
  softplus: { name: 'Softplus' },
  hard_sigmoid: { name: 'HardSigmoid', alpha: 1 / 6, beta: 0.5 },
};

/** The cell's class and config: the layer's own flat config for SimpleRNN/LSTM/GRU, or RNN's `cell`. */
function cellOf(layer: LayerEntry): { className: string; config: Record<string, unknown> } {
  if (layer.className !== 'RNN') return { className: LAYER_CELLS[layer.className]!, config: layer.config };
  const cell = layer.config['cell'] as { className?: string; config?: Record<string, unknown> } | null;
  if (!cell || !cell.className || !(cell.className in CELLS)) {
    throw notExportable(layer, `its cell ${JSON.stringify(cell?.className ?? null)} is not a SimpleRNNCell, LSTMCell or GRUCell`);
  }
  return { className: cell.className, config: cell.config ?? {} };
}

/** `kernel` [inputs, gates · units] as ONNX's [1, gates · units, inputs], gates in ONNX's order. */
function gateMatrix(w: ArtifactWeight, gates: readonly number[], units: number): Float32Array {
  const values = LayerWeights.float32(w);
  const [rows, cols] = w.shape as [number, number];
  const out = new Float32Array(rows * cols);
  gates.forEach((g, slot) => {
    for (let j = 0; j < units; j++) for (let r = 0; r < rows; r++) out[(slot * units + j) * rows + r] = values[r * cols + g * units + j]!;
  });
  return out;
}

/** One row of gate biases reordered to ONNX's gate order. */
function gateRow(values: Float32Array, gates: readonly number[], units: number): Float32Array {
  const out = new Float32Array(gates.length * units);
  gates.forEach((g, slot) => out.set(values.subarray(g * units, (g + 1) * units), slot * units));
  return out;
}

/** The ONNX activations list (and HardSigmoid's parameters) of a cell: f (and g, h) in ONNX's order. */
function activationAttributes(layer: LayerEntry, names: unknown[]): Record<string, Attribute> {
  const acts = names.map((n) => {
    const key = String(n ?? 'linear');
    const found = RECURRENT_ACTIVATIONS[key];
    if (!found) throw notExportable(layer, `its activation '${key}' has no form in ONNX's recurrent ops (they take ${Object.keys(RECURRENT_ACTIVATIONS).join(', ')})`);
    return found;
  });
  const withParameters = acts.filter((a) => a.alpha !== undefined);
  return {
    activations: { strings: acts.map((a) => a.name) },
    ...(withParameters.length ? { activation_alpha: { floats: withParameters.map((a) => a.alpha!) }, activation_beta: { floats: withParameters.map((a) => a.beta!) } } : {}),
  };
}

/** The weights W, R, B of the ONNX op, stored in the graph. */
function weightInputs(call: LayerCall, cellClass: string, cell: Record<string, unknown>, units: number): string[] {
  const { graph } = call;
  const { gates } = CELLS[cellClass]!;
  const useBias = cell['useBias'] !== false;
  const [kernel, recurrent, bias] = call.weights.take(useBias ? ['kernel', 'recurrent_kernel', 'bias'] : ['kernel', 'recurrent_kernel']);
  const matrix = (w: ArtifactWeight) =>
    graph.constant(`${w.name}:onnx`, () => ({ dtype: 'float32', dims: [1, gates.length * units, w.shape[0]!], values: gateMatrix(w, gates, units) }));
  const size = gates.length * units;
  const b = graph.constant(`${bias?.name ?? `${call.layer.name}/zero_bias`}:onnx`, () => {
    const values = new Float32Array(2 * size);
    if (bias) {
      const all = LayerWeights.float32(bias);
      // A reset-after GRU keeps an input bias row and a recurrent bias row; the others one input bias.
      values.set(gateRow(all.subarray(0, size), gates, units), 0);
      if (all.length === 2 * size) values.set(gateRow(all.subarray(size), gates, units), size);
    }
    return { dtype: 'float32', dims: [1, 2 * size], values };
  });
  return [matrix(kernel!), matrix(recurrent!), b];
}

/** SimpleRNN, LSTM, GRU and RNN over one of their cells. */
export const recurrent: Converter = (call) => {
  const { graph, layer } = call;
  const [given, ...states] = call.inputs;
  const x = asFloat(graph, layer.name, given!);
  if (x.masked) {
    throw notExportable(layer, 'its input carries a mask (from an Embedding with maskZero), and masked steps, which Strata skips, cannot be skipped by ONNX\'s recurrent ops without per-sample lengths; export a model without maskZero, or with sequences that have no padding');
  }
  if (layer.config['stateful'] === true) {
    throw notExportable(layer, 'it is stateful: each batch starts from the states the previous one ended with, which an ONNX graph (one call, no memory between calls) cannot keep; export a copy made with stateful: false and pass the states as inputs');
  }
  const { className, config: cell } = cellOf(layer);
  const { op, states: stateCount } = CELLS[className]!;
  const units = Number(cell['units']);
  const c = layer.config;
  const name = layer.name;
  let seq = x.name;
  if (c['goBackwards'] === true) {
    seq = graph.op1(name, 'Slice', [seq, graph.int64s([-1]), graph.int64s([-(2 ** 63)]), graph.int64s([1]), graph.int64s([-1])]);
  }
  seq = graph.op1(name, 'Transpose', [seq], { perm: { ints: [1, 0, 2] } });
  const initial = states.map((s) => graph.op1(name, 'Unsqueeze', [asFloat(graph, name, s).name, graph.int64s([0])]));
  const inputs = [seq, ...weightInputs(call, className, cell, units), '', ...initial];
  const activations = className === 'SimpleRNNCell'
    ? [cell['activation'] ?? 'tanh']
    : [cell['recurrentActivation'] ?? 'sigmoid', ...new Array<unknown>(op === 'LSTM' ? 2 : 1).fill(cell['activation'] ?? 'tanh')];
  const attributes: Record<string, Attribute> = { hidden_size: { int: units }, direction: { string: 'forward' }, ...activationAttributes(layer, activations) };
  if (op === 'GRU') attributes['linear_before_reset'] = { int: cell['resetAfter'] === false ? 0 : 1 };
  const [y, ...finals] = graph.op(name, op, inputs, attributes, 1 + stateCount);
  const [batch, steps] = [x.shape[0]!, x.shape[1]!];
  const lastStates = finals.map((f) => ({ name: graph.op1(name, 'Squeeze', [f, graph.int64s([0])]), dtype: 'float32' as const, shape: [batch, units], masked: false }));
  const output = c['returnSequences'] === true
    ? { name: graph.op1(name, 'Transpose', [graph.op1(name, 'Squeeze', [y!, graph.int64s([1])])], { perm: { ints: [1, 0, 2] } }), dtype: 'float32' as const, shape: [batch, steps, units], masked: false }
    : lastStates[0]!;
  return c['returnState'] === true ? [output, ...lastStates] : [output];
};
