/**
 * The base of recurrent cells: the weights every cell has (kernel, recurrent kernel, bias), input
 * and recurrent dropout, and the split of a sequence into the per-step work a cell does.
 */
import { getActivation, serializeActivation, type ActivationFn, type ActivationIdentifier } from '../../activations/get-activation.js';
import type { DType } from '../../core/dtype.js';
import { ShapeError, ValueError } from '../../core/errors.js';
import { optionKeys } from '../../core/options.js';
import { RandomGenerator, generatorFor } from '../../core/random.js';
import type { ConfigDict } from '../../core/serialization.js';
import type { Tensor, Variable } from '../../core/tensor.js';
import { checkInterval, checkPositiveInt, checkSeed } from '../../core/validate.js';
import { getInitializer, serializeInitializer, type InitializerIdentifier } from '../../initializers/get-initializer.js';
import type { Initializer } from '../../initializers/initializer.js';
import { add, mul } from '../../ops/arithmetic.js';
import { ones, zeros } from '../../ops/creation.js';
import { dropout } from '../../ops/dropout.js';
import { matMul } from '../../ops/linalg.js';
import { expandDims, reshape } from '../../ops/shape.js';
import { unstack } from '../../ops/slicing.js';
import { getRegularizer, serializeRegularizer, type RegularizerIdentifier } from '../../regularizers/get-regularizer.js';
import type { Regularizer } from '../../regularizers/regularizer.js';
import { Layer, type CallArgs, type LayerArgs } from '../layer.js';
import { paramFormula, term, windowFormula, type ParamFormula } from '../param-formula.js';
import { fmtSymbolicShape, isShapeList, type SymbolicShape } from '../symbolic-tensor.js';

/** Arguments every recurrent cell (and the layer made from it) accepts. */
export interface RNNCellArgs extends Pick<LayerArgs, 'name' | 'dtype' | 'trainable'> {
  /** The size of the output and of each state. */
  units: number;
  /** Applied to the candidate state (default `'tanh'`). */
  activation?: ActivationIdentifier | null;
  /** Whether to add biases (default true). */
  useBias?: boolean;
  /** How the input kernel starts (default `'glorotUniform'`). */
  kernelInitializer?: InitializerIdentifier;
  /** How the recurrent kernel starts (default `'orthogonal'`). */
  recurrentInitializer?: InitializerIdentifier;
  /** How the bias starts (default `'zeros'`). */
  biasInitializer?: InitializerIdentifier;
  /** A penalty on the input kernel (none by default). */
  kernelRegularizer?: RegularizerIdentifier | null;
  /** A penalty on the recurrent kernel (none by default). */
  recurrentRegularizer?: RegularizerIdentifier | null;
  /** A penalty on the bias (none by default). */
  biasRegularizer?: RegularizerIdentifier | null;
  /** While training, the fraction of input features dropped (the same ones at every step of a sequence; default 0). */
  dropout?: number;
  /** While training, the fraction of the previous output's units dropped in the recurrence (the same ones at every step; default 0). */
  recurrentDropout?: number;
  /** Makes the dropout masks reproducible. */
  seed?: number | null;
}

const CELL_KEYS = [
  ...optionKeys<RNNCellArgs>({
    name: true, dtype: true, trainable: true, units: true, activation: true, useBias: true, kernelInitializer: true, recurrentInitializer: true,
    biasInitializer: true, kernelRegularizer: true, recurrentRegularizer: true, biasRegularizer: true, dropout: true, recurrentDropout: true, seed: true,
  }),
  // Every layer's config carries it (Layer.getConfig), so saved cells have it, as null; the constructor refuses any other value.
  'activityRegularizer',
];

/**
 * The complete key list of a cell's arguments: those every cell takes and the cell's own (checked
 * by the compiler against its arguments' interface).
 */
export function cellArgKeys<T extends RNNCellArgs>(own: { [K in keyof Required<Omit<T, keyof RNNCellArgs>>]: true }): readonly string[] {
  return [...CELL_KEYS, ...Object.keys(own)];
}

/** One sequence's worth of work for a cell: the inputs of each step, and the step itself. */
export interface CellRun {
  /** What each step receives, in time order: the step's input already multiplied by the kernel. */
  inputs: Tensor[];
  /** Computes one step from its input and the previous states. */
  step(input: Tensor, states: Tensor[]): { output: Tensor; states: Tensor[] };
}

/**
 * A recurrent cell: what an RNN layer computes at each step. Each cell has a `kernel`
 * [inputDim, gates · units] applied to the inputs (for all steps at once, before the loop), a
 * `recurrentKernel` [units, gates · units] applied to the previous output at each step, and a bias
 * (ConvLSTM's kernels lead with the convolution window, and its products are convolutions).
 * Subclasses say how many gates they have and what one step does.
 */
export abstract class RNNCell extends Layer {
  static override readonly argKeys: readonly string[] = cellArgKeys<RNNCellArgs>({});
  /** The size of the output and of each state. */
  readonly units: number;
  /** Applied to the candidate state. */
  readonly activation: ActivationFn;
  /** Whether biases are added. */
  readonly useBias: boolean;
  /** How the input kernel starts. */
  readonly kernelInitializer: Initializer;
  /** How the recurrent kernel starts. */
  readonly recurrentInitializer: Initializer;
  /** How the bias starts. */
  readonly biasInitializer: Initializer;
  /** The input kernel's penalty, if any. */
  readonly kernelRegularizer: Regularizer | null;
  /** The recurrent kernel's penalty, if any. */
  readonly recurrentRegularizer: Regularizer | null;
  /** The bias's penalty, if any. */
  readonly biasRegularizer: Regularizer | null;
  /** The fraction of input features dropped while training. */
  readonly dropout: number;
  /** The fraction of recurrent units dropped while training. */
  readonly recurrentDropout: number;
  /** The seed given, or null. */
  readonly seed: number | null;
  /** [inputDim, gates · units] ([...window, inputDim, gates · units] for ConvLSTM), made on the first call. */
  kernel: Variable | null = null;
  /** [units, gates · units] ([...window, units, gates · units] for ConvLSTM), made on the first call. */
  recurrentKernel: Variable | null = null;
  /** The bias (see `biasShape`), made on the first call; null without one. */
  bias: Variable | null = null;
  /** Gives each sequence its own dropout masks, reproducibly from the seed. */
  protected readonly generator: RandomGenerator;

  /** How many blocks of `units` the kernels produce: 1 for SimpleRNN, 4 for LSTM, 3 for GRU. */
  protected abstract readonly gates: number;

  constructor(args: RNNCellArgs) {
    super(args);
    if (this.activityRegularizer) {
      throw new ValueError(`${this.describe()}: a cell takes no activityRegularizer (its steps are not layer calls); give it to the recurrent layer instead.`);
    }
    this.units = checkPositiveInt(this.describe(), 'units', args.units);
    this.activation = getActivation(args.activation === undefined ? 'tanh' : args.activation);
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorotUniform');
    this.recurrentInitializer = getInitializer(args.recurrentInitializer ?? 'orthogonal');
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros');
    this.kernelRegularizer = getRegularizer(args.kernelRegularizer);
    this.recurrentRegularizer = getRegularizer(args.recurrentRegularizer);
    this.biasRegularizer = getRegularizer(args.biasRegularizer);
    this.dropout = checkInterval(this.describe(), 'dropout', args.dropout ?? 0, 0, 1, '[)');
    this.recurrentDropout = checkInterval(this.describe(), 'recurrentDropout', args.recurrentDropout ?? 0, 0, 1, '[)');
    this.seed = checkSeed(this.describe(), 'seed', args.seed);
    this.generator = new RandomGenerator(this.seed ?? generatorFor(undefined).nextUint32());
  }

  /** The size of each state: [units] for SimpleRNN and GRU, [units, units] (output and cell state) for LSTM. */
  get stateSize(): number[] {
    return [this.units];
  }

  /** The shape of the bias (default [gates · units]). */
  protected biasShape(): number[] {
    return [this.gates * this.units];
  }

  /** The part of the bias added to the inputs' projection (default: all of it). */
  protected inputBias(): Tensor | null {
    return this.bias;
  }

  /**
   * One step: `input` is the step's input times the kernel (plus the input bias), `states` the
   * previous states, and `recurrentMask` the dropout mask for the previous output (or null).
   */
  protected abstract step(input: Tensor, states: Tensor[], recurrentMask: Tensor | null): { output: Tensor; states: Tensor[] };

  /** Builds for step inputs of shape [batch, inputDim] (the first shape, when called on [input, ...states]). */
  override build(inputShape: SymbolicShape | readonly SymbolicShape[]): void {
    const shape = isShapeList(inputShape) ? inputShape[0]! : (inputShape as SymbolicShape);
    const inputDim = shape[shape.length - 1];
    if (inputDim === null || inputDim === undefined) {
      throw new ShapeError(`${this.describe()} needs the number of input features to make its kernel, but it is unknown in shape ${fmtSymbolicShape(shape)}.`);
    }
    const width = this.gates * this.units;
    this.kernel = this.addWeight('kernel', [...this.kernelWindow(), inputDim, width], { initializer: this.kernelInitializer, regularizer: this.kernelRegularizer });
    this.recurrentKernel = this.addWeight('recurrent_kernel', [...this.kernelWindow(), this.units, width], { initializer: this.recurrentInitializer, regularizer: this.recurrentRegularizer });
    if (this.useBias) this.bias = this.addWeight('bias', this.biasShape(), { initializer: this.biasInitializer, regularizer: this.biasRegularizer });
  }

  /**
   * `gates × (units × (in + units) + units)`: per gate, a weight from each input and each previous
   * output to each unit, and a bias per unit (two with GRU's `resetAfter`); ConvLSTM's weights are
   * windows (`kh × kw × units × (in + units)`). SimpleRNN has one gate, GRU three, LSTM four.
   */
  override explainParams(): ParamFormula | undefined {
    if (!this.kernel) return undefined;
    const units = term('units', this.units);
    const inputs = term('in', this.kernel.shape.at(-2)!);
    const window = this.kernelWindow();
    const weights = window.length ? paramFormula`${windowFormula(window)} × ${units} × (${inputs} + ${units})` : paramFormula`${units} × (${inputs} + ${units})`;
    const biasesPerUnit = this.bias ? this.bias.size / (this.gates * this.units) : 0;
    const perGate = biasesPerUnit === 0 ? weights : biasesPerUnit === 1 ? paramFormula`${weights} + ${units}` : paramFormula`${weights} + ${biasesPerUnit} × ${units}`;
    return this.gates === 1 ? perGate : paramFormula`${this.gates} × (${perGate})`;
  }

  /** The leading axes of both kernels: none for the dense cells, the convolution window for ConvLSTM's. */
  protected kernelWindow(): number[] {
    return [];
  }

  /** The axes of one step's input, for messages: `features` for the dense cells. */
  get stepAxes(): string[] {
    return ['features'];
  }

  /**
   * The shape of one step's output for a step input of `stepShape` (both without the batch axis):
   * [units] for the dense cells. Each state has this shape with its own size as the last axis.
   */
  stepOutputShape(_stepShape: SymbolicShape): SymbolicShape {
    return [this.units];
  }

  /** The shapes of the states for a batch of `batch` steps of `stepShape`. */
  stateShapes(batch: number, stepShape: readonly number[]): number[][] {
    const outer = this.stepOutputShape(stepShape).slice(0, -1) as number[];
    return this.stateSize.map((size) => [batch, ...outer, size]);
  }

  /** Zeros of each state's shape, for a batch of `batch` steps of `stepShape`. */
  initialStates(batch: number, stepShape: readonly number[], dtype: DType): Tensor[] {
    return this.stateShapes(batch, stepShape).map((shape) => zeros(shape, dtype));
  }

  /**
   * Prepares one sequence `x` [batch, steps, ...step shape]: draws the dropout masks (while
   * training), and applies the kernel to every step's input in one product, so the loop only does
   * the recurrent part.
   */
  start(x: Tensor, training: boolean): CellRun {
    const [batch, steps, ...stepShape] = x.shape as number[];
    let inputs = x;
    if (training && this.dropout > 0) inputs = dropout(x, this.dropout, { noiseShape: [batch!, 1, ...stepShape], seed: this.generator });
    let projected = this.inputProduct(reshape(inputs, [batch! * steps!, ...stepShape]));
    const bias = this.inputBias();
    if (bias) projected = add(projected, bias);
    const perStep = unstack(reshape(projected, [batch!, steps!, ...projected.shape.slice(1)]), 1);
    // The previous output has the projection's shape with `units` channels.
    const stateShape = [batch!, ...projected.shape.slice(1, -1), this.units];
    const recurrentMask = training && this.recurrentDropout > 0
      ? dropout(ones(stateShape, x.dtype), this.recurrentDropout, { seed: this.generator })
      : null;
    return { inputs: perStep, step: (input, states) => this.step(input, states, recurrentMask) };
  }

  /** Every step's input times the kernel: `x` is [batch · steps, inputDim]. */
  protected inputProduct(x: Tensor): Tensor {
    return matMul(x, this.kernel!);
  }

  /** The previous output times the recurrent kernel (after recurrent dropout). */
  protected recurrentProduct(h: Tensor, recurrentMask: Tensor | null, kernel: Tensor = this.recurrentKernel!): Tensor {
    return matMul(recurrentMask ? mul(h, recurrentMask) : h, kernel);
  }

  /**
   * One step on its own: `[input [batch, inputDim], ...states]` gives `[output, ...new states]`.
   * Recurrent layers do not go through here; it lets a cell be used in a hand-written loop.
   */
  override call(inputs: Tensor | Tensor[], args: CallArgs): Tensor[] {
    const [x, ...given] = Array.isArray(inputs) ? inputs : [inputs];
    if (x!.rank !== 2) throw new ShapeError(`${this.describe()} takes one step [batch, features], got shape ${fmtSymbolicShape(x!.shape)}; an RNN layer runs a cell over a sequence.`);
    const states = given.length ? given : this.initialStates(x!.shape[0]!, x!.shape.slice(1), x!.dtype);
    const run = this.start(expandDims(x!, 1), args.training ?? false);
    const { output, states: next } = run.step(run.inputs[0]!, states);
    return [output, ...next];
  }

  override computeOutputShape(inputShape: SymbolicShape | readonly SymbolicShape[]): SymbolicShape[] {
    const first = isShapeList(inputShape) ? inputShape[0]! : (inputShape as SymbolicShape);
    return [[first[0]!, this.units], ...this.stateSize.map((s) => [first[0]!, s])];
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: serializeActivation(this.activation),
      useBias: this.useBias,
      kernelInitializer: serializeInitializer(this.kernelInitializer),
      recurrentInitializer: serializeInitializer(this.recurrentInitializer),
      biasInitializer: serializeInitializer(this.biasInitializer),
      kernelRegularizer: serializeRegularizer(this.kernelRegularizer),
      recurrentRegularizer: serializeRegularizer(this.recurrentRegularizer),
      biasRegularizer: serializeRegularizer(this.biasRegularizer),
      dropout: this.dropout,
      recurrentDropout: this.recurrentDropout,
      seed: this.seed,
    };
  }
}

/** Arguments of the gated cells (LSTM, GRU). */
export interface GatedCellArgs extends RNNCellArgs {
  /** Applied to the gates (default `'sigmoid'`). */
  recurrentActivation?: ActivationIdentifier | null;
}

/** A cell with gates: adds the gates' activation. */
export abstract class GatedCell extends RNNCell {
  static override readonly argKeys: readonly string[] = cellArgKeys<GatedCellArgs>({ recurrentActivation: true });
  /** Applied to the gates. */
  readonly recurrentActivation: ActivationFn;

  constructor(args: GatedCellArgs) {
    super(args);
    this.recurrentActivation = getActivation(args.recurrentActivation === undefined ? 'sigmoid' : args.recurrentActivation);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), recurrentActivation: serializeActivation(this.recurrentActivation) };
  }
}
