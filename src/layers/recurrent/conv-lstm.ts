/**
 * ConvLSTM1D and ConvLSTM2D: LSTMs whose input and recurrent products are convolutions, over
 * sequences of images (or of sequences), with Keras 3's weight layout.
 */
import { NotSupportedError, ShapeError, ValueError } from '../../core/errors.js';
import { optionKeys } from '../../core/options.js';
import type { ConfigDict } from '../../core/serialization.js';
import type { Tensor } from '../../core/tensor.js';
import { checkPositiveInts } from '../../core/validate.js';
import { mul } from '../../ops/arithmetic.js';
import { conv1d, conv2d } from '../../ops/conv.js';
import { toWindowPadding, windowOutput } from '../conv.js';
import { toDataFormat } from '../flatten.js';
import { registerLayer } from '../registry.js';
import { fmtSymbolicShape, type SymbolicShape } from '../symbolic-tensor.js';
import { LSTMCell, type LSTMCellArgs } from './lstm.js';
import { RNN, cellArgsOf, flatCellConfig, recurrentArgKeys, type RNNBaseArgs } from './rnn.js';
import { cellArgKeys } from './rnn-cell.js';

/** The convolution arguments of a ConvLSTM layer (and its cell). */
export interface ConvLSTMConvArgs {
  /** The number of output channels (filters) of the output and of each state. */
  filters: number;
  /** The window's size: one number for every spatial axis, or one per axis. */
  kernelSize: number | readonly number[];
  /** Steps between the input convolution's windows (default 1); the recurrent convolution always moves by 1. */
  strides?: number | readonly number[];
  /** The input convolution's `'valid'` (default) or `'same'`; the recurrent convolution is always `'same'`. */
  padding?: 'valid' | 'same';
  /** Only `'channelsLast'` (the default): [batch, steps, ...spatial, channels]. */
  dataFormat?: 'channelsLast' | 'channels_last';
  /** Spacing between the input convolution's taps (default 1: none; not with strides above 1, as Keras). */
  dilationRate?: number | readonly number[];
}

/** Arguments of a ConvLSTM layer: the LSTM cell's (without `units`: `filters` instead), the convolution's and the recurrent layer's. */
export interface ConvLSTMLayerArgs extends RNNBaseArgs, Omit<LSTMCellArgs, 'units'>, ConvLSTMConvArgs {}

const CONV_KEYS = optionKeys<ConvLSTMConvArgs>({ filters: true, kernelSize: true, strides: true, padding: true, dataFormat: true, dilationRate: true });
/** The keys of the cell: the LSTM cell's, `units` given as `filters`. */
const CELL_KEYS = [...cellArgKeys<LSTMCellArgs>({ recurrentActivation: true, unitForgetBias: true }).filter((k) => k !== 'units'), ...CONV_KEYS];

/**
 * The step of a ConvLSTM: an LSTM step (gates i, f, c, o as `LSTMCell`) in which the products with
 * the kernels are convolutions. The input convolution (with the layer's strides, padding and
 * dilation) runs over all steps at once before the loop; the recurrent one, over the previous
 * output h [batch, ...spatial, filters], moves by 1 with `'same'` padding, so h keeps its shape.
 * Kernels are Keras's: [...kernelSize, channels, 4 · filters] and [...kernelSize, filters, 4 · filters].
 *
 * @example
 * new ConvLSTM2D({ filters: 8, kernelSize: 3 }).cell; // a ConvLSTMCell of rank 2
 */
export class ConvLSTMCell extends LSTMCell {
  static override readonly className: string = 'ConvLSTMCell';
  static override readonly argKeys: readonly string[] = [...CELL_KEYS, 'units'];
  /** The number of output channels. */
  readonly filters: number;
  /** The window's size along each spatial axis. */
  readonly kernelSize: number[];
  /** The input convolution's steps along each spatial axis. */
  readonly strides: number[];
  /** The input convolution's padding. */
  readonly padding: 'valid' | 'same';
  /** The input convolution's dilation along each spatial axis. */
  readonly dilationRate: number[];

  constructor(
    /** The number of spatial axes: 1 for sequences of sequences, 2 for sequences of images. */
    readonly rank: number,
    args: Omit<LSTMCellArgs, 'units'> & ConvLSTMConvArgs,
  ) {
    const { filters, kernelSize, strides, padding, dataFormat, dilationRate, ...lstm } = args;
    super({ ...lstm, units: filters });
    const who = this.describe();
    this.filters = this.units;
    this.kernelSize = checkPositiveInts(who, 'kernelSize', kernelSize, rank);
    this.strides = checkPositiveInts(who, 'strides', strides ?? 1, rank);
    this.padding = toWindowPadding(who, padding, 2) as 'valid' | 'same';
    if (toDataFormat(who, dataFormat) !== 'channelsLast') {
      throw new NotSupportedError(`${who}: only dataFormat 'channelsLast' is supported ([batch, steps, ...spatial, channels]); transpose channels-first data first.`);
    }
    this.dilationRate = checkPositiveInts(who, 'dilationRate', dilationRate ?? 1, rank);
    if (Math.max(...this.strides) > 1 && Math.max(...this.dilationRate) > 1) {
      throw new ValueError(`${who}: strides above 1 and dilationRate above 1 cannot be combined (as in Keras), got strides [${this.strides}] and dilationRate [${this.dilationRate}]; set one of them to 1.`);
    }
  }

  override get stepAxes(): string[] {
    return this.rank === 1 ? ['steps', 'channels'] : ['height', 'width', 'channels'];
  }

  override stepOutputShape(stepShape: SymbolicShape): SymbolicShape {
    const spatial = windowOutput(this.describe(), stepShape.slice(0, -1), this.kernelSize, this.strides, this.dilationRate, this.padding, 'kernel');
    return [...spatial, this.filters];
  }

  protected override kernelWindow(): number[] {
    return this.kernelSize;
  }

  protected override inputProduct(x: Tensor): Tensor {
    return this.convolve(x, this.kernel!, this.strides, this.padding, this.dilationRate);
  }

  protected override recurrentProduct(h: Tensor, recurrentMask: Tensor | null): Tensor {
    const ones = this.kernelSize.map(() => 1);
    return this.convolve(recurrentMask ? mul(h, recurrentMask) : h, this.recurrentKernel!, ones, 'same', ones);
  }

  /** A channels-last convolution over `rank` spatial axes. */
  private convolve(x: Tensor, kernel: Tensor, strides: number[], padding: 'valid' | 'same', dilations: number[]): Tensor {
    if (this.rank === 1) return conv1d(x, kernel, { stride: strides[0], padding, dilation: dilations[0] });
    return conv2d(x, kernel, { strides, padding, dilations });
  }

  override getConfig(): ConfigDict {
    const { units: _units, ...config } = super.getConfig();
    return {
      ...config,
      filters: this.filters,
      kernelSize: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      dataFormat: 'channelsLast',
      dilationRate: [...this.dilationRate],
    };
  }
}

/** The ConvLSTM layers' base: the recurrent layer with a ConvLSTMCell of `rank` spatial axes. */
abstract class ConvLSTM extends RNN {
  static override readonly argKeys: readonly string[] = recurrentArgKeys(CELL_KEYS);
  /** The number of spatial axes of each step. */
  protected static readonly rank: number;
  declare readonly cell: ConvLSTMCell;

  constructor(args: ConvLSTMLayerArgs) {
    super(args, new ConvLSTMCell((new.target as unknown as typeof ConvLSTM).rank, cellArgsOf(args, CELL_KEYS, 'conv_lstm_cell')));
  }

  override checkInputShapes(shapes: readonly SymbolicShape[]): void {
    super.checkInputShapes(shapes);
    const spatial = shapes[0]!.slice(2, -1);
    if (spatial.includes(null)) {
      throw new ShapeError(`${this.describe()} needs the spatial sizes of its steps (its states have them), but they are unknown in shape ${fmtSymbolicShape(shapes[0]!)}.`);
    }
  }

  override getConfig(): ConfigDict {
    return flatCellConfig(this, this.baseConfig());
  }
}

/**
 * A convolutional LSTM over sequences of images [batch, steps, height, width, channels]: each step
 * is an LSTM step whose products are 2-D convolutions, so the output and both states are images
 * [batch, outHeight, outWidth, filters] (with `returnSequences`, [batch, steps, outHeight, outWidth,
 * filters]). It has 4 · filters · (kh · kw · (channels + filters) + 1) parameters. The input
 * convolution uses `strides`, `padding` and `dilationRate`; the recurrent one moves by 1 with
 * `'same'` padding. Masks, `goBackwards`, `returnState`, initial states and `stateful` work as for LSTM.
 *
 * @example
 * const layer = new ConvLSTM2D({ filters: 8, kernelSize: 3, padding: 'same', returnSequences: true });
 * layer.apply(zeros([2, 5, 16, 16, 1])).shape; // [2, 5, 16, 16, 8]
 */
export class ConvLSTM2D extends ConvLSTM {
  static override readonly className: string = 'ConvLSTM2D';
  protected static override readonly rank: number = 2;
}
registerLayer(ConvLSTM2D);

/**
 * A convolutional LSTM over sequences of sequences [batch, steps, length, channels]: ConvLSTM2D with
 * one spatial axis. It has 4 · filters · (k · (channels + filters) + 1) parameters.
 *
 * @example
 * new ConvLSTM1D({ filters: 4, kernelSize: 3 }).apply(zeros([2, 5, 10, 3])).shape; // [2, 8, 4]
 */
export class ConvLSTM1D extends ConvLSTM {
  static override readonly className: string = 'ConvLSTM1D';
  protected static override readonly rank: number = 1;
}
registerLayer(ConvLSTM1D);
