/** Converters for ZeroPadding2D (ONNX's Pad) and UpSampling2D (ONNX's Resize: nearest repeats pixels, bilinear uses half-pixel centres as Strata does). */
import type { Attribute } from '../graph.js';
import { channelsFirst, derived, single, sizes, viaChannelsFirst, type Converter } from '../converter.js';

/** ZeroPadding2D: zeros around the rows and columns. */
export const zeroPadding2d: Converter = (call) => {
  const { graph, layer } = call;
  const x = single(call);
  const [[top, bottom], [left, right]] = layer.config['padding'] as [[number, number], [number, number]];
  const cf = channelsFirst(layer);
  const pads = cf ? [0, 0, top, left, 0, 0, bottom, right] : [0, top, left, 0, 0, bottom, right, 0];
  const y = graph.op1(layer.name, 'Pad', [x.name, graph.int64s(pads)], { mode: { string: 'constant' } });
  const grow = (d: number | null, by: number): number | null => (d === null ? null : d + by);
  const [h, w] = cf ? [2, 3] : [1, 2];
  return [derived(x, y, x.shape.map((d, i) => (i === h ? grow(d, top + bottom) : i === w ? grow(d, left + right) : d)))];
};

/** UpSampling2D: each row and column repeated `size` times, or interpolated bilinearly. */
export const upSampling2d: Converter = (call) => {
  const { graph, layer } = call;
  const x = single(call);
  const [sh, sw] = sizes(layer.config['size'] ?? 2, 2) as [number, number];
  const bilinear = layer.config['interpolation'] === 'bilinear';
  const attributes: Record<string, Attribute> = bilinear
    ? { mode: { string: 'linear' }, coordinate_transformation_mode: { string: 'half_pixel' } }
    : { mode: { string: 'nearest' }, coordinate_transformation_mode: { string: 'asymmetric' }, nearest_mode: { string: 'floor' } };
  const scales = graph.constant(`const/float[1,1,${sh},${sw}]`, () => ({ dtype: 'float32', dims: [4], values: Float32Array.of(1, 1, sh, sw) }));
  const y = viaChannelsFirst(call, x, (xs) => graph.op1(layer.name, 'Resize', [xs, '', scales], attributes));
  const [h, w] = channelsFirst(layer) ? [2, 3] : [1, 2];
  return [derived(x, y, x.shape.map((d, i) => (d === null ? null : i === h ? d * sh : i === w ? d * sw : d)))];
};
