/** setThreadsCount / getThreadsCount: threads belong to the wasm backend only. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NotFoundError, getThreadsCount, setBackend, setThreadsCount } from '../../../src/index.js';
import { WasmBackend, setWorkerSupport, type WorkerSupport } from '../../../src/backends/wasm/wasm-backend.js';

test('the cpu backend has one thread and refuses more', async () => {
  setBackend('cpu');
  assert.equal(getThreadsCount(), 1);
  await assert.rejects(setThreadsCount(2), NotFoundError);
});

test('the wasm backend without worker support (the browser entry point) runs on the calling thread', async () => {
  setBackend('wasm');
  await setThreadsCount(2);
  assert.equal(getThreadsCount(), 1);
  await assert.rejects(setThreadsCount(0), /positive integer/);
});

test('a worker that cannot start makes setThreadsCount reject, naming why, and leaves the calling thread working', async () => {
  const failing: WorkerSupport = { spawnWorker: (_init, failed) => { setTimeout(() => failed('no such file'), 0); return { terminate() {} }; }, defaultThreadCount: () => 1 };
  setWorkerSupport(failing);
  try {
    const backend = new WasmBackend({ sharedMemory: true });
    await assert.rejects(backend.setThreads(3), (e: Error) => e instanceof NotFoundError && /2 worker threads could not start \(no such file\); kernels run on the 1 that did/.test(e.message));
    assert.equal(backend.threads, 1);
  } finally {
    setWorkerSupport(undefined);
  }
});
