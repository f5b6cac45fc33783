/**
 * Converters for the convolution layers (Conv1D, Conv2D, DepthwiseConv2D, SeparableConv2D): ONNX's
 * Conv on the input transposed to channels first, with Keras's kernels [...window, in, out]
 * rearranged to ONNX's [out, in, ...window], and the output transposed back.
 */
import { stridesOf } from '../../../core/shape.js';
import { activate } from '../activations.js';
import { LayerWeights, asFloat, channelsFirst, derived, notExportable, permute, single, sizes, viaChannelsFirst, weightConstant, type Converter, type LayerCall, type LayerEntry } from '../converter.js';
import type { Attribute, OnnxGraph } from '../graph.js';
import type { ArtifactWeight } from '../../artifacts.js';

/** The values of a row-major tensor of `shape` with its axes permuted by `perm`. */
export function transposeValues(values: Float32Array, shape: readonly number[], perm: readonly number[]): Float32Array {
  const outShape = permute(shape, perm);
  const strides = stridesOf(shape);
  const outStrides = perm.map((p) => strides[p]!);
  const out = new Float32Array(values.length);
  const index = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < out.length; k++) {
    let from = 0;
    for (let a = 0; a < index.length; a++) from += index[a]! * outStrides[a]!;
    out[k] = values[from]!;
    for (let a = index.length - 1; a >= 0; a--) {
      if (++index[a]! < outShape[a]!) break;
      index[a] = 0;
    }
  }
  return out;
}

/** A Keras kernel stored in the graph with its axes permuted by `perm`, then given the dims `dims` (default: the permuted shape). */
export function kernelConstant(graph: OnnxGraph, w: ArtifactWeight, perm: readonly number[], dims?: readonly number[]): string {
  return graph.constant(`${w.name}:onnx`, () => ({ dtype: 'float32', dims: dims ?? permute(w.shape, perm), values: transposeValues(LayerWeights.float32(w), w.shape, perm) }));
}

/** The output size of windows over `size` positions, as Strata computes it (null when the input size is unknown). */
export function windowOutput(size: number | null, window: number, stride: number, dilation: number, padding: string): number | null {
  if (size === null) return null;
  if (padding === 'same') return Math.ceil(size / stride);
  const extent = (window - 1) * dilation + 1;
  const padded = padding === 'causal' ? size + extent - 1 : size;
  return Math.floor((padded - extent) / stride) + 1;
}

/**
 * The padding attributes of a window op over spatial sizes `spatial`. 'same' pads so that the
 * output has ceil(size / stride) positions, the odd extra position at the end (as ONNX's
 * SAME_UPPER does); the pads are written out where the sizes are known, since onnxruntime refuses
 * SAME_UPPER with dilation.
 */
export function paddingAttributes(
  layer: LayerEntry, padding: string, spatial: readonly (number | null)[], window: readonly number[], strides: readonly number[], dilations: readonly number[],
): Record<string, Attribute> {
  if (padding === 'causal') return { pads: { ints: [(window[0]! - 1) * dilations[0]!, 0] } };
  if (padding !== 'same') return { pads: { ints: window.flatMap(() => [0, 0]) } };
  if (spatial.some((d) => d === null)) {
    if (dilations.some((d) => d !== 1)) throw notExportable(layer, "its 'same' padding with dilation needs the input's spatial sizes, which the model leaves unknown");
    return { auto_pad: { string: 'SAME_UPPER' } };
  }
  const totals = spatial.map((d, i) => Math.max((Math.ceil(d! / strides[i]!) - 1) * strides[i]! + (window[i]! - 1) * dilations[i]! + 1 - d!, 0));
  return { pads: { ints: [...totals.map((t) => Math.floor(t / 2)), ...totals.map((t) => Math.ceil(t / 2))] } };
}

/** The spatial sizes of `shape` for `layer`'s data format. */
export function spatialOf(layer: LayerEntry, shape: readonly (number | null)[]): (number | null)[] {
  return channelsFirst(layer) ? shape.slice(2) : shape.slice(1, -1);
}

/** The shape after windows over the spatial axes of `shape`, with `channels` output channels. */
function outputShape(call: LayerCall, shape: readonly (number | null)[], window: number[], strides: number[], dilations: number[], channels: number): (number | null)[] {
  const cf = channelsFirst(call.layer);
  const out = spatialOf(call.layer, shape).map((d, i) => windowOutput(d, window[i]!, strides[i]!, dilations[i]!, String(call.layer.config['padding'] ?? 'valid')));
  return cf ? [shape[0]!, channels, ...out] : [shape[0]!, ...out, channels];
}

/** The window geometry of a convolution layer with `rank` spatial axes. */
function geometry(call: LayerCall, rank: number, spatial: readonly (number | null)[]): { window: number[]; strides: number[]; dilations: number[]; attributes: Record<string, Attribute> } {
  const c = call.layer.config;
  const window = sizes(c['kernelSize'], rank);
  const strides = sizes(c['strides'] ?? 1, rank);
  const dilations = sizes(c['dilationRate'] ?? 1, rank);
  const padding = String(c['padding'] ?? 'valid');
  if (!['valid', 'same', 'causal'].includes(padding)) throw notExportable(call.layer, `its padding '${padding}' is not 'valid', 'same' or 'causal'`);
  return { window, strides, dilations, attributes: { kernel_shape: { ints: window }, strides: { ints: strides }, dilations: { ints: dilations }, ...paddingAttributes(call.layer, padding, spatial, window, strides, dilations) } };
}

/** Conv1D and Conv2D: kernel [...window, in / groups, filters] → [filters, in / groups, ...window]. */
export function convolution(rank: number): Converter {
  return (call) => {
    const { graph, layer } = call;
    const x = asFloat(graph, layer.name, single(call));
    const useBias = layer.config['useBias'] !== false;
    const [kernel, bias] = call.weights.take(useBias ? ['kernel', 'bias'] : ['kernel']);
    const { window, strides, dilations, attributes } = geometry(call, rank, spatialOf(call.layer, x.shape));
    const perm = [rank + 1, rank, ...window.map((_, i) => i)];
    const inputs = [kernelConstant(graph, kernel!, perm), ...(bias ? [weightConstant(graph, bias)] : [])];
    const groups = Number(layer.config['groups'] ?? 1);
    const y = viaChannelsFirst(call, x, (xs) => graph.op1(layer.name, 'Conv', [xs, ...inputs], { ...attributes, group: { int: groups } }));
    const filters = kernel!.shape[rank + 1]!;
    return [derived(x, activate(graph, layer, y, layer.config['activation']), outputShape(call, x.shape, window, strides, dilations, filters))];
  };
}

/**
 * DepthwiseConv2D, and SeparableConv2D (the same followed by a 1×1 convolution): the depthwise
 * kernel [kh, kw, channels, multiplier] becomes [channels · multiplier, 1, kh, kw] with one group
 * per channel, which orders the output channels as Keras does (channel-major).
 */
export function depthwise(separable: boolean): Converter {
  return (call) => {
    const { graph, layer } = call;
    const x = asFloat(graph, layer.name, single(call));
    const useBias = layer.config['useBias'] !== false;
    const names = [...(separable ? ['depthwise_kernel', 'pointwise_kernel'] : ['depthwise_kernel']), ...(useBias ? ['bias'] : [])];
    const taken = call.weights.take(names);
    const [dw, pw] = [taken[0]!, separable ? taken[1]! : undefined];
    const bias = useBias ? taken.at(-1)! : undefined;
    const { window, strides, dilations, attributes } = geometry(call, 2, spatialOf(call.layer, x.shape));
    const [kh, kw, channels, multiplier] = dw.shape as [number, number, number, number];
    const dwKernel = kernelConstant(graph, dw, [2, 3, 0, 1], [channels * multiplier, 1, kh, kw]);
    const biasInput = bias ? [weightConstant(graph, bias)] : [];
    const y = viaChannelsFirst(call, x, (xs) => {
      const d = graph.op1(layer.name, 'Conv', [xs, dwKernel, ...(pw ? [] : biasInput)], { ...attributes, group: { int: channels } });
      if (!pw) return d;
      return graph.op1(layer.name, 'Conv', [d, kernelConstant(graph, pw, [3, 2, 0, 1]), ...biasInput], { kernel_shape: { ints: [1, 1] } });
    });
    const out = pw ? pw.shape[3]! : channels * multiplier;
    return [derived(x, activate(graph, layer, y, layer.config['activation']), outputShape(call, x.shape, window, strides, dilations, out))];
  };
}
