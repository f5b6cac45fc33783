/** Pooling layers: max and average pooling over windows (1-D, 2-D and 3-D), and global pooling over all positions. */
import type { ConfigDict } from '../core/serialization.js';
import type { Tensor } from '../core/tensor.js';
import { checkBoolean, checkPositiveInts } from '../core/validate.js';
import { div, mul } from '../ops/arithmetic.js';
import { cast } from '../ops/convert.js';
import { avgPool, avgPool3d, maxPool, maxPool3d } from '../ops/pool.js';
import { max, mean } from '../ops/reduction.js';
import { expandDims, reshape } from '../ops/shape.js';
import { sum } from '../ops/sum-broadcast.js';
import { fromChannelsLast, shapeFromChannelsLast, shapeToChannelsLast, toChannelsLast } from './channels.js';
import { checkWindowInputRank, toWindowPadding, windowOutput, type WindowPadding } from './conv.js';
import { toDataFormat, type DataFormat } from './flatten.js';
import { Layer, layerArgKeys, type CallArgs, type LayerArgs } from './layer.js';
import { registerLayer } from './registry.js';
import type { SymbolicShape } from './symbolic-tensor.js';

/** Arguments of the pooling layers. */
export interface PoolingLayerArgs extends LayerArgs {
  /** The window's size: one number for every spatial axis, or one per axis (default 2). */
  poolSize?: number | readonly number[];
  /** Steps between windows (default: the pool size, so windows do not overlap). */
  strides?: number | readonly number[] | null;
  /** `'valid'` (default) or `'same'`. */
  padding?: 'valid' | 'same';
  /** Where the channels are: `channelsLast` (default) or `channelsFirst`. */
  dataFormat?: DataFormat | 'channels_last' | 'channels_first';
}

/** Max or average pooling over `rank` spatial axes: the concrete layers fix the two. */
abstract class Pooling extends Layer {
  static override readonly argKeys = layerArgKeys<PoolingLayerArgs>({ poolSize: true, strides: true, padding: true, dataFormat: true });
  /** The window's size along each spatial axis. */
  readonly poolSize: number[];
  /** Steps between windows along each spatial axis. */
  readonly strides: number[];
  /** How windows meet the border. */
  readonly padding: WindowPadding;
  /** Where the channels are. */
  readonly dataFormat: DataFormat;

  constructor(
    /** The number of spatial axes. */
    readonly rank: number,
    /** What each window computes. */
    readonly op: 'max' | 'avg',
    args: PoolingLayerArgs,
  ) {
    super(args);
    const who = this.describe();
    this.poolSize = checkPositiveInts(who, 'poolSize', args.poolSize ?? 2, rank);
    this.strides = checkPositiveInts(who, 'strides', args.strides ?? this.poolSize, rank);
    this.padding = toWindowPadding(who, args.padding, 2);
    this.dataFormat = toDataFormat(who, args.dataFormat);
  }

  protected override checkInputShapes(shapes: readonly SymbolicShape[]): void {
    for (const s of shapes) {
      checkWindowInputRank(this.describe(), s, this.rank, this.dataFormat);
      this.computeOutputShape(s);
    }
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    let x = toChannelsLast(this.singleInput(inputs), this.dataFormat);
    if (this.rank === 3) {
      const pool3d = this.op === 'max' ? maxPool3d : avgPool3d;
      return fromChannelsLast(pool3d(x, this.poolSize, { strides: this.strides, padding: this.padding as 'valid' | 'same' }), this.dataFormat);
    }
    // A sequence is pooled as an image one row high.
    if (this.rank === 1) x = expandDims(x, 1);
    const size = this.rank === 1 ? [1, this.poolSize[0]!] : this.poolSize;
    const strides = this.rank === 1 ? [1, this.strides[0]!] : this.strides;
    const pool = this.op === 'max' ? maxPool : avgPool;
    let y = pool(x, size, { strides, padding: this.padding as 'valid' | 'same' });
    if (this.rank === 1) y = reshape(y, [y.shape[0]!, y.shape[2]!, y.shape[3]!]);
    return fromChannelsLast(y, this.dataFormat);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const last = shapeToChannelsLast(this.singleShape(inputShape), this.dataFormat);
    const spatial = windowOutput(this.describe(), last.slice(1, -1), this.poolSize, this.strides, this.poolSize.map(() => 1), this.padding, 'pool window');
    return shapeFromChannelsLast([last[0]!, ...spatial, last.at(-1)!], this.dataFormat);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), poolSize: [...this.poolSize], strides: [...this.strides], padding: this.padding, dataFormat: this.dataFormat };
  }
}

/**
 * The maximum of each `poolSize` window of each channel of images [batch, height, width, channels].
 *
 * @example
 * new MaxPooling2D({ poolSize: 2 }); // [n, 28, 28, 32] -> [n, 14, 14, 32]
 */
export class MaxPooling2D extends Pooling {
  static override readonly className: string = 'MaxPooling2D';

  constructor(args: PoolingLayerArgs = {}) {
    super(2, 'max', args);
  }
}
registerLayer(MaxPooling2D);

/**
 * The mean of each `poolSize` window of each channel of images [batch, height, width, channels].
 * With `same` padding, border windows average only their elements inside the image.
 *
 * @example
 * new AveragePooling2D({ poolSize: 2 }); // [n, 28, 28, 32] -> [n, 14, 14, 32]
 */
export class AveragePooling2D extends Pooling {
  static override readonly className: string = 'AveragePooling2D';

  constructor(args: PoolingLayerArgs = {}) {
    super(2, 'avg', args);
  }
}
registerLayer(AveragePooling2D);

/**
 * The maximum of each `poolSize` window of steps of sequences [batch, steps, channels].
 *
 * @example
 * new MaxPooling1D({ poolSize: 2 }); // [n, 100, 16] -> [n, 50, 16]
 */
export class MaxPooling1D extends Pooling {
  static override readonly className: string = 'MaxPooling1D';

  constructor(args: PoolingLayerArgs = {}) {
    super(1, 'max', args);
  }
}
registerLayer(MaxPooling1D);

/**
 * The mean of each `poolSize` window of steps of sequences [batch, steps, channels].
 *
 * @example
 * new AveragePooling1D({ poolSize: 2 }); // [n, 100, 16] -> [n, 50, 16]
 */
export class AveragePooling1D extends Pooling {
  static override readonly className: string = 'AveragePooling1D';

  constructor(args: PoolingLayerArgs = {}) {
    super(1, 'avg', args);
  }
}
registerLayer(AveragePooling1D);

/** Arguments of the global pooling layers. */
export interface GlobalPoolingLayerArgs extends LayerArgs {
  /** Where the channels are: `channelsLast` (default) or `channelsFirst`. */
  dataFormat?: DataFormat | 'channels_last' | 'channels_first';
  /** Keep the pooled axes with size 1 (default false: [batch, channels]). */
  keepdims?: boolean;
}

/** Max or mean over every position of each channel: the concrete layers fix the rank and the reduction. */
abstract class GlobalPooling extends Layer {
  static override readonly argKeys = layerArgKeys<GlobalPoolingLayerArgs>({ dataFormat: true, keepdims: true });
  /** Where the channels are. */
  readonly dataFormat: DataFormat;
  /** Whether the pooled axes are kept with size 1. */
  readonly keepdims: boolean;

  constructor(
    /** The number of spatial axes. */
    readonly rank: number,
    /** What is computed over the positions. */
    readonly op: 'max' | 'avg',
    args: GlobalPoolingLayerArgs,
  ) {
    super(args);
    this.dataFormat = toDataFormat(this.describe(), args.dataFormat);
    if (args.keepdims !== undefined) checkBoolean(this.describe(), 'keepdims', args.keepdims);
    this.keepdims = args.keepdims ?? false;
  }

  /** The positions' axes in the input. */
  private get axes(): number[] {
    const first = this.dataFormat === 'channelsLast' ? 1 : 2;
    return Array.from({ length: this.rank }, (_, i) => first + i);
  }

  protected override checkInputShapes(shapes: readonly SymbolicShape[]): void {
    for (const s of shapes) checkWindowInputRank(this.describe(), s, this.rank, this.dataFormat);
  }

  override call(inputs: Tensor | Tensor[], args: CallArgs): Tensor {
    const x = this.singleInput(inputs);
    const mask = args.mask;
    if (this.op === 'avg' && this.rank === 1 && mask && !Array.isArray(mask)) {
      // The mean over the real steps only: padding does not dilute it.
      const m = expandDims(cast(mask, x.dtype), this.dataFormat === 'channelsLast' ? -1 : 1);
      return div(sum(mul(x, m), this.axes, this.keepdims), sum(m, this.axes, this.keepdims));
    }
    return this.op === 'max' ? max(x, this.axes, this.keepdims) : mean(x, this.axes, this.keepdims);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const shape = this.singleShape(inputShape);
    const axes = this.axes;
    return this.keepdims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), dataFormat: this.dataFormat, keepdims: this.keepdims };
  }
}

/**
 * The mean of each channel over the whole image: [batch, height, width, channels] → [batch, channels].
 *
 * @example
 * new GlobalAveragePooling2D(); // [n, 7, 7, 64] -> [n, 64]
 */
export class GlobalAveragePooling2D extends GlobalPooling {
  static override readonly className: string = 'GlobalAveragePooling2D';

  constructor(args: GlobalPoolingLayerArgs = {}) {
    super(2, 'avg', args);
  }
}
registerLayer(GlobalAveragePooling2D);

/**
 * The maximum of each channel over the whole image: [batch, height, width, channels] → [batch, channels].
 *
 * @example
 * new GlobalMaxPooling2D(); // [n, 7, 7, 64] -> [n, 64]
 */
export class GlobalMaxPooling2D extends GlobalPooling {
  static override readonly className: string = 'GlobalMaxPooling2D';

  constructor(args: GlobalPoolingLayerArgs = {}) {
    super(2, 'max', args);
  }
}
registerLayer(GlobalMaxPooling2D);

/**
 * The mean of each channel over the steps: [batch, steps, channels] → [batch, channels]. With a
 * mask (after an Embedding with `maskZero`) only the real steps are averaged.
 *
 * @example
 * new GlobalAveragePooling1D(); // [n, 20, 16] -> [n, 16]
 */
export class GlobalAveragePooling1D extends GlobalPooling {
  static override readonly className: string = 'GlobalAveragePooling1D';

  constructor(args: GlobalPoolingLayerArgs = {}) {
    super(1, 'avg', args);
  }
}
registerLayer(GlobalAveragePooling1D);

/**
 * The maximum of each channel over the steps: [batch, steps, channels] → [batch, channels].
 *
 * @example
 * new GlobalMaxPooling1D(); // [n, 20, 16] -> [n, 16]
 */
export class GlobalMaxPooling1D extends GlobalPooling {
  static override readonly className: string = 'GlobalMaxPooling1D';

  constructor(args: GlobalPoolingLayerArgs = {}) {
    super(1, 'max', args);
  }
}
registerLayer(GlobalMaxPooling1D);

/**
 * Max pooling over volumes [batch, depth, height, width, channels]: the maximum of each `poolSize`
 * window (default 2: halves each spatial axis).
 *
 * @example
 * new MaxPooling3D({ poolSize: 2 }); // [n, 8, 16, 16, 4] -> [n, 4, 8, 8, 4]
 */
export class MaxPooling3D extends Pooling {
  static override readonly className: string = 'MaxPooling3D';

  constructor(args: PoolingLayerArgs = {}) {
    super(3, 'max', args);
  }
}
registerLayer(MaxPooling3D);

/**
 * Average pooling over volumes [batch, depth, height, width, channels]: the mean of each `poolSize`
 * window (default 2).
 *
 * @example
 * new AveragePooling3D({ poolSize: [1, 2, 2] }); // [n, 8, 16, 16, 4] -> [n, 8, 8, 8, 4]
 */
export class AveragePooling3D extends Pooling {
  static override readonly className: string = 'AveragePooling3D';

  constructor(args: PoolingLayerArgs = {}) {
    super(3, 'avg', args);
  }
}
registerLayer(AveragePooling3D);

/**
 * The mean of each channel over a volume: [batch, depth, height, width, channels] → [batch, channels].
 *
 * @example
 * new GlobalAveragePooling3D(); // [n, 4, 8, 8, 16] -> [n, 16]
 */
export class GlobalAveragePooling3D extends GlobalPooling {
  static override readonly className: string = 'GlobalAveragePooling3D';

  constructor(args: GlobalPoolingLayerArgs = {}) {
    super(3, 'avg', args);
  }
}
registerLayer(GlobalAveragePooling3D);

/**
 * The maximum of each channel over a volume: [batch, depth, height, width, channels] → [batch, channels].
 *
 * @example
 * new GlobalMaxPooling3D(); // [n, 4, 8, 8, 16] -> [n, 16]
 */
export class GlobalMaxPooling3D extends GlobalPooling {
  static override readonly className: string = 'GlobalMaxPooling3D';

  constructor(args: GlobalPoolingLayerArgs = {}) {
    super(3, 'max', args);
  }
}
registerLayer(GlobalMaxPooling3D);
