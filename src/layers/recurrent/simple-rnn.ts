/** SimpleRNN: the fully connected recurrent layer, h = activation(x · kernel + h · recurrentKernel + bias). */
import type { ConfigDict } from '../../core/serialization.js';
import type { Tensor } from '../../core/tensor.js';
import { add } from '../../ops/arithmetic.js';
import { registerLayer } from '../registry.js';
import { RNN, cellArgsOf, flatCellConfig, recurrentArgKeys, type RNNBaseArgs } from './rnn.js';
import { RNNCell, type RNNCellArgs } from './rnn-cell.js';

/** Arguments of `SimpleRNNCell`. */
export type SimpleRNNCellArgs = RNNCellArgs;

/**
 * One step of a SimpleRNN: `h = activation(x · kernel + h_prev · recurrentKernel + bias)`; the
 * output is h, the only state.
 *
 * @example
 * new RNN({ cell: new SimpleRNNCell({ units: 4 }) }); // the same as new SimpleRNN({ units: 4 })
 */
export class SimpleRNNCell extends RNNCell {
  static override readonly className: string = 'SimpleRNNCell';
  protected override readonly gates = 1;

  protected override step(input: Tensor, [h]: Tensor[], recurrentMask: Tensor | null): { output: Tensor; states: Tensor[] } {
    const next = this.activation(add(input, this.recurrentProduct(h!, recurrentMask)));
    return { output: next, states: [next] };
  }
}
registerLayer(SimpleRNNCell);

/** Arguments of `SimpleRNN`: the cell's and the recurrent layer's. */
export interface SimpleRNNLayerArgs extends RNNBaseArgs, SimpleRNNCellArgs {}

/**
 * A fully connected recurrent layer over sequences [batch, steps, features]. It has
 * units · (features + units) + units parameters.
 *
 * @example
 * new SimpleRNN({ units: 16 }).apply(zeros([8, 10, 3])).shape; // [8, 16]
 */
export class SimpleRNN extends RNN {
  static override readonly className: string = 'SimpleRNN';
  static override readonly argKeys: readonly string[] = recurrentArgKeys(SimpleRNNCell.argKeys);

  constructor(args: SimpleRNNLayerArgs) {
    super(args, new SimpleRNNCell(cellArgsOf(args, SimpleRNNCell.argKeys, 'simple_rnn_cell')));
  }

  override getConfig(): ConfigDict {
    return flatCellConfig(this, this.baseConfig());
  }
}
registerLayer(SimpleRNN);
