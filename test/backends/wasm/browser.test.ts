/**
 * The wasm backend in a real browser (Debian's chromium driven by playwright-core), on the built ES modules
 * served as they are: in a cross-origin isolated page its threads are Web Workers on shared memory (the
 * products split across them), in an ordinary page it runs on the calling thread; both give the
 * reference backend's results.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openPage, serveFiles } from '../../helpers/chromium.js';
import { CHROMIUM, missing } from '../../helpers/system-packages.js';

/** dist/, where the compiled modules (and the generated kernels module) are. */
const DIST = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * What the page computes: the same products, convolutions and pooling on the wasm backend (2 threads
 * asked for) and on the reference backend. The page loads the backends' modules alone, as they are
 * built: the full entry point imports npm packages, which a browser app gets through its bundler.
 */
const PAGE = `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module">
import { WasmBackend, setWorkerSupport } from '/src/backends/wasm/wasm-backend.js';
import { browserWorkerSupport, browserWorkersAvailable } from '/src/backends/wasm/browser/spawn-worker.js';
import { CpuBackend } from '/src/backends/cpu/cpu-backend.js';
async function run() {
  if (browserWorkersAvailable()) setWorkerSupport(browserWorkerSupport);
  const wasm = new WasmBackend();
  await wasm.setThreads(2);
  let seed = 7;
  const random = (n) => Float32Array.from({ length: n }, () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1);
  const data = { a: [random(300 * 400), [300, 400]], b: [random(400 * 500), [400, 500]], x: [random(8 * 20 * 20 * 16), [8, 20, 20, 16]], f: [random(3 * 3 * 16 * 8), [3, 3, 16, 8]] };
  const compute = (backend) => {
    const t = Object.fromEntries(Object.entries(data).map(([k, [v, shape]]) => [k, { dataId: backend.write(v, shape, 'float32'), shape, dtype: 'float32' }]));
    const conv = backend.conv2d(t.x, t.f, [1, 1], [1, 1, 1, 1], [1, 1], 1);
    const outs = [backend.matMul(t.a, t.b, false, false, []), conv, backend.pool2d(conv, 'max', [2, 2], [2, 2], [0, 0, 0, 0])];
    return outs.map((o) => Array.from(backend.read(o.dataId)));
  };
  const got = compute(wasm);
  const want = compute(new CpuBackend());
  const diff = got.map((g, i) => g.reduce((worst, v, j) => Math.max(worst, Math.abs(v - want[i][j])), 0));
  return { threads: wasm.threads, shared: wasm.sharedMemory, isolated: crossOriginIsolated, diff, sizes: got.map((g) => g.length) };
}
window.result = run().catch((e) => ({ error: String((e && e.stack) || e) }));
</script>`;

for (const isolated of [true, false]) {
  const what = isolated ? 'a cross-origin isolated page: 2 threads (Web Workers) on shared memory' : 'an ordinary page: 1 thread on unshared memory';
  test(`wasm backend in chromium, ${what}, equal to the reference`, { skip: missing(CHROMIUM), timeout: 60_000 }, async (t) => {
    const url = await serveFiles(t, { root: DIST, routes: { '/': PAGE }, isolated });
    const { page, problems } = await openPage(t);
    await page.goto(url);
    await page.waitForFunction(() => (globalThis as { result?: unknown }).result !== undefined);
    const result = await page.evaluate(() => (globalThis as unknown as { result: Promise<Record<string, unknown>> }).result);
    assert.equal(result['error'], undefined, String(result['error']));
    assert.deepEqual({ threads: result['threads'], shared: result['shared'], isolated: result['isolated'] }, { threads: isolated ? 2 : 1, shared: isolated, isolated });
    assert.deepEqual(result['sizes'], [300 * 500, 8 * 20 * 20 * 8, 8 * 10 * 10 * 8]);
    const [product, conv, pool] = result['diff'] as number[];
    assert.ok(product! < 1e-3 && conv! < 1e-4 && pool! < 1e-4, `largest differences from the reference: ${result['diff']}`);
    assert.deepEqual(problems, []);
  });
}
