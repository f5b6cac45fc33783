/** Models: the functional Model, Sequential, and the summary table. */
export { Model, type ModelArgs, type ModelGraph } from './model.js';
export { Sequential, type SequentialArgs } from './sequential.js';
export { model, sequential } from './factories.js';
export { columnWidths, formatCount, kerasShape, readableBytes, renderTable, wrapText, type SummaryArgs, type TableSpec } from './summary.js';
