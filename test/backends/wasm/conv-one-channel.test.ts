/** The wasm backend's direct convolution of 1-channel images (a first layer on grey images) against the reference cpu backend. */
import { test } from 'node:test';
import { CpuBackend } from '../../../src/backends/cpu/cpu-backend.js';
import { nodeWorkerSupport } from '../../../src/backends/wasm/node/spawn-worker.js';
import { WasmBackend, setWorkerSupport } from '../../../src/backends/wasm/wasm-backend.js';
import type { Backend, Pads, Pair, TensorInfo } from '../../../src/core/backend.js';
import { RandomGenerator } from '../../../src/core/random.js';
import { assertClose } from '../../helpers/grad-check.js';

const cpu = new CpuBackend();

/** Seeded values in [-1, 1), `special` placed first. */
function tensor(b: Backend, shape: number[], seed: number, special: number[] = []): TensorInfo {
  const random = new RandomGenerator(seed);
  const values = Float32Array.from({ length: shape.reduce((a, n) => a * n, 1) }, (_, i) => special[i] ?? 2 * random.uniform() - 1);
  return { dataId: b.write(values, shape, 'float32'), shape, dtype: 'float32' };
}

interface Case {
  x: number[];
  k: Pair;
  cout: number;
  strides: Pair;
  pads: Pads;
  dilations: Pair;
  /** Values the input starts with (zeros, NaN, infinities), and the filter. */
  xSpecial?: number[];
  fSpecial?: number[];
}

// The lesson's first layer, output channels past a multiple of 32, strides, dilations, wide and asymmetric
// padding, windows that are not square; zeros under a NaN tap, infinities in the input.
const cases: Case[] = [
  { x: [32, 28, 28, 1], k: [3, 3], cout: 32, strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1] },
  { x: [2, 9, 7, 1], k: [3, 3], cout: 36, strides: [2, 1], pads: [2, 2, 2, 2], dilations: [2, 2] },
  { x: [1, 5, 6, 1], k: [2, 3], cout: 4, strides: [1, 2], pads: [0, 1, 0, 1], dilations: [1, 1] },
  { x: [3, 4, 4, 1], k: [5, 5], cout: 8, strides: [1, 1], pads: [3, 2, 1, 4], dilations: [1, 1] },
  { x: [1, 4, 4, 1], k: [3, 3], cout: 4, strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1], xSpecial: [0, 0, 0, 0, Infinity, -Infinity], fSpecial: [NaN] },
];

function check(b: Backend, c: Case, seed: number): void {
  const run = (k: Backend): TensorInfo => k.conv2d(tensor(k, c.x, seed, c.xSpecial), tensor(k, [c.k[0], c.k[1], 1, c.cout], seed + 1, c.fSpecial), c.strides, c.pads, c.dilations, 1);
  // Sums of at most 25 float32 products: well within 1e-6 of outputs of order 1.
  assertClose(b.read(run(b).dataId), cpu.read(run(cpu).dataId), 1e-6, `conv2d x ${c.x} k ${c.k} cout ${c.cout} strides ${c.strides} pads ${c.pads} dilations ${c.dilations}`);
}

test('conv2d of 1-channel images matches the reference (NaN and infinities included)', () => {
  const wasm = new WasmBackend();
  cases.forEach((c, i) => check(wasm, c, 10 + 3 * i));
});

test('split across two threads by images', async () => {
  setWorkerSupport(nodeWorkerSupport);
  const threaded = new WasmBackend({ threads: 2 });
  await threaded.setThreads(2);
  check(threaded, { x: [7, 28, 28, 1], k: [3, 3], cout: 32, strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1] }, 40);
  await threaded.setThreads(1);
});
