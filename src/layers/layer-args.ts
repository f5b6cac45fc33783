/** The arguments layers take: those every layer accepts, those of a call and of `addWeight`, and the checked key lists that refuse unknown options. */
import type { DType } from '../core/dtype.js';
import { ValueError } from '../core/errors.js';
import { optionKeys } from '../core/options.js';
import type { StringTensor } from '../core/string-tensor.js';
import type { Tensor } from '../core/tensor.js';
import type { InitializerIdentifier } from '../initializers/get-initializer.js';
import type { RegularizerIdentifier } from '../regularizers/get-regularizer.js';
import type { SymbolicShape } from './symbolic-tensor.js';

/**
 * What a layer can be called on: a tensor, or a tensor of strings for the layers that take text
 * (StringLookup, TextVectorization). Layers' outputs are always tensors.
 */
export type LayerInput = Tensor | StringTensor;

/** The input shape a layer is built for: one shape, or one per input for layers with several inputs. */
export type ShapeOrShapes = SymbolicShape | readonly SymbolicShape[];

/** Arguments every layer accepts. */
export interface LayerArgs {
  /** Unique name; by default the class name in snake_case, numbered (`dense`, `dense_1`, ...). */
  name?: string;
  /** Whether optimizers update the layer's weights (default true). */
  trainable?: boolean;
  /** The dtype of the layer's weights (default float32). */
  dtype?: DType;
  /**
   * The shape of one sample, without the batch axis. On the first layer of a Sequential model it
   * defines the model's input: `new Flatten({ inputShape: [28, 28] })`.
   */
  inputShape?: SymbolicShape;
  /** The batch size to go with `inputShape` (unknown by default). */
  batchSize?: number;
  /** The full input shape, batch axis included (`[null, 28, 28]`); an alternative to `inputShape`. */
  batchInputShape?: SymbolicShape;
  /** A penalty on the layer's output, added to the loss (none by default). */
  activityRegularizer?: RegularizerIdentifier | null;
}

const LAYER_KEYS = optionKeys<LayerArgs>({
  name: true, trainable: true, dtype: true, inputShape: true, batchSize: true, batchInputShape: true, activityRegularizer: true,
});

/**
 * The complete key list of a layer's arguments: those of `LayerArgs` and the layer's own, which
 * the compiler checks against its arguments' interface. Assign it to the class's `argKeys`.
 *
 * @example
 * interface ScaleArgs extends LayerArgs { factor: number }
 * class Scale extends Layer {
 *   static override readonly argKeys = layerArgKeys<ScaleArgs>({ factor: true });
 * }
 */
export function layerArgKeys<T extends LayerArgs>(own: { [K in keyof Required<Omit<T, keyof LayerArgs>>]: true }): readonly string[] {
  return [...LAYER_KEYS, ...Object.keys(own)];
}

/**
 * Which steps of a sequence are real: a `bool` tensor [batch, steps], false at padding. One per
 * input for layers with several inputs (null for an input without a mask).
 */
export type Mask = Tensor | null | (Tensor | null)[];

/** Arguments of a call. */
export interface CallArgs {
  /** True while training: Dropout then drops, and normalization layers update their statistics (default false). */
  training?: boolean;
  /**
   * The mask of the inputs, for layers that use one (recurrent layers skip masked steps). Inside
   * a Model masks flow by themselves, from the layer that makes them (Embedding with `maskZero`)
   * to the layers after it; call `computeMask` to get a layer's output mask when calling layers directly.
   */
  mask?: Mask;
  /**
   * Options of the layer's own, for layers that declare them (`callArgKeys`): MultiHeadAttention's
   * `useCausalMask`, for instance. In a Model, the options given at the symbolic call are kept with
   * the call and passed again at every run; tensors among them can only be given to real calls.
   */
  [option: string]: unknown;
}

/** The keys of `CallArgs` every layer takes. */
export const CALL_KEYS = optionKeys<CallArgs>({ training: true, mask: true });

/** A layer's own call options (`CallArgs` without `training` and `mask`), as a Model keeps them with each call. */
export type LayerOptions = Readonly<Record<string, unknown>>;

/**
 * The options of a call that belong to the layer itself: all but `training` and `mask` (and those left undefined).
 *
 * @example
 * layerOptions({ training: true, useCausalMask: true }); // { useCausalMask: true }
 */
export function layerOptions(args: CallArgs): LayerOptions {
  const own: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) if (key !== 'training' && key !== 'mask' && value !== undefined) own[key] = value;
  return own;
}

/** Options of `addWeight`. */
export interface AddWeightArgs {
  /** How the weight starts (default: glorotUniform for float weights, zeros otherwise). */
  initializer?: InitializerIdentifier;
  /** A penalty on the weight, added to the loss while it is trainable. */
  regularizer?: RegularizerIdentifier | null;
  /** Whether optimizers update it (default true); statistics such as moving means are not trainable. */
  trainable?: boolean;
  /** The weight's dtype (the layer's by default). */
  dtype?: DType;
}

/** The keys of `AddWeightArgs`. */
export const ADD_WEIGHT_KEYS = optionKeys<AddWeightArgs>({ initializer: true, regularizer: true, trainable: true, dtype: true });

/** Checks a shape argument: each dimension a positive integer, or null where unknown. */
export function checkSymbolicShape(who: string, what: string, shape: SymbolicShape): void {
  if (!Array.isArray(shape) || shape.some((d) => d !== null && (!Number.isInteger(d) || d < 0))) {
    throw new ValueError(`${who}: ${what} must be an array of non-negative integers (or null where unknown), got ${JSON.stringify(shape)}.`);
  }
}
