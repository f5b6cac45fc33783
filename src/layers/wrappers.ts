/** Wrappers that run another layer in a new way: Bidirectional (a recurrent layer both ways) and TimeDistributed (a layer at every step). */
import { ShapeError, ValueError } from '../core/errors.js';
import { isSerialized, type ConfigDict, type Serialized } from '../core/serialization.js';
import type { Tensor } from '../core/tensor.js';
import { checkChoice } from '../core/validate.js';
import { add, div, mul } from '../ops/arithmetic.js';
import { tensor } from '../ops/creation.js';
import { reshape } from '../ops/shape.js';
import { concat, gather } from '../ops/slicing.js';
import { Layer, layerArgKeys, type CallArgs, type LayerArgs, type Mask } from './layer.js';
import { paramFormula, sumFormula, type ParamFormula } from './param-formula.js';
import { RNN } from './recurrent/rnn.js';
import { deserializeLayer, registerLayer, serializeLayer } from './registry.js';
import { fmtSymbolicShape, isShapeList, type SymbolicShape } from './symbolic-tensor.js';

/** How Bidirectional combines the two directions' outputs; null returns both. */
export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave' | null;

/** Arguments of `Bidirectional`. */
export interface BidirectionalLayerArgs extends LayerArgs {
  /** The recurrent layer to run both ways (or its serialized form); two fresh copies are made from its config. */
  layer: RNN | Serialized;
  /** How to combine the outputs (default `'concat'`). */
  mergeMode?: MergeMode;
  /** The layer for the backward direction, if it should differ (it must have `goBackwards: true`). */
  backwardLayer?: RNN | Serialized | null;
}

function toLayer(who: string, what: string, value: unknown): Layer {
  const layer = isSerialized(value) ? deserializeLayer(value) : value;
  if (!(layer instanceof Layer)) throw new ValueError(`${who}: ${what} must be a Layer, got ${JSON.stringify(value)}.`);
  return layer;
}

/** Reverses the steps axis (axis 1) of a [batch, steps, ...] tensor. */
function reverseSteps(x: Tensor): Tensor {
  const steps = x.shape[1]!;
  return gather(x, tensor(Int32Array.from({ length: steps }, (_, i) => steps - 1 - i), [steps], 'int32'), 1);
}

/**
 * Runs a recurrent layer over the sequence forwards and a copy of it backwards, and combines the
 * two outputs (concatenated by default, so [batch, 2 · units]). Each direction has its own
 * weights: twice the wrapped layer's parameters. With `returnSequences`, the backward outputs are
 * put back in time order, and masked steps output zeros in both.
 *
 * @example
 * new Bidirectional({ layer: new LSTM({ units: 16 }) }).apply(zeros([8, 10, 3])).shape; // [8, 32]
 */
export class Bidirectional extends Layer {
  static override readonly className: string = 'Bidirectional';
  static override readonly argKeys = layerArgKeys<BidirectionalLayerArgs>({ layer: true, mergeMode: true, backwardLayer: true });
  /** The layer run forwards (named `forward_<name>`). */
  readonly forwardLayer: RNN;
  /** The layer run backwards (named `backward_<name>`). */
  readonly backwardLayer: RNN;
  /** How the outputs are combined. */
  readonly mergeMode: MergeMode;

  constructor(args: BidirectionalLayerArgs) {
    super(args);
    this.supportsMasking = true;
    const who = this.describe();
    const layer = toLayer(who, 'layer', args.layer);
    if (!(layer instanceof RNN)) throw new ValueError(`${who}: layer must be a recurrent layer (SimpleRNN, LSTM, GRU or RNN), got a ${layer.constructor.name}.`);
    this.mergeMode = checkChoice(who, 'mergeMode', args.mergeMode === undefined ? 'concat' : args.mergeMode, ['concat', 'sum', 'mul', 'ave', null]);
    // Fresh copies from the config, so that the layer passed in keeps no part in this one.
    const copy = (prefix: string, changes: ConfigDict): RNN => {
      const { className, config } = serializeLayer(layer);
      const name = prefix + (layer.name.startsWith(prefix) ? layer.name.slice(prefix.length) : layer.name);
      return deserializeLayer({ className, config: { ...config, ...changes, name } }) as RNN;
    };
    this.forwardLayer = this.adopt(copy('forward_', {}));
    const backward = args.backwardLayer ? toLayer(who, 'backwardLayer', args.backwardLayer) : copy('backward_', { goBackwards: true });
    if (!(backward instanceof RNN)) throw new ValueError(`${who}: backwardLayer must be a recurrent layer, got a ${backward.constructor.name}.`);
    this.backwardLayer = this.adopt(backward);
    const [f, b] = [this.forwardLayer, this.backwardLayer];
    if (f.goBackwards === b.goBackwards) throw new ValueError(`${who}: the forward and backward layers must differ in goBackwards, but both have ${f.goBackwards}.`);
    for (const key of ['returnSequences', 'returnState'] as const) {
      if (f[key] !== b[key]) throw new ValueError(`${who}: the forward and backward layers must agree on ${key}, got ${f[key]} and ${b[key]}.`);
    }
    // Both directions' sequence outputs line up step by step only if padding steps are zeros in both.
    f.zeroOutputForMask = f.returnSequences;
    b.zeroOutputForMask = b.returnSequences;
  }

  /** Whether every step's output is returned (as the wrapped layer). */
  get returnSequences(): boolean {
    return this.forwardLayer.returnSequences;
  }

  /** Whether the final states are returned (as the wrapped layer). */
  get returnState(): boolean {
    return this.forwardLayer.returnState;
  }

  protected override checkInputShapes(shapes: readonly SymbolicShape[]): void {
    if (shapes.length !== 1) throw new ValueError(`${this.describe()} takes one input (the sequence), got ${shapes.length}.`);
    this.forwardLayer.checkInputShapes(shapes);
  }

  override build(inputShape: SymbolicShape): void {
    for (const layer of [this.forwardLayer, this.backwardLayer]) {
      if (!layer.built) {
        layer.build(inputShape);
        layer.built = true;
      }
    }
  }

  override call(inputs: Tensor | Tensor[], args: CallArgs): Tensor | Tensor[] {
    const x = this.singleInput(inputs);
    const mask = Array.isArray(args.mask) ? args.mask[0] : args.mask;
    const callArgs = { training: args.training, mask: mask ?? undefined };
    const [y, ...forwardStates] = this.forwardLayer.applyMulti(x, callArgs);
    const [yBack, ...backwardStates] = this.backwardLayer.applyMulti(x, callArgs);
    const yRev = this.returnSequences ? reverseSteps(yBack!) : yBack!;
    const outputs = this.merge(y!, yRev);
    return this.returnState ? [...outputs, ...forwardStates, ...backwardStates] : outputs.length === 1 ? outputs[0]! : outputs;
  }

  private merge(a: Tensor, b: Tensor): Tensor[] {
    switch (this.mergeMode) {
      case 'concat': return [concat([a, b], -1)];
      case 'sum': return [add(a, b)];
      case 'mul': return [mul(a, b)];
      case 'ave': return [div(add(a, b), 2)];
      case null: return [a, b];
    }
  }

  override computeMask(_inputs: Tensor | Tensor[], mask: Mask): Mask {
    const m = (Array.isArray(mask) ? mask[0] : mask) ?? null;
    const output = this.returnSequences ? m : null;
    const outputs = this.mergeMode === null ? [output, output] : [output];
    if (!this.returnState) return outputs.length === 1 ? outputs[0]! : outputs;
    const states = this.forwardLayer.cell.stateSize.length * 2;
    return [...outputs, ...new Array<null>(states).fill(null)];
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape | SymbolicShape[] {
    const out = this.forwardLayer.computeOutputShape(inputShape);
    const [output, ...states] = isShapeList(out) ? out : [out as SymbolicShape];
    const merged = this.mergeMode === 'concat'
      ? [[...output!.slice(0, -1), output!.at(-1) === null ? null : 2 * output!.at(-1)!]]
      : this.mergeMode === null ? [output!, output!] : [output!];
    if (this.returnState) return [...merged, ...states, ...states];
    return merged.length === 1 ? merged[0]! : merged;
  }

  /** The two directions' formulas: `2 × (…)` when they match. */
  override explainParams(): ParamFormula | undefined {
    const [forward, backward] = [this.forwardLayer.explainParams(), this.backwardLayer.explainParams()];
    if (!forward || !backward) return undefined;
    return forward.numbers === backward.numbers ? paramFormula`2 × (${forward})` : sumFormula([forward, backward]);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), mergeMode: this.mergeMode, layer: serializeLayer(this.forwardLayer), backwardLayer: serializeLayer(this.backwardLayer) };
  }
}
registerLayer(Bidirectional);

/** Arguments of `TimeDistributed`. */
export interface TimeDistributedLayerArgs extends LayerArgs {
  /** The layer applied at every step (or its serialized form). */
  layer: Layer | Serialized;
}

/**
 * Applies `layer` to every step of a sequence [batch, steps, ...] with the same weights:
 * [batch, steps, ...] → [batch, steps, ...layer's output]. The steps are folded into the batch,
 * so the layer sees [batch · steps, ...].
 *
 * @example
 * new TimeDistributed({ layer: new Dense({ units: 8 }) }).apply(zeros([4, 10, 16])).shape; // [4, 10, 8]
 */
export class TimeDistributed extends Layer {
  static override readonly className: string = 'TimeDistributed';
  static override readonly argKeys = layerArgKeys<TimeDistributedLayerArgs>({ layer: true });
  /** The layer applied at every step. */
  readonly layer: Layer;

  constructor(args: TimeDistributedLayerArgs) {
    super(args);
    this.supportsMasking = true;
    this.layer = this.adopt(toLayer(this.describe(), 'layer', args.layer));
  }

  protected override checkInputShapes(shapes: readonly SymbolicShape[]): void {
    for (const s of shapes) {
      if (s.length < 3) {
        throw new ShapeError(`${this.describe()} expects input [batch, timesteps, ...] (rank 3 or more), got shape ${fmtSymbolicShape(s)}; the layer is applied to each of the timesteps.`);
      }
    }
  }

  /** The shape the wrapped layer sees: batch and steps folded into one axis. */
  private innerShape(shape: SymbolicShape): SymbolicShape {
    const [batch, steps, ...rest] = shape;
    return [batch === null || steps === null ? null : batch! * steps!, ...rest];
  }

  override build(inputShape: SymbolicShape): void {
    if (!this.layer.built) {
      this.layer.build(this.innerShape(this.singleShape(inputShape)));
      this.layer.built = true;
    }
  }

  override call(inputs: Tensor | Tensor[], args: CallArgs): Tensor {
    const x = this.singleInput(inputs);
    const [batch, steps] = x.shape as [number, number];
    const y = this.layer.apply(reshape(x, this.innerShape(x.shape) as number[]), { training: args.training });
    return reshape(y, [batch, steps, ...y.shape.slice(1)]);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const shape = this.singleShape(inputShape);
    const inner = this.layer.computeOutputShape(this.innerShape(shape));
    if (isShapeList(inner)) throw new ValueError(`${this.describe()}: the wrapped layer must have one output.`);
    return [shape[0]!, shape[1]!, ...(inner as SymbolicShape).slice(1)];
  }

  /** The wrapped layer's formula: one layer, applied at every step. */
  override explainParams(): ParamFormula | undefined {
    return this.layer.explainParams();
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), layer: serializeLayer(this.layer) };
  }
}
registerLayer(TimeDistributed);
