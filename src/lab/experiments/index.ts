/** Every experiment of `strata lab`, in the order `--list` shows them (the lesson's order). */
import type { Experiment } from '../experiment.js';
import { activationsExperiment } from './activations.js';
import { depth } from './depth.js';
import { linearCollapse } from './linear-collapse.js';
import { params } from './params.js';
import { prediction } from './prediction.js';

/** The experiments by name. */
export const EXPERIMENTS: readonly Experiment[] = [
  params,
  linearCollapse,
  depth,
  activationsExperiment,
  prediction,
];
