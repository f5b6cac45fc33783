/** Starting the wasm backend's worker threads in Node, and how many to start. */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ValueError } from '../../../core/errors.js';
import type { WorkerHandle, WorkerInit } from '../thread-pool.js';
import type { WorkerSupport } from '../wasm-backend.js';

/** Starts a worker thread serving kernel jobs (`failed` hears of one that cannot start); it does not keep the process alive. */
export function spawnWorker(init: WorkerInit, failed: (reason: string) => void): WorkerHandle {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: init });
  worker.on('error', (error) => failed(error.message));
  worker.unref();
  return worker;
}

/**
 * Threads to use: `STRATA_THREADS` if set, else one per core. A value that is not a whole number
 * from 1 to the cores available is an error rather than ignored: more threads than cores only
 * make the kernels' threads wait for each other.
 */
export function defaultThreadCount(): number {
  const cores = availableParallelism();
  const value = process.env['STRATA_THREADS'];
  if (value === undefined || value === '') return cores;
  const n = Number(value);
  if (/^\s*\d+\s*$/.test(value) && n >= 1 && n <= cores) return n;
  const problem = /^\s*\d+\s*$/.test(value) && n > cores ? `is more than the ${cores} core${cores === 1 ? '' : 's'} this process may use` : 'is not a positive whole number';
  throw new ValueError(`STRATA_THREADS='${value}' ${problem}; set it to a number from 1 to ${cores}, or unset it for one thread per core.`);
}

/** Node's way of running the wasm backend's threads, for `setWorkerSupport`. */
export const nodeWorkerSupport: WorkerSupport = { spawnWorker, defaultThreadCount };
