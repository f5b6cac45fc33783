/** The entry point of a Node worker thread of the wasm backend: instantiates the kernels and serves jobs. */
import { workerData } from 'node:worker_threads';
import { instantiateKernels } from '../kernels-module.js';
import { serveJobs, type WorkerInit } from '../thread-pool.js';

const init = workerData as WorkerInit;
serveJobs(instantiateKernels(init.module, init.memory), init.memory, init.slot);
