/** The public functions for the wasm backend's threads. */
import { ENGINE } from '../../core/engine.js';
import { NotFoundError } from '../../core/errors.js';
import { WasmBackend } from './wasm-backend.js';

/**
 * Sets how many threads run the wasm backend's kernels (the calling thread included) and resolves
 * once they run. The default is `STRATA_THREADS`, else one per core. Only the wasm backend has threads.
 *
 * @example
 * await setThreadsCount(1); // single-threaded, e.g. to share the machine
 */
export async function setThreadsCount(threads: number): Promise<void> {
  const backend = ENGINE.activeBackend();
  if (!(backend instanceof WasmBackend)) {
    throw new NotFoundError(`setThreadsCount: the current backend '${backend.name}' has no threads; only 'wasm' does. Call setBackend('wasm') first.`);
  }
  await backend.setThreads(threads);
}

/** Threads that run the current backend's kernels, the calling one included (1 for backends without threads). */
export function getThreadsCount(): number {
  const backend = ENGINE.activeBackend();
  return backend instanceof WasmBackend ? backend.threads : 1;
}
