/** Converters for pooling: MaxPooling/AveragePooling 1D and 2D (ONNX's MaxPool/AveragePool, channels first) and the global poolings (reductions). */
import { asFloat, channelsFirst, derived, notExportable, single, sizes, viaChannelsFirst, type Converter } from '../converter.js';
import { paddingAttributes, spatialOf, windowOutput } from './conv.js';

/**
 * Max or average pooling over `rank` spatial axes. With 'same' padding ONNX's AveragePool leaves
 * the padding out of the mean (count_include_pad 0), as Strata and TensorFlow do.
 */
export function pooling(rank: number, op: 'MaxPool' | 'AveragePool'): Converter {
  return (call) => {
    const { graph, layer } = call;
    const x = asFloat(graph, layer.name, single(call));
    const window = sizes(layer.config['poolSize'] ?? 2, rank);
    const strides = sizes(layer.config['strides'] ?? window, rank);
    const padding = String(layer.config['padding'] ?? 'valid');
    const ones = window.map(() => 1);
    const attributes = { kernel_shape: { ints: window }, strides: { ints: strides }, ...paddingAttributes(layer, padding, spatialOf(layer, x.shape), window, strides, ones) };
    const y = viaChannelsFirst(call, x, (xs) => graph.op1(layer.name, op, [xs], attributes));
    const cf = channelsFirst(layer);
    const spatial = spatialOf(layer, x.shape).map((d, i) => windowOutput(d, window[i]!, strides[i]!, 1, padding));
    return [derived(x, y, cf ? [x.shape[0]!, x.shape[1]!, ...spatial] : [x.shape[0]!, ...spatial, x.shape.at(-1)!])];
  };
}

/** The mean or maximum over every position of each channel. A masked mean (after Embedding with maskZero) is not exported. */
export function globalPooling(rank: number, op: 'ReduceMean' | 'ReduceMax'): Converter {
  return (call) => {
    const { graph, layer } = call;
    const x = asFloat(graph, layer.name, single(call));
    if (x.masked && op === 'ReduceMean') {
      throw notExportable(layer, 'its input carries a mask (from an Embedding with maskZero), and the masked mean over the real steps only has no ONNX form here');
    }
    const first = channelsFirst(layer) ? 2 : 1;
    const axes = Array.from({ length: rank }, (_, i) => first + i);
    const keep = layer.config['keepdims'] === true;
    const y = graph.op1(layer.name, op, [x.name], { axes: { ints: axes }, keepdims: { int: keep ? 1 : 0 } });
    const shape = keep ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
    return [{ ...derived(x, y, shape), masked: false }];
  };
}
