/** The entry point of a Web Worker of the wasm backend: instantiates the kernels from its first message, then serves jobs. */
import { instantiateKernels } from '../kernels-module.js';
import { serveJobs, type WorkerInit } from '../thread-pool.js';

const scope = globalThis as unknown as { onmessage: ((event: MessageEvent<WorkerInit>) => void) | null };
scope.onmessage = (event) => {
  scope.onmessage = null;
  const init = event.data;
  serveJobs(instantiateKernels(init.module, init.memory), init.memory, init.slot);
};
