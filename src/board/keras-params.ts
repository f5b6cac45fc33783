/**
 * The parameter counts of Keras's common layers from their config and input shape, for the layers of
 * a Keras conceptual graph (a config stores no weights): the formulas Keras's `summary()` counts by.
 */

/** A layer's config values as JSON gives them. */
type Config = Record<string, unknown>;

/** Parameters of a layer, all and trainable. */
export interface ParameterCount {
  parameters: number;
  trainableParameters: number;
}

const num = (v: unknown, fallback: number): number => (typeof v === 'number' ? v : fallback);
const flag = (v: unknown, fallback: boolean): boolean => (typeof v === 'boolean' ? v : fallback);
const product = (v: unknown): number => (Array.isArray(v) ? v.reduce((a: number, b) => a * num(b, 1), 1) : num(v, 1));

/** Trainable and frozen weights counted for one layer class, given its config and its input's last dimension. */
const FORMULAS: Record<string, (c: Config, inputs: number) => [trainable: number, frozen: number]> = {
  Dense: (c, n) => [num(c['units'], 0) * n + (flag(c['use_bias'], true) ? num(c['units'], 0) : 0), 0],
  Embedding: (c) => [num(c['input_dim'], 0) * num(c['output_dim'], 0), 0],
  SimpleRNN: (c, n) => [rnn(c, n, 1, false), 0],
  LSTM: (c, n) => [rnn(c, n, 4, false), 0],
  GRU: (c, n) => [rnn(c, n, 3, flag(c['reset_after'], true)), 0],
  BatchNormalization: (c, n) => [n * (Number(flag(c['center'], true)) + Number(flag(c['scale'], true))), 2 * n],
  LayerNormalization: (c, n) => [n * (Number(flag(c['center'], true)) + Number(flag(c['scale'], true))), 0],
};
for (const rank of ['1D', '2D', '3D']) {
  FORMULAS[`Conv${rank}`] = (c, n) => [product(c['kernel_size']) * (n / num(c['groups'], 1)) * num(c['filters'], 0) + (flag(c['use_bias'], true) ? num(c['filters'], 0) : 0), 0];
}

/** A recurrent layer of `gates` gates: each has input and recurrent kernels and a bias (two with `resetAfter`). */
function rnn(c: Config, inputs: number, gates: number, resetAfter: boolean): number {
  const units = num(c['units'], 0);
  const bias = flag(c['use_bias'], true) ? gates * units * (resetAfter ? 2 : 1) : 0;
  return gates * units * (inputs + units) + bias;
}

/** Layers that hold no weights, whatever their input. */
const WEIGHTLESS = /^(InputLayer|Flatten|Dropout|SpatialDropout\dD|GaussianNoise|Activation|ReLU|Softmax|Reshape|Permute|RepeatVector|Lambda|Add|Subtract|Multiply|Average|Maximum|Minimum|Concatenate|Dot|(Global)?(Max|Average)Pooling\dD|UpSampling\dD|ZeroPadding\dD|Cropping\dD)$/;

/**
 * The parameters of a layer of class `className` with `config`, whose input has shape
 * `inputShape`; undefined when the class has no formula here or the input's size is unknown (the
 * count is then shown as not recorded). Layers known to hold no weights count 0.
 *
 * @example
 * ```ts
 * kerasParameters('Dense', { units: 10 }, [null, 32]); // { parameters: 330, trainableParameters: 330 }
 * ```
 */
export function kerasParameters(className: string, config: Config, inputShape: (number | null)[] | undefined): ParameterCount | undefined {
  if (WEIGHTLESS.test(className)) return { parameters: 0, trainableParameters: 0 };
  const formula = FORMULAS[className];
  if (!formula) return undefined;
  const last = inputShape?.at(-1);
  if (className !== 'Embedding' && typeof last !== 'number') return undefined;
  const [trainable, frozen] = formula(config, last ?? 0);
  const frozenAll = config['trainable'] === false;
  return { parameters: trainable + frozen, trainableParameters: frozenAll ? 0 : trainable };
}
