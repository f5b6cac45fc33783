/** Dense: the fully connected layer, `activation(x · kernel + bias)` over the last axis. */
import { fusedActivationOf, getActivation, serializeActivation, type ActivationFn, type ActivationIdentifier } from '../activations/get-activation.js';
import { ShapeError } from '../core/errors.js';
import type { ConfigDict } from '../core/serialization.js';
import type { Tensor, Variable } from '../core/tensor.js';
import { checkPositiveInt } from '../core/validate.js';
import { getInitializer, serializeInitializer, type InitializerIdentifier } from '../initializers/get-initializer.js';
import type { Initializer } from '../initializers/initializer.js';
import { matMul as fusedMatMul } from '../ops/fused.js';
import { getRegularizer, serializeRegularizer, type RegularizerIdentifier } from '../regularizers/get-regularizer.js';
import type { Regularizer } from '../regularizers/regularizer.js';
import { Layer, layerArgKeys, type LayerArgs } from './layer.js';
import { paramFormula, term, type ParamFormula } from './param-formula.js';
import { registerLayer } from './registry.js';
import { fmtSymbolicShape, type SymbolicShape } from './symbolic-tensor.js';

/** Arguments of `Dense`. */
export interface DenseLayerArgs extends LayerArgs {
  /** The number of outputs (a positive integer). */
  units: number;
  /** Applied to the output (none by default): a name such as `'relu'` or `'softmax'`, or a function. */
  activation?: ActivationIdentifier | null;
  /** Whether to add a bias (default true). */
  useBias?: boolean;
  /** How the kernel starts (default `'glorotUniform'`). */
  kernelInitializer?: InitializerIdentifier;
  /** How the bias starts (default `'zeros'`). */
  biasInitializer?: InitializerIdentifier;
  /** A penalty on the kernel (none by default). */
  kernelRegularizer?: RegularizerIdentifier | null;
  /** A penalty on the bias (none by default). */
  biasRegularizer?: RegularizerIdentifier | null;
}

/**
 * The fully connected layer: `activation(x · kernel + bias)`, with kernel [inputDim, units] and
 * bias [units]. Input [batch, ..., inputDim] gives output [batch, ..., units]: on inputs of rank
 * above 2 it acts on the last axis, as in Keras.
 *
 * @example
 * const layer = new Dense({ units: 10, activation: 'softmax' });
 * layer.apply(zeros([32, 784])).shape; // [32, 10]; the layer has 784 × 10 + 10 = 7,850 weights
 */
export class Dense extends Layer {
  static override readonly className: string = 'Dense';
  static override readonly argKeys = layerArgKeys<DenseLayerArgs>({
    units: true, activation: true, useBias: true, kernelInitializer: true, biasInitializer: true, kernelRegularizer: true, biasRegularizer: true,
  });
  /** The number of outputs. */
  readonly units: number;
  /** Applied to `x · kernel + bias`. */
  readonly activation: ActivationFn;
  /** Whether the layer adds a bias. */
  readonly useBias: boolean;
  /** How the kernel starts. */
  readonly kernelInitializer: Initializer;
  /** How the bias starts. */
  readonly biasInitializer: Initializer;
  /** The kernel's penalty, if any. */
  readonly kernelRegularizer: Regularizer | null;
  /** The bias's penalty, if any. */
  readonly biasRegularizer: Regularizer | null;
  /** [inputDim, units], made on the first call. */
  kernel: Variable | null = null;
  /** [units], made on the first call (null without a bias). */
  bias: Variable | null = null;

  constructor(args: DenseLayerArgs) {
    super(args);
    this.supportsMasking = true;
    this.units = checkPositiveInt(this.describe(), 'units', args.units);
    this.activation = getActivation(args.activation);
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorotUniform');
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros');
    this.kernelRegularizer = getRegularizer(args.kernelRegularizer);
    this.biasRegularizer = getRegularizer(args.biasRegularizer);
    this.inputSpec = { minNdim: 2 };
  }

  override build(inputShape: SymbolicShape): void {
    const shape = this.singleShape(inputShape);
    const inputDim = shape[shape.length - 1];
    if (inputDim === null || inputDim === undefined) {
      throw new ShapeError(`${this.describe()} needs the last dimension of its input to make its kernel, but it is unknown in shape ${fmtSymbolicShape(shape)}.`);
    }
    this.kernel = this.addWeight('kernel', [inputDim, this.units], { initializer: this.kernelInitializer, regularizer: this.kernelRegularizer });
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], { initializer: this.biasInitializer, regularizer: this.biasRegularizer });
    this.inputSpec = { minNdim: 2, axes: { [-1]: inputDim } };
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    // One op for the product, bias and activation (one tape entry, one pass over the output each way) where
    // the fused op knows the activation; others (softmax, gelu, ...) are applied after the fused product and bias.
    const activation = fusedActivationOf(this.activation);
    const y = fusedMatMul({ a: this.singleInput(inputs), b: this.kernel!, bias: this.bias, activation: activation ?? 'linear' });
    return activation ? y : this.activation(y);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const shape = this.singleShape(inputShape);
    return [...shape.slice(0, -1), this.units];
  }

  /** `(in + 1) × out`: a weight per input and unit, and a bias per unit. */
  override explainParams(): ParamFormula | undefined {
    if (!this.kernel) return undefined;
    const [inputs, units] = [term('in', this.kernel.shape[0]!), term('out', this.units)];
    return this.useBias ? paramFormula`(${inputs} + 1) × ${units}` : paramFormula`${inputs} × ${units}`;
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: serializeActivation(this.activation),
      useBias: this.useBias,
      kernelInitializer: serializeInitializer(this.kernelInitializer),
      biasInitializer: serializeInitializer(this.biasInitializer),
      kernelRegularizer: serializeRegularizer(this.kernelRegularizer),
      biasRegularizer: serializeRegularizer(this.biasRegularizer),
    };
  }
}
registerLayer(Dense);
