/** Every browser-safe callback (CSVLogger and the terminal display live in `node/`). */
export * from './callback.js';
export * from './early-stopping.js';
export * from './history.js';
export * from './learning-rate.js';
export * from './model-checkpoint.js';
export { Monitor, type MonitorMode } from './monitor.js';
export * from './progbar-logger.js';
export * from './terminate-on-nan.js';
