/**
 * Throughput of the wasm backend's convolution and pooling kernels on the lesson CNN's shapes (batch 32,
 * one thread unless --threads says otherwise): float32 GFLOP/s of conv2d and its two gradients (2·rows·depth·cout
 * flops each, zeros counted: the direct form's count, also for the second layer's calls, which Winograd computes
 * with 2.25× fewer multiplications), microseconds per call of pooling. Inputs are half zeros, as behind relu.
 *
 * Usage: node dist/bench/conv.js [--threads=1]
 */
import { nodeWorkerSupport } from '../src/backends/wasm/node/spawn-worker.js';
import { WasmBackend, setWorkerSupport } from '../src/backends/wasm/wasm-backend.js';
import type { TensorInfo } from '../src/core/backend.js';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('='))) as Record<string, string | undefined>;
const threads = Number(args['threads'] ?? 1);

/** Median seconds per call over 5 trials of enough calls to last ~0.2 s. */
function secondsPerCall(run: () => void): number {
  run();
  let t = performance.now();
  run();
  const calls = Math.max(1, Math.floor(0.2 / Math.max((performance.now() - t) / 1000, 1e-7)));
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    t = performance.now();
    for (let r = 0; r < calls; r++) run();
    times.push((performance.now() - t) / 1000 / calls);
  }
  return times.sort((a, b) => a - b)[2]!;
}

/** Random values in [-1, 1), about half of them replaced by 0 (as behind relu). */
function halfZeros(b: WasmBackend, shape: number[]): TensorInfo {
  const values = Float32Array.from({ length: shape.reduce((a, c) => a * c, 1) }, () => Math.max(0, Math.random() * 2 - 1));
  return { dataId: b.write(values, shape, 'float32'), shape, dtype: 'float32' };
}

async function main(): Promise<void> {
  setWorkerSupport(nodeWorkerSupport);
  const b = new WasmBackend();
  await b.setThreads(threads);
  const rows: string[] = [`threads: ${threads}`, '', '| call | shape | ms per call | GFLOP/s |', '|---|---|---|---|'];
  const same = [1, 1, 1, 1] as const;
  const one = [1, 1] as const;
  const run = (call: () => TensorInfo): number => secondsPerCall(() => b.disposeData(call().dataId));
  for (const [h, cin, cout] of [[28, 1, 32], [14, 32, 64]] as const) {
    const x = halfZeros(b, [32, h, h, cin]);
    const f = halfZeros(b, [3, 3, cin, cout]);
    const dy = halfZeros(b, [32, h, h, cout]);
    const flops = 2 * 32 * h * h * 9 * cin * cout;
    const shape = `x [32, ${h}, ${h}, ${cin}], 3×3×${cin}×${cout}, same`;
    const calls: [string, () => TensorInfo][] = [
      ['conv2d', () => b.conv2d(x, f, one, same, one, 1)],
      ['conv2dBackpropInput', () => b.conv2dBackpropInput(dy, f, x.shape, one, same, one, 1)],
      ['conv2dBackpropFilter', () => b.conv2dBackpropFilter(x, dy, f.shape, one, same, one, 1)],
    ];
    for (const [name, call] of calls) {
      const sec = run(call);
      rows.push(`| ${name} | ${shape} | ${(sec * 1e3).toFixed(2)} | ${(flops / sec / 1e9).toFixed(1)} |`);
    }
  }
  for (const [h, c] of [[28, 32], [14, 64]] as const) {
    const x = halfZeros(b, [32, h, h, c]);
    const dy = halfZeros(b, [32, h / 2, h / 2, c]);
    const pool = [2, 2] as const;
    const none = [0, 0, 0, 0] as const;
    rows.push(`| pool2d max 2×2 | x [32, ${h}, ${h}, ${c}] | ${(run(() => b.pool2d(x, 'max', pool, pool, none)) * 1e3).toFixed(2)} | |`);
    rows.push(`| maxPool2dGrad 2×2 | x [32, ${h}, ${h}, ${c}] | ${(run(() => b.maxPool2dGrad(dy, x, pool, pool, none)) * 1e3).toFixed(2)} | |`);
  }
  console.log(rows.join('\n'));
  process.exit(0);
}

await main();
