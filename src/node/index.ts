/**
 * Strata's Node entry point: everything in the browser-safe core, plus what needs Node
 * (files, the terminal). `import ... from 'strata'` resolves here under Node.
 */
import { setDefaultProgressDisplay } from '../callbacks/progbar-logger.js';
import { TerminalDisplay } from '../callbacks/node/terminal-display.js';
import { fileStore } from '../io/node/file-store.js';
import { setArtifactStore } from '../io/store.js';

setDefaultProgressDisplay(() => new TerminalDisplay());
setArtifactStore(fileStore);

export * from '../index.js';
export { CSVLogger, type CSVLoggerArgs } from '../callbacks/node/csv-logger.js';
export { TerminalDisplay } from '../callbacks/node/terminal-display.js';
/** Data set helpers, with MNIST and Fashion-MNIST loaded from disk or downloaded once (Node only). */
export * as datasets from '../datasets/node/index.js';
