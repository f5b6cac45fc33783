/**
 * The relaxed-SIMD builds of the kernels: chosen only where the engine has relaxed SIMD (Node 20: with
 * --experimental-wasm-relaxed-simd, so each case runs in a child process with or without it), exporting
 * what abi.ts declares, and their products (a fused multiply-add, rounded once) match the reference.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { KERNEL_ARITY } from '../../../src/backends/wasm/abi.js';

const url = (path: string): string => new URL(path, import.meta.url).href;

/**
 * Runs `body` (an ES module's code with `kernelsModule`, `kernelsBuild`, `createMemory`, `WasmBackend`, `CpuBackend`, `setWorkerSupport`, `nodeWorkerSupport` in scope) in a child Node started
 * with `flag`, and returns what it prints as JSON.
 */
function inChild(flag: string, body: string): unknown {
  const code = `
    import { kernelsBuild, kernelsModule, createMemory } from '${url('../../../src/backends/wasm/kernels-module.js')}';
    import { WasmBackend, setWorkerSupport } from '${url('../../../src/backends/wasm/wasm-backend.js')}';
    import { nodeWorkerSupport } from '${url('../../../src/backends/wasm/node/spawn-worker.js')}';
    import { CpuBackend } from '${url('../../../src/backends/cpu/cpu-backend.js')}';
    ${body}`;
  // A file, not --eval: worker threads inherit the flags, and --input-type would stop them.
  const dir = mkdtempSync(join(tmpdir(), 'strata-relaxed-'));
  try {
    writeFileSync(join(dir, 'child.mjs'), code);
    return JSON.parse(execFileSync(process.execPath, [flag, join(dir, 'child.mjs')], { encoding: 'utf8' }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('without relaxed SIMD in the engine, both memories get the plain-SIMD build', () => {
  const builds = inChild('--no-experimental-wasm-relaxed-simd', 'console.log(JSON.stringify([kernelsBuild(true), kernelsBuild(false)]));');
  assert.deepEqual(builds, ['simd', 'simd']);
});

test('with relaxed SIMD, both memories get the relaxed build, which exports what abi.ts declares', () => {
  const found = inChild('--experimental-wasm-relaxed-simd', `
    const exported = [true, false].map((shared) => {
      const exports = new WebAssembly.Instance(kernelsModule(shared), { env: { memory: createMemory(1, shared) } }).exports;
      return Object.entries(exports).filter(([, f]) => typeof f === 'function').map(([name, f]) => name + '/' + f.length).sort();
    });
    console.log(JSON.stringify({ builds: [kernelsBuild(true), kernelsBuild(false)], exported }));`) as { builds: string[]; exported: string[][] };
  assert.deepEqual(found.builds, ['relaxed-simd', 'relaxed-simd']);
  const declared = Object.entries(KERNEL_ARITY).map(([name, arity]) => `${name}/${arity}`).sort();
  for (const names of found.exported) assert.deepEqual(names, declared);
});

test('the relaxed build\'s matrix products on 1 and 2 threads match the reference within float32 rounding', () => {
  // [m, k, n, transposeA, transposeB]: a tile-sized product, ragged edges, tall, wide, deep (split by k on 2 threads), transposed.
  const shapes = [[4, 8, 8, false, false], [37, 300, 45, false, false], [1500, 64, 40, false, false], [16, 96, 1500, false, true], [20, 30001, 24, true, false], [130, 200, 250, true, true]];
  const errors = inChild('--experimental-wasm-relaxed-simd', `
    setWorkerSupport(nodeWorkerSupport);
    const cpu = new CpuBackend();
    let seed = 7;
    const next = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296) * 2 - 1;
    const out = [];
    for (const threads of [1, 2]) {
      const wasm = new WasmBackend();
      await wasm.setThreads(threads);
      for (const [m, k, n, tA, tB] of ${JSON.stringify(shapes)}) {
        const shapes = [tA ? [k, m] : [m, k], tB ? [n, k] : [k, n]];
        const values = shapes.map((s) => Float32Array.from({ length: s[0] * s[1] }, next));
        const run = (b) => b.read(b.matMul(...shapes.map((s, i) => ({ dataId: b.write(values[i], s, 'float32'), shape: s, dtype: 'float32' })), tA, tB, []).dataId);
        const got = run(wasm);
        const want = run(cpu);
        let worst = 0;
        for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / Math.max(1, Math.abs(want[i])));
        out.push({ threads, m, k, n, worst, threadsRun: wasm.threads, build: kernelsBuild(true) });
      }
    }
    console.log(JSON.stringify(out));
    process.exit(0);`) as { threads: number; m: number; k: number; n: number; worst: number; threadsRun: number; build: string }[];
  assert.equal(errors.length, 2 * shapes.length);
  for (const e of errors) {
    assert.equal(e.build, 'relaxed-simd');
    assert.equal(e.threadsRun, e.threads);
    // Each output sums k products of values in [-1, 1]: float32 rounding grows at most ~k·2⁻²⁴ relative.
    assert.ok(e.worst <= 2e-7 * e.k, `${e.m}×${e.k}×${e.n} on ${e.threads} threads: relative error ${e.worst} above ${2e-7 * e.k}`);
  }
});
