/** setThreadsCount / getThreadsCount: threads belong to the wasm backend only. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NotFoundError, getThreadsCount, setBackend, setThreadsCount } from '../../../src/index.js';

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
