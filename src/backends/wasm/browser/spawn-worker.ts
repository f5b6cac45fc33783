/** Starting the wasm backend's threads as Web Workers in a browser, and how many to start. */
import type { WorkerHandle, WorkerInit } from '../thread-pool.js';
import type { WorkerSupport } from '../wasm-backend.js';

/**
 * Starts a module Web Worker serving kernel jobs; it receives the compiled kernels, the shared memory
 * and its control slot in its first message; `failed` hears of a worker that cannot start. Vite and
 * webpack follow the `new URL('./worker.js', import.meta.url)` pattern and emit the worker's file;
 * esbuild leaves it as it is, so Strata's browser build (scripts/build-browser.mjs) emits the worker as
 * worker.js beside the module that starts it.
 */
export function spawnWorker(init: WorkerInit, failed: (reason: string) => void): WorkerHandle {
  // The URL stays inside `new Worker(...)`: that is the form bundlers look for.
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: `strata-wasm-${init.slot}` });
  // A worker file that cannot be fetched or run gives an event without a message.
  worker.addEventListener('error', (event) => failed((event as Partial<ErrorEvent>).message || 'worker.js could not be loaded'));
  worker.postMessage(init);
  return worker;
}

/** Threads to use: one per logical core the browser reports. */
export function defaultThreadCount(): number {
  return navigator.hardwareConcurrency || 1;
}

/**
 * True where Web Workers can share the backend's memory: pages served cross-origin isolated (with the
 * headers `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`).
 */
export function browserWorkersAvailable(): boolean {
  return typeof Worker === 'function' && typeof SharedArrayBuffer === 'function' && globalThis.crossOriginIsolated === true;
}

/** A browser's way of running the wasm backend's threads, for `setWorkerSupport`. */
export const browserWorkerSupport: WorkerSupport = { spawnWorker, defaultThreadCount };
