/** Learning-rate schedules: the learning rate as a function of the optimizer's step count, and their serialization. */
import { ValueError } from '../core/errors.js';
import { checkOptions, optionKeys } from '../core/options.js';
import { checkFinite, checkPositive } from '../core/validate.js';

/** The hyperparameters of a schedule, as plain JSON values. */
export interface ScheduleConfig {
  [key: string]: number | boolean | number[] | undefined;
}

/** A schedule as stored in a saved optimizer config: its registered class name and its hyperparameters. */
export interface SerializedSchedule {
  /** The registered class name ('ExponentialDecay'). */
  className: string;
  /** `getConfig()`'s output. */
  config: ScheduleConfig;
}

/**
 * Maps the optimizer's step count (`optimizer.iterations`, 0 before the first update) to a
 * learning rate. Subclass it for a custom schedule and register it with `registerSchedule` to
 * make optimizers using it serializable.
 *
 * @example
 * class InverseTime extends LearningRateSchedule {
 *   readonly className = 'InverseTime';
 *   call(step: number) { return 0.1 / (step + 1); }
 *   getConfig() { return {}; }
 * }
 */
export abstract class LearningRateSchedule {
  /** The name the schedule is registered and serialized under. */
  abstract readonly className: string;
  /** The learning rate at `step`. */
  abstract call(step: number): number;
  /** The hyperparameters that rebuild this schedule through its constructor. */
  abstract getConfig(): ScheduleConfig;
}

/** Options of `ExponentialDecay`. */
export interface ExponentialDecayArgs {
  /** The learning rate at step 0. */
  initialLearningRate: number;
  /** The number of steps over which the rate is multiplied by `decayRate` (positive). */
  decaySteps: number;
  /** The factor applied every `decaySteps` steps. */
  decayRate: number;
  /** Decay in whole periods (a step function) instead of continuously (default false). */
  staircase?: boolean;
}

/**
 * `initialLearningRate * decayRate ^ (step / decaySteps)`; with `staircase` the exponent is
 * rounded down, so the rate drops once every `decaySteps` steps.
 *
 * @example
 * const lr = new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 1000, decayRate: 0.96 });
 * const opt = new SGD({ learningRate: lr });
 */
export class ExponentialDecay extends LearningRateSchedule {
  readonly className = 'ExponentialDecay';
  /** The rate at step 0. */
  readonly initialLearningRate: number;
  /** The number of steps per decay period. */
  readonly decaySteps: number;
  /** The factor applied per decay period. */
  readonly decayRate: number;
  /** Whether the rate drops in whole periods. */
  readonly staircase: boolean;

  constructor(args: ExponentialDecayArgs) {
    super();
    checkOptions('ExponentialDecay', args, optionKeys<ExponentialDecayArgs>({ initialLearningRate: true, decaySteps: true, decayRate: true, staircase: true }));
    checkFinite('ExponentialDecay', 'initialLearningRate', args.initialLearningRate);
    checkPositive('ExponentialDecay', 'decaySteps', args.decaySteps);
    checkFinite('ExponentialDecay', 'decayRate', args.decayRate);
    this.initialLearningRate = args.initialLearningRate;
    this.decaySteps = args.decaySteps;
    this.decayRate = args.decayRate;
    this.staircase = args.staircase ?? false;
  }

  call(step: number): number {
    const p = step / this.decaySteps;
    return this.initialLearningRate * this.decayRate ** (this.staircase ? Math.floor(p) : p);
  }

  getConfig(): ScheduleConfig {
    return { initialLearningRate: this.initialLearningRate, decaySteps: this.decaySteps, decayRate: this.decayRate, staircase: this.staircase };
  }
}

/** Options of `PiecewiseConstantDecay`. */
export interface PiecewiseConstantDecayArgs {
  /** Strictly increasing step counts where the rate changes. */
  boundaries: number[];
  /** One more value than boundaries: the rate up to and including the first boundary, between each pair, and after the last. */
  values: number[];
}

/**
 * `values[0]` while step <= boundaries[0], `values[i]` while boundaries[i-1] < step <= boundaries[i],
 * and the last value after the last boundary.
 *
 * @example
 * new PiecewiseConstantDecay({ boundaries: [1000, 2000], values: [0.1, 0.01, 0.001] });
 */
export class PiecewiseConstantDecay extends LearningRateSchedule {
  readonly className = 'PiecewiseConstantDecay';
  /** The steps where the rate changes. */
  readonly boundaries: readonly number[];
  /** The rate in each interval. */
  readonly values: readonly number[];

  constructor(args: PiecewiseConstantDecayArgs) {
    super();
    checkOptions('PiecewiseConstantDecay', args, optionKeys<PiecewiseConstantDecayArgs>({ boundaries: true, values: true }));
    const { boundaries, values } = args;
    if (values.length !== boundaries.length + 1) {
      throw new ValueError(
        `PiecewiseConstantDecay: values must have one more entry than boundaries, got ${boundaries.length} boundaries [${boundaries.join(', ')}] and ${values.length} values [${values.join(', ')}].`,
      );
    }
    boundaries.forEach((b, i) => {
      checkFinite('PiecewiseConstantDecay', `boundaries[${i}]`, b);
      if (i > 0 && !(b > boundaries[i - 1]!)) throw new ValueError(`PiecewiseConstantDecay: boundaries must be strictly increasing, got [${boundaries.join(', ')}].`);
    });
    values.forEach((v, i) => checkFinite('PiecewiseConstantDecay', `values[${i}]`, v));
    this.boundaries = [...boundaries];
    this.values = [...values];
  }

  call(step: number): number {
    const i = this.boundaries.findIndex((b) => step <= b);
    return this.values[i === -1 ? this.boundaries.length : i]!;
  }

  getConfig(): ScheduleConfig {
    return { boundaries: [...this.boundaries], values: [...this.values] };
  }
}

/** Options of `CosineDecay`. */
export interface CosineDecayArgs {
  /** The learning rate at step 0 (the start of the warmup, or of the decay when there is none). */
  initialLearningRate: number;
  /** The number of steps the cosine decay lasts (positive). */
  decaySteps: number;
  /** The final rate as a fraction of the rate the decay starts from (default 0). */
  alpha?: number;
  /** If set, the rate first rises linearly from `initialLearningRate` to this value over `warmupSteps` steps. */
  warmupTarget?: number;
  /** The length of the warmup (default 0). */
  warmupSteps?: number;
}

/**
 * Cosine decay, with an optional linear warmup. With `start` the rate at the end of the warmup
 * (or `initialLearningRate`) and `s` the steps since then, capped at `decaySteps`:
 * `start * ((1 - alpha) * 0.5 * (1 + cos(pi * s / decaySteps)) + alpha)`.
 *
 * @example
 * new CosineDecay({ initialLearningRate: 0, warmupTarget: 0.1, warmupSteps: 100, decaySteps: 1000 });
 */
export class CosineDecay extends LearningRateSchedule {
  readonly className = 'CosineDecay';
  /** The rate at step 0. */
  readonly initialLearningRate: number;
  /** The number of steps the decay lasts. */
  readonly decaySteps: number;
  /** The final rate as a fraction of the starting one. */
  readonly alpha: number;
  /** The rate reached at the end of the warmup, if there is one. */
  readonly warmupTarget: number | undefined;
  /** The length of the warmup. */
  readonly warmupSteps: number;

  constructor(args: CosineDecayArgs) {
    super();
    checkOptions('CosineDecay', args, optionKeys<CosineDecayArgs>({ initialLearningRate: true, decaySteps: true, alpha: true, warmupTarget: true, warmupSteps: true }));
    checkFinite('CosineDecay', 'initialLearningRate', args.initialLearningRate);
    checkPositive('CosineDecay', 'decaySteps', args.decaySteps);
    this.initialLearningRate = args.initialLearningRate;
    this.decaySteps = args.decaySteps;
    this.alpha = args.alpha ?? 0;
    this.warmupTarget = args.warmupTarget;
    this.warmupSteps = args.warmupSteps ?? 0;
    checkFinite('CosineDecay', 'alpha', this.alpha);
    if (this.warmupTarget !== undefined) checkFinite('CosineDecay', 'warmupTarget', this.warmupTarget);
    if (!(this.warmupSteps >= 0)) throw new ValueError(`CosineDecay: warmupSteps must be >= 0, got ${this.warmupSteps}.`);
  }

  call(step: number): number {
    const decayFrom = this.warmupTarget ?? this.initialLearningRate;
    const warmup = this.warmupTarget === undefined ? 0 : this.warmupSteps;
    if (step < warmup) return this.initialLearningRate + ((decayFrom - this.initialLearningRate) * step) / warmup;
    const fraction = Math.min(step - warmup, this.decaySteps) / this.decaySteps;
    return decayFrom * ((1 - this.alpha) * 0.5 * (1 + Math.cos(Math.PI * fraction)) + this.alpha);
  }

  getConfig(): ScheduleConfig {
    return {
      initialLearningRate: this.initialLearningRate,
      decaySteps: this.decaySteps,
      alpha: this.alpha,
      warmupTarget: this.warmupTarget,
      warmupSteps: this.warmupSteps,
    };
  }
}

type ScheduleClass = new (config: never) => LearningRateSchedule;

const scheduleRegistry = new Map<string, ScheduleClass>([
  ['ExponentialDecay', ExponentialDecay],
  ['PiecewiseConstantDecay', PiecewiseConstantDecay],
  ['CosineDecay', CosineDecay],
]);

/** Makes a custom schedule class rebuildable from a saved config, under its `className`. */
export function registerSchedule(className: string, cls: new (config: never) => LearningRateSchedule): void {
  scheduleRegistry.set(className, cls);
}

/** The JSON form of a schedule: `{className, config}`. */
export function serializeSchedule(schedule: LearningRateSchedule): SerializedSchedule {
  return { className: schedule.className, config: schedule.getConfig() };
}

/** Rebuilds a schedule from `serializeSchedule`'s output. */
export function deserializeSchedule(serialized: SerializedSchedule): LearningRateSchedule {
  const cls = scheduleRegistry.get(serialized.className);
  if (!cls) {
    throw new ValueError(
      `deserializeSchedule: unknown schedule class '${serialized.className}'; known: ${[...scheduleRegistry.keys()].join(', ')}. Register custom schedules with registerSchedule().`,
    );
  }
  return new cls(serialized.config as never);
}
