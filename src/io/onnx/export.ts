/**
 * ONNX export: walks a model's saved topology (Sequential or functional, nested models inlined,
 * shared layers converted once per call with their weights stored once), converts each layer call
 * to ONNX nodes, and encodes the graph. The graph's inputs are the model's inputs as declared
 * (channels last, like Keras; the batch size left free) and its outputs are named after the
 * layers that give them.
 */
import { NotSupportedError, ValueError } from '../../core/errors.js';
import type { ConfigDict, Serialized } from '../../core/serialization.js';
import type { ArtifactWeight, ModelArtifacts } from '../artifacts.js';
import { LayerWeights, notExportable, type LayerEntry } from './converter.js';
import { OnnxGraph, type OnnxValue } from './graph.js';
import { CONVERTERS } from './layers/index.js';
import { ONNX_DTYPES, encodeOnnxModel, type OnnxDType } from './schema.js';

/** The opset the graph is written for (ONNX 1.12; onnxruntime ≥ 1.12 runs it). */
export const ONNX_OPSET = 17;
/** The IR version that goes with opset 17. */
const IR_VERSION = 8;
/** Protobuf's limit on one message, which ONNX files beyond it work around with external data files (not written here). */
const MAX_PROTO_BYTES = 2 ** 31 - 1;

/** `[layerName, nodeIndex, tensorIndex]`, as functional configs refer to a tensor. */
type TensorRef = [string, number, number];
interface FunctionalEntry extends LayerEntry {
  inboundNodes: { inputs: TensorRef[] }[];
}

const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

/** The walk over one model's topology, with the weights by owning layer. */
class Exporter {
  readonly graph = new OnnxGraph();
  private readonly weightsByLayer = new Map<string, ArtifactWeight[]>();

  constructor(
    weights: readonly ArtifactWeight[],
    private readonly source: string,
  ) {
    for (const w of weights) {
      const owner = w.layer ?? w.name.split('/')[0]!;
      this.weightsByLayer.set(owner, [...(this.weightsByLayer.get(owner) ?? []), w]);
    }
  }

  /** A graph input for an InputLayer (its declared shape and dtype). */
  private graphInput(entry: LayerEntry): OnnxValue {
    const c = entry.config;
    const shape = (c['batchShape'] ?? c['batchInputShape']) as (number | null)[] | undefined;
    if (!Array.isArray(shape)) throw new ValueError(`${this.source}: cannot export to ONNX: input '${entry.name}' declares no shape (batchShape).`);
    const dtype = String(c['dtype'] ?? 'float32');
    if (!(dtype in ONNX_DTYPES)) throw new NotSupportedError(`${this.source}: cannot export to ONNX: input '${entry.name}' has dtype '${dtype}'; exportable input dtypes: ${Object.keys(ONNX_DTYPES).join(', ')}.`);
    const name = this.graph.unique(entry.name);
    const value: OnnxValue = { name, dtype: dtype as OnnxDType, shape: [null, ...shape.slice(1)], masked: false };
    this.graph.declare('inputs', name, value.dtype, value.shape);
    return value;
  }

  /** One call of a layer (a nested model is inlined). */
  private call(entry: LayerEntry, inputs: OnnxValue[]): OnnxValue[] {
    if (MODEL_CLASSES.has(entry.className)) return this.model(entry, inputs);
    return this.convert(entry, inputs, new LayerWeights(entry, this.weightsByLayer.get(entry.name) ?? []));
  }

  /** Converts one call of a (non-model) layer with `weights`. */
  private convert(entry: LayerEntry, inputs: OnnxValue[], weights: LayerWeights): OnnxValue[] {
    const found = CONVERTERS[entry.className];
    if (!found) throw notExportable(entry, `ONNX export has no converter for ${entry.className} (it converts ${Object.keys(CONVERTERS).join(', ')})`);
    const convertInner = (layer: LayerEntry, xs: OnnxValue[], w: LayerWeights): OnnxValue[] => this.convert(layer, xs, w);
    const outputs = found.convert({ layer: entry, inputs, weights, graph: this.graph, convertInner });
    return found.passesMask ? outputs : outputs.map((o) => ({ ...o, masked: false }));
  }

  /**
   * The outputs of model `entry` (Sequential or functional). Its inputs are `given` when it is
   * nested in another model, else the graph's inputs, made from its InputLayers.
   */
  model(entry: LayerEntry, given?: OnnxValue[]): OnnxValue[] {
    return entry.className === 'Sequential' ? this.sequential(entry, given) : this.functional(entry, given);
  }

  private sequential(entry: LayerEntry, given?: OnnxValue[]): OnnxValue[] {
    const layers = entry.config['layers'] as unknown as LayerEntry[];
    const named = layers.map((l) => ({ ...l, name: l.name ?? String(l.config['name']) }));
    const [first, ...rest] = named;
    if (!first) throw new ValueError(`${this.source}: cannot export to ONNX: Sequential '${entry.name}' has no layers.`);
    let values: OnnxValue[];
    let body = rest;
    if (given) {
      values = given;
      if (first.className !== 'InputLayer') body = named;
    } else if (first.className === 'InputLayer') {
      values = [this.graphInput(first)];
    } else {
      throw new ValueError(
        `${this.source}: cannot export to ONNX: Sequential '${entry.name}' declares no input shape. ` +
          'Give its first layer inputShape (or start it with an InputLayer), or call it once, before saving.',
      );
    }
    for (const layer of body) values = this.call(layer, values);
    return values;
  }

  private functional(entry: LayerEntry, given?: OnnxValue[]): OnnxValue[] {
    const c = entry.config;
    const layers = c['layers'] as unknown as FunctionalEntry[];
    const inputRefs = c['inputLayers'] as unknown as TensorRef[];
    const outputRefs = c['outputLayers'] as unknown as TensorRef[];
    const produced = new Map<string, OnnxValue[]>();
    const key = (layer: string, node: number): string => `${layer}\u0000${node}`;
    inputRefs.forEach(([name], i) => {
      const input = layers.find((l) => l.name === name);
      if (!input) throw new ValueError(`${this.source}: cannot export to ONNX: model '${entry.name}' names input '${name}', which is not among its layers.`);
      produced.set(key(name, 0), [given ? given[i]! : this.graphInput(input)]);
    });
    const pending = layers.flatMap((l) => (l.className === 'InputLayer' ? [] : l.inboundNodes.map((n, i) => ({ layer: l, node: i, inputs: n.inputs }))));
    while (pending.length > 0) {
      const ready = pending.findIndex((p) => p.inputs.every(([l, n]) => produced.has(key(l, n))));
      if (ready < 0) throw new ValueError(`${this.source}: cannot export to ONNX: the topology of model '${entry.name}' refers to layer calls it does not contain (${pending[0]!.layer.name}).`);
      const [p] = pending.splice(ready, 1);
      const inputs = p!.inputs.map(([l, n, t]) => produced.get(key(l, n))![t]!);
      produced.set(key(p!.layer.name, p!.node), this.call(p!.layer, inputs));
    }
    return outputRefs.map(([l, n, t]) => produced.get(key(l, n))![t]!);
  }

  /** Names the model's outputs after the layers that give them (unique, in order) and declares them. */
  declareOutputs(config: Serialized, outputs: OnnxValue[]): void {
    const refs = config.className === 'Sequential'
      ? outputs.map(() => [String(((config.config['layers'] as ConfigDict[]).at(-1)!['config'] as ConfigDict)['name'])])
      : (config.config['outputLayers'] as unknown as TensorRef[]);
    outputs.forEach((value, i) => {
      const name = this.graph.unique(String(refs[i]![0]));
      this.graph.nodes.push({ name: `${name}/Identity`, opType: 'Identity', input: [value.name], output: [name], attribute: [] });
      this.graph.declare('outputs', name, value.dtype, value.shape);
    });
  }
}

/**
 * The bytes of an ONNX file (opset 17) computing the model in `artifacts` at inference: Dropout
 * is left out, BatchNormalization uses its moving statistics, and every other layer becomes the
 * ONNX operations that compute what Strata computes. A layer ONNX cannot express gives a
 * NotSupportedError naming it; `source` names the file in errors.
 *
 * @example
 * const bytes = await artifactsToOnnx(modelToArtifacts(model), 'model.onnx');
 */
export async function artifactsToOnnx(artifacts: ModelArtifacts, source: string): Promise<Uint8Array> {
  const config = artifacts.modelConfig;
  if (artifacts.kind !== 'model' || !config) throw new ValueError(`${source}: cannot export to ONNX: the artifacts hold weights only; ONNX export needs the whole model (use model.save).`);
  if (!MODEL_CLASSES.has(config.className)) throw new ValueError(`${source}: cannot export to ONNX: the artifacts hold a ${config.className}, not a Sequential or functional model.`);
  const exporter = new Exporter(artifacts.weights, source);
  const entry: LayerEntry = { className: config.className, name: String(config.config['name'] ?? 'model'), config: config.config };
  const outputs = exporter.model(entry);
  exporter.declareOutputs(config, outputs);
  const { graph } = exporter;
  const bytes = graph.initializers.reduce((n, t) => n + t.rawData.length, 0);
  if (bytes >= MAX_PROTO_BYTES) {
    throw new NotSupportedError(`${source}: cannot export to ONNX: the weights take ${bytes} bytes, and one ONNX file (a protobuf message) holds less than 2 GiB; save the model as '.keras' or '.strata' instead.`);
  }
  return encodeOnnxModel({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'strata',
    producerVersion: (artifacts.generatedBy ?? 'strata').replace(/^strata\s*/, '') || 'unknown',
    graph: { name: entry.name, node: graph.nodes, initializer: graph.initializers, input: graph.inputs, output: graph.outputs },
  });
}
