/**
 * The optimizer base class: gradient clipping, decoupled weight decay, per-variable slot state
 * created on first use, learning-rate schedules, and the state that save/load needs. Each
 * concrete optimizer only says which slots it keeps and how one step updates them.
 */
import { allocArray, type DType } from '../core/dtype.js';
import { ENGINE } from '../core/engine.js';
import { DisposedError, ShapeError, StrataError, ValueError, fmtShape } from '../core/errors.js';
import { shapesEqual } from '../core/shape.js';
import { Tensor, Variable } from '../core/tensor.js';
import { variableGrads } from '../core/gradients.js';
import { checkOptions, optionKeys } from '../core/options.js';
import { checkNonNegative, checkNonNegativeInt, checkPositive } from '../core/validate.js';
import { add, cast, clip, div, fill, maximum, mul, reshape, scalar, sqrt, square, sub, sum, updateVariables, variable, type UpdateRule } from '../ops/index.js';
import { LearningRateSchedule, deserializeSchedule, serializeSchedule, type SerializedSchedule } from './schedules.js';

/** Options every optimizer accepts. */
export interface OptimizerArgs {
  /** A fixed rate, or a schedule evaluated at `iterations` before each update. */
  learningRate?: number | LearningRateSchedule;
  /** Rescales each gradient tensor whose L2 norm exceeds this to that norm. At most one clipping option may be set. */
  clipNorm?: number;
  /** Clips every gradient element to [-clipValue, clipValue]. */
  clipValue?: number;
  /** Rescales all gradients together when their joint L2 norm exceeds this. */
  globalClipNorm?: number;
  /** If set, each update first shrinks every variable by `learningRate * weightDecay` of itself (decoupled weight decay). */
  weightDecay?: number;
  /** Prefix of the optimizer's state names (default: the optimizer's kind, e.g. `adam`); must not contain '/'. */
  name?: string;
}

const OPTIMIZER_KEYS = optionKeys<OptimizerArgs>({ learningRate: true, clipNorm: true, clipValue: true, globalClipNorm: true, weightDecay: true, name: true });

/**
 * The complete key list of an optimizer's arguments: those every optimizer takes and its own
 * (checked by the compiler against its arguments' interface). Assign it to the class's `argKeys`.
 *
 * @example
 * static override readonly argKeys = optimizerArgKeys<SGDArgs>({ momentum: true, nesterov: true });
 */
export function optimizerArgKeys<T extends OptimizerArgs>(own: { [K in keyof Required<Omit<T, keyof OptimizerArgs>>]: true }): readonly string[] {
  return [...OPTIMIZER_KEYS, ...Object.keys(own)];
}

/**
 * An optimizer's own hyperparameters (its arguments beyond `OptimizerArgs`), all present: the
 * defaults its constructor passes, and its readonly fields.
 *
 * @example
 * const defaults = { momentum: 0, nesterov: false } satisfies OwnHyperparameters<SGDArgs>;
 */
export type OwnHyperparameters<A extends OptimizerArgs> = Required<Omit<A, keyof OptimizerArgs>>;

/** An optimizer's hyperparameters as plain JSON values (what `getConfig` returns). */
export interface OptimizerConfig {
  [key: string]: number | string | boolean | SerializedSchedule;
}

/** A named tensor of optimizer state, as `getWeights` returns and `setWeights` takes. */
export interface NamedTensor {
  /** `<optimizer>/iterations` or `<optimizer>/<variable>/<slot>`. */
  name: string;
  /** The value. */
  tensor: Tensor;
}

/** A per-variable state tensor an optimizer keeps (a momentum, a moment estimate), created filled with `initialValue`. */
export interface SlotSpec {
  /** The slot's name, the last part of its state name. */
  name: string;
  /** The value every element starts at. */
  initialValue: number;
}

/** What one update step knows besides the gradient. */
export interface UpdateStep {
  /** The learning rate of this step (the schedule evaluated at the step count before it). */
  learningRate: number;
  /** The 1-based number of this update (`iterations + 1`), as bias corrections need. */
  step: number;
}

/** The result of one update: the variable's new value and each slot's new value. */
export interface UpdateResult {
  /** The variable's new value. */
  value: Tensor;
  /** The new value of each slot that changed. */
  slots?: Record<string, Tensor>;
}

/** Lets the lowercase factories take a bare learning rate, as TensorFlow.js's do: `sgd(0.1)`. */
export function argsOf<A extends OptimizerArgs>(args: number | A | undefined): A {
  return (typeof args === 'number' ? { learningRate: args } : (args ?? {})) as A;
}

/**
 * The base of every optimizer. `applyGradients` clips the gradients, applies weight decay, and
 * updates each variable in place; subclasses define `slotSpecs` and either a fused `updateRule` or a pure `update`.
 *
 * @example
 * const opt = new Adam({ learningRate: 0.01 });
 * const { grads } = variableGrads(() => loss(), [w, b]);
 * opt.applyGradients([[grads[0], w], [grads[1], b]]);
 */
export abstract class Optimizer {
  /**
   * Every key the constructor's arguments may have (see `optimizerArgKeys`); any other is refused
   * with an `UnknownOptionError`. A class without a list (a custom optimizer that declares none) is not checked.
   */
  static readonly argKeys: readonly string[] | undefined = undefined;
  /** The name the optimizer's class is registered and serialized under (`'Adam'`). */
  abstract readonly className: string;
  /** Prefix of the names of this optimizer's state. */
  readonly name: string;
  /** The per-tensor gradient norm limit, if any. */
  readonly clipNorm: number | undefined;
  /** The per-element gradient limit, if any. */
  readonly clipValue: number | undefined;
  /** The joint gradient norm limit, if any. */
  readonly globalClipNorm: number | undefined;
  /** The decoupled weight decay factor, if any. */
  readonly weightDecay: number | undefined;

  private lr: number | LearningRateSchedule;
  private iterationCount = 0;
  /** Slot variables per model variable, in order of first update; the key prefix is unique per optimizer. */
  private readonly slots = new Map<Variable, { prefix: string; values: Map<string, Variable> }>();
  /** State restored by `setWeights` for slots that do not exist yet, keyed `<variable>/<slot>`. */
  private readonly pending = new Map<string, Variable>();
  /** The names of `slotSpecs()`, in order, once asked for. */
  private slotNames: string[] | undefined;
  /** Set by `dispose()`. */
  private disposedFlag = false;
  /** The subclass's own hyperparameters with their values, in the order its constructor named them. */
  private readonly hyperparameters: Record<string, number | boolean> = {};

  /**
   * `hyperparameterDefaults` names the subclass's own hyperparameters with their defaults: each is
   * read from `args` (or defaulted), set as a field of the optimizer (declare it in the subclass
   * with `declare readonly`), and written back by `getConfig`.
   */
  protected constructor(args: OptimizerArgs, defaultName: string, defaultLearningRate: number, hyperparameterDefaults: Record<string, number | boolean> = {}) {
    const owner = this.constructor.name;
    const known = (new.target as unknown as typeof Optimizer).argKeys;
    if (known) checkOptions(owner, args, known);
    this.name = args.name ?? defaultName;
    if (this.name.length === 0 || this.name.includes('/')) throw new ValueError(`${owner}: name must be non-empty and contain no '/', got '${this.name}'.`);
    this.lr = defaultLearningRate;
    this.learningRate = args.learningRate ?? defaultLearningRate;
    for (const key of ['clipNorm', 'clipValue', 'globalClipNorm'] as const) if (args[key] !== undefined) checkPositive(owner, key, args[key]);
    const clipping = { clipNorm: args.clipNorm, clipValue: args.clipValue, globalClipNorm: args.globalClipNorm };
    if (Object.values(clipping).filter((v) => v !== undefined).length > 1) {
      throw new ValueError(`${owner}: only one of clipNorm, clipValue and globalClipNorm can be set, got ${JSON.stringify(clipping)}.`);
    }
    if (args.weightDecay !== undefined) checkNonNegative(owner, 'weightDecay', args.weightDecay);
    this.clipNorm = args.clipNorm;
    this.clipValue = args.clipValue;
    this.globalClipNorm = args.globalClipNorm;
    this.weightDecay = args.weightDecay;
    for (const [key, fallback] of Object.entries(hyperparameterDefaults)) {
      this.hyperparameters[key] = (args as Record<string, number | boolean | undefined>)[key] ?? fallback;
    }
    Object.assign(this, this.hyperparameters);
  }

  /** The slots this optimizer keeps for every variable, given its hyperparameters. */
  protected abstract slotSpecs(): SlotSpec[];

  /**
   * One step for one variable: from the (clipped) gradient, the variable's current value (after
   * weight decay) and its slots, the new value and new slots. Runs inside `tidy`. An optimizer whose
   * step is one of the fused rules defines `updateRule` instead.
   *
   * NOTE: inside `jit` (`compile({jitCompile: true})`) the numbers of `step` are those of the traced
   * step, baked into the graph; a rule whose numbers change from step to step takes them as tensors
   * from `stepScalar` (as `Adagrad` does with `learningRateTensor`), which are computed at every call.
   */
  protected update(_grad: Tensor, _value: Tensor, _slots: Record<string, Tensor>, _step: UpdateStep): UpdateResult {
    throw new StrataError(`${this.constructor.name} defines neither update nor updateRule: an optimizer must define one of them.`);
  }

  /**
   * The step as one of the fused rules the backends implement, when it is one (`slotSpecs` must then list
   * the rule's slots in its order): `applyGradients` then updates every variable and its slots in one call,
   * in place where no other tensor shares their storage, and `update` is not called. Undefined by default.
   */
  protected updateRule(_step: UpdateStep): UpdateRule | undefined {
    return undefined;
  }

  /**
   * A scalar tensor of `dtype` that `compute` gives at every step (a rate a schedule changes): inside
   * `jit` a host computation run again at every call, so that the trace does not freeze the traced
   * step's number; in eager, simply that number as a tensor.
   *
   * @example
   * const lr = this.stepScalar('learningRate', () => this.currentLearningRate(), grad.dtype);
   */
  protected stepScalar(name: string, compute: () => number, dtype: DType): Tensor {
    const [t] = ENGINE.runHost(`${this.name}/${name}`, [], () => {
      const values = allocArray(dtype, 1);
      values[0] = compute();
      return [{ values, shape: [], dtype }];
    }, false);
    return t!;
  }

  /**
   * This step's learning rate as a scalar tensor of `dtype` (see `stepScalar`): what an `update` rule
   * multiplies by, so that a schedule (or a callback changing the rate) also applies inside `jit`.
   *
   * @example
   * const delta = mul(grad, this.learningRateTensor(grad.dtype));
   */
  protected learningRateTensor(dtype: DType): Tensor {
    return this.stepScalar('learningRate', () => this.currentLearningRate(), dtype);
  }

  /** The number of updates applied so far. */
  get iterations(): number {
    return this.iterationCount;
  }

  /** The learning rate as given: a number, or a schedule (its value now is `currentLearningRate()`). */
  get learningRate(): number | LearningRateSchedule {
    return this.lr;
  }

  /**
   * Replaces the learning rate: a number (as ReduceLROnPlateau does) or a new schedule. A number
   * cannot replace a schedule, since the schedule would silently stop applying.
   */
  set learningRate(value: number | LearningRateSchedule) {
    const owner = this.constructor.name;
    if (value instanceof LearningRateSchedule) {
      this.lr = value;
      return;
    }
    if (this.lr instanceof LearningRateSchedule) {
      throw new ValueError(
        `${owner}: this optimizer's learning rate is a schedule (${this.lr.className}), so it cannot be set to the number ${value}; ` +
          'create the optimizer with a number as learningRate to be able to change it, or assign a new schedule.',
      );
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new ValueError(`${owner}: learningRate must be a non-negative number or a LearningRateSchedule, got ${String(value)}.`);
    }
    this.lr = value;
  }

  /** The learning rate the next update will use: the number, or the schedule evaluated at `iterations`. */
  currentLearningRate(): number {
    return typeof this.lr === 'number' ? this.lr : this.lr.call(this.iterationCount);
  }

  /** What the next update knows besides the gradients. */
  private nextStep(): UpdateStep {
    return { learningRate: this.currentLearningRate(), step: this.iterationCount + 1 };
  }

  /**
   * Updates each variable in place from its gradient: clipping, then weight decay, then the
   * optimizer's rule; then counts one iteration. Slots are created on a variable's first update.
   * Inside `jit` the rule (with this step's learning rate), the weight decay and the count are
   * computed afresh at every call of the graph.
   */
  applyGradients(gradsAndVars: ReadonlyArray<readonly [Tensor, Variable]>): void {
    this.assertNotDisposed('applyGradients');
    if (gradsAndVars.length === 0) return;
    const owner = `${this.constructor.name}.applyGradients`;
    gradsAndVars.forEach(([g, v], i) => {
      if (!(v instanceof Variable)) throw new ValueError(`${owner}: entry ${i} must pair a gradient with a Variable (made by variable()), got ${String(v)}.`);
      if (!(g instanceof Tensor)) throw new ValueError(`${owner}: the gradient for variable '${v.name}' must be a Tensor, got ${g === null ? 'null' : typeof g}.`);
      g.assertAlive(owner);
      v.assertAlive(owner);
      if (!shapesEqual(g.shape, v.shape)) {
        throw new ShapeError(`${owner}: the gradient for variable '${v.name}' has shape ${fmtShape(g.shape)} but the variable has shape ${fmtShape(v.shape)}; they must be equal.`);
      }
    });
    const step = this.nextStep();
    // The rule is the kernel's argument: made dynamic, a replayed graph gets its call's learning rate and step.
    const rule = this.updateRule(step) && ENGINE.dynamic(() => this.updateRule(this.nextStep())!);
    ENGINE.tidy(() => {
      const grads = this.clipGradients(gradsAndVars.map(([g, v]) => cast(g, v.dtype)));
      // One factor per dtype for all the variables, computed at every step (see stepScalar).
      const factors = new Map<DType, Tensor>();
      const factor = (dtype: DType): Tensor => factors.get(dtype) ?? factors.set(dtype, this.stepScalar('weightDecay', () => this.weightDecay! * this.currentLearningRate(), dtype)).get(dtype)!;
      const decayed = (v: Variable): Tensor => (this.weightDecay ? sub(v, mul(v, factor(v.dtype))) : v);
      if (rule) {
        // The slots follow from the hyperparameters, fixed at construction: named once, not on every step.
        const names = (this.slotNames ??= this.slotSpecs().map((s) => s.name));
        updateVariables(rule, gradsAndVars.map(([, v], i) => {
          const slots = this.slotsFor(v);
          return { variable: v, grad: grads[i]!, slots: names.map((n) => slots.get(n)!), from: decayed(v) };
        }));
        return;
      }
      gradsAndVars.forEach(([, v], i) => {
        const slotVars = this.slotsFor(v);
        const result = this.update(grads[i]!, decayed(v), Object.fromEntries(slotVars), step);
        v.assign(result.value);
        for (const [name, value] of Object.entries(result.slots ?? {})) slotVars.get(name)!.assign(value);
      });
    });
    // An effect, not a plain increment: a replayed graph counts its step too (and so moves schedules on).
    ENGINE.effect([], () => void this.iterationCount++);
  }

  /**
   * Computes the gradients of `loss` with respect to `variables` and applies them; returns the loss value.
   *
   * @example
   * for (let i = 0; i < 100; i++) opt.minimize(() => mean(square(sub(matMul(x, w), y))), [w]);
   */
  minimize(loss: () => Tensor, variables: readonly Variable[]): number {
    const { value, grads } = variableGrads(loss, variables);
    this.applyGradients(variables.map((v, i) => [grads[i]!, v] as const));
    const result = value.item();
    value.dispose();
    for (const g of grads) g.dispose();
    return result;
  }

  private clipGradients(grads: Tensor[]): Tensor[] {
    const { clipNorm, clipValue, globalClipNorm } = this;
    if (clipNorm !== undefined) {
      // g * c / max(|g|, c): unchanged when the norm is at most c (a zero gradient included).
      return grads.map((g) => mul(g, div(clipNorm, maximum(sqrt(sum(square(g))), clipNorm))));
    }
    if (globalClipNorm !== undefined) {
      // With ops, not read into JavaScript: the norm changes every step, and inside jit it is part of the graph.
      const norm = sqrt(grads.map((g) => sum(square(g))).reduce((acc, s) => add(acc, s)));
      // NOTE: a non-finite norm makes every gradient NaN rather than silently zero, as Keras does:
      // norm - norm is NaN for an infinite or NaN norm and 0 otherwise.
      const scale = add(div(globalClipNorm, maximum(norm, globalClipNorm)), sub(norm, norm));
      return grads.map((g) => mul(g, cast(scale, g.dtype)));
    }
    if (clipValue !== undefined) return grads.map((g) => clip(g, -clipValue, clipValue));
    return grads;
  }

  /** The slot variables of `v`, made on its first update (from state restored by `setWeights` when there is some). */
  private slotsFor(v: Variable): Map<string, Variable> {
    const existing = this.slots.get(v);
    if (existing) return existing.values;
    const taken = new Set([...this.slots.values()].map((s) => s.prefix));
    let prefix = v.name;
    for (let k = 1; taken.has(prefix); k++) prefix = `${v.name}_${k}`;
    const values = new Map<string, Variable>();
    for (const spec of this.slotSpecs()) {
      const key = `${prefix}/${spec.name}`;
      values.set(spec.name, this.takePending(key, v) ?? this.newSlot(key, v, spec.initialValue));
    }
    this.slots.set(v, { prefix, values });
    return values;
  }

  /**
   * A slot filled with `initialValue`. The fill tensor is freed at once, so that the slot owns its storage
   * from the first update on and is updated in place (a `jit` trace of that first step too).
   */
  private newSlot(key: string, v: Variable, initialValue: number): Variable {
    const initial = fill(v.shape, initialValue, v.dtype);
    const slot = variable(initial, { name: `${this.name}/${key}`, trainable: false });
    initial.dispose();
    return slot;
  }

  private takePending(key: string, v: Variable): Variable | undefined {
    const restored = this.pending.get(key);
    if (!restored) return undefined;
    if (!shapesEqual(restored.shape, v.shape)) {
      throw new ShapeError(
        `${this.constructor.name}: the restored state '${key}' has shape ${fmtShape(restored.shape)} but variable '${v.name}' has shape ${fmtShape(v.shape)}; the weights come from a different model.`,
      );
    }
    this.pending.delete(key);
    if (restored.dtype === v.dtype) return restored;
    const converted = variable(cast(restored, v.dtype), { name: restored.name, trainable: false });
    restored.dispose();
    return converted;
  }

  /**
   * The optimizer's state: `<name>/iterations` first, then every slot as
   * `<name>/<variable name>/<slot>` in order of the variables' first update. The tensors are
   * snapshots that belong to the caller.
   */
  getWeights(): NamedTensor[] {
    this.assertNotDisposed('getWeights');
    const out: NamedTensor[] = [{ name: `${this.name}/iterations`, tensor: scalar(this.iterationCount, 'int32') }];
    const snapshot = (key: string, v: Variable): NamedTensor => ({ name: `${this.name}/${key}`, tensor: reshape(v, v.shape) });
    for (const { prefix, values } of this.slots.values()) {
      for (const [slot, v] of values) out.push(snapshot(`${prefix}/${slot}`, v));
    }
    for (const [key, v] of this.pending) out.push(snapshot(key, v));
    return out;
  }

  /**
   * Restores state saved by `getWeights` (the optimizer name prefix may differ). Slots of
   * variables not updated yet are kept until their first update, so loading before training
   * resumes exactly where the saved optimizer stopped.
   */
  setWeights(weights: readonly NamedTensor[]): void {
    this.assertNotDisposed('setWeights');
    const owner = `${this.constructor.name}.setWeights`;
    for (const { name, tensor } of weights) {
      const slash = name.indexOf('/');
      if (slash < 0) throw new ValueError(`${owner}: weight name '${name}' should look like '<optimizer>/iterations' or '<optimizer>/<variable>/<slot>'.`);
      const key = name.slice(slash + 1);
      tensor.assertAlive(owner);
      if (key === 'iterations') {
        const n = tensor.item();
        this.iterationCount = checkNonNegativeInt(owner, 'iterations', n);
        continue;
      }
      const live = this.findSlot(key);
      if (live) {
        if (!shapesEqual(live.shape, tensor.shape)) {
          throw new ShapeError(`${owner}: '${name}' has shape ${fmtShape(tensor.shape)} but the optimizer's slot has shape ${fmtShape(live.shape)}.`);
        }
        ENGINE.tidy(() => live.assign(cast(tensor, live.dtype)));
      } else {
        this.pending.get(key)?.dispose();
        this.pending.set(key, variable(tensor, { name: `${this.name}/${key}`, trainable: false }));
      }
    }
  }

  private findSlot(key: string): Variable | undefined {
    for (const { prefix, values } of this.slots.values()) {
      if (key.startsWith(`${prefix}/`)) {
        const v = values.get(key.slice(prefix.length + 1));
        if (v) return v;
      }
    }
    return undefined;
  }

  /**
   * Frees every tensor the optimizer owns (its slot variables and restored state). The optimizer
   * cannot be used afterwards: `applyGradients`, `getWeights` and `setWeights` throw a
   * DisposedError. Calling it again does nothing. A model disposes its optimizer in its own
   * `dispose()`, and when `compile` replaces it.
   *
   * @example
   * const opt = new Adam();
   * opt.minimize(() => mean(square(w)), [w]);
   * opt.dispose(); // frees the two moment slots of w
   */
  dispose(): void {
    for (const { values } of this.slots.values()) for (const v of values.values()) v.dispose();
    for (const v of this.pending.values()) v.dispose();
    this.slots.clear();
    this.pending.clear();
    this.disposedFlag = true;
  }

  /** True once `dispose()` has run. */
  get isDisposed(): boolean {
    return this.disposedFlag;
  }

  private assertNotDisposed(what: string): void {
    if (!this.disposedFlag) return;
    throw new DisposedError(`${this.constructor.name} '${this.name}': cannot ${what}: the optimizer was disposed (by dispose(), by its model's dispose(), or when compile() replaced it). Create a new one.`);
  }

  /** The hyperparameters that rebuild this optimizer (without its state) through `deserializeOptimizer`. */
  getConfig(): OptimizerConfig {
    const optional = { clipNorm: this.clipNorm, clipValue: this.clipValue, globalClipNorm: this.globalClipNorm, weightDecay: this.weightDecay };
    return {
      name: this.name,
      learningRate: typeof this.lr === 'number' ? this.lr : serializeSchedule(this.lr),
      ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
      ...this.hyperparameters,
    };
  }
}

/** Turns a config's learning rate back into constructor form (a number or a schedule). */
export function learningRateFromConfig(value: OptimizerConfig[string] | undefined): number | LearningRateSchedule | undefined {
  if (value === undefined || typeof value === 'number') return value;
  if (typeof value === 'object' && value !== null && 'className' in value) return deserializeSchedule(value);
  throw new ValueError(`deserializeOptimizer: learningRate must be a number or a serialized schedule, got ${JSON.stringify(value)}.`);
}
