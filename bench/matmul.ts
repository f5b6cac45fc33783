/**
 * matMul throughput (float32 GFLOP/s) of Strata's wasm backend on 1 and 2 threads, side by side with
 * TensorFlow.js 4.22's wasm and cpu backends in the same process, measured the way
 * shared/peers/tfjs_gemm.js measures the peers: per case one warm-up call, then 5 trials (3 when a
 * call takes over 0.25 s) of enough calls to last at least 0.25 s, each call reading its result back.
 * The trials of Strata and TensorFlow.js's wasm backend alternate, so the machine's load moves them alike.
 *
 * Also measures the machine's 128-bit SIMD ceiling at the time of the run (twelve independent
 * multiply-add chains, compiled on the spot with AssemblyScript), since clock speed and load on a
 * shared machine move every figure: on one core alone, and on two cores at once (a worker thread runs
 * the same chains in step with the main thread), since two busy cores may clock lower than one or share
 * more than a VM's core count says (virtual cores on one physical core's two hyperthreads).
 *
 * Prints a markdown table, then the figures as one JSON line.
 *
 * Usage: node dist/bench/matmul.js [--peers=wasm,cpu]
 */
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import * as strata from '../src/node/index.js';

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

/**
 * Measures the contenders' trials in turns (one trial of each, then the next round), so that a burst of
 * load from the machine's other tenants slows them alike instead of whichever ran during it.
 */
async function measureInTurns(contenders: Prepared[], flops: number): Promise<Stats[]> {
  const plans: { calls: number; rates: number[] }[] = [];
  for (const c of contenders) {
    await c.activate();
    c.run();
    const t = performance.now();
    c.run();
    const once = (performance.now() - t) / 1000;
    plans.push({ calls: Math.max(1, Math.floor(0.25 / Math.max(once, 1e-7))), rates: [] });
  }
  const trials = contenders.some((_, i) => plans[i]!.calls === 1) ? 3 : 5;
  for (let i = 0; i < trials; i++) {
    for (const [j, c] of contenders.entries()) {
      const plan = plans[j]!;
      await c.activate();
      const t = performance.now();
      for (let r = 0; r < plan.calls; r++) c.run();
      plan.rates.push((flops * plan.calls) / ((performance.now() - t) / 1000) / 1e9);
    }
  }
  return plans.map(({ calls, rates }) => {
    rates.sort((x, y) => x - y);
    return { median: rates[(trials - 1) / 2]!, min: rates[0]!, max: rates[trials - 1]!, callsPerTrial: calls, trials };
  });
}

/** Twelve independent chains of f32x4 multiply-then-add: as many as fit V8's 16 SIMD registers. */
const CEILING_SOURCE = `export function peak(n: i32, x: f32): f32 {
  const m = f32x4.splat(0.9999);
  const b = f32x4.splat(0.0001);
  let a0 = f32x4.splat(x); let a1 = f32x4.splat(x + 1); let a2 = f32x4.splat(x + 2); let a3 = f32x4.splat(x + 3);
  let a4 = f32x4.splat(x + 4); let a5 = f32x4.splat(x + 5); let a6 = f32x4.splat(x + 6); let a7 = f32x4.splat(x + 7);
  let a8 = f32x4.splat(x + 8); let a9 = f32x4.splat(x + 9); let a10 = f32x4.splat(x + 10); let a11 = f32x4.splat(x + 11);
  for (let i = 0; i < n; i++) {
    a0 = f32x4.add(f32x4.mul(a0, m), b); a1 = f32x4.add(f32x4.mul(a1, m), b); a2 = f32x4.add(f32x4.mul(a2, m), b);
    a3 = f32x4.add(f32x4.mul(a3, m), b); a4 = f32x4.add(f32x4.mul(a4, m), b); a5 = f32x4.add(f32x4.mul(a5, m), b);
    a6 = f32x4.add(f32x4.mul(a6, m), b); a7 = f32x4.add(f32x4.mul(a7, m), b); a8 = f32x4.add(f32x4.mul(a8, m), b);
    a9 = f32x4.add(f32x4.mul(a9, m), b); a10 = f32x4.add(f32x4.mul(a10, m), b); a11 = f32x4.add(f32x4.mul(a11, m), b);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7))),
    f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11)));
  return f32x4.extract_lane(s, 0);
}`;

/** Runs `peak` of the probe's module (`workerData.binary`) each time the main thread bumps `go[0]`, reporting its rate in `rates`. */
const CEILING_WORKER = `
const { workerData } = require('node:worker_threads');
const { binary, go, rates, iterations } = workerData;
const peak = new WebAssembly.Instance(new WebAssembly.Module(binary), { env: { abort() {} } }).exports.peak;
peak(iterations, 1);
for (let trial = 1; ; trial++) {
  Atomics.wait(go, 0, trial - 1);
  if (Atomics.load(go, 1) === 1) break;
  const t = performance.now();
  peak(iterations, 1);
  rates[trial] = (12 * 8 * iterations) / ((performance.now() - t) / 1000) / 1e9;
  Atomics.store(go, 2, trial);
  Atomics.notify(go, 2);
}`;

/**
 * The f32x4 multiply-add throughput now, in GFLOP/s (median of 5 trials): of one core alone, and of two
 * cores running the probe at the same time (the sum of both threads' rates in each trial).
 */
async function simdCeiling(): Promise<{ one: number; two: number }> {
  const { default: asc } = await import('assemblyscript/asc');
  const compiled = await asc.compileString(CEILING_SOURCE, { optimizeLevel: 3, enable: ['simd'], runtime: 'stub' });
  if (!compiled.binary) throw new Error(`bench: the ceiling probe did not compile: ${compiled.stderr.toString()}`);
  const binary = new Uint8Array(compiled.binary);
  const peak = new WebAssembly.Instance(new WebAssembly.Module(binary), { env: { abort() {} } }).exports['peak'] as (n: number, x: number) => number;
  const iterations = 2e7;
  const trials = 5;
  const rate = (): number => {
    const t = performance.now();
    peak(iterations, 1);
    return (12 * 8 * iterations) / ((performance.now() - t) / 1000) / 1e9;
  };
  peak(iterations, 1);
  const alone = Array.from({ length: trials }, rate);
  const go = new Int32Array(new SharedArrayBuffer(12));
  const rates = new Float64Array(new SharedArrayBuffer(8 * (trials + 1)));
  const worker = new Worker(CEILING_WORKER, { eval: true, workerData: { binary, go, rates, iterations } });
  await new Promise((resolve) => setTimeout(resolve, 200));
  const together: number[] = [];
  for (let trial = 1; trial <= trials; trial++) {
    Atomics.store(go, 0, trial);
    Atomics.notify(go, 0);
    const mine = rate();
    while (Atomics.load(go, 2) !== trial) Atomics.wait(go, 2, trial - 1, 1000);
    together.push(mine + rates[trial]!);
  }
  Atomics.store(go, 1, 1);
  Atomics.store(go, 0, trials + 1);
  Atomics.notify(go, 0);
  await worker.terminate();
  const median = (xs: number[]): number => xs.sort((x, y) => x - y)[(trials - 1) >> 1]!;
  return { one: median(alone), two: median(together) };
}

/** One contender's operands for one size: `activate` makes its backend and thread count current before each trial. */
interface Prepared {
  activate: () => Promise<void>;
  run: () => void;
  dispose: () => void;
}

interface Contender {
  name: string;
  /** Makes the operands of a product of the given size. */
  prepare(m: number, k: number, n: number): Promise<Prepared>;
}

function strataContender(threads: number): Contender {
  return {
    name: `strata wasm ${threads}t`,
    async prepare(m, k, n) {
      strata.setBackend('wasm');
      const a = strata.randomNormal([m, k], 0, 1, { seed: 1 });
      const b = strata.randomNormal([k, n], 0, 1, { seed: 2 });
      return {
        activate: () => strata.setThreadsCount(threads),
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
        // One TensorFlow.js backend is measured at a time: its operands live on it.
        activate: async () => undefined,
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
  const ceilingBefore = await simdCeiling();
  // Strata on 1 and 2 threads and TensorFlow.js's wasm backend in turns; its cpu backend (50× slower) after them.
  const groups = [contenders.filter((c) => c.name !== 'tfjs cpu'), contenders.filter((c) => c.name === 'tfjs cpu')];
  for (const [m, k, n] of cases) {
    const key = `${m}x${k}x${n}`;
    results[key] = {};
    for (const group of groups.filter((g) => g.length > 0)) {
      const prepared: Prepared[] = [];
      for (const c of group) prepared.push(await c.prepare(m, k, n));
      const stats = await measureInTurns(prepared, 2 * m * k * n);
      group.forEach((c, i) => {
        results[key]![c.name] = stats[i]!;
        process.stderr.write(`${key} ${c.name}: ${stats[i]!.median.toFixed(2)} GFLOP/s\n`);
      });
      for (const p of prepared) p.dispose();
    }
  }
  const ceilingAfter = await simdCeiling();
  const ceiling = [ceilingBefore.one, ceilingAfter.one];
  const ceilingTogether = [ceilingBefore.two, ceilingAfter.two];
  const names = contenders.map((c) => c.name);
  const ratioPeers = names.filter((n) => n.startsWith('tfjs'));
  // The machine's speed moves with its load and clock: the share of the ceiling measured in the same run
  // is what compares with other machines (the 55 and 100 GFLOP/s are 86% and 78% of its 64 and 128).
  const perCore = (ceiling[0]! + ceiling[1]!) / 2;
  const bothCores = (ceilingTogether[0]! + ceilingTogether[1]!) / 2;
  const header = ['m×k×n', ...names, '1t % of 1-core ceiling', '2t % of 2-core ceiling', '2t % of 2 cores measured together', ...ratioPeers.flatMap((p) => [`1t / ${p}`, `2t / ${p}`])];
  const rows = Object.entries(results).map(([key, r]) => [
    key,
    ...names.map((n) => r[n]!.median.toFixed(1)),
    `${((100 * r['strata wasm 1t']!.median) / perCore).toFixed(0)}%`,
    `${((100 * r['strata wasm 2t']!.median) / (2 * perCore)).toFixed(0)}%`,
    `${((100 * r['strata wasm 2t']!.median) / bothCores).toFixed(0)}%`,
    ...ratioPeers.flatMap((p) => [r['strata wasm 1t']!.median / r[p]!.median, r['strata wasm 2t']!.median / r[p]!.median].map((x) => `${x.toFixed(2)}×`)),
  ]);
  console.log(`matMul float32, median GFLOP/s (${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}, tfjs ${tf.version.tfjs})`);
  console.log(`128-bit SIMD ceiling of one core during the run: ${ceiling.map((c) => c.toFixed(1)).join(' before, ')} after`);
  console.log(`of two cores running it together: ${ceilingTogether.map((c) => c.toFixed(1)).join(' before, ')} after\n`);
  console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  // Last, for bench/run.ts: the figures as one JSON line.
  console.log(JSON.stringify({ cpu: cpus()[0]?.model, node: process.version, tfjs: tf.version.tfjs, simdCeilingGflops: ceiling, simdCeilingTwoCoresGflops: ceilingTogether, results }));
}

await main();
