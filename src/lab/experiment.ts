/**
 * What an experiment of `strata lab` is: a claim of the lesson, run. An experiment trains and
 * measures through a {@link LabContext} (which hands it data and draws its figures), and returns a
 * {@link LabReport} whose every `holds` is computed from what the run measured.
 */
import type { Tensor } from '../core/tensor.js';
import type { FigureSpec } from './figure.js';

/** A value a report may carry: what JSON can hold. */
export type LabValue = number | string | boolean | null | LabValue[] | { [key: string]: LabValue };

/** One claim of the lesson and what the run found. */
export interface LabClaim {
  /** The claim in words, as the lesson states it. */
  claim: string;
  /** Whether the run's figures bear it out, computed from them. */
  holds: boolean;
  /** The measured numbers the verdict rests on (accuracies, norms, counts, ...). */
  figures: Record<string, LabValue>;
}

/** What an experiment returns: its claims, its findings, its setup, and any further top-level figures. */
export interface LabOutcome {
  /** Each claim with its verdict and figures. */
  claims: LabClaim[];
  /** The findings in words, one sentence a line, in the order a reader should meet them. */
  findings: string[];
  /** The sizes the run used: images trained on and tested on, epochs, and whether `--full` was on. */
  setup: Record<string, LabValue>;
  /** Files the experiment wrote itself (figures drawn through the context are listed by the runner). */
  plots?: string[];
  /** Further top-level figures an experiment reports (the neuron experiment's `accuracy`, ...). */
  [extra: string]: LabValue | LabClaim[] | undefined;
}

/** What one run of an experiment found: printed in words, or as one JSON document with `--json`. */
export interface LabReport extends LabOutcome {
  /** The experiment's name. */
  experiment: string;
  /** The files of the plots drawn (PNG and SVG of each). */
  plots: string[];
}

/** Fashion-MNIST as the experiments use it: images scaled to [0, 1], labels as class ids. */
export interface LabImages {
  /** Training images, [n, 28, 28] float32 in [0, 1]. */
  xTrain: Tensor;
  /** Training labels, [n] int32 class ids 0–9. */
  yTrain: Tensor;
  /** Test images, [m, 28, 28]. */
  xTest: Tensor;
  /** Test labels, [m]. */
  yTest: Tensor;
  /** The name of each class, by id. */
  classNames: readonly string[];
}

/** The sizes a user (or a test) asked for; an experiment fills in its own defaults for what is absent. */
export interface LabSizes {
  /** Training images. */
  trainSize?: number;
  /** Test images. */
  testSize?: number;
  /** Epochs of each training run. */
  epochs?: number;
}

/** What an experiment runs with: the data, the options, and a place to draw figures. */
export interface LabContext {
  /** `--full`: the slow, exact version (the whole data set, more epochs) instead of the minute-long one. */
  readonly full: boolean;
  /** Sizes the caller chose; each undefined one takes the experiment's default. */
  readonly sizes: LabSizes;
  /** Seed of weights, shuffling and sampling. */
  readonly seed: number;
  /** Fashion-MNIST, the first `trainSize` training and `testSize` test images (loaded once, kept). */
  fashionMnist(trainSize: number, testSize: number): Promise<LabImages>;
  /**
   * Draws a figure as `<name>.png` and `<name>.svg` in the output directory and returns the two
   * paths (they are added to the report's `plots` by the runner as well).
   */
  figure(name: string, spec: FigureSpec): Promise<string[]>;
  /** A progress line for the person waiting (standard error), never part of the report. */
  log(line: string): void;
  /**
   * Runs a Python snippet with the peers' interpreter (`.venv-peers`, where Keras, scikit-learn …
   * are installed) and returns its standard output, or `undefined` with the reason logged when no
   * such interpreter or module is available. Node only; in a browser it always gives `undefined`.
   */
  python?(code: string, input?: string): Promise<string | undefined>;
}

/** An experiment of the lab: one claim (or a family of claims) of the lesson. */
export interface Experiment {
  /** The name `strata lab NAME` takes. */
  name: string;
  /** One line for `strata lab --list`. */
  summary: string;
  /** The guide page that explains it (docs/lab/NAME.md). */
  guide: string;
  /** Runs it and reports; `holds` computed from the run. */
  run(ctx: LabContext): Promise<LabOutcome>;
}
