/** The public functions for choosing and adding backends. */
import type { Backend } from './backend.js';
import { ENGINE } from './engine.js';

/** Makes the named backend (`'cpu'`, or `'wasm'` where available) the one every op runs on. */
export function setBackend(name: string): void {
  ENGINE.setBackend(name);
}

/** The backend ops currently run on. */
export function getBackend(): Backend {
  return ENGINE.activeBackend();
}

/**
 * Registers a backend under `name`; the registered backend with the highest `priority` is the
 * default. This is how a faster backend plugs in without changes to ops or layers.
 */
export function registerBackend(name: string, factory: () => Backend, priority = 0): void {
  ENGINE.registerBackend(name, factory, priority);
}
