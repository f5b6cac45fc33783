/** Flatten: reshapes each sample to a vector, [batch, d1, d2, ...] → [batch, d1·d2·...]. */
import { normalizeName, type ConfigDict } from '../core/serialization.js';
import type { Tensor } from '../core/tensor.js';
import { checkChoice } from '../core/validate.js';
import { flatten, transpose } from '../ops/shape.js';
import { Layer, layerArgKeys, type LayerArgs } from './layer.js';
import { registerLayer } from './registry.js';
import { sizePerSample, type SymbolicShape } from './symbolic-tensor.js';

/** Where the channels are in image data: last ([batch, height, width, channels], the default) or first. */
export type DataFormat = 'channelsLast' | 'channelsFirst';

const DATA_FORMATS: readonly DataFormat[] = ['channelsLast', 'channelsFirst'];

/** Reads a data format in either spelling (`channelsLast` or Keras's `channels_last`). */
export function toDataFormat(who: string, value: string | undefined): DataFormat {
  if (value === undefined) return 'channelsLast';
  const found = DATA_FORMATS.find((f) => normalizeName(f) === normalizeName(value));
  return found ?? checkChoice(who, 'dataFormat', value, DATA_FORMATS);
}

/** Arguments of `Flatten`. */
export interface FlattenLayerArgs extends LayerArgs {
  /**
   * With `channelsFirst`, inputs [batch, channels, ...] are flattened in channels-last order, so
   * that weights trained on either layout line up (Keras's behaviour). Default `channelsLast`.
   */
  dataFormat?: DataFormat | 'channels_last' | 'channels_first';
}

/**
 * Flattens each sample: [batch, 28, 28] → [batch, 784]. A sample with no axes becomes [batch, 1].
 *
 * @example
 * new Sequential({ layers: [new Flatten({ inputShape: [28, 28] }), new Dense({ units: 10 })] });
 */
export class Flatten extends Layer {
  static override readonly className: string = 'Flatten';
  static override readonly argKeys = layerArgKeys<FlattenLayerArgs>({ dataFormat: true });
  /** Where the channels are in the input. */
  readonly dataFormat: DataFormat;

  constructor(args: FlattenLayerArgs = {}) {
    super(args);
    this.dataFormat = toDataFormat(this.describe(), args.dataFormat);
    this.inputSpec = { minNdim: 1 };
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    let x = this.singleInput(inputs);
    if (this.dataFormat === 'channelsFirst' && x.rank > 2) x = transpose(x, [0, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 2), 1]);
    return flatten(x);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const shape = this.singleShape(inputShape);
    return [shape[0]!, sizePerSample(shape)];
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), dataFormat: this.dataFormat };
  }
}
registerLayer(Flatten);
