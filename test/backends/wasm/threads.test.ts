/**
 * The wasm backend's matrix products on 1 and 2 threads against the reference, for each way the pool
 * splits them (rows of C, ranges of k, not at all), and the hand-off between the calling thread and a
 * worker that polls for its next job, sleeps, and is woken again.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { CpuBackend } from '../../../src/backends/cpu/cpu-backend.js';
import { nodeWorkerSupport } from '../../../src/backends/wasm/node/spawn-worker.js';
import { MIN_PARALLEL_WORK } from '../../../src/backends/wasm/thread-pool.js';
import { WasmBackend, setWorkerSupport } from '../../../src/backends/wasm/wasm-backend.js';
import type { Backend, TensorInfo } from '../../../src/core/backend.js';
import { assertClose } from '../../helpers/grad-check.js';

setWorkerSupport(nodeWorkerSupport);
const cpu = new CpuBackend();
const backends = [1, 2].map((threads) => ({ threads, wasm: new WasmBackend({ threads }) }));
after(() => backends.forEach(({ wasm }) => void wasm.setThreads(1)));

/** Values in [-1, 1) from a small seeded generator. */
function uniform(length: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 4294967296) * 2 - 1;
  });
}

/** A·B (with either operand stored transposed) on `b`, read back. */
function product(b: Backend, m: number, k: number, n: number, transposeA: boolean, transposeB: boolean, seed: number): Float32Array {
  const shapes = [transposeA ? [k, m] : [m, k], transposeB ? [n, k] : [k, n]];
  const [a, bb] = shapes.map((shape, i): TensorInfo => ({ dataId: b.write(uniform(shape[0]! * shape[1]!, seed + i), shape, 'float32'), shape, dtype: 'float32' }));
  return b.read(b.matMul(a!, bb!, transposeA, transposeB, []).dataId) as Float32Array;
}

// [m, k, n, transposeA, transposeB, what]
const cases: [number, number, number, boolean, boolean, string][] = [
  [32, 784, 100, false, false, "the MLP's first layer (deep: split by k)"],
  [784, 32, 100, true, false, "the MLP's weight gradient, xᵀ·dy (split by rows)"],
  [32, 100, 784, false, true, "the MLP's input gradient, dy·Wᵀ (split by rows)"],
  [130, 128, 121, false, false, 'ragged: rows and columns not multiples of the 4×8 tile'],
  [2000, 40, 30, false, false, 'tall and narrow'],
  [8, 300, 900, false, false, 'wide: two row tiles only'],
  [6, 9001, 37, true, false, 'deep, shorter than one tile'],
  [32, 100, 10, false, false, 'tiny: below the threshold, on one thread'],
  [1, 5000, 3, false, false, 'one row'],
];

describe('matMul on 1 and 2 threads matches the reference', () => {
  test('the split threshold lets the MLP\'s products use both threads and keeps its small ones on one', () => {
    assert.ok(32 * 784 * 100 >= MIN_PARALLEL_WORK);
    assert.ok(32 * 100 * 10 < MIN_PARALLEL_WORK);
  });
  for (const [m, k, n, tA, tB, what] of cases) {
    test(`${m}×${k}×${n}: ${what}`, async () => {
      const want = product(cpu, m, k, n, tA, tB, 5);
      for (const { threads, wasm } of backends) {
        await wasm.setThreads(threads);
        assert.equal(wasm.threads, threads);
        // Sums of k products of values in [-1, 1]: float32 rounding grows at most ~k·2⁻²⁴ relative.
        assertClose(product(wasm, m, k, n, tA, tB, 5), want, 2e-7 * k, `${m}×${k}×${n} on ${threads} threads`);
      }
    });
  }
});

describe('the hand-off to a worker', () => {
  test('products posted back to back, and after the worker has gone to sleep, give the reference result', async () => {
    const { wasm } = backends[1]!;
    await wasm.setThreads(2);
    const want = product(cpu, 784, 32, 100, true, false, 9);
    // Back to back: the worker takes each job while polling for it.
    for (let i = 0; i < 50; i++) assertClose(product(wasm, 784, 32, 100, true, false, 9), want, 2e-7 * 32, `call ${i}, back to back`);
    // After a pause far longer than a worker polls: it sleeps in Atomics.wait and must be woken.
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      assertClose(product(wasm, 784, 32, 100, true, false, 9), want, 2e-7 * 32, `call ${i} after a pause`);
    }
  });
});
