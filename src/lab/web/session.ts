/**
 * One training run of the playground: the data as tensors, the network the controls describe, and
 * what the views draw after each epoch (losses and accuracies, weights, gradient norms per layer,
 * the model's output on a grid or on the test images).
 */
import { RandomGenerator } from '../../core/random.js';
import type { Tensor, Variable } from '../../core/tensor.js';
import type { Sequential } from '../../models/sequential.js';
import type { StrataModule } from './strata-api.js';

/** A data set as the page holds it: flat arrays, the inputs of each example side by side. */
export interface PlaygroundData {
  /** `'points'` for a 2-D toy set (a decision boundary to draw), `'images'` for Fashion-MNIST. */
  kind: 'points' | 'images';
  /** Inputs per example (2, or 784 pixels). */
  inputSize: number;
  /** The name of each class, by id. */
  classNames: readonly string[];
  /** Training inputs, `inputSize` values an example. */
  xTrain: Float32Array;
  yTrain: Int32Array;
  xTest: Float32Array;
  yTest: Int32Array;
}

/** What the controls choose. */
export interface PlaygroundSettings {
  hiddenLayers: number;
  units: number;
  activation: 'relu' | 'tanh' | 'sigmoid' | 'linear';
  optimizer: 'sgd' | 'adam' | 'rmsprop';
  learningRate: number;
  batchSize: number;
  /** Seed of the weights and of the order of the batches. */
  seed: number;
}

/** The numbers of one epoch. */
export interface EpochStats {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
}

/** A layer's kernel and the norm of the loss's gradient with respect to it. */
export interface LayerGradient {
  layer: string;
  norm: number;
}

/** Examples per gradient-norm measurement: one batch, large enough for a stable norm. */
const GRADIENT_BATCH = 256;

/**
 * A network being trained on one data set, a batch at a time, so that the page can pause between
 * batches and draw between epochs.
 *
 * @example
 * const session = new TrainingSession(strata, data, { hiddenLayers: 2, units: 8, activation: 'relu', optimizer: 'adam', learningRate: 0.03, batchSize: 10, seed: 1 });
 * const stats = await session.trainEpoch(() => running, () => new Promise((r) => setTimeout(r)));
 */
export class TrainingSession {
  readonly model: Sequential;
  private readonly x: { train: Tensor; test: Tensor };
  private readonly y: { train: Tensor; test: Tensor };
  private readonly trainSize: number;
  private order: Int32Array;
  /** Where the next batch starts in `order`; an epoch ends when it reaches the end. */
  private cursor = 0;
  private sums = { loss: 0, correct: 0, seen: 0 };
  /** The order of the batches, seeded apart from the weights. */
  private readonly random: RandomGenerator;
  epoch = 0;

  constructor(
    private readonly s: StrataModule,
    readonly data: PlaygroundData,
    readonly settings: PlaygroundSettings,
  ) {
    s.setSeed(settings.seed);
    this.random = new RandomGenerator(settings.seed);
    this.trainSize = data.yTrain.length;
    const d = data.inputSize;
    this.x = { train: s.tensor(data.xTrain, [this.trainSize, d]), test: s.tensor(data.xTest, [data.yTest.length, d]) };
    this.y = { train: s.tensor(data.yTrain, [this.trainSize], 'int32'), test: s.tensor(data.yTest, [data.yTest.length], 'int32') };
    this.order = Int32Array.from({ length: this.trainSize }, (_, i) => i);
    this.shuffle();
    const { Dense } = s.layers;
    const hidden = Array.from({ length: settings.hiddenLayers }, (_, i) => new Dense({ units: settings.units, activation: settings.activation, name: `hidden_${i + 1}` }));
    this.model = new s.Sequential({ layers: [s.layers.Input({ shape: [d] }), ...hidden, new Dense({ units: data.classNames.length, activation: 'softmax', name: 'output' })] });
    const Optimizer = { sgd: s.SGD, adam: s.Adam, rmsprop: s.RMSprop }[settings.optimizer];
    this.model.compile({ optimizer: new Optimizer({ learningRate: settings.learningRate }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  }

  private shuffle(): void {
    for (let i = this.order.length - 1; i > 0; i--) {
      const j = Math.floor(this.random.uniform() * (i + 1));
      [this.order[i], this.order[j]] = [this.order[j]!, this.order[i]!];
    }
  }

  /**
   * Trains on batches until the epoch ends (and returns its numbers) or `keepGoing()` turns false (and
   * returns undefined; the next call resumes the epoch where it stopped). `pause()` is awaited
   * every few milliseconds of work, so the page stays responsive.
   */
  async trainEpoch(keepGoing: () => boolean, pause: () => Promise<void>): Promise<EpochStats | undefined> {
    const s = this.s;
    let since = performance.now();
    while (this.cursor < this.trainSize) {
      if (!keepGoing()) return undefined;
      const take = this.order.subarray(this.cursor, Math.min(this.cursor + this.settings.batchSize, this.trainSize));
      const logs = s.tidy(() => {
        const index = s.tensor(take, [take.length], 'int32');
        return this.model.trainOnBatch(s.gather(this.x.train, index), s.gather(this.y.train, index));
      });
      this.sums.loss += (logs['loss'] ?? NaN) * take.length;
      this.sums.correct += (logs['accuracy'] ?? NaN) * take.length;
      this.sums.seen += take.length;
      this.cursor += take.length;
      if (performance.now() - since > 30) {
        await pause();
        since = performance.now();
      }
    }
    const test = this.model.testOnBatch(this.x.test, this.y.test);
    this.epoch += 1;
    const stats: EpochStats = {
      epoch: this.epoch,
      trainLoss: this.sums.loss / this.sums.seen,
      trainAccuracy: this.sums.correct / this.sums.seen,
      testLoss: test['loss'] ?? NaN,
      testAccuracy: test['accuracy'] ?? NaN,
    };
    this.cursor = 0;
    this.sums = { loss: 0, correct: 0, seen: 0 };
    this.shuffle();
    return stats;
  }

  /** The share of the current epoch done, 0 to 1. */
  get progress(): number {
    return this.cursor / this.trainSize;
  }

  /** The kernels of the Dense layers, first to last. */
  private kernels(): Variable[] {
    return this.model.trainableWeights.filter((v) => v.name.endsWith('kernel'));
  }

  /**
   * The norm of the loss's gradient with respect to each layer's kernel, on the first training
   * examples: where the gradient vanishes, the early layers' norms are orders of magnitude smaller.
   */
  gradientNorms(): LayerGradient[] {
    const s = this.s;
    const kernels = this.kernels();
    const n = Math.min(GRADIENT_BATCH, this.trainSize);
    const grads = s.tidy(() => {
      const index = s.tensor(this.order.slice(0, n), [n], 'int32');
      const [x, y] = [s.gather(this.x.train, index), s.gather(this.y.train, index)];
      return s.variableGrads(() => this.model.computeLoss({ x, y: [y], yPred: [this.model.call(x, { training: true }) as Tensor] }), kernels).grads;
    });
    const norms = grads.map((g) => Math.sqrt(Float64Array.from(g.dataSync()).reduce((sum, v) => sum + v * v, 0)));
    s.dispose(grads);
    return kernels.map((k, i) => ({ layer: k.name.split('/')[0]!, norm: norms[i]! }));
  }

  /** Each layer's kernel values, first layer to last. */
  weights(): { layer: string; values: Float32Array }[] {
    return this.kernels().map((k) => ({ layer: k.name.split('/')[0]!, values: Float32Array.from(k.dataSync()) }));
  }

  /** The model's class probabilities for `inputs` (`inputSize` values an example), `classes` values an example. */
  predict(inputs: Float32Array): Float32Array {
    const s = this.s;
    const n = inputs.length / this.data.inputSize;
    const output = s.tidy(() => this.model.predictOnBatch(s.tensor(inputs, [n, this.data.inputSize])) as Tensor);
    const probabilities = Float32Array.from(output.dataSync());
    output.dispose();
    return probabilities;
  }

  /** Releases the model's weights and the data's tensors. */
  dispose(): void {
    this.model.dispose();
    this.s.dispose([this.x.train, this.x.test, this.y.train, this.y.test]);
  }
}
