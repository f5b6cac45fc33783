/** The lab in Node: the browser-safe part, plus running an experiment with its figures drawn to files. */
export * from '../index.js';
export { runExperiment, type RunExperimentArgs } from './run-experiment.js';
export { renderFigure, type RenderedFigure } from './render-figure.js';
export { buildPlayground, PLAYGROUND_HEADERS, servePlayground, type PlaygroundDataArgs, type PlaygroundServer, type PlaygroundServerArgs } from './playground-server.js';
