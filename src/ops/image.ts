/** Image geometry: `imageTransform` resamples a batch of images through projective transforms (Keras's `affine_transform`). */
import { ENGINE, type HostTensor } from '../core/engine.js';
import { ShapeError, fmtShape } from '../core/errors.js';
import { checkOptions, optionKeys } from '../core/options.js';
import type { Tensor } from '../core/tensor.js';
import { checkChoice, checkFinite, checkPositiveInts } from '../core/validate.js';
import { add, mul } from './arithmetic.js';
import { cast, toTensor } from './convert.js';
import { tensor } from './creation.js';
import { reshape } from './shape.js';
import { gatherInRange } from './slicing.js';
import { sum } from './sum-broadcast.js';

/** How points outside the image are read: Keras's `fill_mode` values. */
export type FillMode = 'reflect' | 'wrap' | 'constant' | 'nearest';
/** How a point between pixels is read. */
export type Interpolation = 'bilinear' | 'nearest';

/** The fill modes, in Keras's order. */
export const FILL_MODES: readonly FillMode[] = ['reflect', 'wrap', 'constant', 'nearest'];
/** The interpolations. */
export const INTERPOLATIONS: readonly Interpolation[] = ['bilinear', 'nearest'];

/** Options of `imageTransform`. */
export interface ImageTransformArgs {
  /** `'bilinear'` (default) or `'nearest'` (the closest pixel, halves rounded away from zero). */
  interpolation?: Interpolation;
  /**
   * Where a point falls outside the image: `'constant'` (default: `fillValue`), `'reflect'` (d c b a | a b c d | d c b a),
   * `'wrap'` (a b c d | a b c d) or `'nearest'` (a a | a b c d | d d).
   */
  fillMode?: FillMode;
  /** The value outside the image with `fillMode: 'constant'` (default 0). */
  fillValue?: number;
  /** [height, width] of the output (default the input's). */
  outputSize?: readonly number[];
}

const TRANSFORM_KEYS = optionKeys<ImageTransformArgs>({ interpolation: true, fillMode: true, fillValue: true, outputSize: true });

/** Maps an integer pixel index outside [0, n) into it as `mode` says (scipy's index fixers, which Keras on JAX uses). */
function fixIndex(i: number, n: number, mode: FillMode): number {
  if (i >= 0 && i < n) return i;
  if (mode === 'wrap') return ((i % n) + n) % n;
  if (mode === 'reflect') {
    // The half-sample mirror: a triangular wave of period 2n over the doubled index 2i + 1.
    const s = 2 * n;
    const m = Math.abs(((((2 * i + 1 + s) % (2 * s)) + 2 * s) % (2 * s)) - s);
    return Math.floor((m - 1) / 2);
  }
  return Math.min(Math.max(i, 0), n - 1);
}

/** The taps along one axis for a coordinate: [index, weight] pairs, before fixing. */
function taps(coord: number, interpolation: Interpolation): [number, number][] {
  if (interpolation === 'nearest') return [[Math.sign(coord) * Math.round(Math.abs(coord)), 1]];
  const lo = Math.floor(coord);
  return [[lo, 1 - (coord - lo)], [lo + 1, coord - lo]];
}

/**
 * The sampling plan of every output pixel, computed in JavaScript from the transforms' values: the flat
 * input pixel (batch · h · w + y · w + x) and weight of each tap, and the weight left to the fill value
 * (taps outside the image in constant mode).
 */
function samplingPlan(imageShape: readonly number[], out: readonly number[], mode: FillMode, interpolation: Interpolation) {
  const [batch, h, w] = imageShape as [number, number, number];
  const [oh, ow] = out as [number, number];
  const perPixel = interpolation === 'bilinear' ? 4 : 1;
  return ([t]: HostTensor[]): HostTensor[] => {
    const m = t!.values;
    const shared = t!.shape[0] === 1;
    const index = new Int32Array(batch * oh * ow * perPixel);
    const weight = new Float32Array(batch * oh * ow * perPixel);
    const fill = new Float32Array(batch * oh * ow);
    let k = 0;
    for (let b = 0; b < batch; b++) {
      const o = shared ? 0 : 8 * b;
      const [a0, a1, a2, b0, b1, b2, c0, c1] = Array.from(m.subarray(o, o + 8), Number) as number[];
      for (let y = 0; y < oh; y++) {
        for (let x = 0; x < ow; x++) {
          const p = b * oh * ow + y * ow + x;
          const scale = c0! * x + c1! * y + 1;
          const ys = taps((b0! * x + b1! * y + b2!) / scale, interpolation);
          const xs = taps((a0! * x + a1! * y + a2!) / scale, interpolation);
          for (const [yi, wy] of ys) {
            for (const [xi, wx] of xs) {
              const outside = yi < 0 || yi >= h || xi < 0 || xi >= w;
              if (outside && mode === 'constant') {
                fill[p]! += wy * wx;
                index[k] = b * h * w;
                weight[k++] = 0;
              } else {
                index[k] = b * h * w + fixIndex(yi, h, mode) * w + fixIndex(xi, w, mode);
                weight[k++] = wy * wx;
              }
            }
          }
        }
      }
    }
    return [
      { values: index, shape: [index.length], dtype: 'int32' },
      { values: weight, shape: [weight.length, 1], dtype: 'float32' },
      { values: fill, shape: [fill.length, 1], dtype: 'float32' },
    ];
  };
}

/**
 * Resamples images [batch, h, w, channels] through projective transforms [batch, 8] (or [1, 8] for
 * all): output pixel (x, y) reads the input at ((a0·x + a1·y + a2) / k, (b0·x + b1·y + b2) / k), with
 * k = c0·x + c1·y + 1 and the rows [a0, a1, a2, b0, b1, b2, c0, c1] — the convention of Keras's
 * `ops.image.affine_transform` and TensorFlow's ImageProjectiveTransformV3. Points between pixels are
 * interpolated, points outside the image are read as `fillMode` says (Keras on JAX's rules, which fix
 * each tap's integer index, so that bilinear reads near the border match it).
 *
 * The output is linear in the images: it is a gather of the taps times their weights, so its gradient
 * with respect to the images is the transposed scatter (sums of dy into the pixels read). The transforms
 * only steer the sampling and get no gradient.
 *
 * @example
 * const img = tensor([1, 2, 3, 4], [1, 2, 2, 1]);
 * const flip = tensor([-1, 0, 1, 0, 1, 0, 0, 0], [1, 8]); // x -> 1 - x: a horizontal flip
 * imageTransform(img, flip, { interpolation: 'nearest' }).dataSync(); // [2, 1, 4, 3]
 */
export function imageTransform(images: Tensor, transforms: Tensor, args: ImageTransformArgs = {}): Tensor {
  checkOptions('imageTransform', args, TRANSFORM_KEYS);
  let x = toTensor('imageTransform', 'images', images);
  const t = toTensor('imageTransform', 'transforms', transforms);
  const interpolation = checkChoice('imageTransform', 'interpolation', args.interpolation ?? 'bilinear', INTERPOLATIONS);
  const fillMode = checkChoice('imageTransform', 'fillMode', args.fillMode ?? 'constant', FILL_MODES);
  const fillValue = checkFinite('imageTransform', 'fillValue', args.fillValue ?? 0);
  if (x.rank !== 4) throw new ShapeError(`imageTransform: images must be [batch, height, width, channels], got shape ${fmtShape(x.shape)}. Add a batch axis with expandDims(image, 0).`);
  const [batch, h, w, c] = x.shape as [number, number, number, number];
  if (t.rank !== 2 || t.shape[1] !== 8 || (t.shape[0] !== 1 && t.shape[0] !== batch)) {
    throw new ShapeError(`imageTransform: transforms must be [${batch},8] or [1,8] for images of shape ${fmtShape(x.shape)}, got ${fmtShape(t.shape)}.`);
  }
  const out = args.outputSize === undefined ? [h, w] : checkPositiveInts('imageTransform', 'outputSize', args.outputSize, 2);
  if (x.dtype !== 'float32' && x.dtype !== 'float64') x = cast(x, 'float32');
  const plan = ENGINE.runHost('imageTransform', [t], samplingPlan(x.shape, out, fillMode, interpolation), true);
  const [index, weight, fill] = plan.map((p) => (p.dtype === x.dtype || p.dtype === 'int32' ? p : cast(p, x.dtype))) as [Tensor, Tensor, Tensor];
  const perPixel = interpolation === 'bilinear' ? 4 : 1;
  const read = mul(gatherInRange(reshape(x, [batch * h * w, c]), index, 0), weight);
  let y = sum(reshape(read, [batch * out[0]! * out[1]!, perPixel, c]), 1);
  if (fillMode === 'constant' && fillValue !== 0) y = add(y, mul(fill, fillValue));
  return reshape(y, [batch, out[0]!, out[1]!, c]);
}

/**
 * Resizes images [batch, h, w, channels] to `size` = [height, width] by bilinear interpolation with
 * half-pixel centres, as `tf.image.resize` does without antialiasing (Keras's default when it loads
 * image folders): output pixel o reads the input at (o + 0.5)·scale - 0.5, clamped to the image.
 * Images of the requested size come back unchanged.
 *
 * @example
 * resizeBilinear(tensor([0, 2], [1, 1, 2, 1]), [1, 4]).dataSync(); // [0, 0.5, 1.5, 2]
 */
export function resizeBilinear(images: Tensor, size: readonly [number, number]): Tensor {
  const x = toTensor('resizeBilinear', 'images', images);
  if (x.rank !== 4) throw new ShapeError(`resizeBilinear: images must be [batch, height, width, channels], got shape ${fmtShape(x.shape)}. Add a batch axis with expandDims(image, 0).`);
  const [height, width] = checkPositiveInts('resizeBilinear', 'size', [...size], 2) as [number, number];
  const [, h, w] = x.shape as [number, number, number, number];
  if (h === height && w === width) return x;
  const sy = h / height;
  const sx = w / width;
  const rows = tensor([sx, 0, 0.5 * sx - 0.5, 0, sy, 0.5 * sy - 0.5, 0, 0], [1, 8]);
  return imageTransform(x, rows, { interpolation: 'bilinear', fillMode: 'nearest', outputSize: [height, width] });
}
