/** The Callback base class with Keras's hooks, the list that runs them, and callbacks made from plain functions. */
import { checkOptions, optionKeys } from '../core/options.js';
import type { Tensor, Variable } from '../core/tensor.js';

/** Figures a hook receives: loss and metrics by Keras's keys (`loss`, `accuracy`, `val_loss`, ...). */
export type Logs = Record<string, number>;

/**
 * Receives each training step's gradients, `grads[i]` being the gradient for `variables[i]`,
 * before the optimizer applies them. The tensors are released when it returns, so it reads
 * what it needs (a norm, say) inside the call.
 */
export type GradientObserver = (grads: readonly Tensor[], variables: readonly Variable[]) => void;

/** What callbacks may use of the model being trained. */
export interface CallbackModel {
  /** Set to true to stop `fit` at the end of the current batch's epoch. */
  stopTraining: boolean;
  /** Copies of the current weights, in the model's weight order. */
  getWeights(): Tensor[];
  /** Overwrites the weights from tensors in the model's weight order. */
  setWeights(weights: readonly Tensor[]): void;
  /** The optimizer, whose `learningRate` schedulers change. */
  readonly optimizer?: { learningRate: unknown; currentLearningRate?(): number };
  /** Saves the whole model (architecture, weights, optimizer state) to `path`. */
  save?(path: string): Promise<unknown>;
  /** Saves the weights only. */
  saveWeights?(path: string): Promise<unknown>;
  /**
   * Calls `observer` with the gradients of every training step until the returned function is
   * called. Training does no extra work while nothing observes.
   */
  observeGradients?(observer: GradientObserver): () => void;
}

/** Training parameters callbacks are told about before training starts. */
export interface CallbackParams {
  epochs: number;
  /** Batches per epoch, when known. */
  steps?: number;
  verbose: number;
}

/** The hooks of a callback, each optional; `fit` awaits those that return a Promise. */
export interface CallbackHooks {
  onTrainBegin?(logs: Logs): void | Promise<void>;
  onTrainEnd?(logs: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  onBatchBegin?(batch: number, logs: Logs): void | Promise<void>;
  onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
  onTestBegin?(logs: Logs): void | Promise<void>;
  onTestEnd?(logs: Logs): void | Promise<void>;
}

/**
 * Base class of callbacks: objects whose hooks `fit` calls at the start and end of training,
 * of each epoch and of each batch (epochs and batches count from 0, as in Keras).
 *
 * @example
 * class PrintLoss extends Callback {
 *   override onEpochEnd(epoch: number, logs: Logs) { console.log(epoch, logs.loss); }
 * }
 */
export class Callback implements CallbackHooks {
  /** The model being trained; set by `fit` before `onTrainBegin`. */
  model: CallbackModel | undefined;
  /** Epochs, steps and verbosity of the current `fit`. */
  params: CallbackParams = { epochs: 0, verbose: 0 };

  /** @internal */
  setModel(model: CallbackModel): void {
    this.model = model;
  }

  /** @internal */
  setParams(params: CallbackParams): void {
    this.params = params;
  }

  /** The model, or an error if the callback is used outside `fit`. */
  protected get trainedModel(): CallbackModel {
    if (!this.model) throw new Error(`${this.constructor.name}: no model is set; callbacks are run by fit().`);
    return this.model;
  }

  onTrainBegin(_logs: Logs): void | Promise<void> {}
  onTrainEnd(_logs: Logs): void | Promise<void> {}
  onEpochBegin(_epoch: number, _logs: Logs): void | Promise<void> {}
  onEpochEnd(_epoch: number, _logs: Logs): void | Promise<void> {}
  onBatchBegin(_batch: number, _logs: Logs): void | Promise<void> {}
  onBatchEnd(_batch: number, _logs: Logs): void | Promise<void> {}
  onTestBegin(_logs: Logs): void | Promise<void> {}
  onTestEnd(_logs: Logs): void | Promise<void> {}
}

const HOOK_KEYS = optionKeys<CallbackHooks>({
  onTrainBegin: true, onTrainEnd: true, onEpochBegin: true, onEpochEnd: true, onBatchBegin: true, onBatchEnd: true, onTestBegin: true, onTestEnd: true,
});

/**
 * A callback from plain functions (Keras's `LambdaCallback`). A key that is not a hook (a typo
 * such as `onEpochEnds`) is refused rather than never called.
 *
 * @example
 * new LambdaCallback({ onEpochEnd: (epoch, logs) => console.log(epoch, logs.val_loss) });
 */
export class LambdaCallback extends Callback {
  constructor(hooks: CallbackHooks) {
    super();
    checkOptions('LambdaCallback', hooks, HOOK_KEYS);
    for (const [name, fn] of Object.entries(hooks)) {
      if (typeof fn === 'function') (this as unknown as Record<string, unknown>)[name] = fn;
    }
  }
}

/** The callbacks of one `fit`, run in order. Plain objects of hooks are wrapped in a LambdaCallback. */
export class CallbackList {
  readonly callbacks: Callback[];

  constructor(callbacks: readonly (Callback | CallbackHooks)[], model: CallbackModel, params: CallbackParams) {
    this.callbacks = callbacks.map((c) => (c instanceof Callback ? c : new LambdaCallback(c)));
    for (const c of this.callbacks) {
      c.setModel(model);
      c.setParams(params);
    }
  }

  async trainBegin(logs: Logs = {}): Promise<void> {
    for (const c of this.callbacks) await c.onTrainBegin(logs);
  }
  async trainEnd(logs: Logs = {}): Promise<void> {
    for (const c of this.callbacks) await c.onTrainEnd(logs);
  }
  async epochBegin(epoch: number, logs: Logs = {}): Promise<void> {
    for (const c of this.callbacks) await c.onEpochBegin(epoch, logs);
  }
  async epochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    for (const c of this.callbacks) await c.onEpochEnd(epoch, logs);
  }
  /** Runs every `onBatchBegin`; a Promise only when a hook returned one (await it then). */
  batchBegin(batch: number, logs: Logs = {}): void | Promise<void> {
    return this.each((c) => c.onBatchBegin(batch, logs));
  }
  /** Runs every `onBatchEnd`; a Promise only when a hook returned one (await it then). */
  batchEnd(batch: number, logs: Logs = {}): void | Promise<void> {
    return this.each((c) => c.onBatchEnd(batch, logs));
  }

  /**
   * Runs `hook` on the callbacks from `from` on, in order, waiting for those that return a promise.
   * The batch hooks run thousands of times per fit and are nearly always synchronous: they then cost
   * no trip through the microtask queue.
   */
  private each(hook: (c: Callback) => void | Promise<void>, from = 0): void | Promise<void> {
    for (let i = from; i < this.callbacks.length; i++) {
      const result: unknown = hook(this.callbacks[i]!);
      if (typeof (result as PromiseLike<void> | undefined)?.then === 'function') return Promise.resolve(result).then(() => this.each(hook, i + 1));
    }
  }
  async testBegin(logs: Logs = {}): Promise<void> {
    for (const c of this.callbacks) await c.onTestBegin(logs);
  }
  async testEnd(logs: Logs = {}): Promise<void> {
    for (const c of this.callbacks) await c.onTestEnd(logs);
  }
}
