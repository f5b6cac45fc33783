/** GRU: the gated recurrent unit layer and its cell (Keras's gate order z, r, h), with the reset gate after or before the product. */
import type { ConfigDict } from '../../core/serialization.js';
import type { Tensor } from '../../core/tensor.js';
import { add, mul, sub } from '../../ops/arithmetic.js';
import { matMul } from '../../ops/linalg.js';
import { reshape } from '../../ops/shape.js';
import { slice, split } from '../../ops/slicing.js';
import { registerLayer } from '../registry.js';
import { RNN, cellArgsOf, flatCellConfig, recurrentArgKeys, type RNNBaseArgs } from './rnn.js';
import { GatedCell, cellArgKeys, type GatedCellArgs } from './rnn-cell.js';

/** Arguments of `GRUCell`. */
export interface GRUCellArgs extends GatedCellArgs {
  /**
   * Apply the reset gate after the recurrent product, with separate input and recurrent biases
   * (default true: Keras 3's and cuDNN's formulation, PyTorch's too); false applies it before.
   */
  resetAfter?: boolean;
}

/**
 * One step of a GRU. With the input projection split into x_z, x_r, x_h and the recurrent one
 * into h_z, h_r, h_h: `z = σ(x_z + h_z)`, `r = σ(x_r + h_r)`, `ĥ = tanh(x_h + r ⊙ h_h)`
 * (with `resetAfter`; otherwise `ĥ = tanh(x_h + (r ⊙ h_prev) · U_h)`), and `h = z ⊙ h_prev + (1 - z) ⊙ ĥ`.
 *
 * @example
 * new RNN({ cell: new GRUCell({ units: 8 }) }); // the same as new GRU({ units: 8 })
 */
export class GRUCell extends GatedCell {
  static override readonly className: string = 'GRUCell';
  static override readonly argKeys: readonly string[] = cellArgKeys<GRUCellArgs>({ recurrentActivation: true, resetAfter: true });
  protected override readonly gates = 3;
  /** Whether the reset gate is applied after the recurrent product. */
  readonly resetAfter: boolean;

  constructor(args: GRUCellArgs) {
    super(args);
    this.resetAfter = args.resetAfter ?? true;
  }

  /** [2, 3 · units] (input bias, recurrent bias) with `resetAfter`, else [3 · units]. */
  protected override biasShape(): number[] {
    return this.resetAfter ? [2, 3 * this.units] : [3 * this.units];
  }

  private biasRow(row: number): Tensor {
    return reshape(slice(this.bias!, [row, 0], [1, 3 * this.units]), [3 * this.units]);
  }

  protected override inputBias(): Tensor | null {
    return this.bias && this.resetAfter ? this.biasRow(0) : this.bias;
  }

  protected override step(input: Tensor, [h]: Tensor[], recurrentMask: Tensor | null): { output: Tensor; states: Tensor[] } {
    const u = this.units;
    const gate = this.recurrentActivation;
    const [xz, xr, xh] = split(input, 3, -1);
    let candidate: Tensor;
    let z: Tensor;
    if (this.resetAfter) {
      let projected = this.recurrentProduct(h!, recurrentMask);
      if (this.bias) projected = add(projected, this.biasRow(1));
      const [hz, hr, hh] = split(projected, 3, -1);
      z = gate(add(xz!, hz!));
      const r = gate(add(xr!, hr!));
      candidate = this.activation(add(xh!, mul(r, hh!)));
    } else {
      const kernel = this.recurrentKernel!;
      const [hz, hr] = split(this.recurrentProduct(h!, recurrentMask, slice(kernel, [0, 0], [u, 2 * u])), 2, -1);
      z = gate(add(xz!, hz!));
      const r = gate(add(xr!, hr!));
      const dropped = recurrentMask ? mul(h!, recurrentMask) : h!;
      candidate = this.activation(add(xh!, matMul(mul(r, dropped), slice(kernel, [0, 2 * u], [u, u]))));
    }
    // h = z ⊙ h_prev + (1 - z) ⊙ ĥ, written as ĥ + z ⊙ (h_prev - ĥ).
    const next = add(candidate, mul(z, sub(h!, candidate)));
    return { output: next, states: [next] };
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), resetAfter: this.resetAfter };
  }
}
registerLayer(GRUCell);

/** Arguments of `GRU`: the cell's and the recurrent layer's. */
export interface GRULayerArgs extends RNNBaseArgs, GRUCellArgs {}

/**
 * Gated recurrent unit over sequences [batch, steps, features]. With `resetAfter` (the default)
 * it has 3 · (units · (features + units) + 2 · units) parameters, as in Keras 3.
 *
 * @example
 * new GRU({ units: 32 }).apply(zeros([8, 10, 3])).shape; // [8, 32]
 */
export class GRU extends RNN {
  static override readonly className: string = 'GRU';
  static override readonly argKeys: readonly string[] = recurrentArgKeys(GRUCell.argKeys);

  constructor(args: GRULayerArgs) {
    super(args, new GRUCell(cellArgsOf(args, GRUCell.argKeys, 'gru_cell')));
  }

  override getConfig(): ConfigDict {
    return flatCellConfig(this, this.baseConfig());
  }
}
registerLayer(GRU);
