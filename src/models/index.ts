/** Models: the functional Model, Sequential, and the summary table. */
export { Model, type BuildConfig, type ModelArgs } from './model.js';
export type { ModelGraph } from './functional.js';
export { Trainer, type StepLogs, type StepTensors } from './trainer.js';
export { Sequential, type SequentialArgs } from './sequential.js';
export { model, sequential } from './factories.js';
export { columnWidths, defaultPositions, formatCount, formulaText, kerasShape, readableBytes, renderTable, wrapText, type SummaryArgs, type TableSpec } from './summary.js';
