/** Dropout: during training, zeroes a random fraction of the inputs and scales up the rest; at inference, the identity. */
import { RandomGenerator, generatorFor } from '../core/random.js';
import type { ConfigDict } from '../core/serialization.js';
import type { Tensor } from '../core/tensor.js';
import { checkInterval, checkSeed } from '../core/validate.js';
import { dropout } from '../ops/dropout.js';
import { Layer, layerArgKeys, checkSymbolicShape, type CallArgs, type LayerArgs } from './layer.js';
import { registerLayer } from './registry.js';
import type { SymbolicShape } from './symbolic-tensor.js';

/** Arguments of `Dropout`. */
export interface DropoutLayerArgs extends LayerArgs {
  /** The fraction of inputs to drop, in [0, 1). */
  rate: number;
  /** The shape of the mask, batch axis included; null takes the input's dimension (`[null, 1, null]` drops whole features across time steps). */
  noiseShape?: SymbolicShape | null;
  /** Makes the sequence of masks reproducible (otherwise drawn from the global seed when the layer is made). */
  seed?: number | null;
}

/**
 * Inverted dropout: when `training` is true each input is zeroed with probability `rate` and the
 * others are multiplied by 1 / (1 - rate), so the expected output equals the input; otherwise the
 * layer passes its input through unchanged.
 *
 * @example
 * const layer = new Dropout({ rate: 0.5, seed: 1 });
 * layer.apply(ones([2, 4]), { training: true }); // each element 0 or 2
 * layer.apply(ones([2, 4]));                      // all ones
 */
export class Dropout extends Layer {
  static override readonly className: string = 'Dropout';
  static override readonly argKeys = layerArgKeys<DropoutLayerArgs>({ rate: true, noiseShape: true, seed: true });
  /** The fraction of inputs dropped while training. */
  readonly rate: number;
  /** The mask's shape (null: the input's). */
  readonly noiseShape: SymbolicShape | null;
  /** The seed given, or null. */
  readonly seed: number | null;
  /** Gives each training call its own mask seed: masks differ between calls yet replay from the seed. */
  private readonly generator: RandomGenerator;

  constructor(args: DropoutLayerArgs) {
    super(args);
    this.supportsMasking = true;
    this.rate = checkInterval(this.describe(), 'rate', args.rate, 0, 1, '[)');
    if (args.noiseShape) checkSymbolicShape(this.describe(), 'noiseShape', args.noiseShape);
    this.noiseShape = args.noiseShape ?? null;
    this.seed = checkSeed(this.describe(), 'seed', args.seed);
    this.generator = new RandomGenerator(this.seed ?? generatorFor(undefined).nextUint32());
  }

  override call(inputs: Tensor | Tensor[], args: CallArgs): Tensor {
    const x = this.singleInput(inputs);
    if (!args.training || this.rate === 0) return x;
    return dropout(x, this.rate, { noiseShape: this.maskShape(x.rank) ?? undefined, seed: this.generator });
  }

  /** The shape of the drop mask for inputs of `rank` (null: the input's); the spatial dropouts fix it. */
  protected maskShape(_rank: number): SymbolicShape | null {
    return this.noiseShape;
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return this.singleShape(inputShape);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), rate: this.rate, noiseShape: this.noiseShape ? [...this.noiseShape] : null, seed: this.seed };
  }
}
registerLayer(Dropout);
