/** RandomCrop: cuts a random window of a fixed size out of the images while training, the centre one at inference. */
import type { ConfigDict } from '../../core/serialization.js';
import { ValueError } from '../../core/errors.js';
import type { Tensor } from '../../core/tensor.js';
import { floor } from '../../ops/unary.js';
import { imageTransform } from '../../ops/image.js';
import { checkPositiveInt } from '../../core/validate.js';
import { fromChannelsLast, shapeFromChannelsLast, shapeToChannelsLast, toChannelsLast } from '../channels.js';
import { layerArgKeys, type CallArgs } from '../layer.js';
import { registerLayer } from '../registry.js';
import type { SymbolicShape } from '../symbolic-tensor.js';
import { AugmentationLayer, affineRows, type AugmentationLayerArgs } from './augmentation-layer.js';

/** Arguments of `RandomCrop`. */
export interface RandomCropLayerArgs extends AugmentationLayerArgs {
  /** The output height. */
  height: number;
  /** The output width. */
  width: number;
}

/**
 * Outputs images of `height` × `width`. While training, with inputs larger both ways, one random window
 * (the same for the whole batch) is cut out; otherwise — at inference, or from smaller inputs — the
 * largest centred window of the output's aspect ratio is cut out and resized (bilinear, half-pixel
 * centres) to the output size.
 *
 * NOTE: Keras 3 documents this centred crop and reports the cropped shape, but its code (3.15) returns
 * the input unchanged when `training` is false, and otherwise cuts a window of the output's size (not
 * the ratio's) from the centred window's corner before resizing; Strata does what the documentation
 * and the output shape say (the two agree for inputs smaller than the output with its aspect ratio).
 *
 * @example
 * const crop = new RandomCrop({ height: 24, width: 24, seed: 1 });
 * crop.apply(images28, { training: true }); // [n, 24, 24, c], a random window
 * crop.apply(images28);                      // [n, 24, 24, c], the centre window
 */
export class RandomCrop extends AugmentationLayer {
  static override readonly className: string = 'RandomCrop';
  static override readonly argKeys = layerArgKeys<RandomCropLayerArgs>({ height: true, width: true, seed: true, dataFormat: true });
  /** The output height. */
  readonly height: number;
  /** The output width. */
  readonly width: number;

  constructor(args: RandomCropLayerArgs) {
    super(args);
    this.height = checkPositiveInt(this.describe(), 'height', args.height);
    this.width = checkPositiveInt(this.describe(), 'width', args.width);
  }

  override call(inputs: Tensor | Tensor[], args: CallArgs): Tensor {
    const x = toChannelsLast(this.singleInput(inputs), this.dataFormat);
    const [, h, w] = x.shape as [number, number, number];
    const random = args.training && h > this.height && w > this.width;
    return fromChannelsLast(random ? this.augment(x) : this.centre(x), this.dataFormat);
  }

  protected override augment(x: Tensor): Tensor {
    const [, h, w] = x.shape as [number, number, number];
    const top = floor(this.draw([1, 1], 0, h - this.height + 1));
    const left = floor(this.draw([1, 1], 0, w - this.width + 1));
    return imageTransform(x, affineRows(1, [1, 0, left, 0, 1, top]), { interpolation: 'nearest', outputSize: [this.height, this.width] });
  }

  /** The largest centred window of the output's aspect ratio, resized to the output size (Keras's inference crop). */
  private centre(x: Tensor): Tensor {
    const [, h, w] = x.shape as [number, number, number];
    const cropH = Math.max(Math.min(h, Math.trunc((w * this.height) / this.width)), 1);
    const cropW = Math.max(Math.min(w, Math.trunc((h * this.width) / this.height)), 1);
    const sy = cropH / this.height;
    const sx = cropW / this.width;
    // Half-pixel centres: output pixel o reads start + (o + 0.5)·scale - 0.5, which is start + o when nothing is resized.
    const top = Math.trunc((h - cropH) / 2) + 0.5 * sy - 0.5;
    const left = Math.trunc((w - cropW) / 2) + 0.5 * sx - 0.5;
    const exact = sy === 1 && sx === 1;
    return imageTransform(x, affineRows(1, [sx, 0, left, 0, sy, top]), {
      interpolation: exact ? 'nearest' : 'bilinear', fillMode: 'nearest', outputSize: [this.height, this.width],
    });
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const [n, , , c] = shapeToChannelsLast(this.singleShape(inputShape), this.dataFormat);
    return shapeFromChannelsLast([n!, this.height, this.width, c!], this.dataFormat);
  }

  protected override checkInputShapes(shapes: readonly SymbolicShape[]): void {
    super.checkInputShapes(shapes);
    for (const s of shapes) {
      const [, h, w] = shapeToChannelsLast(s, this.dataFormat);
      if (h === null || w === null) throw new ValueError(`${this.describe()} needs inputs of known height and width, got shape [${s.map((d) => d ?? 'null').join(', ')}]. Give the Input a full shape.`);
    }
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), height: this.height, width: this.width };
  }
}
registerLayer(RandomCrop);
