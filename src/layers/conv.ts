/** Convolution layers: Conv1D, Conv2D and Conv3D (with groups and dilation), DepthwiseConv2D and SeparableConv2D. */
import { fusedActivationOf, getActivation, serializeActivation, type ActivationFn, type ActivationIdentifier } from '../activations/get-activation.js';
import type { FusedActivation } from '../core/backend.js';
import { ShapeError, ValueError } from '../core/errors.js';
import type { ConfigDict } from '../core/serialization.js';
import type { Tensor, Variable } from '../core/tensor.js';
import { checkChoice, checkPositiveInt, checkPositiveInts } from '../core/validate.js';
import { getInitializer, serializeInitializer, type InitializerIdentifier } from '../initializers/get-initializer.js';
import type { Initializer } from '../initializers/initializer.js';
import { conv1d, conv2d, conv3d, depthwiseConv2d } from '../ops/conv.js';
import { biasActivation, conv2d as fusedConv2d } from '../ops/fused.js';
import { windowPads, type Padding } from '../ops/windows.js';
import { getRegularizer, serializeRegularizer, type RegularizerIdentifier } from '../regularizers/get-regularizer.js';
import type { Regularizer } from '../regularizers/regularizer.js';
import { fromChannelsLast, shapeFromChannelsLast, shapeToChannelsLast, toChannelsLast } from './channels.js';
import { toDataFormat, type DataFormat } from './flatten.js';
import { Layer, layerArgKeys, type LayerArgs } from './layer.js';
import { convFormula, paramFormula, term, windowFormula, type ParamFormula } from './param-formula.js';
import { registerLayer } from './registry.js';
import { fmtSymbolicShape, type SymbolicShape } from './symbolic-tensor.js';

/** How a convolution or pooling window meets the border (see the layers' `padding`). */
export type WindowPadding = 'valid' | 'same' | 'causal';

/** Reads a size argument of a layer with `rank` spatial axes as one positive integer per axis. */

/** Checks a layer's padding name. */
export function toWindowPadding(who: string, value: string | undefined, rank: number): WindowPadding {
  return checkChoice<WindowPadding>(who, 'padding', value ?? 'valid', rank === 1 ? ['valid', 'same', 'causal'] : ['valid', 'same']);
}

/**
 * The spatial output sizes of windows over channels-last spatial sizes (null where unknown); a
 * ShapeError naming `who` when the window does not fit. One spatial axis is treated as width.
 */
export function windowOutput(
  who: string, spatial: readonly (number | null)[], window: readonly number[], strides: readonly number[], dilations: readonly number[], padding: WindowPadding, windowName: string,
): (number | null)[] {
  const as2d = (v: readonly number[], fill: number): [number, number] => (v.length === 1 ? [fill, v[0]!] : [v[0]!, v[1]!]);
  const pad2d: Padding = padding === 'causal' ? [[0, 0], [(window[0]! - 1) * dilations[0]!, 0]] : padding;
  if (spatial.length <= 2 && spatial.every((d) => d !== null)) {
    const { out } = windowPads(who, as2d(spatial as number[], 1), as2d(window, 1), as2d(strides, 1), as2d(dilations, 1), pad2d, windowName);
    return spatial.length === 1 ? [out[1]] : [...out];
  }
  // An unknown size (a variable-length sequence) gives an unknown output size; the known ones are still
  // checked. Volumes are checked one axis at a time.
  return spatial.map((d, i) => (d === null ? null : windowOutput(who, [d], [window[i]!], [strides[i]!], [dilations[i]!], padding, windowName)[0]!));
}

/** The layout a layer with `rank` spatial axes expects, for messages: `[batch, height, width, channels]`. */
function layoutOf(rank: number, format: DataFormat): string {
  const spatial = rank === 1 ? ['steps'] : rank === 2 ? ['height', 'width'] : ['depth', 'height', 'width'];
  return `[${(format === 'channelsLast' ? ['batch', ...spatial, 'channels'] : ['batch', 'channels', ...spatial]).join(', ')}]`;
}

/**
 * Throws the ShapeError users meet most with image layers: input of the wrong rank, with the fix
 * (a missing channel axis: reshape, or inputShape with a trailing 1).
 */
export function checkWindowInputRank(who: string, shape: SymbolicShape, rank: number, format: DataFormat): void {
  if (shape.length === rank + 2) return;
  let hint = '';
  if (shape.length === rank + 1) {
    const dims = shape.map((d) => d ?? -1);
    hint = format === 'channelsLast'
      ? ` If the data have no channel axis, add one: reshape(x, [${[...dims, 1].join(', ')}]), or give the first layer inputShape: [${[...shape.slice(1), 1].map((d) => d ?? 'null').join(', ')}].`
      : ` If the data have no channel axis, add one: reshape(x, [${[dims[0], 1, ...dims.slice(1)].join(', ')}]).`;
    if (rank === 1) hint += ' For token ids, put an Embedding layer first.';
  }
  throw new ShapeError(`${who} expects input ${layoutOf(rank, format)} (rank ${rank + 2}, ${format === 'channelsLast' ? 'channels last' : 'channels first'}), got shape ${fmtSymbolicShape(shape)} (rank ${shape.length}).${hint}`);
}

/** Arguments every convolution layer accepts. */
export interface BaseConvLayerArgs extends LayerArgs {
  /** The window's size: one number for every spatial axis, or one per axis. */
  kernelSize: number | readonly number[];
  /** Steps between windows (default 1). */
  strides?: number | readonly number[];
  /** `'valid'` (default: windows inside the input only), `'same'` (output size ceil(input / stride)), or for Conv1D `'causal'`. */
  padding?: WindowPadding;
  /** Where the channels are: `channelsLast` (default, [batch, ..., channels]) or `channelsFirst`. */
  dataFormat?: DataFormat | 'channels_last' | 'channels_first';
  /** Spacing between the window's taps (default 1: none). */
  dilationRate?: number | readonly number[];
  /** Applied to the output (none by default). */
  activation?: ActivationIdentifier | null;
  /** Whether to add a bias per output channel (default true). */
  useBias?: boolean;
  /** How the bias starts (default `'zeros'`). */
  biasInitializer?: InitializerIdentifier;
  /** A penalty on the bias (none by default). */
  biasRegularizer?: RegularizerIdentifier | null;
}

/**
 * What the convolution layers share: window geometry, bias, activation, channel layout, the
 * input checks and the output shape. A subclass makes its kernels and convolves.
 */
export abstract class BaseConv extends Layer {
  /** The window's size along each spatial axis. */
  readonly kernelSize: number[];
  /** Steps between windows along each spatial axis. */
  readonly strides: number[];
  /** How windows meet the border. */
  readonly padding: WindowPadding;
  /** Where the channels are. */
  readonly dataFormat: DataFormat;
  /** Spacing between taps along each spatial axis. */
  readonly dilationRate: number[];
  /** Applied to the output. */
  readonly activation: ActivationFn;
  /** Whether a bias is added. */
  readonly useBias: boolean;
  /** How the bias starts. */
  readonly biasInitializer: Initializer;
  /** The bias's penalty, if any. */
  readonly biasRegularizer: Regularizer | null;
  /** [outChannels], made on the first call (null without a bias). */
  bias: Variable | null = null;

  constructor(
    /** The number of spatial axes (1 for sequences, 2 for images). */
    readonly rank: number,
    args: BaseConvLayerArgs,
  ) {
    super(args);
    const who = this.describe();
    this.kernelSize = checkPositiveInts(who, 'kernelSize', args.kernelSize, rank);
    this.strides = checkPositiveInts(who, 'strides', args.strides ?? 1, rank);
    this.padding = toWindowPadding(who, args.padding, rank);
    this.dataFormat = toDataFormat(who, args.dataFormat);
    this.dilationRate = checkPositiveInts(who, 'dilationRate', args.dilationRate ?? 1, rank);
    this.activation = getActivation(args.activation);
    this.useBias = args.useBias ?? true;
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros');
    this.biasRegularizer = getRegularizer(args.biasRegularizer);
  }

  /** The number of output channels for `inChannels` input channels. */
  protected abstract outChannels(inChannels: number): number;
  /** Makes the kernel weights for `inChannels` input channels. */
  protected abstract buildKernels(inChannels: number): void;
  /** The convolution of channels-last `x`, before bias and activation. */
  protected abstract convolve(x: Tensor): Tensor;

  private get channelAxis(): number {
    return this.dataFormat === 'channelsLast' ? -1 : 1;
  }

  override build(inputShape: SymbolicShape): void {
    const shape = this.singleShape(inputShape);
    const channels = shape.at(this.channelAxis);
    if (channels === null || channels === undefined) {
      throw new ShapeError(`${this.describe()} needs the number of input channels to make its kernel, but it is unknown in shape ${fmtSymbolicShape(shape)}.`);
    }
    this.buildKernels(channels);
    if (this.useBias) this.bias = this.addWeight('bias', [this.outChannels(channels)], { initializer: this.biasInitializer, regularizer: this.biasRegularizer });
    this.inputSpec = { ndim: this.rank + 2, axes: { [this.channelAxis]: channels } };
  }

  protected override checkInputShapes(shapes: readonly SymbolicShape[]): void {
    for (const s of shapes) checkWindowInputRank(this.describe(), s, this.rank, this.dataFormat);
    super.checkInputShapes(shapes);
    for (const s of shapes) this.computeOutputShape(s);
  }

  /**
   * The convolution of channels-last `x`, then the bias and `activation` as one op (none where neither
   * applies); a subclass whose convolution has a fused op runs that instead.
   */
  protected convolveFused(x: Tensor, activation: FusedActivation): Tensor {
    return biasActivation({ x: this.convolve(x), bias: this.bias, activation });
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    // The bias, and the activation where the fused ops know it, in the convolution's op; others after it.
    const activation = fusedActivationOf(this.activation);
    const y = this.convolveFused(toChannelsLast(this.singleInput(inputs), this.dataFormat), activation ?? 'linear');
    return fromChannelsLast(activation ? y : this.activation(y), this.dataFormat);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const last = shapeToChannelsLast(this.singleShape(inputShape), this.dataFormat);
    const spatial = windowOutput(this.describe(), last.slice(1, -1), this.kernelSize, this.strides, this.dilationRate, this.padding, 'kernel');
    const channels = last.at(-1);
    const out = [last[0]!, ...spatial, channels === null || channels === undefined ? null : this.outChannels(channels)];
    return shapeFromChannelsLast(out, this.dataFormat);
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      kernelSize: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      dataFormat: this.dataFormat,
      dilationRate: [...this.dilationRate],
      activation: serializeActivation(this.activation),
      useBias: this.useBias,
      biasInitializer: serializeInitializer(this.biasInitializer),
      biasRegularizer: serializeRegularizer(this.biasRegularizer),
    };
  }
}

/** Arguments of `Conv1D`, `Conv2D` and `Conv3D`. */
export interface ConvLayerArgs extends BaseConvLayerArgs {
  /** The number of output channels (filters). */
  filters: number;
  /** Splits the channels into this many independent blocks; it must divide both channel counts (default 1). */
  groups?: number;
  /** How the kernel starts (default `'glorotUniform'`). */
  kernelInitializer?: InitializerIdentifier;
  /** A penalty on the kernel (none by default). */
  kernelRegularizer?: RegularizerIdentifier | null;
}

/** The ordinary convolution with `filters` output channels, over `rank` spatial axes (Conv1D, Conv2D and Conv3D). */
abstract class Conv extends BaseConv {
  static override readonly argKeys = layerArgKeys<ConvLayerArgs>({ kernelSize: true, strides: true, padding: true, dataFormat: true, dilationRate: true, activation: true, useBias: true, biasInitializer: true, biasRegularizer: true, filters: true, groups: true, kernelInitializer: true, kernelRegularizer: true });
  /** The number of output channels. */
  readonly filters: number;
  /** The number of channel groups. */
  readonly groups: number;
  /** How the kernel starts. */
  readonly kernelInitializer: Initializer;
  /** The kernel's penalty, if any. */
  readonly kernelRegularizer: Regularizer | null;
  /** [...kernelSize, inChannels / groups, filters], made on the first call. */
  kernel: Variable | null = null;

  constructor(rank: number, args: ConvLayerArgs) {
    super(rank, args);
    this.filters = checkPositiveInt(this.describe(), 'filters', args.filters);
    this.groups = args.groups ?? 1;
    if (!Number.isInteger(this.groups) || this.groups < 1 || this.filters % this.groups !== 0) {
      throw new ValueError(`${this.describe()}: groups must be a positive integer dividing filters (${this.filters}), got ${args.groups}.`);
    }
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorotUniform');
    this.kernelRegularizer = getRegularizer(args.kernelRegularizer);
  }

  protected override outChannels(): number {
    return this.filters;
  }

  protected override buildKernels(inChannels: number): void {
    if (inChannels % this.groups !== 0) {
      throw new ShapeError(`${this.describe()}: its ${this.groups} groups must divide the number of input channels, which is ${inChannels}.`);
    }
    const shape = [...this.kernelSize, inChannels / this.groups, this.filters];
    this.kernel = this.addWeight('kernel', shape, { initializer: this.kernelInitializer, regularizer: this.kernelRegularizer });
  }

  protected override convolveFused(x: Tensor, activation: FusedActivation): Tensor {
    if (this.rank !== 2) return super.convolveFused(x, activation);
    const pad = this.padding as 'valid' | 'same';
    return fusedConv2d({ x, filter: this.kernel!, strides: this.strides, pad, dilations: this.dilationRate, groups: this.groups, bias: this.bias, activation });
  }

  protected override convolve(x: Tensor): Tensor {
    if (this.rank === 1) {
      return conv1d(x, this.kernel!, { stride: this.strides[0], padding: this.padding, dilation: this.dilationRate[0], groups: this.groups });
    }
    if (this.rank === 3) return conv3d(x, this.kernel!, { strides: this.strides, padding: this.padding as 'valid' | 'same', dilations: this.dilationRate, groups: this.groups });
    return conv2d(x, this.kernel!, { strides: this.strides, padding: this.padding as 'valid' | 'same', dilations: this.dilationRate, groups: this.groups });
  }

  /** `(kh × kw × cin / groups + 1) × cout`: a weight per tap, input channel of the group and filter, and a bias per filter. */
  override explainParams(): ParamFormula | undefined {
    return this.kernel ? convFormula(this.kernelSize, this.kernel.shape.at(-2)! * this.groups, this.filters, this.useBias, this.groups) : undefined;
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      groups: this.groups,
      kernelInitializer: serializeInitializer(this.kernelInitializer),
      kernelRegularizer: serializeRegularizer(this.kernelRegularizer),
    };
  }
}

/**
 * 2-D convolution over images [batch, height, width, channels]: `filters` kernels of
 * `kernelSize` slide over the image, giving [batch, outHeight, outWidth, filters]. The kernel is
 * [kernelHeight, kernelWidth, channels / groups, filters], so a 3×3 Conv2D with 32 filters on
 * 1 channel has 3·3·1·32 + 32 = 320 parameters.
 *
 * @example
 * new Conv2D({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [28, 28, 1] });
 */
export class Conv2D extends Conv {
  static override readonly className: string = 'Conv2D';

  constructor(args: ConvLayerArgs) {
    super(2, args);
  }
}
registerLayer(Conv2D);

/**
 * 1-D convolution over sequences [batch, steps, channels], giving [batch, outSteps, filters].
 * With `padding: 'causal'` output step t sees only input steps up to t (for forecasting).
 *
 * @example
 * new Conv1D({ filters: 16, kernelSize: 5, activation: 'relu' }); // [n, 100, 8] -> [n, 96, 16]
 */
export class Conv1D extends Conv {
  static override readonly className: string = 'Conv1D';

  constructor(args: ConvLayerArgs) {
    super(1, args);
  }
}
registerLayer(Conv1D);

/**
 * 3-D convolution over volumes [batch, depth, height, width, channels] (scans, or frames of a video),
 * giving [batch, outDepth, outHeight, outWidth, filters]. The kernel is [kernelDepth, kernelHeight,
 * kernelWidth, channels / groups, filters], so a 3×3×3 Conv3D with 8 filters on 1 channel has
 * 3·3·3·1·8 + 8 = 224 parameters.
 *
 * @example
 * new Conv3D({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }); // [n, 8, 16, 16, 1] -> [n, 8, 16, 16, 8]
 */
export class Conv3D extends Conv {
  static override readonly className: string = 'Conv3D';

  constructor(args: ConvLayerArgs) {
    super(3, args);
  }
}
registerLayer(Conv3D);

/** Arguments of `DepthwiseConv2D`. */
export interface DepthwiseConv2DLayerArgs extends BaseConvLayerArgs {
  /** Output channels per input channel (default 1). */
  depthMultiplier?: number;
  /** How the depthwise kernel starts (default `'glorotUniform'`). */
  depthwiseInitializer?: InitializerIdentifier;
  /** A penalty on the depthwise kernel (none by default). */
  depthwiseRegularizer?: RegularizerIdentifier | null;
}

/**
 * Depthwise 2-D convolution: each input channel is convolved with its own `depthMultiplier`
 * kernels, so channels do not mix. The kernel is [kernelHeight, kernelWidth, channels,
 * depthMultiplier] and the output has channels · depthMultiplier channels.
 *
 * @example
 * new DepthwiseConv2D({ kernelSize: 3, padding: 'same' }); // [n, 32, 32, 16] -> [n, 32, 32, 16], 3·3·16 + 16 parameters
 */
export class DepthwiseConv2D extends BaseConv {
  static override readonly className: string = 'DepthwiseConv2D';
  static override readonly argKeys = layerArgKeys<DepthwiseConv2DLayerArgs>({ kernelSize: true, strides: true, padding: true, dataFormat: true, dilationRate: true, activation: true, useBias: true, biasInitializer: true, biasRegularizer: true, depthMultiplier: true, depthwiseInitializer: true, depthwiseRegularizer: true });
  /** Output channels per input channel. */
  readonly depthMultiplier: number;
  /** How the depthwise kernel starts. */
  readonly depthwiseInitializer: Initializer;
  /** The depthwise kernel's penalty, if any. */
  readonly depthwiseRegularizer: Regularizer | null;
  /** [kernelHeight, kernelWidth, channels, depthMultiplier], made on the first call. */
  depthwiseKernel: Variable | null = null;

  constructor(args: DepthwiseConv2DLayerArgs) {
    super(2, args);
    this.depthMultiplier = checkPositiveInt(this.describe(), 'depthMultiplier', args.depthMultiplier ?? 1);
    this.depthwiseInitializer = getInitializer(args.depthwiseInitializer ?? 'glorotUniform');
    this.depthwiseRegularizer = getRegularizer(args.depthwiseRegularizer);
  }

  protected override outChannels(inChannels: number): number {
    return inChannels * this.depthMultiplier;
  }

  protected override buildKernels(inChannels: number): void {
    this.depthwiseKernel = this.addWeight('depthwise_kernel', [...this.kernelSize, inChannels, this.depthMultiplier], {
      initializer: this.depthwiseInitializer, regularizer: this.depthwiseRegularizer,
    });
  }

  /** `(kh × kw + 1) × cin × depth`: a kernel (and a bias) per input channel and multiple. */
  override explainParams(): ParamFormula | undefined {
    if (!this.depthwiseKernel) return undefined;
    const [window, channels] = [windowFormula(this.kernelSize), paramFormula`${term('cin', this.depthwiseKernel.shape.at(-2)!)} × ${term('depth', this.depthMultiplier)}`];
    return this.useBias ? paramFormula`(${window} + 1) × ${channels}` : paramFormula`${window} × ${channels}`;
  }

  protected override convolve(x: Tensor): Tensor {
    return depthwiseConv2d(x, this.depthwiseKernel!, { strides: this.strides, padding: this.padding as 'valid' | 'same', dilations: this.dilationRate });
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      depthMultiplier: this.depthMultiplier,
      depthwiseInitializer: serializeInitializer(this.depthwiseInitializer),
      depthwiseRegularizer: serializeRegularizer(this.depthwiseRegularizer),
    };
  }
}
registerLayer(DepthwiseConv2D);

/** Arguments of `SeparableConv2D`. */
export interface SeparableConv2DLayerArgs extends DepthwiseConv2DLayerArgs {
  /** The number of output channels. */
  filters: number;
  /** How the 1×1 pointwise kernel starts (default `'glorotUniform'`). */
  pointwiseInitializer?: InitializerIdentifier;
  /** A penalty on the pointwise kernel (none by default). */
  pointwiseRegularizer?: RegularizerIdentifier | null;
}

/**
 * Depthwise-separable 2-D convolution: a depthwise convolution (each channel on its own) followed
 * by a 1×1 convolution mixing the channels into `filters` outputs. Far fewer parameters than a
 * Conv2D of the same size: 3·3·c·m + c·m·filters + filters.
 *
 * @example
 * new SeparableConv2D({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu' });
 */
export class SeparableConv2D extends DepthwiseConv2D {
  static override readonly className: string = 'SeparableConv2D';
  static override readonly argKeys = layerArgKeys<SeparableConv2DLayerArgs>({
    kernelSize: true, strides: true, padding: true, dataFormat: true, dilationRate: true, activation: true, useBias: true, biasInitializer: true, biasRegularizer: true, depthMultiplier: true, depthwiseInitializer: true, depthwiseRegularizer: true, filters: true, pointwiseInitializer: true, pointwiseRegularizer: true,
  });
  /** The number of output channels. */
  readonly filters: number;
  /** How the pointwise kernel starts. */
  readonly pointwiseInitializer: Initializer;
  /** The pointwise kernel's penalty, if any. */
  readonly pointwiseRegularizer: Regularizer | null;
  /** [1, 1, channels · depthMultiplier, filters], made on the first call. */
  pointwiseKernel: Variable | null = null;

  constructor(args: SeparableConv2DLayerArgs) {
    super(args);
    this.filters = checkPositiveInt(this.describe(), 'filters', args.filters);
    this.pointwiseInitializer = getInitializer(args.pointwiseInitializer ?? 'glorotUniform');
    this.pointwiseRegularizer = getRegularizer(args.pointwiseRegularizer);
  }

  protected override outChannels(): number {
    return this.filters;
  }

  protected override buildKernels(inChannels: number): void {
    super.buildKernels(inChannels);
    this.pointwiseKernel = this.addWeight('pointwise_kernel', [1, 1, inChannels * this.depthMultiplier, this.filters], {
      initializer: this.pointwiseInitializer, regularizer: this.pointwiseRegularizer,
    });
  }

  /** `kh × kw × cin × depth + (cin × depth + 1) × cout`: the depthwise kernels, then a 1×1 convolution with its bias. */
  override explainParams(): ParamFormula | undefined {
    if (!this.depthwiseKernel) return undefined;
    const channels = paramFormula`${term('cin', this.depthwiseKernel.shape.at(-2)!)} × ${term('depth', this.depthMultiplier)}`;
    const pointwise = this.useBias ? paramFormula`(${channels} + 1) × ${term('cout', this.filters)}` : paramFormula`${channels} × ${term('cout', this.filters)}`;
    return paramFormula`${windowFormula(this.kernelSize)} × ${channels} + ${pointwise}`;
  }

  protected override convolve(x: Tensor): Tensor {
    return conv2d(super.convolve(x), this.pointwiseKernel!);
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      pointwiseInitializer: serializeInitializer(this.pointwiseInitializer),
      pointwiseRegularizer: serializeRegularizer(this.pointwiseRegularizer),
    };
  }
}
registerLayer(SeparableConv2D);
