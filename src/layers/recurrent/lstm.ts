/** LSTM: the long short-term memory layer and its cell (Keras's gate order i, f, c, o). */
import type { ConfigDict } from '../../core/serialization.js';
import type { Tensor } from '../../core/tensor.js';
import { tidy } from '../../core/memory.js';
import { add, mul } from '../../ops/arithmetic.js';
import { ones } from '../../ops/creation.js';
import { concat, slice, split } from '../../ops/slicing.js';
import { registerLayer } from '../registry.js';
import type { SymbolicShape } from '../symbolic-tensor.js';
import { activeWeightSource } from '../weight-source.js';
import { RNN, cellArgsOf, flatCellConfig, recurrentArgKeys, type RNNBaseArgs } from './rnn.js';
import { GatedCell, cellArgKeys, type GatedCellArgs } from './rnn-cell.js';

/** Arguments of `LSTMCell`. */
export interface LSTMCellArgs extends GatedCellArgs {
  /** Start the forget gate's bias at 1, so that early in training the cell remembers (default true, as Keras). */
  unitForgetBias?: boolean;
}

/**
 * One step of an LSTM. With z = x · kernel + h_prev · recurrentKernel + bias split into four
 * blocks of `units` (input gate i, forget gate f, candidate g, output gate o):
 * `c = σ(f) ⊙ c_prev + σ(i) ⊙ tanh(g)` and `h = σ(o) ⊙ tanh(c)`, where σ is `recurrentActivation`
 * and tanh is `activation`. The states are [h, c]; the output is h.
 *
 * @example
 * new RNN({ cell: new LSTMCell({ units: 8 }) }); // the same as new LSTM({ units: 8 })
 */
export class LSTMCell extends GatedCell {
  static override readonly className: string = 'LSTMCell';
  static override readonly argKeys: readonly string[] = cellArgKeys<LSTMCellArgs>({ recurrentActivation: true, unitForgetBias: true });
  protected override readonly gates = 4;
  /** Whether the forget gate's bias starts at 1. */
  readonly unitForgetBias: boolean;

  constructor(args: LSTMCellArgs) {
    super(args);
    this.unitForgetBias = args.unitForgetBias ?? true;
  }

  /** [units, units]: the output h and the cell state c. */
  override get stateSize(): number[] {
    return [this.units, this.units];
  }

  override build(inputShape: SymbolicShape | readonly SymbolicShape[]): void {
    super.build(inputShape);
    // Only a new bias starts with the forget gate at 1: a bias loaded from a file keeps its values.
    if (this.bias && this.unitForgetBias && activeWeightSource() === null) {
      const u = this.units;
      const bias = this.bias;
      tidy(() => bias.assign(concat([slice(bias, [0], [u]), ones([u], bias.dtype), slice(bias, [2 * u], [2 * u])])));
    }
  }

  protected override step(input: Tensor, [h, c]: Tensor[], recurrentMask: Tensor | null): { output: Tensor; states: Tensor[] } {
    const [i, f, g, o] = split(add(input, this.recurrentProduct(h!, recurrentMask)), 4, -1);
    const gate = this.recurrentActivation;
    const cell = add(mul(gate(f!), c!), mul(gate(i!), this.activation(g!)));
    const out = mul(gate(o!), this.activation(cell));
    return { output: out, states: [out, cell] };
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), unitForgetBias: this.unitForgetBias };
  }
}
registerLayer(LSTMCell);

/** Arguments of `LSTM`: the cell's and the recurrent layer's. */
export interface LSTMLayerArgs extends RNNBaseArgs, LSTMCellArgs {}

/**
 * Long short-term memory over sequences [batch, steps, features]. It has
 * 4 · (units · (features + units) + units) parameters; `returnState` returns [output, h, c].
 *
 * @example
 * new LSTM({ units: 32 }).apply(zeros([8, 10, 3])).shape;                          // [8, 32]
 * new LSTM({ units: 32, returnSequences: true }).apply(zeros([8, 10, 3])).shape;   // [8, 10, 32]
 */
export class LSTM extends RNN {
  static override readonly className: string = 'LSTM';
  static override readonly argKeys: readonly string[] = recurrentArgKeys(LSTMCell.argKeys);

  constructor(args: LSTMLayerArgs) {
    super(args, new LSTMCell(cellArgsOf(args, LSTMCell.argKeys, 'lstm_cell')));
  }

  override getConfig(): ConfigDict {
    return flatCellConfig(this, this.baseConfig());
  }
}
registerLayer(LSTM);
