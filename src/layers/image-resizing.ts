/**
 * Layers that change the size of images and sequences without weights: ZeroPadding2D and ZeroPadding1D add
 * zeros at the borders, UpSampling2D and UpSampling1D enlarge.
 */
import { ValueError } from '../core/errors.js';
import type { ConfigDict } from '../core/serialization.js';
import type { Tensor } from '../core/tensor.js';
import { checkPositiveInt, checkPositiveInts } from '../core/validate.js';
import { tensor } from '../ops/creation.js';
import { matMul } from '../ops/linalg.js';
import { reshape, transpose } from '../ops/shape.js';
import { pad } from '../ops/slicing.js';
import { broadcastTo } from '../ops/sum-broadcast.js';
import { fromChannelsLast, shapeFromChannelsLast, shapeToChannelsLast, toChannelsLast } from './channels.js';
import { checkWindowInputRank } from './conv.js';
import { toDataFormat, type DataFormat } from './flatten.js';
import { Layer, layerArgKeys, type LayerArgs } from './layer.js';
import { registerLayer } from './registry.js';
import type { SymbolicShape } from './symbolic-tensor.js';

/** Arguments of `ZeroPadding2D`. */
export interface ZeroPadding2DLayerArgs extends LayerArgs {
  /**
   * The border: one number for all four sides, [rows, columns] (each added on both sides), or
   * [[top, bottom], [left, right]] (default 1).
   */
  padding?: number | readonly [number, number] | readonly [readonly [number, number], readonly [number, number]];
  /** Where the channels are: `channelsLast` (default) or `channelsFirst`. */
  dataFormat?: DataFormat | 'channels_last' | 'channels_first';
}

/**
 * Adds rows and columns of zeros around each image: [batch, h, w, c] → [batch, top + h + bottom,
 * left + w + right, c].
 *
 * @example
 * new ZeroPadding2D({ padding: 1 }); // [n, 28, 28, 1] -> [n, 30, 30, 1]
 */
export class ZeroPadding2D extends Layer {
  static override readonly className: string = 'ZeroPadding2D';
  static override readonly argKeys = layerArgKeys<ZeroPadding2DLayerArgs>({ padding: true, dataFormat: true });
  /** [[top, bottom], [left, right]]. */
  readonly padding: [[number, number], [number, number]];
  /** Where the channels are. */
  readonly dataFormat: DataFormat;

  constructor(args: ZeroPadding2DLayerArgs = {}) {
    super(args);
    const p = args.padding ?? 1;
    const pairs = typeof p === 'number' ? [[p, p], [p, p]] : p.map((v) => (typeof v === 'number' ? [v, v] : [...v]));
    if (pairs.length !== 2 || pairs.some((q) => q.length !== 2 || q.some((v) => !Number.isInteger(v) || v < 0))) {
      throw new ValueError(`${this.describe()}: padding must be a non-negative integer, [rows, columns], or [[top, bottom], [left, right]], got ${JSON.stringify(p)}.`);
    }
    this.padding = pairs as [[number, number], [number, number]];
    this.dataFormat = toDataFormat(this.describe(), args.dataFormat);
  }

  protected override checkInputShapes(shapes: readonly SymbolicShape[]): void {
    for (const s of shapes) checkWindowInputRank(this.describe(), s, 2, this.dataFormat);
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = toChannelsLast(this.singleInput(inputs), this.dataFormat);
    return fromChannelsLast(pad(x, [[0, 0], ...this.padding, [0, 0]]), this.dataFormat);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const [n, h, w, c] = shapeToChannelsLast(this.singleShape(inputShape), this.dataFormat);
    const grow = (d: number | null | undefined, [a, b]: [number, number]): number | null => (d === null || d === undefined ? null : d + a + b);
    return shapeFromChannelsLast([n!, grow(h, this.padding[0]), grow(w, this.padding[1]), c!], this.dataFormat);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), padding: this.padding.map((q) => [...q]), dataFormat: this.dataFormat };
  }
}
registerLayer(ZeroPadding2D);

/** Arguments of `UpSampling2D`. */
export interface UpSampling2DLayerArgs extends LayerArgs {
  /** The factor for rows and columns: one number or [rows, columns] (default 2). */
  size?: number | readonly number[];
  /** Where the channels are: `channelsLast` (default) or `channelsFirst`. */
  dataFormat?: DataFormat | 'channels_last' | 'channels_first';
  /** `'nearest'` (default: each pixel repeated) or `'bilinear'`. */
  interpolation?: 'nearest' | 'bilinear';
}

/**
 * The [out, in] matrix of bilinear interpolation along one axis, with half-pixel centres as
 * TensorFlow's `resize` (output pixel i samples input position (i + 0.5) / scale - 0.5, clamped
 * to the input).
 */
function bilinearWeights(inSize: number, scale: number): Float32Array {
  const outSize = inSize * scale;
  const w = new Float32Array(outSize * inSize);
  for (let i = 0; i < outSize; i++) {
    const pos = Math.min(Math.max((i + 0.5) / scale - 0.5, 0), inSize - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, inSize - 1);
    w[i * inSize + lo]! += 1 - (pos - lo);
    w[i * inSize + hi]! += pos - lo;
  }
  return w;
}

/**
 * Enlarges images by `size`: [batch, h, w, c] → [batch, h · rows, w · columns, c], repeating each
 * pixel (`nearest`) or interpolating between neighbours (`bilinear`).
 *
 * @example
 * new UpSampling2D({ size: 2 }); // [n, 7, 7, 64] -> [n, 14, 14, 64]
 */
export class UpSampling2D extends Layer {
  static override readonly className: string = 'UpSampling2D';
  static override readonly argKeys = layerArgKeys<UpSampling2DLayerArgs>({ size: true, dataFormat: true, interpolation: true });
  /** The factors for rows and columns. */
  readonly size: number[];
  /** Where the channels are. */
  readonly dataFormat: DataFormat;
  /** How new pixels get their values. */
  readonly interpolation: 'nearest' | 'bilinear';

  constructor(args: UpSampling2DLayerArgs = {}) {
    super(args);
    this.size = checkPositiveInts(this.describe(), 'size', args.size ?? 2, 2);
    this.dataFormat = toDataFormat(this.describe(), args.dataFormat);
    const interpolation = args.interpolation ?? 'nearest';
    if (interpolation !== 'nearest' && interpolation !== 'bilinear') {
      throw new ValueError(`${this.describe()}: interpolation must be 'nearest' or 'bilinear', got ${JSON.stringify(args.interpolation)}.`);
    }
    this.interpolation = interpolation;
  }

  protected override checkInputShapes(shapes: readonly SymbolicShape[]): void {
    for (const s of shapes) checkWindowInputRank(this.describe(), s, 2, this.dataFormat);
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = toChannelsLast(this.singleInput(inputs), this.dataFormat);
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const [sh, sw] = this.size as [number, number];
    let y: Tensor;
    if (this.interpolation === 'nearest') {
      // [n, h, 1, w, 1, c] stretched to [n, h, sh, w, sw, c] is every pixel repeated sh × sw times.
      y = reshape(broadcastTo(reshape(x, [n, h, 1, w, 1, c]), [n, h, sh, w, sw, c]), [n, h * sh, w * sw, c]);
    } else {
      // Interpolation is linear, so it is two matrix products: rows first, then columns.
      const rows = tensor(bilinearWeights(h, sh), [h * sh, h], x.dtype);
      const cols = tensor(bilinearWeights(w, sw), [w * sw, w], x.dtype);
      const channelsFirst = transpose(x, [0, 3, 1, 2]);
      y = transpose(matMul(matMul(rows, channelsFirst), cols, false, true), [0, 2, 3, 1]);
    }
    return fromChannelsLast(y, this.dataFormat);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const [n, h, w, c] = shapeToChannelsLast(this.singleShape(inputShape), this.dataFormat);
    const grow = (d: number | null | undefined, k: number): number | null => (d === null || d === undefined ? null : d * k);
    return shapeFromChannelsLast([n!, grow(h, this.size[0]!), grow(w, this.size[1]!), c!], this.dataFormat);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), size: [...this.size], dataFormat: this.dataFormat, interpolation: this.interpolation };
  }
}
registerLayer(UpSampling2D);

/** Arguments of `ZeroPadding1D`. */
export interface ZeroPadding1DLayerArgs extends LayerArgs {
  /** Steps of zeros: one number for both ends, or [start, end] (default 1). */
  padding?: number | readonly [number, number];
  /** Where the channels are: `channelsLast` (default, [batch, steps, channels]) or `channelsFirst`. */
  dataFormat?: DataFormat | 'channels_last' | 'channels_first';
}

/**
 * Adds steps of zeros at the start and end of sequences: [batch, steps, c] → [batch, start + steps + end, c].
 *
 * @example
 * new ZeroPadding1D({ padding: [2, 0] }); // [n, 10, 4] -> [n, 12, 4]
 */
export class ZeroPadding1D extends Layer {
  static override readonly className: string = 'ZeroPadding1D';
  static override readonly argKeys = layerArgKeys<ZeroPadding1DLayerArgs>({ padding: true, dataFormat: true });
  /** [start, end]. */
  readonly padding: [number, number];
  /** Where the channels are. */
  readonly dataFormat: DataFormat;

  constructor(args: ZeroPadding1DLayerArgs = {}) {
    super(args);
    const p = args.padding ?? 1;
    const pair = typeof p === 'number' ? [p, p] : [...p];
    if (pair.length !== 2 || pair.some((v) => !Number.isInteger(v) || v < 0)) {
      throw new ValueError(`${this.describe()}: padding must be a non-negative integer or [start, end] of them, got ${JSON.stringify(p)}.`);
    }
    this.padding = pair as [number, number];
    this.dataFormat = toDataFormat(this.describe(), args.dataFormat);
  }

  protected override checkInputShapes(shapes: readonly SymbolicShape[]): void {
    for (const s of shapes) checkWindowInputRank(this.describe(), s, 1, this.dataFormat);
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = toChannelsLast(this.singleInput(inputs), this.dataFormat);
    return fromChannelsLast(pad(x, [[0, 0], this.padding, [0, 0]]), this.dataFormat);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const [n, steps, c] = shapeToChannelsLast(this.singleShape(inputShape), this.dataFormat);
    const grown = steps === null || steps === undefined ? null : steps + this.padding[0] + this.padding[1];
    return shapeFromChannelsLast([n!, grown, c!], this.dataFormat);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), padding: [...this.padding], dataFormat: this.dataFormat };
  }
}
registerLayer(ZeroPadding1D);

/** Arguments of `UpSampling1D`. */
export interface UpSampling1DLayerArgs extends LayerArgs {
  /** How many times each step is repeated (default 2). */
  size?: number;
}

/**
 * Repeats each step of sequences `size` times: [batch, steps, c] → [batch, steps · size, c].
 *
 * @example
 * new UpSampling1D({ size: 3 }); // [n, 10, 4] -> [n, 30, 4]
 */
export class UpSampling1D extends Layer {
  static override readonly className: string = 'UpSampling1D';
  static override readonly argKeys = layerArgKeys<UpSampling1DLayerArgs>({ size: true });
  /** How many times each step is repeated. */
  readonly size: number;

  constructor(args: UpSampling1DLayerArgs = {}) {
    super(args);
    this.size = checkPositiveInt(this.describe(), 'size', args.size ?? 2);
  }

  protected override checkInputShapes(shapes: readonly SymbolicShape[]): void {
    for (const s of shapes) checkWindowInputRank(this.describe(), s, 1, 'channelsLast');
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = this.singleInput(inputs);
    const [n, steps, c] = x.shape as [number, number, number];
    return reshape(broadcastTo(reshape(x, [n, steps, 1, c]), [n, steps, this.size, c]), [n, steps * this.size, c]);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const [n, steps, c] = this.singleShape(inputShape);
    return [n!, steps === null || steps === undefined ? null : steps * this.size, c!];
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), size: this.size };
  }
}
registerLayer(UpSampling1D);
