/** Weight initializers: the classes, Keras-named factories, and lookup by name or config. */
import { Constant, Ones, Zeros, type ConstantArgs } from './constant.js';
import { Orthogonal, type OrthogonalArgs } from './orthogonal.js';
import { RandomNormal, RandomUniform, TruncatedNormal, type RandomNormalArgs, type RandomUniformArgs, type SeedArgs } from './random.js';
import {
  GlorotNormal, GlorotUniform, HeNormal, HeUniform, LecunNormal, LecunUniform, VarianceScaling, type VarianceScalingArgs,
} from './variance-scaling.js';

export { Initializer, computeFans } from './initializer.js';
export { Constant, Ones, Zeros, type ConstantArgs } from './constant.js';
export { RandomInitializer, RandomNormal, RandomUniform, TruncatedNormal, type RandomNormalArgs, type RandomUniformArgs, type SeedArgs } from './random.js';
export {
  GlorotNormal, GlorotUniform, HeNormal, HeUniform, LecunNormal, LecunUniform, VarianceScaling,
  type FanMode, type ScalingDistribution, type VarianceScalingArgs,
} from './variance-scaling.js';
export { Orthogonal, type OrthogonalArgs } from './orthogonal.js';
export { getInitializer, registerInitializer, serializeInitializer, type InitializerClass, type InitializerIdentifier } from './get-initializer.js';

/** Zeros. */
export const zeros = (): Zeros => new Zeros();
/** Ones. */
export const ones = (): Ones => new Ones();
/** A constant value (default 0). */
export const constant = (args: ConstantArgs = {}): Constant => new Constant(args);
/** N(mean, stddev²) with Keras's defaults mean 0, stddev 0.05. */
export const randomNormal = (args: RandomNormalArgs = {}): RandomNormal => new RandomNormal(args);
/** U[minval, maxval) with Keras's defaults -0.05, 0.05. */
export const randomUniform = (args: RandomUniformArgs = {}): RandomUniform => new RandomUniform(args);
/** Normal truncated at two standard deviations (defaults mean 0, stddev 0.05). */
export const truncatedNormal = (args: RandomNormalArgs = {}): TruncatedNormal => new TruncatedNormal(args);
/** Variance scaling (defaults: scale 1, fanIn, truncatedNormal). */
export const varianceScaling = (args: VarianceScalingArgs = {}): VarianceScaling => new VarianceScaling(args);
/**
 * Glorot uniform, Keras's default kernel initializer.
 *
 * @example
 * new Dense({ units: 10, kernelInitializer: initializers.glorotUniform({ seed: 42 }) });
 */
export const glorotUniform = (args: SeedArgs = {}): GlorotUniform => new GlorotUniform(args);
/** Glorot normal (truncated). */
export const glorotNormal = (args: SeedArgs = {}): GlorotNormal => new GlorotNormal(args);
/** He normal (truncated). */
export const heNormal = (args: SeedArgs = {}): HeNormal => new HeNormal(args);
/** He uniform. */
export const heUniform = (args: SeedArgs = {}): HeUniform => new HeUniform(args);
/** LeCun normal (truncated). */
export const lecunNormal = (args: SeedArgs = {}): LecunNormal => new LecunNormal(args);
/** LeCun uniform. */
export const lecunUniform = (args: SeedArgs = {}): LecunUniform => new LecunUniform(args);
/** Orthogonal matrix times gain (default 1). */
export const orthogonal = (args: OrthogonalArgs = {}): Orthogonal => new Orthogonal(args);
