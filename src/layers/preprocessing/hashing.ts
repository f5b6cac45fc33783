/** Hashing: maps strings or integers to one of `numBins` bins by their FarmHash fingerprint, as Keras's layer does. */
import { NotSupportedError, ValueError, fmtShape } from '../../core/errors.js';
import type { ConfigDict } from '../../core/serialization.js';
import { StringTensor } from '../../core/string-tensor.js';
import type { Tensor } from '../../core/tensor.js';
import { checkChoice, checkPositiveInt } from '../../core/validate.js';
import { Layer, layerArgKeys, type LayerArgs, type LayerInput } from '../layer.js';
import { registerLayer } from '../registry.js';
import type { SymbolicShape } from '../symbolic-tensor.js';
import { CATEGORICAL_OUTPUT_MODES, encodeCategorical, encodedShape, type CategoricalOutputMode } from './categorical-encoding.js';
import { fingerprint64 } from './fingerprint.js';

/** Arguments of `Hashing` (Keras's names and defaults). */
export interface HashingLayerArgs extends LayerArgs {
  /** The number of bins, the mask's bin included when there is a `maskValue`. */
  numBins: number;
  /** A value (string or integer) that means "missing": it goes to bin 0, the others to bins 1 .. numBins-1. None by default. */
  maskValue?: string | number | null;
  /** Keras's key for a salted (SipHash) hash: only null, the unsalted FarmHash, is supported. */
  salt?: null;
  /** 'int' (default: the bin) or an encoding of it over numBins: 'one_hot', 'multi_hot', 'count'. */
  outputMode?: CategoricalOutputMode;
  /** Keras's sparse outputs: only false (dense) is supported. */
  sparse?: boolean;
}

/**
 * Hashes each value to a bin: `fingerprint64(value) mod numBins`, where a value is a string's
 * UTF-8 bytes, an integer's decimal digits (so `7` and `'7'` share a bin), and a float is first
 * truncated to an integer — the bins TensorFlow's `to_hash_bucket_fast`, and so Keras, gives.
 * With `maskValue`, that value goes to bin 0 and the others to `1 + fingerprint mod (numBins - 1)`.
 * Takes a StringTensor or a numeric tensor; 'int' outputs int32 bins of the input's shape, the
 * other modes encode them as CategoryEncoding does. No weights; nothing to adapt.
 *
 * @example
 * const hash = new Hashing({ numBins: 3 });
 * hash.apply(strings([['A'], ['B'], ['C']])).arraySync(); // [[1], [0], [1]]
 */
export class Hashing extends Layer {
  static override readonly className: string = 'Hashing';
  static override readonly argKeys = layerArgKeys<HashingLayerArgs>({ numBins: true, maskValue: true, salt: true, outputMode: true, sparse: true });
  /** The number of bins. */
  readonly numBins: number;
  /** The value sent to bin 0, if any. */
  readonly maskValue: string | number | null;
  /** How bins are output. */
  readonly outputMode: CategoricalOutputMode;

  constructor(args: HashingLayerArgs) {
    const mode = args?.outputMode ?? 'int';
    // As Keras: bins are integers in 'int' mode, encodings float32 otherwise. NOTE: Keras's default is
    // int64, which configs from Keras files carry; Strata's integers are int32 (bins fit: numBins < 2³¹).
    const dtype = (args?.dtype as string | undefined) === 'int64' ? 'int32' : args?.dtype;
    super({ ...args, dtype: dtype ?? (mode === 'int' ? 'int32' : 'float32') });
    const who = this.describe();
    this.numBins = checkPositiveInt(who, 'numBins', args.numBins);
    this.outputMode = checkChoice(who, 'outputMode', mode, CATEGORICAL_OUTPUT_MODES);
    this.maskValue = args.maskValue ?? null;
    if (this.maskValue !== null && typeof this.maskValue !== 'string' && !Number.isInteger(this.maskValue)) {
      throw new ValueError(`${who}: maskValue must be a string or an integer, got ${JSON.stringify(this.maskValue)}.`);
    }
    if (args.salt != null) throw new NotSupportedError(`${who}: a salted hash (Keras's SipHash with salt) is not supported; leave salt null for FarmHash.`);
    if (args.sparse) throw new NotSupportedError(`${who}: sparse outputs are not supported; leave sparse false (dense outputs).`);
    if (this.outputMode === 'int' && this.dtype !== 'int32') throw new ValueError(`${who}: outputMode 'int' outputs bins, so dtype must be 'int32', got '${this.dtype}'.`);
  }

  override call(inputs: LayerInput | LayerInput[]): Tensor {
    const x = this.singleInput(inputs);
    if (x.dtype === 'bool') throw new ValueError(`${this.describe()} expects strings or integers, got a bool tensor of shape ${fmtShape(x.shape)}.`);
    const values: readonly (string | number)[] = x instanceof StringTensor ? x.dataSync() : Array.from(x.dataSync(), Number);
    const masked = this.maskValue !== null && this.numBins > 1;
    const bins = BigInt(masked ? this.numBins - 1 : this.numBins);
    const out = Int32Array.from(values, (v) => {
      if (masked && v === this.maskValue) return 0;
      // NOTE: as TensorFlow's as_string after a cast to int64: floats are truncated, integers hashed as decimal text.
      const text = typeof v === 'string' ? v : Math.trunc(v).toString();
      return Number(fingerprint64(text) % bins) + (masked ? 1 : 0);
    });
    return encodeCategorical(out, x.shape, this.outputMode, this.numBins);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return encodedShape(this.singleShape(inputShape), this.outputMode, this.numBins);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), numBins: this.numBins, maskValue: this.maskValue, salt: null, outputMode: this.outputMode, sparse: false };
  }
}
registerLayer(Hashing);
