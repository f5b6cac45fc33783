/**
 * Strata's Node entry point: everything in the browser-safe core, plus what needs Node
 * (files, the terminal). `import ... from 'strata'` resolves here under Node.
 */
import { setDefaultProgressDisplay } from '../callbacks/progbar-logger.js';
import { TerminalDisplay } from '../callbacks/node/terminal-display.js';
import { nodeWorkerSupport } from '../backends/wasm/node/spawn-worker.js';
import { setWorkerSupport } from '../backends/wasm/wasm-backend.js';
import { fileStore } from '../io/node/file-store.js';
import { setArtifactStore } from '../io/store.js';
import { setEventSinkFactory } from '../board/event-sink.js';
import { fileEventSink } from '../board/node/event-file.js';
import { setCacheFiles } from '../data/snapshot.js';
import { fileCaches } from '../data/node/cache-file.js';

setDefaultProgressDisplay(() => new TerminalDisplay());
setArtifactStore(fileStore);
// The wasm backend's kernels run on worker threads too (STRATA_THREADS, else one per core).
setWorkerSupport(nodeWorkerSupport);
setEventSinkFactory(fileEventSink);
setCacheFiles(fileCaches);

export * from '../index.js';
export { CSVLogger, type CSVLoggerArgs } from '../callbacks/node/csv-logger.js';
export { TerminalDisplay } from '../callbacks/node/terminal-display.js';
export { runBoard, type Board, type BoardArgs } from '../board/node/server.js';
export { LogDirectory, type LogDirectoryArgs } from '../board/node/log-dir.js';
export { fileEventSink } from '../board/node/event-file.js';
export { plotRun, type PlotArgs, type PlotResult } from '../board/node/plot.js';
/** Data set helpers, with MNIST and Fashion-MNIST loaded from disk or downloaded once (Node only). */
export * as datasets from '../datasets/node/index.js';
/** The data pipeline, with CSV files streamed from disk, image folders and file caches (Node only). */
export * as data from '../data/node/index.js';
/** `strata lab`: the lesson's claims as experiments, run on Fashion-MNIST with their plots (Node only). */
export * as lab from '../lab/node/index.js';
