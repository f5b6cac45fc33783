/**
 * What a layer converter is given (the layer's saved config, its weights, its input values and
 * the graph) and what it returns (its output values), with the helpers converters share.
 */
import { NotSupportedError, ValueError } from '../../core/errors.js';
import type { ConfigDict } from '../../core/serialization.js';
import type { ArtifactWeight } from '../artifacts.js';
import type { OnnxGraph, OnnxValue } from './graph.js';

/** A layer as the model's config holds it. */
export interface LayerEntry {
  className: string;
  name: string;
  config: ConfigDict;
}

/** A layer's weights, found by their Strata names or, failing that, by position. */
export class LayerWeights {
  constructor(
    private readonly layer: LayerEntry,
    private readonly own: readonly ArtifactWeight[],
  ) {}

  /**
   * The weights whose names end in `names` (`['kernel', 'bias']`), in that order. A file that names
   * weights by position only gives them in the order the layer declares them, which is this order.
   */
  take(names: readonly string[]): ArtifactWeight[] {
    const byName = names.map((n) => this.own.find((w) => w.name === n || w.name.endsWith(`/${n}`)));
    if (byName.every((w) => w !== undefined)) return byName as ArtifactWeight[];
    if (this.own.length === names.length) return [...this.own];
    throw new ValueError(
      `cannot export layer '${this.layer.name}' (${this.layer.className}) to ONNX: expected its weights ${names.join(', ')}, ` +
        `but the model has ${this.own.length === 0 ? 'none for it' : this.own.map((w) => `'${w.name}' [${w.shape.join(',')}]`).join(', ')}. ` +
        'Build the model (call it once or give its first layer inputShape) before saving.',
    );
  }

  /**
   * The weights of `inner`, a layer inside this one (a wrapper's): those under its name
   * (`bidirectional/forward_lstm/...`), or else part `part` of `parts` equal parts, in order.
   */
  inner(inner: LayerEntry, part = 0, parts = 1): LayerWeights {
    const named = this.own.filter((w) => w.name.includes(`/${inner.name}/`) || w.name.startsWith(`${inner.name}/`));
    const size = this.own.length / parts;
    return new LayerWeights(inner, named.length > 0 ? named : this.own.slice(part * size, (part + 1) * size));
  }

  /** A weight's values as float32 (a float64 model is exported in float32). */
  static float32(w: ArtifactWeight): Float32Array {
    return w.values instanceof Float32Array ? w.values : Float32Array.from(w.values as unknown as ArrayLike<number>);
  }
}

/** A weight stored in the graph as it is (once, however many calls use it). */
export function weightConstant(graph: OnnxGraph, w: ArtifactWeight): string {
  return graph.constant(w.name, () => ({ dtype: 'float32', dims: w.shape, values: LayerWeights.float32(w) }));
}

/** One call of a layer, as a converter sees it. */
export interface LayerCall {
  layer: LayerEntry;
  /** The values the call reads, in order. */
  inputs: OnnxValue[];
  weights: LayerWeights;
  graph: OnnxGraph;
  /** Converts a call of a layer held inside this one (a wrapper's layer), with the weights given. */
  convertInner(layer: LayerEntry, inputs: OnnxValue[], weights: LayerWeights): OnnxValue[];
}

/** Turns one call of a layer into ONNX nodes; returns the layer's outputs in order. */
export type Converter = (call: LayerCall) => OnnxValue[];

/** The NotSupportedError for a layer (or one setting of it) that ONNX export cannot express. */
export function notExportable(layer: LayerEntry, why: string): NotSupportedError {
  return new NotSupportedError(
    `cannot export layer '${layer.name}' (${layer.className}) to ONNX: ${why}. ` +
      "Save the model as '.keras' (Keras 3) or '.strata' instead, which keep every layer, or change the layer before exporting.",
  );
}

/** A value with the same dtype and mask as `like` but a new name and shape. */
export function derived(like: OnnxValue, name: string, shape: (number | null)[]): OnnxValue {
  return { name, dtype: like.dtype, shape, masked: like.masked };
}

/** `x` as float32 (Strata computes float layers in float32; integer inputs are cast first). */
export function asFloat(graph: OnnxGraph, scope: string, x: OnnxValue): OnnxValue {
  if (x.dtype === 'float32') return x;
  return { ...x, name: graph.op1(scope, 'Cast', [x.name], { to: { int: 1 } }), dtype: 'float32' };
}

/** The single input of a layer that takes one. */
export function single(call: LayerCall): OnnxValue {
  if (call.inputs.length !== 1) throw new ValueError(`cannot export layer '${call.layer.name}' (${call.layer.className}) to ONNX: it takes one input, the model gives it ${call.inputs.length}.`);
  return call.inputs[0]!;
}

/** A config field as a number list (a single number repeated `rank` times). */
export function sizes(value: unknown, rank: number): number[] {
  return typeof value === 'number' ? new Array<number>(rank).fill(value) : [...(value as number[])];
}

/** Whether the layer's `dataFormat` is channels first. */
export function channelsFirst(layer: LayerEntry): boolean {
  const f = layer.config['dataFormat'];
  return f === 'channelsFirst' || f === 'channels_first';
}

/** Moves axis `from` of a rank-`rank` tensor to position `to`: the permutation Transpose takes. */
export function moveAxis(rank: number, from: number, to: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i).filter((i) => i !== from);
  perm.splice(to, 0, from);
  return perm;
}

/** Applies permutation `perm` to `shape`. */
export function permute<T>(shape: readonly T[], perm: readonly number[]): T[] {
  return perm.map((p) => shape[p]!);
}

/**
 * Runs `body` on `x` laid out channels first, as ONNX's Conv, pooling and Resize expect: a
 * channels-last layer's input is transposed to [batch, channels, ...spatial] and the result back.
 */
export function viaChannelsFirst(call: LayerCall, x: OnnxValue, body: (channelsFirstName: string) => string): string {
  if (channelsFirst(call.layer)) return body(x.name);
  const rank = x.shape.length;
  const { graph, layer } = call;
  const first = graph.op1(layer.name, 'Transpose', [x.name], { perm: { ints: moveAxis(rank, rank - 1, 1) } });
  return graph.op1(layer.name, 'Transpose', [body(first)], { perm: { ints: moveAxis(rank, 1, rank - 1) } });
}
