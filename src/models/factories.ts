/** TF.js-style factories for the two kinds of model: `sequential()` and `model()`, beside the classes. */
import type { Layer } from '../layers/layer.js';
import type { SymbolicTensor } from '../layers/symbolic-tensor.js';
import { Model, type ModelArgs } from './model.js';
import { Sequential, type SequentialArgs } from './sequential.js';

/**
 * A Sequential model (the same as `new Sequential(args)`): from its arguments, or from the layers
 * alone, first to last.
 *
 * @example
 * const net = sequential({
 *   layers: [new layers.Dense({ units: 32, activation: 'relu', inputShape: [4] }), new layers.Dense({ units: 3 })],
 * });
 * const same = sequential([new layers.Dense({ units: 3, inputShape: [4] })]);
 */
export function sequential(args: SequentialArgs | (Layer | SymbolicTensor)[] = {}): Sequential {
  return new Sequential(args);
}

/**
 * A functional model from its inputs to its outputs (the same as `new Model(args)`).
 *
 * @example
 * const input = Input({ shape: [4] });
 * const output = new layers.Dense({ units: 3 }).apply(input);
 * const net = model({ inputs: input, outputs: output });
 */
export function model(args: ModelArgs): Model {
  return new Model(args);
}
