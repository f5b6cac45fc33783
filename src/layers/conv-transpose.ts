/** Transposed convolution layers: Conv2DTranspose and Conv1DTranspose, which grow images and sequences (decoders, upsampling). */
import { ShapeError, ValueError } from '../core/errors.js';
import type { ConfigDict } from '../core/serialization.js';
import type { Tensor, Variable } from '../core/tensor.js';
import { checkPositiveInt } from '../core/validate.js';
import { getInitializer, serializeInitializer, type InitializerIdentifier } from '../initializers/get-initializer.js';
import type { Initializer } from '../initializers/initializer.js';
import { conv1dTranspose, conv2dTranspose, convTransposeAxis } from '../ops/conv.js';
import { getRegularizer, serializeRegularizer, type RegularizerIdentifier } from '../regularizers/get-regularizer.js';
import type { Regularizer } from '../regularizers/regularizer.js';
import { shapeFromChannelsLast, shapeToChannelsLast } from './channels.js';
import { BaseConv, type BaseConvLayerArgs } from './conv.js';
import { layerArgKeys } from './layer.js';
import { convFormula, type ParamFormula } from './param-formula.js';
import { registerLayer } from './registry.js';
import type { SymbolicShape } from './symbolic-tensor.js';

/** Arguments of `Conv2DTranspose` and `Conv1DTranspose`. */
export interface ConvTransposeLayerArgs extends BaseConvLayerArgs {
  /** The number of output channels (filters). */
  filters: number;
  /** `'valid'` (default: output (input - 1) · stride + max(kernel, stride)) or `'same'` (output input · stride). */
  padding?: 'valid' | 'same';
  /**
   * Extra rows/columns/steps at the end of the output, one number or one per spatial axis, each below its
   * stride (default null: the size `padding` gives).
   */
  outputPadding?: number | readonly number[] | null;
  /** How the kernel starts (default `'glorotUniform'`). */
  kernelInitializer?: InitializerIdentifier;
  /** A penalty on the kernel (none by default). */
  kernelRegularizer?: RegularizerIdentifier | null;
}

/** A transposed convolution with `filters` output channels over `rank` spatial axes. */
abstract class ConvTranspose extends BaseConv {
  static override readonly argKeys = layerArgKeys<ConvTransposeLayerArgs>({
    kernelSize: true, strides: true, padding: true, dataFormat: true, dilationRate: true, activation: true, useBias: true, biasInitializer: true, biasRegularizer: true,
    filters: true, outputPadding: true, kernelInitializer: true, kernelRegularizer: true,
  });
  /** The number of output channels. */
  readonly filters: number;
  /** Extra elements at the end of each spatial axis of the output (null: none beyond what padding gives). */
  readonly outputPadding: number[] | null;
  /** How the kernel starts. */
  readonly kernelInitializer: Initializer;
  /** The kernel's penalty, if any. */
  readonly kernelRegularizer: Regularizer | null;
  /** [...kernelSize, filters, inChannels] (Keras's layout: output channels before input channels), made on the first call. */
  kernel: Variable | null = null;

  constructor(rank: number, args: ConvTransposeLayerArgs) {
    super(rank, args);
    const who = this.describe();
    if (this.padding === 'causal') throw new ValueError(`${who}: padding must be 'valid' or 'same', got 'causal' (a transposed convolution has no causal form).`);
    this.filters = checkPositiveInt(who, 'filters', args.filters);
    const op = args.outputPadding ?? null;
    if (op === null) this.outputPadding = null;
    else {
      const list = typeof op === 'number' ? new Array<number>(rank).fill(op) : [...op];
      if (list.length !== rank || list.some((v, i) => !Number.isInteger(v) || v < 0 || v >= this.strides[i]!)) {
        throw new ValueError(`${who}: outputPadding must be non-negative integers each strictly below its stride (strides ${JSON.stringify(this.strides)}), got ${JSON.stringify(op)}.`);
      }
      this.outputPadding = list;
    }
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorotUniform');
    this.kernelRegularizer = getRegularizer(args.kernelRegularizer);
  }

  protected override outChannels(): number {
    return this.filters;
  }

  protected override buildKernels(inChannels: number): void {
    this.kernel = this.addWeight('kernel', [...this.kernelSize, this.filters, inChannels], { initializer: this.kernelInitializer, regularizer: this.kernelRegularizer });
  }

  protected override convolve(x: Tensor): Tensor {
    const padding = this.padding as 'valid' | 'same';
    if (this.rank === 1) {
      return conv1dTranspose(x, this.kernel!, { stride: this.strides[0], padding, dilation: this.dilationRate[0], outputPadding: this.outputPadding?.[0] ?? null });
    }
    return conv2dTranspose(x, this.kernel!, { strides: this.strides, padding, dilations: this.dilationRate, outputPadding: this.outputPadding });
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const last = shapeToChannelsLast(this.singleShape(inputShape), this.dataFormat);
    const spatial = last.slice(1, -1).map((d, i) => {
      if (d === null || d === undefined) return null;
      const { length } = convTransposeAxis(d, this.kernelSize[i]!, this.strides[i]!, this.dilationRate[i]!, this.padding as 'valid' | 'same', this.outputPadding?.[i] ?? null);
      if (length < 1) throw new ShapeError(`${this.describe()}: an input of ${d} along spatial axis ${i + 1} gives an empty output; use padding 'valid' or a larger input.`);
      return length;
    });
    return shapeFromChannelsLast([last[0]!, ...spatial, this.filters], this.dataFormat);
  }

  /** `(kh × kw × cin + 1) × cout`, as for the convolution it transposes. */
  override explainParams(): ParamFormula | undefined {
    return this.kernel ? convFormula(this.kernelSize, this.kernel.shape.at(-1)!, this.filters, this.useBias) : undefined;
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      outputPadding: this.outputPadding ? [...this.outputPadding] : null,
      kernelInitializer: serializeInitializer(this.kernelInitializer),
      kernelRegularizer: serializeRegularizer(this.kernelRegularizer),
    };
  }
}

/**
 * Transposed 2-D convolution over images [batch, height, width, channels], the decoder's Conv2D: each
 * input pixel spreads `filters` kernel-weighted copies over a `kernelSize` window of the output, `strides`
 * apart, so a stride of 2 doubles the image. The kernel is [kernelHeight, kernelWidth, filters, channels];
 * a 3×3 Conv2DTranspose with 16 filters on 32 channels has 3·3·32·16 + 16 = 4,624 parameters.
 *
 * @example
 * new Conv2DTranspose({ filters: 16, kernelSize: 3, strides: 2, padding: 'same' }); // [n, 7, 7, 32] -> [n, 14, 14, 16]
 */
export class Conv2DTranspose extends ConvTranspose {
  static override readonly className: string = 'Conv2DTranspose';

  constructor(args: ConvTransposeLayerArgs) {
    super(2, args);
  }
}
registerLayer(Conv2DTranspose);

/**
 * Transposed 1-D convolution over sequences [batch, steps, channels], giving [batch, outSteps, filters];
 * with `strides: 2` and `padding: 'same'` the sequence doubles in length. The kernel is
 * [kernelSize, filters, channels].
 *
 * @example
 * new Conv1DTranspose({ filters: 8, kernelSize: 3, strides: 2, padding: 'same' }); // [n, 50, 16] -> [n, 100, 8]
 */
export class Conv1DTranspose extends ConvTranspose {
  static override readonly className: string = 'Conv1DTranspose';

  constructor(args: ConvTransposeLayerArgs) {
    super(1, args);
  }
}
registerLayer(Conv1DTranspose);
