// Bundles Strata for pages without a bundler of their own (run after tsc and build-wasm.mjs, from their
// output under dist/): dist/browser/strata.js is the browser-safe entry point (src/index.ts) with its npm
// packages, one ES module a page imports with one <script type="module">. Beside it:
// - worker.js, the wasm backend's Web Worker. The backend starts it as `new URL('./worker.js',
//   import.meta.url)`, which esbuild leaves as it is, so the worker is emitted flat in the same folder as
//   the module that holds that line, and built alone so that it carries the kernels' instantiation only;
// - chunk-*.js, code loaded on first use through a dynamic import (h5wasm, for .keras/.h5 files, is most
//   of the bytes and a page that never reads one never fetches it), and code entries share;
// - a source map for each.
// The kernels travel inside strata.js (base64, as kernels-wasm.js holds them), so the backend compiles them
// synchronously, as on Node. With `platform: 'browser'` esbuild fails on any Node builtin (node:fs ...)
// in the graph: Node-only code belongs in node/ folders, which src/index.ts never imports.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist/browser');

/**
 * The page-facing modules, by output name (dist/browser/NAME.js) → their compiled source under dist/.
 * They are bundled together, so that the code they share is one chunk and a page importing two of them
 * runs one copy of the engine (one registry of backends, one set of tensors).
 */
const ENTRIES = {
  strata: 'dist/src/index.js',
  // The playground page's script (`strata lab --serve`): it imports strata.js beside it at run time.
  playground: 'dist/src/lab/web/playground.js',
};

/** Modules started as Web Workers, by output name: each bundled alone, whole, with nothing shared. */
const WORKERS = {
  worker: 'dist/src/backends/wasm/browser/worker.js',
};

/**
 * What every bundle here shares: modern browsers (WebAssembly SIMD, module workers), minified, with
 * source maps. Minified with the names of classes and functions kept: Strata reads them (a layer
 * registers and serializes under its class's name, default layer names come from it, an error's
 * `name` is its class's).
 */
const COMMON = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome114', 'firefox120', 'safari17'],
  minify: true,
  keepNames: true,
  sourcemap: 'linked',
  outdir,
  logLevel: 'warning',
};

rmSync(outdir, { recursive: true, force: true });
const path = (file) => join(root, file);
const entries = (names) => Object.entries(names).map(([out, file]) => ({ in: path(file), out }));
await build({ ...COMMON, entryPoints: entries(ENTRIES), splitting: true, chunkNames: 'chunk-[hash]' });
await Promise.all(entries(WORKERS).map((entry) => build({ ...COMMON, entryPoints: [entry] })));
