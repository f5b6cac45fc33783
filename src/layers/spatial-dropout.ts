/** SpatialDropout1D and SpatialDropout2D: dropout of whole feature maps (channels) instead of single values. */
import type { ConfigDict } from '../core/serialization.js';
import { Dropout } from './dropout.js';
import { toDataFormat, type DataFormat } from './flatten.js';
import { layerArgKeys, type LayerArgs } from './layer.js';
import { registerLayer } from './registry.js';
import type { SymbolicShape } from './symbolic-tensor.js';

/** Arguments of `SpatialDropout1D`. */
export interface SpatialDropout1DLayerArgs extends LayerArgs {
  /** The fraction of channels to drop, in [0, 1). */
  rate: number;
  /** Makes the sequence of masks reproducible (otherwise drawn from the global seed when the layer is made). */
  seed?: number | null;
}

/** Arguments of `SpatialDropout2D`. */
export interface SpatialDropout2DLayerArgs extends SpatialDropout1DLayerArgs {
  /** Where the channels are: `'channelsLast'` ([batch, height, width, channels], the default) or `'channelsFirst'`. */
  dataFormat?: DataFormat | 'channels_last' | 'channels_first';
}

/** Dropout's config less `noiseShape` (always null here), which the spatial layers fix (Keras writes none). */
function spatialConfig(config: ConfigDict): ConfigDict {
  const { noiseShape: _fixed, ...rest } = config;
  return rest;
}

/**
 * Dropout of whole channels of [batch, steps, channels] while training: a dropped channel is 0 at
 * every step, the others are scaled by 1 / (1 - rate). Neighbouring steps of a feature map are
 * correlated, so dropping single values would barely regularize.
 *
 * @example
 * new SpatialDropout1D({ rate: 0.2 }); // [n, 20, 16]: each of the 16 channels kept or dropped per sample
 */
export class SpatialDropout1D extends Dropout {
  static override readonly className: string = 'SpatialDropout1D';
  static override readonly argKeys = layerArgKeys<SpatialDropout1DLayerArgs>({ rate: true, seed: true });

  constructor(args: SpatialDropout1DLayerArgs) {
    super(args);
    this.inputSpec = { ndim: 3 };
  }

  /** One decision per sample and channel, shared by the steps. */
  protected override maskShape(): SymbolicShape {
    return [null, 1, null];
  }

  override getConfig(): ConfigDict {
    return spatialConfig(super.getConfig());
  }
}
registerLayer(SpatialDropout1D);

/**
 * Dropout of whole channels of images while training: a dropped channel is 0 at every pixel.
 *
 * @example
 * new SpatialDropout2D({ rate: 0.2 }); // [n, 28, 28, 32]: each of the 32 feature maps kept or dropped per sample
 */
export class SpatialDropout2D extends Dropout {
  static override readonly className: string = 'SpatialDropout2D';
  static override readonly argKeys = layerArgKeys<SpatialDropout2DLayerArgs>({ rate: true, seed: true, dataFormat: true });
  /** Where the channels are. */
  readonly dataFormat: DataFormat;

  constructor(args: SpatialDropout2DLayerArgs) {
    super(args);
    this.dataFormat = toDataFormat(this.describe(), args.dataFormat);
    this.inputSpec = { ndim: 4 };
  }

  /** One decision per sample and channel, shared by the pixels. */
  protected override maskShape(): SymbolicShape {
    return this.dataFormat === 'channelsLast' ? [null, 1, 1, null] : [null, null, 1, 1];
  }

  override getConfig(): ConfigDict {
    return { ...spatialConfig(super.getConfig()), dataFormat: this.dataFormat };
  }
}
registerLayer(SpatialDropout2D);
