/**
 * matMul throughput (float32 GFLOP/s) of Strata's wasm backend on 1 and 2 threads, side by side with
 * TensorFlow.js 4.22's wasm and cpu backends in the same process, measured the way
 * shared/peers/tfjs_gemm.js measures the peers: per case one warm-up call, then 5 trials (3 when a
 * trial takes over 5 s) of enough calls to last at least 0.25 s, each call reading its result back.
 *
 * Usage: node dist/bench/matmul.js [--peers=wasm,cpu] [--json]
 */
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import * as strata from '../src/index.js';

const require = createRequire(import.meta.url);
const tf = require('@tensorflow/tfjs') as typeof import('@tensorflow/tfjs');
require('@tensorflow/tfjs-backend-wasm');

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('='))) as Record<string, string | undefined>;
const peers = (args['peers'] ?? 'wasm,cpu').split(',').filter(Boolean);

/** [m, k, n]: the lesson's MLP layers, square products, and the lesson's first convolution as a GEMM. */
const cases: [number, number, number][] = [[32, 784, 100], [32, 100, 10], [256, 256, 256], [1024, 1024, 1024], [25088, 288, 64]];

interface Stats {
  median: number;
  min: number;
  max: number;
  callsPerTrial: number;
  trials: number;
}

function measure(run: () => void, flops: number): Stats {
  run();
  let t = performance.now();
  run();
  const once = (performance.now() - t) / 1000;
  const calls = Math.max(1, Math.floor(0.25 / Math.max(once, 1e-7)));
  const trials = once * calls < 5 ? 5 : 3;
  const rates: number[] = [];
  for (let i = 0; i < trials; i++) {
    t = performance.now();
    for (let r = 0; r < calls; r++) run();
    rates.push((flops * calls) / ((performance.now() - t) / 1000) / 1e9);
  }
  rates.sort((x, y) => x - y);
  return { median: rates[(trials - 1) / 2]!, min: rates[0]!, max: rates[trials - 1]!, callsPerTrial: calls, trials };
}

interface Contender {
  name: string;
  /** Makes the backend current; returns a function that runs one product of the given size. */
  prepare(m: number, k: number, n: number): Promise<{ run: () => void; dispose: () => void }>;
}

function strataContender(threads: number): Contender {
  return {
    name: `strata wasm ${threads}t`,
    async prepare(m, k, n) {
      strata.setBackend('wasm');
      await strata.setThreadsCount(threads);
      const a = strata.randomNormal([m, k], 0, 1, { seed: 1 });
      const b = strata.randomNormal([k, n], 0, 1, { seed: 2 });
      return {
        run: () => {
          const c = strata.matMul(a, b);
          c.dataSync();
          c.dispose();
        },
        dispose: () => strata.dispose([a, b]),
      };
    },
  };
}

function tfContender(backend: string): Contender {
  return {
    name: `tfjs ${backend}`,
    async prepare(m, k, n) {
      await tf.setBackend(backend);
      await tf.ready();
      const a = tf.randomNormal([m, k], 0, 1, 'float32', 1);
      const b = tf.randomNormal([k, n], 0, 1, 'float32', 2);
      return {
        run: () => {
          const c = tf.matMul(a, b);
          c.dataSync();
          c.dispose();
        },
        dispose: () => tf.dispose([a, b]),
      };
    },
  };
}

async function main(): Promise<void> {
  const contenders = [strataContender(1), strataContender(2), ...peers.map(tfContender)];
  const results: Record<string, Record<string, Stats>> = {};
  for (const [m, k, n] of cases) {
    const key = `${m}x${k}x${n}`;
    results[key] = {};
    for (const c of contenders) {
      const { run, dispose } = await c.prepare(m, k, n);
      results[key]![c.name] = measure(run, 2 * m * k * n);
      dispose();
      process.stderr.write(`${key} ${c.name}: ${results[key]![c.name]!.median.toFixed(2)} GFLOP/s\n`);
    }
  }
  if (args['json'] !== undefined) {
    console.log(JSON.stringify({ cpu: cpus()[0]?.model, node: process.version, tfjs: tf.version.tfjs, results }));
    return;
  }
  const names = contenders.map((c) => c.name);
  const ratioPeers = names.filter((n) => n.startsWith('tfjs'));
  const header = ['m×k×n', ...names, ...ratioPeers.flatMap((p) => [`1t / ${p}`, `2t / ${p}`])];
  const rows = Object.entries(results).map(([key, r]) => [
    key,
    ...names.map((n) => r[n]!.median.toFixed(1)),
    ...ratioPeers.flatMap((p) => [r['strata wasm 1t']!.median / r[p]!.median, r['strata wasm 2t']!.median / r[p]!.median].map((x) => `${x.toFixed(2)}×`)),
  ]);
  console.log(`matMul float32, median GFLOP/s (${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}, tfjs ${tf.version.tfjs})\n`);
  console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
}

await main();
