/**
 * The functional graph behind `Model`: collecting the layer calls between `Input()`s and outputs,
 * running them in order on real tensors, computing output shapes, and the graph's JSON config.
 */
import { ShapeError, ValueError } from '../core/errors.js';
import { classNameOf, type ConfigDict, type Serialized } from '../core/serialization.js';
import { StringTensor } from '../core/string-tensor.js';
import type { Tensor } from '../core/tensor.js';
import { InputLayer } from '../layers/input-layer.js';
import type { Layer, LayerInput, Mask, ShapeOrShapes } from '../layers/layer.js';
import { deserializeLayer, serializeLayer } from '../layers/registry.js';
import { Node, SymbolicTensor, fmtSymbolicShape, isShapeList, sizePerSample, type SymbolicShape } from '../layers/symbolic-tensor.js';

/** A model's layer graph: its inputs and outputs, the calls (nodes) in an order that runs, and the layers. */
export interface ModelGraph {
  inputs: SymbolicTensor[];
  outputs: SymbolicTensor[];
  /** Every node, producers before consumers. */
  nodes: Node[];
  /** Every layer, those nearest the inputs first. */
  layers: Layer[];
  /** For each layer, its nodes that belong to this graph, in the order the layer was called. */
  nodesOf: Map<Layer, Node[]>;
  /** The longest path from each node to an output. */
  depth: Map<Node, number>;
}

/**
 * Collects the graph between `inputs` and `outputs`: a depth-first walk back from the outputs
 * finds every node, each node's depth is its longest distance to an output, and nodes and layers
 * are ordered by decreasing depth, ties in the order the walk found them (as Keras orders them).
 */
export function buildGraph(who: string, inputs: SymbolicTensor[], outputs: SymbolicTensor[]): ModelGraph {
  for (const [what, list] of [['inputs', inputs], ['outputs', outputs]] as const) {
    if (list.length === 0) throw new ValueError(`${who}: ${what} must not be empty.`);
    list.forEach((t, i) => {
      if (!(t instanceof SymbolicTensor)) {
        throw new ValueError(`${who}: ${what}[${i}] is not a SymbolicTensor. Models are made from the results of Input() and of layers applied to them.`);
      }
    });
  }
  inputs.forEach((t, i) => {
    if (!(t.sourceLayer instanceof InputLayer)) {
      throw new ValueError(`${who}: inputs[${i}] ('${t.name}') was made by layer '${t.sourceLayer.name}'; model inputs must come from Input().`);
    }
    if (inputs.indexOf(t) !== i) throw new ValueError(`${who}: the input '${t.name}' is listed twice.`);
  });

  const inputSet = new Set(inputs);
  const found: Node[] = [];
  const done = new Set<Node>();
  const discovery = new Map<Layer, number>();
  const visit = (node: Node, neededBy: string): void => {
    if (done.has(node)) return;
    if (!discovery.has(node.layer)) discovery.set(node.layer, discovery.size);
    if (node.layer instanceof InputLayer && !inputSet.has(node.outputs[0]!)) {
      throw new ValueError(
        `${who}: the graph is disconnected: ${neededBy} depends on the input '${node.layer.name}' ${fmtSymbolicShape(node.outputs[0]!.shape)}, ` +
          'which is not among the model\'s inputs. Add it to inputs.',
      );
    }
    for (const t of node.inputs) visit(t.node, `layer '${node.layer.name}'`);
    done.add(node);
    found.push(node);
  };
  for (const t of outputs) visit(t.node, `output '${t.name}'`);
  for (const t of inputs) visit(t.node, `input '${t.name}'`);

  const depth = new Map<Node, number>();
  for (let i = found.length - 1; i >= 0; i--) {
    const node = found[i]!;
    const d = depth.get(node) ?? 0;
    depth.set(node, d);
    for (const t of node.inputs) depth.set(t.node, Math.max(depth.get(t.node) ?? 0, d + 1));
  }
  const nodes = [...found].sort((a, b) => depth.get(b)! - depth.get(a)!);
  const layerDepth = new Map<Layer, number>();
  for (const n of nodes) layerDepth.set(n.layer, Math.max(layerDepth.get(n.layer) ?? 0, depth.get(n)!));
  const layers = [...layerDepth.keys()].sort((a, b) => layerDepth.get(b)! - layerDepth.get(a)! || discovery.get(a)! - discovery.get(b)!);

  const names = new Map<string, number>();
  for (const l of layers) names.set(l.name, (names.get(l.name) ?? 0) + 1);
  const duplicates = [...names].filter(([, n]) => n > 1).map(([name]) => name);
  if (duplicates.length) throw new ValueError(`${who}: layer names must be unique within a model, but ${duplicates.map((d) => `'${d}'`).join(', ')} appear more than once.`);

  const inGraph = new Set(nodes);
  const nodesOf = new Map(layers.map((l) => [l, l.inboundNodes.filter((n) => inGraph.has(n))]));
  return { inputs, outputs, nodes, layers, nodesOf, depth };
}

/** True when `got` fits `expected` (null matches any size). */
function shapeFits(expected: SymbolicShape, got: SymbolicShape): boolean {
  return expected.length === got.length && expected.every((d, i) => d === null || got[i] === null || d === got[i]);
}

/** A hint for data whose shape does not fit a model input: a missing channel axis, a missing flatten, a missing batch axis. */
function inputHint(expected: SymbolicShape, got: SymbolicShape): string {
  const fits = (exp: SymbolicShape, g: SymbolicShape): boolean => exp.every((d, i) => d === null || g[i] === null || d === g[i]);
  const batch = got[0] ?? -1;
  if (expected.length === got.length + 1 && expected[expected.length - 1] === 1 && fits(expected.slice(0, -1), got)) {
    return ` The model expects a channel axis: reshape(x, [${[...got.map((d) => d ?? -1), 1].join(', ')}]) or expandDims(x, -1).`;
  }
  const perSample = sizePerSample(expected);
  if (expected.length === 2 && got.length > 2 && perSample !== null && perSample === sizePerSample(got)) {
    return ` Flatten each sample first: reshape(x, [${batch}, ${perSample}]), or start the model with a Flatten layer.`;
  }
  if (expected.length === got.length + 1 && fits(expected.slice(1), got)) {
    return ' The first axis is the batch: for a single sample, add it with expandDims(x, 0).';
  }
  if (perSample !== null && got.length > 0 && perSample === sizePerSample(got)) {
    return ` Each sample has the right number of values: reshape(x, [${batch}, ${expected.slice(1).join(', ')}]) gives the expected layout.`;
  }
  return '';
}

/** Checks the number of inputs given to the model `name` (its name built only for an error: this runs at every call). */
export function checkInputCount(name: string, graph: ModelGraph, count: number): void {
  if (count === graph.inputs.length) return;
  const who = `Model '${name}'`;
  const expected = graph.inputs.map((t) => `'${t.sourceLayer.name}' ${fmtSymbolicShape(t.shape)}`).join(', ');
  throw new ValueError(
    `${who} expects ${graph.inputs.length} input${graph.inputs.length > 1 ? 's' : ''} (${expected}), got ${count}. ` +
      'Pass one tensor per input, in the order of model.inputs.',
  );
}

/** Checks that text goes to the inputs declared `dtype: 'string'`, and numbers to the others. */
export function checkInputDType(name: string, graph: ModelGraph, index: number, x: LayerInput): void {
  const input = graph.inputs[index];
  if (!input || (input.dtype === 'string') === (x instanceof StringTensor)) return;
  const layer = input.sourceLayer.name;
  throw new ValueError(
    input.dtype === 'string'
      ? `Model '${name}': input '${layer}' takes text (dtype 'string'), got a ${x.dtype} tensor. Pass the texts as strings([...]).`
      : `Model '${name}': input '${layer}' takes ${input.dtype} tensors, got a StringTensor. For text, declare the input Input({ shape: [], dtype: 'string' }) and start with a layer that takes text (TextVectorization, StringLookup).`,
  );
}

/** Checks data (or symbolic inputs) against the input shapes of the model `name`'s graph, naming the layer each input feeds. */
export function checkInputShapes(name: string, graph: ModelGraph, shapes: readonly SymbolicShape[]): void {
  graph.inputs.forEach((t, i) => {
    const got = shapes[i];
    if (!got || shapeFits(t.shape, got)) return;
    const consumer = graph.nodes.find((n) => n.inputs.includes(t))?.layer;
    const feeds = consumer ? `, which feeds layer '${consumer.name}' (${classNameOf(consumer)}),` : '';
    throw new ShapeError(`Model '${name}': input '${t.sourceLayer.name}'${feeds} expects shape ${fmtSymbolicShape(t.shape)}, got ${fmtSymbolicShape(got)}.${inputHint(t.shape, got)}`);
  });
}

/**
 * Runs the graph's calls in order on real `inputs` (one per graph input); returns the outputs.
 * Masks travel beside the values: each layer gets its inputs' masks and says what its outputs' are.
 * Run it inside a tidy scope: every intermediate is a tensor of that scope.
 */
export function runGraph(graph: ModelGraph, inputs: readonly LayerInput[], inputMasks: readonly (Tensor | null)[], training: boolean): Tensor[] {
  const values = new Map<number, LayerInput>();
  const masks = new Map<number, Tensor | null>();
  graph.inputs.forEach((t, i) => {
    values.set(t.id, inputs[i]!);
    masks.set(t.id, inputMasks[i] ?? null);
  });
  for (const node of graph.nodes) {
    if (node.layer instanceof InputLayer) continue;
    const xs = node.inputs.map((t) => values.get(t.id)!);
    const ms = node.inputs.map((t) => masks.get(t.id) ?? null);
    const mask: Mask = ms.some((m) => m !== null) ? (node.inputsAsList ? ms : ms[0]!) : null;
    const ys = node.layer.applyMulti(node.inputsAsList ? xs : xs[0]!, { ...node.options, training, mask: mask ?? undefined });
    ys.forEach((y, i) => values.set(node.outputs[i]!.id, y));
    const outMasks = node.layer.computeMask(node.inputsAsList ? xs : xs[0]!, mask);
    node.outputs.forEach((t, i) => masks.set(t.id, Array.isArray(outMasks) ? (outMasks[i] ?? null) : outMasks));
  }
  // Outputs are layers' outputs, always Tensors (a model's output cannot be its text input).
  return graph.outputs.map((t) => values.get(t.id)! as Tensor);
}

/** The output shapes of the graph for inputs of `inputShape`, propagated call by call. */
export function graphOutputShapes(graph: ModelGraph, inputShape: ShapeOrShapes): SymbolicShape[] {
  const shapes = isShapeList(inputShape) ? inputShape : [inputShape as SymbolicShape];
  const known = new Map<number, SymbolicShape>();
  graph.inputs.forEach((t, i) => known.set(t.id, shapes[i] ?? t.shape));
  for (const node of graph.nodes) {
    if (node.layer instanceof InputLayer) continue;
    const ins = node.inputs.map((t) => known.get(t.id)!);
    const out = node.layer.computeOutputShape(node.inputsAsList ? ins : ins[0]!, node.options);
    const outs = isShapeList(out) ? out : [out as SymbolicShape];
    outs.forEach((s, i) => known.set(node.outputs[i]!.id, s));
  }
  return graph.outputs.map((t) => known.get(t.id)!);
}

/** A reference to a call's output in a config: [layer name, call index, output index]. */
type TensorRef = [string, number, number];

/** The graph's layers (class and config) and which outputs feed which call, as plain JSON. */
export function graphConfig(graph: ModelGraph): ConfigDict {
  const ref = (t: SymbolicTensor): TensorRef => [t.sourceLayer.name, graph.nodesOf.get(t.sourceLayer)!.indexOf(t.node), t.tensorIndex];
  const layers = graph.layers.map((l): ConfigDict => {
    const { className, config } = serializeLayer(l);
    const calls = l instanceof InputLayer ? [] : graph.nodesOf.get(l)!;
    return { className, name: l.name, config, inboundNodes: calls.map((n) => ({ inputs: n.inputs.map(ref), asList: n.inputsAsList, ...(Object.keys(n.options).length ? { options: n.options as ConfigDict } : {}) })) };
  });
  return { layers, inputLayers: graph.inputs.map(ref), outputLayers: graph.outputs.map(ref) };
}

/**
 * The symbolic inputs and outputs a `graphConfig` describes: the layers are made through the
 * layer registry (no code is evaluated) and called again in the recorded order.
 */
export function graphFromConfig(config: ConfigDict): { inputs: SymbolicTensor[]; outputs: SymbolicTensor[] } {
  const entries = config['layers'] as { className: string; name: string; config: ConfigDict; inboundNodes: { inputs: TensorRef[]; asList: boolean; options?: ConfigDict }[] }[];
  const made = new Map<string, { layer: Layer; nodes: Node[] }>();
  for (const e of entries) {
    const layer = deserializeLayer({ className: e.className, config: e.config } as Serialized);
    made.set(e.name, { layer, nodes: layer instanceof InputLayer ? [layer.inboundNodes[0]!] : [] });
  }
  const resolve = ([name, nodeIndex, tensorIndex]: TensorRef): SymbolicTensor | undefined => made.get(name)?.nodes[nodeIndex]?.outputs[tensorIndex];
  const pending = entries.map((e) => ({ name: e.name, calls: [...e.inboundNodes] }));
  let progress = true;
  while (progress) {
    progress = false;
    for (const p of pending) {
      while (p.calls.length) {
        const inputs = p.calls[0]!.inputs.map(resolve);
        if (inputs.some((t) => t === undefined)) break;
        const entry = made.get(p.name)!;
        const ts = inputs as SymbolicTensor[];
        entry.layer.applyMulti(p.calls[0]!.asList ? ts : ts[0]!, p.calls[0]!.options ?? {});
        entry.nodes.push(entry.layer.inboundNodes[entry.layer.inboundNodes.length - 1]!);
        p.calls.shift();
        progress = true;
      }
    }
  }
  const stuck = pending.filter((p) => p.calls.length).map((p) => `'${p.name}'`);
  if (stuck.length) throw new ValueError(`Model.fromConfig: the calls of layer(s) ${stuck.join(', ')} refer to outputs that no layer in the config produces.`);
  const refs = (key: string): SymbolicTensor[] =>
    (config[key] as TensorRef[]).map((r) => {
      const t = resolve(r);
      if (!t) throw new ValueError(`Model.fromConfig: ${key} refers to '${r[0]}' call ${r[1]} output ${r[2]}, which does not exist.`);
      return t;
    });
  return { inputs: refs('inputLayers'), outputs: refs('outputLayers') };
}

/**
 * Keras's rule: a functional model is shown as a plain stack (without the `Connected to`
 * column) when each depth of the graph holds one call with at most one input and no layer is
 * called twice.
 */
export function isSequentialLike(graph: ModelGraph): boolean {
  const perDepth = new Map<number, Node[]>();
  for (const n of graph.nodes) {
    const d = graph.depth.get(n)!;
    perDepth.set(d, [...(perDepth.get(d) ?? []), n]);
  }
  for (const list of perDepth.values()) if (list.length > 1 || list.some((n) => n.inputs.length > 1)) return false;
  return [...graph.nodesOf.values()].every((ns) => ns.length <= 1);
}
