/** Converters for BatchNormalization (its moving statistics, as at inference) and LayerNormalization (ONNX's op, opset 17). */
import { sizeOf } from '../../../core/shape.js';
import { LayerWeights, asFloat, derived, notExportable, single, weightConstant, type Converter } from '../converter.js';

/**
 * BatchNormalization at inference: (x - movingMean) / sqrt(movingVariance + epsilon) · gamma + beta,
 * folded into x · a + b per feature (computed in float64, stored in float32) and shaped to
 * broadcast along the layer's axis.
 */
export const batchNormalization: Converter = (call) => {
  const { graph, layer } = call;
  const x = asFloat(graph, layer.name, single(call));
  const c = layer.config;
  const scale = c['scale'] !== false;
  const center = c['center'] !== false;
  const taken = call.weights.take([...(scale ? ['gamma'] : []), ...(center ? ['beta'] : []), 'moving_mean', 'moving_variance']);
  const [gamma, beta] = [scale ? taken[0] : undefined, center ? taken[scale ? 1 : 0] : undefined];
  const [mean, variance] = taken.slice(-2).map((w) => LayerWeights.float32(w!));
  const epsilon = Number(c['epsilon'] ?? 1e-3);
  const rank = x.shape.length;
  const rawAxis = Number(c['axis'] ?? -1);
  const axis = rawAxis < 0 ? rawAxis + rank : rawAxis;
  if (!(axis >= 1 && axis < rank)) throw notExportable(layer, `its axis ${rawAxis} does not name a feature axis of its rank-${rank} input`);
  const n = mean!.length;
  const g = gamma ? LayerWeights.float32(gamma) : undefined;
  const b = beta ? LayerWeights.float32(beta) : undefined;
  const a = Float32Array.from({ length: n }, (_, i) => (g ? g[i]! : 1) / Math.sqrt(variance![i]! + epsilon));
  const shift = Float32Array.from({ length: n }, (_, i) => (b ? b[i]! : 0) - mean![i]! * a[i]!);
  const dims = [n, ...new Array<number>(rank - 1 - axis).fill(1)];
  const key = taken.at(-1)!.name.replace(/\/moving_variance$/, '');
  const aName = graph.constant(`${key}/onnx_scale`, () => ({ dtype: 'float32', dims, values: a }));
  const bName = graph.constant(`${key}/onnx_shift`, () => ({ dtype: 'float32', dims, values: shift }));
  const y = graph.op1(layer.name, 'Add', [graph.op1(layer.name, 'Mul', [x.name, aName]), bName]);
  return [derived(x, y, x.shape)];
};

/** LayerNormalization over trailing axes (ONNX's LayerNormalization normalizes from one axis to the last). */
export const layerNormalization: Converter = (call) => {
  const { graph, layer } = call;
  const x = asFloat(graph, layer.name, single(call));
  const rank = x.shape.length;
  const c = layer.config;
  const given = c['axis'] ?? -1;
  const axes = (typeof given === 'number' ? [given] : (given as number[])).map((a) => (a < 0 ? a + rank : a)).sort((p, q) => p - q);
  if (axes.some((a, i) => a !== rank - axes.length + i) || axes[0]! < 1) {
    throw notExportable(layer, `its axes ${JSON.stringify(given)} are not the trailing axes of its rank-${rank} input, which is all ONNX's LayerNormalization normalizes over`);
  }
  const scale = c['scale'] !== false;
  const center = c['center'] !== false;
  const taken = call.weights.take([...(scale ? ['gamma'] : []), ...(center ? ['beta'] : [])]);
  const normalized = taken[0]?.shape ?? x.shape.slice(axes[0]);
  if (normalized.some((d) => d === null)) throw notExportable(layer, `the sizes of its axes are unknown in its input shape [${x.shape.join(', ')}]`);
  const ones = () => graph.constant(`${layer.name}/onnx_ones`, () => ({ dtype: 'float32', dims: normalized as number[], values: new Float32Array(sizeOf(normalized as number[])).fill(1) }));
  const inputs = [x.name, scale ? weightConstant(graph, taken[0]!) : ones(), ...(center ? [weightConstant(graph, taken.at(-1)!)] : [])];
  const y = graph.op1(layer.name, 'LayerNormalization', inputs, { axis: { int: axes[0]! }, epsilon: { float: Number(c['epsilon'] ?? 1e-3) } });
  return [derived(x, y, x.shape)];
};
