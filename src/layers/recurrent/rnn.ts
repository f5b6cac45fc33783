/**
 * RNN: runs a recurrent cell over the steps of a sequence in a plain loop (backpropagation
 * through time is the tape recording each step), with masks, initial states, reversed order,
 * and the choice of returning every step's output and the final states.
 */
import { ShapeError, ValueError } from '../../core/errors.js';
import { isSerialized, type ConfigDict, type Serialized } from '../../core/serialization.js';
import { dispose, keep } from '../../core/memory.js';
import type { Tensor } from '../../core/tensor.js';
import { where } from '../../ops/compare.js';
import { zerosLike } from '../../ops/creation.js';
import { clone, reshape, stopGradient } from '../../ops/shape.js';
import { split, stack } from '../../ops/slicing.js';
import { Layer, layerArgKeys, type CallArgs, type LayerArgs, type Mask, type ShapeOrShapes } from '../layer.js';
import type { ParamFormula } from '../param-formula.js';
import { deserializeLayer, registerLayer, serializeLayer } from '../registry.js';
import { fmtSymbolicShape, isShapeList, type SymbolicShape, type SymbolicTensor } from '../symbolic-tensor.js';
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
  /**
   * Carry the final states of each batch over as the initial states of the next, so that sample i
   * of a batch continues sample i of the one before (long sequences cut into pieces). It needs a
   * fixed batch size (the first layer's `batchInputShape`, or `Input({ batchShape })`), batches in
   * order (`shuffle: false`), and `resetStates()` between independent sequences (default false).
   */
  stateful?: boolean;
}

const RNN_BASE_KEYS = layerArgKeys<RNNBaseArgs>({ returnSequences: true, returnState: true, goBackwards: true, zeroOutputForMask: true, stateful: true });

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

/** Options of a recurrent layer's call: those of every layer, and the initial states. */
export interface RNNCallArgs extends CallArgs {
  /**
   * The states to start from (`[h0, c0]` for LSTM), as Keras's `initial_state`: the same as giving
   * them as extra inputs, `apply([x, h0, c0])`. Symbolic ones (another layer's `returnState`
   * outputs, in an encoder–decoder model) or real ones.
   */
  initialState?: SymbolicTensor | SymbolicTensor[] | Tensor | Tensor[];
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
    returnSequences: true, returnState: true, goBackwards: true, zeroOutputForMask: true, stateful: true, cell: true,
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
  /** Whether each batch starts from the final states of the one before. */
  readonly stateful: boolean;
  /** With `stateful`: the states the next batch starts from (null before the first call or after a reset without a known batch). */
  private carried: Tensor[] | null = null;
  /** With `stateful`: the input shape the layer was built for, batch size included. */
  private statefulShape: SymbolicShape | null = null;

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
    this.stateful = args.stateful ?? false;
  }

  /**
   * Calls the layer (see `Layer.apply`); `initialState` gives the states to start from.
   *
   * @example
   * const [, h, c] = encoder.applyMulti(source);                     // encoder: LSTM with returnState
   * const y = decoder.apply(target, { initialState: [h!, c!] });      // the decoder starts where it ended
   */
  override apply(inputs: SymbolicTensor | SymbolicTensor[], args?: RNNCallArgs): SymbolicTensor;
  override apply(inputs: Tensor | Tensor[], args?: RNNCallArgs): Tensor;
  override apply(inputs: SymbolicTensor | SymbolicTensor[] | Tensor | Tensor[], args: RNNCallArgs = {}): SymbolicTensor | Tensor {
    return super.apply(...this.withStates(inputs, args));
  }

  /** Like `apply`, with every output in an array (with `returnState`: [output, ...states]). */
  override applyMulti(inputs: SymbolicTensor | SymbolicTensor[], args?: RNNCallArgs): SymbolicTensor[];
  override applyMulti(inputs: Tensor | Tensor[], args?: RNNCallArgs): Tensor[];
  override applyMulti(inputs: SymbolicTensor | SymbolicTensor[] | Tensor | Tensor[], args: RNNCallArgs = {}): SymbolicTensor[] | Tensor[] {
    return super.applyMulti(...this.withStates(inputs, args));
  }

  /** The inputs with `initialState` appended, and the other options. */
  private withStates(inputs: SymbolicTensor | SymbolicTensor[] | Tensor | Tensor[], args: RNNCallArgs): [Tensor[], CallArgs] {
    const { initialState, ...rest } = args;
    if (initialState === undefined) return [inputs as Tensor[], rest];
    if (Array.isArray(inputs) && inputs.length > 1) {
      throw new ValueError(`${this.describe()}: give the initial states either as extra inputs or as initialState, not both (got ${inputs.length} inputs and initialState).`);
    }
    const states = Array.isArray(initialState) ? initialState : [initialState];
    return [[...(Array.isArray(inputs) ? inputs : [inputs]), ...states] as Tensor[], rest];
  }

  /** The sequence's shape and the initial states' shapes. */
  private splitShapes(inputShape: ShapeOrShapes): { sequence: SymbolicShape; states: SymbolicShape[] } {
    const list = isShapeList(inputShape) ? inputShape : [inputShape as SymbolicShape];
    return { sequence: list[0]!, states: list.slice(1) };
  }

  /** Checks a call's input shapes: a sequence [batch, steps, ...one step] the cell takes, with the features it was built for, then fitting initial states. */
  override checkInputShapes(shapes: readonly SymbolicShape[]): void {
    const [sequence, ...states] = shapes;
    const s = sequence!;
    const axes = this.cell.stepAxes;
    if (s.length !== axes.length + 2) {
      const hint = s.length === 2 && axes.length === 1
        ? ` For token ids, put an Embedding layer first; for one feature per step, reshape(x, [${s.map((d) => d ?? -1).join(', ')}, 1]).`
        : '';
      throw new ShapeError(`${this.describe()} expects sequences [batch, timesteps, ${axes.join(', ')}] (rank ${axes.length + 2}), got shape ${fmtSymbolicShape(s)} (rank ${s.length}).${hint}`);
    }
    const kernel = this.cell.kernel;
    const features = s.at(-1);
    const built = kernel?.shape.at(-2);
    if (built !== undefined && features !== null && features !== built) {
      throw new ShapeError(`${this.describe()} was built for ${built} ${axes.at(-1)} per step, got shape ${fmtSymbolicShape(s)}.`);
    }
    const expected = this.stateShapes(s);
    const fits = (given: SymbolicShape, want: SymbolicShape): boolean => given.length === want.length && given.every((d, i) => d === null || want[i] === null || d === want[i]);
    if (states.length > 0 && (states.length !== expected.length || states.some((st, i) => !fits(st, expected[i]!)))) {
      throw new ShapeError(`${this.describe()}: the initial states must be ${expected.length} tensor(s) ${expected.map((e) => `[batch, ${e.slice(1).join(', ')}]`).join(', ')}, got ${states.map(fmtSymbolicShape).join(', ')}.`);
    }
  }

  /** The shapes of the states for sequences of shape `sequence`. */
  private stateShapes(sequence: SymbolicShape): SymbolicShape[] {
    const outer = this.cell.stepOutputShape(sequence.slice(2)).slice(0, -1);
    return this.cell.stateSize.map((size) => [sequence[0]!, ...outer, size]);
  }

  override build(inputShape: ShapeOrShapes): void {
    const { sequence } = this.splitShapes(inputShape);
    if (!this.cell.built) {
      this.cell.build([sequence[0]!, ...sequence.slice(2)]);
      this.cell.built = true;
    }
    if (this.stateful) {
      if (sequence[0] === null) {
        throw new ValueError(
          `${this.describe()} is stateful, so it needs a fixed batch size, but the batch of its input ${fmtSymbolicShape(sequence)} is unknown. ` +
            'Give the first layer batchInputShape (e.g. [32, 10, 8]) or use Input({ batchShape: [32, 10, 8] }).',
        );
      }
      this.statefulShape = sequence;
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
    let states = given.length ? given : this.startStates(x!);
    let last: Tensor = zerosLike(states[0]!);
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
      const real = perSample(stepMasks[t]!, last.rank);
      states = next.states.map((s, i) => where(real, s, states[i]!));
      const carried = where(real, next.output, last);
      outputs.push(this.zeroOutputForMask ? where(real, next.output, 0) : carried);
      last = carried;
    }
    if (this.stateful) this.carry(states);
    const output = this.returnSequences ? stack(outputs, 1) : last;
    return this.returnState ? [output, ...states] : output;
  }

  /** The states a call without initial states starts from: the carried ones when stateful, else zeros. */
  private startStates(x: Tensor): Tensor[] {
    const [batch] = x.shape as [number];
    const fixed = this.statefulShape?.[0];
    if (this.stateful && fixed !== undefined && batch !== fixed) {
      throw new ShapeError(`${this.describe()} is stateful with batches of ${fixed}, got a batch of ${batch} (shape ${fmtSymbolicShape(x.shape)}); every batch must have that size (batchSize in fit and predict, and a sample count it divides).`);
    }
    // Copies: the call may be differentiated after carry() has replaced (and freed) the kept states.
    if (this.stateful && this.carried) return this.carried.map((s) => clone(s));
    return this.cell.initialStates(batch, x.shape.slice(2), x.dtype);
  }

  /** Keeps `states` (out of every memory scope, without their gradient history) for the next call. */
  private carry(states: readonly Tensor[]): void {
    const old = this.carried;
    this.carried = states.map((s) => keep(clone(stopGradient(s))));
    if (old) dispose(old);
  }

  /**
   * The states the next batch of a stateful layer starts from (copies, yours to dispose); null
   * before its first call.
   *
   * @example
   * const [h, c] = lstm.states!; // after a call of a stateful LSTM
   */
  get states(): Tensor[] | null {
    return this.carried ? this.carried.map((s) => clone(s)) : null;
  }

  /**
   * Starts a stateful layer's next batch from zeros, or from `states` (one tensor per state, each
   * [batch, ...]; as a Keras 2 layer's `reset_states(states)`). Call it between independent sequences.
   *
   * @example
   * lstm.resetStates();                  // the next batch starts from zeros
   * lstm.resetStates([h0, c0]);          // ... or from given states
   */
  resetStates(states?: Tensor | readonly Tensor[]): void {
    if (!this.stateful) throw new ValueError(`${this.describe()} is not stateful: its states start from zeros (or the initial states given) at every call. Make it with stateful: true to carry them over between batches.`);
    const given = states === undefined ? null : Array.isArray(states) ? states : [states as Tensor];
    if (given) this.checkResetStates(given);
    const old = this.carried;
    this.carried = given ? given.map((s) => keep(clone(stopGradient(s)))) : null;
    if (old) dispose(old);
  }

  /** Checks states given to `resetStates` against the cell's states for the layer's batch. */
  private checkResetStates(given: readonly Tensor[]): void {
    const expected = this.statefulShape ? this.stateShapes(this.statefulShape) : null;
    const fits = expected !== null && given.length === expected.length && given.every((g, i) => g.rank === expected[i]!.length && g.shape.every((d, j) => d === expected[i]![j]));
    if (!fits) {
      const want = expected ? expected.map(fmtSymbolicShape).join(', ') : `${this.cell.stateSize.length} tensor(s), after the layer is built`;
      throw new ShapeError(`${this.describe()}.resetStates: the states must be ${want}, got ${given.map((g) => fmtSymbolicShape(g.shape)).join(', ')}.`);
    }
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
    const step = this.cell.stepOutputShape(sequence.slice(2));
    const output = this.returnSequences ? [batch!, steps!, ...step] : [batch!, ...step];
    return this.returnState ? [output, ...this.stateShapes(sequence)] : output;
  }

  /** The arguments common to every recurrent layer. */
  protected baseConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      returnSequences: this.returnSequences,
      returnState: this.returnState,
      goBackwards: this.goBackwards,
      zeroOutputForMask: this.zeroOutputForMask,
      stateful: this.stateful,
    };
  }

  /** The cell's formula: the weights are all its. */
  override explainParams(): ParamFormula | undefined {
    return this.cell.explainParams();
  }

  override getConfig(): ConfigDict {
    return { ...this.baseConfig(), cell: serializeLayer(this.cell) };
  }

  protected override releaseState(): void {
    if (this.carried) dispose(this.carried);
    this.carried = null;
  }
}

/** A step's [batch, 1] mask column shaped to broadcast over outputs of `rank` ([batch, 1, 1, 1] for images). */
function perSample(column: Tensor, rank: number): Tensor {
  return rank <= 2 ? column : reshape(column, [column.shape[0]!, ...new Array<number>(rank - 1).fill(1)]);
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
