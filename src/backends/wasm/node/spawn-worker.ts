/** Starting the wasm backend's worker threads in Node, and how many to start. */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { WorkerHandle, WorkerInit } from '../thread-pool.js';
import type { WorkerSupport } from '../wasm-backend.js';

/** Starts a worker thread serving kernel jobs; it does not keep the process alive. */
export function spawnWorker(init: WorkerInit): WorkerHandle {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: init });
  worker.unref();
  return worker;
}

/** Threads to use: `STRATA_THREADS` if set, else one per core. */
export function defaultThreadCount(): number {
  const requested = Number(process.env['STRATA_THREADS']);
  return Number.isInteger(requested) && requested >= 1 ? requested : availableParallelism();
}

/** Node's way of running the wasm backend's threads, for `setWorkerSupport`. */
export const nodeWorkerSupport: WorkerSupport = { spawnWorker, defaultThreadCount };
