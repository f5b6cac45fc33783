/**
 * RNN: runs a recurrent cell over the steps of a sequence in a plain loop (backpropagation
 * through time is the tape recording each step), with masks, initial states, reversed order,
 * and the choice of returning every step's output and the final states.
 */
import { ShapeError, ValueError } from '../../core/errors.js';
import { isSerialized, type ConfigDict, type Serialized } from '../../core/serialization.js';
import type { Tensor } from '../../core/tensor.js';
import { where } from '../../ops/compare.js';
import { zeros } from '../../ops/creation.js';
import { split, stack } from '../../ops/slicing.js';
import { Layer, layerArgKeys, type CallArgs, type LayerArgs, type Mask, type ShapeOrShapes } from '../layer.js';
import { deserializeLayer, registerLayer, serializeLayer } from '../registry.js';
import { fmtSymbolicShape, isShapeList, type SymbolicShape } from '../symbolic-tensor.js';
import { RNNCell } from './rnn-cell.js';

/** Arguments of every recurrent layer, whatever its cell. */
export interface RNNBaseArgs extends LayerArgs {
  /** Return the output of every step, [batch, steps, units], rather than the last one's, [batch, units] (default false). */
  returnSequences?: boolean;
  /** Also return the final states (after the output): `[output, h]`, or `[output, h, c]` for LSTM (default false). */
  returnState?: boolean;
  /** Process the steps last to first; the sequence output is then in that reversed order, as in Keras (default false). */
  goBackwards?: boolean;
  /**
   * With a mask and `returnSequences`, give zeros at masked steps instead of repeating the last
   * output (default false; Bidirectional sets it).
   */
  zeroOutputForMask?: boolean;
}

const RNN_BASE_KEYS = layerArgKeys<RNNBaseArgs>({ returnSequences: true, returnState: true, goBackwards: true, zeroOutputForMask: true });

/** The key list of a recurrent layer made from a cell it owns (SimpleRNN, LSTM, GRU): the recurrent layer's keys and the cell's. */
export function recurrentArgKeys(cellKeys: readonly string[]): readonly string[] {
  return [...new Set([...RNN_BASE_KEYS, ...cellKeys])];
}

/**
 * The arguments of the cell a recurrent layer makes from its own flat arguments: those the cell
 * takes (`keys`), but not the layer's activity regularizer, under the cell's `name`.
 */
export function cellArgsOf<T>(args: object, keys: readonly string[], name: string): T {
  const picked = Object.entries(args).filter(([k]) => keys.includes(k) && k !== 'activityRegularizer');
  return { ...Object.fromEntries(picked), name } as T;
}

/** Arguments of `RNN`. */
export interface RNNLayerArgs extends RNNBaseArgs {
  /** The cell run at each step, or its serialized form. */
  cell: RNNCell | Serialized;
}

/**
 * A recurrent layer: runs `cell` over sequences [batch, steps, features]. Initial states can be
 * given as extra inputs, `apply([x, h0])` (`[x, h0, c0]` for LSTM); otherwise they are zeros.
 * With a mask (from an Embedding with `maskZero`, or `apply(x, {mask})`), masked steps leave the
 * states unchanged, so each sequence's final state is that of its last real step: sequences of
 * different lengths share a padded batch.
 *
 * @example
 * const layer = new RNN({ cell: new LSTMCell({ units: 8 }), returnSequences: true });
 * layer.apply(zeros([2, 5, 3])).shape; // [2, 5, 8]
 */
export class RNN extends Layer {
  static override readonly className: string = 'RNN';
  static override readonly argKeys: readonly string[] = layerArgKeys<RNNLayerArgs>({
    returnSequences: true, returnState: true, goBackwards: true, zeroOutputForMask: true, cell: true,
  });
  /** The cell run at each step. */
  readonly cell: RNNCell;
  /** Whether every step's output is returned. */
  readonly returnSequences: boolean;
  /** Whether the final states are returned too. */
  readonly returnState: boolean;
  /** Whether the steps are processed last to first. */
  readonly goBackwards: boolean;
  /** Whether masked steps output zeros in the sequence output. */
  zeroOutputForMask: boolean;

  constructor(args: RNNLayerArgs);
  /** For the layers that make their cell from their own flat arguments (SimpleRNN, LSTM, GRU). */
  constructor(args: RNNBaseArgs, ownCell: RNNCell);
  constructor(args: RNNBaseArgs & { cell?: RNNCell | Serialized }, ownCell?: RNNCell) {
    super(args);
    this.supportsMasking = true;
    const given = ownCell ?? args.cell;
    const cell = isSerialized(given) ? deserializeLayer(given) : given;
    if (!(cell instanceof RNNCell)) throw new ValueError(`${this.describe()}: cell must be a recurrent cell (SimpleRNNCell, LSTMCell, GRUCell), got ${JSON.stringify(given)}.`);
    this.cell = this.adopt(cell);
    this.returnSequences = args.returnSequences ?? false;
    this.returnState = args.returnState ?? false;
    this.goBackwards = args.goBackwards ?? false;
    this.zeroOutputForMask = args.zeroOutputForMask ?? false;
  }

  /** The sequence's shape and the initial states' shapes. */
  private splitShapes(inputShape: ShapeOrShapes): { sequence: SymbolicShape; states: SymbolicShape[] } {
    const list = isShapeList(inputShape) ? inputShape : [inputShape as SymbolicShape];
    return { sequence: list[0]!, states: list.slice(1) };
  }

  /** Checks a call's input shapes: a sequence of rank 3 with the features the layer was built for, then fitting initial states. */
  override checkInputShapes(shapes: readonly SymbolicShape[]): void {
    const [sequence, ...states] = shapes;
    if (sequence!.length !== 3) {
      const s = sequence!;
      const hint = s.length === 2
        ? ` For token ids, put an Embedding layer first; for one feature per step, reshape(x, [${s.map((d) => d ?? -1).join(', ')}, 1]).`
        : '';
      throw new ShapeError(`${this.describe()} expects sequences [batch, timesteps, features] (rank 3), got shape ${fmtSymbolicShape(s)} (rank ${s.length}).${hint}`);
    }
    const kernel = this.cell.kernel;
    const features = sequence![2];
    if (kernel && features !== null && features !== kernel.shape[0]) {
      throw new ShapeError(`${this.describe()} was built for ${kernel.shape[0]} features per step, got shape ${fmtSymbolicShape(sequence!)}.`);
    }
    const sizes = this.cell.stateSize;
    if (states.length > 0 && (states.length !== sizes.length || states.some((s, i) => s.length !== 2 || (s[1] !== null && s[1] !== sizes[i])))) {
      const expected = sizes.map((n) => `[batch, ${n}]`).join(', ');
      throw new ShapeError(`${this.describe()}: the initial states must be ${sizes.length} tensor(s) ${expected}, got ${states.map(fmtSymbolicShape).join(', ')}.`);
    }
  }

  override build(inputShape: ShapeOrShapes): void {
    const { sequence } = this.splitShapes(inputShape);
    if (!this.cell.built) {
      this.cell.build([sequence[0]!, sequence[2]!]);
      this.cell.built = true;
    }
  }

  override call(inputs: Tensor | Tensor[], args: CallArgs): Tensor | Tensor[] {
    const [x, ...given] = Array.isArray(inputs) ? inputs : [inputs];
    const [batch, steps] = x!.shape as [number, number];
    if (steps === 0) throw new ShapeError(`${this.describe()} needs at least one step, got input of shape ${fmtSymbolicShape(x!.shape)}.`);
    const mask = this.sequenceMask(args.mask, batch, steps);
    const run = this.cell.start(x!, args.training ?? false);
    // Each step's mask as a [batch, 1] column, which broadcasts over the units.
    const stepMasks = mask ? split(mask, steps, 1) : null;
    let states = given.length ? given : this.cell.initialStates(batch, x!.dtype);
    let last: Tensor = zeros([batch, this.cell.units], x!.dtype);
    const outputs: Tensor[] = [];
    for (let k = 0; k < steps; k++) {
      const t = this.goBackwards ? steps - 1 - k : k;
      const next = run.step(run.inputs[t]!, states);
      if (!stepMasks) {
        states = next.states;
        last = next.output;
        outputs.push(last);
        continue;
      }
      // A masked step changes nothing: each state, and the output, carry over from the previous step.
      const real = stepMasks[t]!;
      states = next.states.map((s, i) => where(real, s, states[i]!));
      const carried = where(real, next.output, last);
      outputs.push(this.zeroOutputForMask ? where(real, next.output, 0) : carried);
      last = carried;
    }
    const output = this.returnSequences ? stack(outputs, 1) : last;
    return this.returnState ? [output, ...states] : output;
  }

  /** The mask of the sequence, checked against the input; null if none. */
  private sequenceMask(mask: Mask | undefined, batch: number, steps: number): Tensor | null {
    const m = Array.isArray(mask) ? mask[0] : mask;
    if (!m) return null;
    if (m.rank !== 2 || m.shape[0] !== batch || m.shape[1] !== steps) {
      throw new ShapeError(`${this.describe()}: the mask must be [batch, timesteps] = [${batch},${steps}], got shape ${fmtSymbolicShape(m.shape)}.`);
    }
    return m;
  }

  /** The sequence output keeps the input's mask; a last output and the states have none. */
  override computeMask(_inputs: Tensor | Tensor[], mask: Mask): Mask {
    const m = (Array.isArray(mask) ? mask[0] : mask) ?? null;
    const output = this.returnSequences ? m : null;
    return this.returnState ? [output, ...this.cell.stateSize.map(() => null)] : output;
  }

  override computeOutputShape(inputShape: ShapeOrShapes): SymbolicShape | SymbolicShape[] {
    const { sequence } = this.splitShapes(inputShape);
    const [batch, steps] = sequence;
    const output = this.returnSequences ? [batch!, steps!, this.cell.units] : [batch!, this.cell.units];
    return this.returnState ? [output, ...this.cell.stateSize.map((s) => [batch!, s])] : output;
  }

  /** The arguments common to every recurrent layer. */
  protected baseConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      returnSequences: this.returnSequences,
      returnState: this.returnState,
      goBackwards: this.goBackwards,
      zeroOutputForMask: this.zeroOutputForMask,
    };
  }

  override getConfig(): ConfigDict {
    return { ...this.baseConfig(), cell: serializeLayer(this.cell) };
  }
}
registerLayer(RNN);

/**
 * The config of a layer made from a cell it owns (SimpleRNN, LSTM, GRU): the layer's arguments
 * and the cell's, flattened into one, as Keras saves them.
 */
export function flatCellConfig(layer: RNN, base: ConfigDict): ConfigDict {
  const cellConfig = { ...layer.cell.getConfig() };
  for (const key of ['name', 'trainable', 'dtype', 'activityRegularizer']) delete cellConfig[key];
  return { ...base, ...cellConfig };
}
