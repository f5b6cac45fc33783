/** Cropping layers: Cropping1D, Cropping2D and Cropping3D cut rows off the borders of sequences, images and volumes. */
import { ShapeError, ValueError } from '../core/errors.js';
import type { ConfigDict } from '../core/serialization.js';
import type { Tensor } from '../core/tensor.js';
import { slice } from '../ops/slicing.js';
import { fromChannelsLast, shapeFromChannelsLast, shapeToChannelsLast, toChannelsLast } from './channels.js';
import { checkWindowInputRank } from './conv.js';
import { toDataFormat, type DataFormat } from './flatten.js';
import { Layer, layerArgKeys, type LayerArgs } from './layer.js';
import { registerLayer } from './registry.js';
import { fmtSymbolicShape, type SymbolicShape } from './symbolic-tensor.js';

/** What to cut along one axis: [before, after]. */
type Crop = [number, number];

/** Arguments of `Cropping2D` and `Cropping3D`. */
export interface CroppingLayerArgs extends LayerArgs {
  /**
   * What to cut: one number for both ends of every spatial axis, one number per axis (cut at both ends),
   * or [before, after] per axis, e.g. [[top, bottom], [left, right]]. Default: none for Cropping2D,
   * 1 everywhere for Cropping3D (as Keras).
   */
  cropping?: number | readonly (number | readonly [number, number])[];
  /** Where the channels are: `channelsLast` (default) or `channelsFirst`. */
  dataFormat?: DataFormat | 'channels_last' | 'channels_first';
}

/** Arguments of `Cropping1D`. */
export interface Cropping1DLayerArgs extends LayerArgs {
  /** Steps to cut: one number for both ends, or [start, end] (default 1 at each end, as Keras). */
  cropping?: number | readonly [number, number];
}

/** Reads `cropping` as [before, after] per spatial axis. */
function toCrops(who: string, value: CroppingLayerArgs['cropping'], rank: number): Crop[] {
  const list = typeof value === 'number' ? new Array<number>(rank).fill(value) : [...(value ?? [])];
  const crops = list.map((v) => (typeof v === 'number' ? [v, v] : [...v]));
  if (crops.length !== rank || crops.some((c) => c.length !== 2 || c.some((v) => !Number.isInteger(v) || v < 0))) {
    throw new ValueError(`${who}: cropping must be a non-negative integer, ${rank} of them, or ${rank} [before, after] pairs, got ${JSON.stringify(value)}.`);
  }
  return crops as Crop[];
}

/** Cuts the borders of the `crops.length` spatial axes of channels-last data. */
abstract class Cropping extends Layer {
  static override readonly argKeys = layerArgKeys<CroppingLayerArgs>({ cropping: true, dataFormat: true });
  /** [before, after] per spatial axis. */
  readonly cropping: Crop[];
  /** Where the channels are. */
  readonly dataFormat: DataFormat;

  constructor(
    /** The number of spatial axes. */
    readonly rank: number,
    cropping: CroppingLayerArgs['cropping'],
    dataFormat: CroppingLayerArgs['dataFormat'],
    args: LayerArgs,
  ) {
    super(args);
    this.cropping = toCrops(this.describe(), cropping, rank);
    this.dataFormat = toDataFormat(this.describe(), dataFormat);
  }

  protected override checkInputShapes(shapes: readonly SymbolicShape[]): void {
    for (const s of shapes) {
      checkWindowInputRank(this.describe(), s, this.rank, this.dataFormat);
      this.computeOutputShape(s);
    }
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = toChannelsLast(this.singleInput(inputs), this.dataFormat);
    const begin = [0, ...this.cropping.map(([a]) => a), 0];
    const size = x.shape.map((d, i) => (i === 0 || i === x.rank - 1 ? d : d - this.cropping[i - 1]![0] - this.cropping[i - 1]![1]));
    return fromChannelsLast(slice(x, begin, size), this.dataFormat);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const last = shapeToChannelsLast(this.singleShape(inputShape), this.dataFormat);
    const spatial = last.slice(1, -1).map((d, i) => {
      if (d === null || d === undefined) return null;
      const [a, b] = this.cropping[i]!;
      if (d - a - b < 1) {
        throw new ShapeError(`${this.describe()}: cutting ${a} + ${b} from spatial axis ${i + 1} of size ${d} (input ${fmtSymbolicShape(inputShape as SymbolicShape)}) leaves nothing; crop less.`);
      }
      return d - a - b;
    });
    return shapeFromChannelsLast([last[0]!, ...spatial, last.at(-1)!], this.dataFormat);
  }

  override getConfig(): ConfigDict {
    // Keras's Cropping1D has one pair and no data format.
    if (this.rank === 1) return { ...super.getConfig(), cropping: [...this.cropping[0]!] };
    return { ...super.getConfig(), cropping: this.cropping.map((c) => [...c]), dataFormat: this.dataFormat };
  }
}

/**
 * Cuts steps off the start and end of sequences: [batch, steps, channels] → [batch, steps - start - end, channels].
 *
 * @example
 * new Cropping1D({ cropping: [2, 1] }); // [n, 10, 4] -> [n, 7, 4]
 */
export class Cropping1D extends Cropping {
  static override readonly className: string = 'Cropping1D';
  static override readonly argKeys = layerArgKeys<Cropping1DLayerArgs>({ cropping: true });

  constructor(args: Cropping1DLayerArgs = {}) {
    super(1, [args.cropping ?? 1], 'channelsLast', args);
  }
}
registerLayer(Cropping1D);

/**
 * Cuts rows and columns off the borders of images: [batch, h, w, c] → [batch, h - top - bottom,
 * w - left - right, c] (the inverse of ZeroPadding2D; a decoder uses it to trim its output to the input's size).
 *
 * @example
 * new Cropping2D({ cropping: [[2, 2], [4, 4]] }); // [n, 28, 28, 1] -> [n, 24, 20, 1]
 */
export class Cropping2D extends Cropping {
  static override readonly className: string = 'Cropping2D';

  constructor(args: CroppingLayerArgs = {}) {
    super(2, args.cropping ?? 0, args.dataFormat, args);
  }
}
registerLayer(Cropping2D);

/**
 * Cuts the borders of volumes: [batch, d, h, w, c] → [batch, d - front - back, h - top - bottom, w - left - right, c].
 *
 * @example
 * new Cropping3D({ cropping: 1 }); // [n, 8, 16, 16, 4] -> [n, 6, 14, 14, 4]
 */
export class Cropping3D extends Cropping {
  static override readonly className: string = 'Cropping3D';

  constructor(args: CroppingLayerArgs = {}) {
    super(3, args.cropping ?? 1, args.dataFormat, args);
  }
}
registerLayer(Cropping3D);
