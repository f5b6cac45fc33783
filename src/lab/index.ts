/** The lab's browser-safe part: what an experiment is, its figures as data, and the experiments. */
export type { Experiment, LabClaim, LabContext, LabImages, LabOutcome, LabReport, LabSizes, LabValue } from './experiment.js';
export type { BarsFigure, FigureSpec, HeatmapFigure, ImagesFigure, LinesFigure } from './figure.js';
export { EXPERIMENTS as experiments } from './experiments/index.js';
export { LESSON_MODELS, lessonModel, type LessonModelName } from './lesson-models.js';
export { splitToyData, TOY_SETS, toyData, type ToyData, type ToyDataArgs, type ToySetName } from './toy-data.js';
