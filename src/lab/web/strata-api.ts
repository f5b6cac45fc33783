/**
 * The part of Strata the playground uses, loaded at run time from the browser build (`strata.js`
 * beside the page's script): the page is an ordinary user of the one-file build, as any page would be.
 */
import type { variableGrads } from '../../core/gradients.js';
import type { dispose, tidy } from '../../core/memory.js';
import type { setSeed } from '../../core/random.js';
import type { getBackend, setBackend } from '../../core/backend-registry.js';
import type * as layers from '../../layers/index.js';
import type { Sequential } from '../../models/sequential.js';
import type { Adam, RMSprop, SGD } from '../../optimizers/index.js';
import type { tensor } from '../../ops/creation.js';
import type { gather } from '../../ops/slicing.js';

/** What the page takes from the browser build. */
export interface StrataModule {
  Sequential: typeof Sequential;
  layers: typeof layers;
  SGD: typeof SGD;
  Adam: typeof Adam;
  RMSprop: typeof RMSprop;
  tensor: typeof tensor;
  gather: typeof gather;
  tidy: typeof tidy;
  dispose: typeof dispose;
  variableGrads: typeof variableGrads;
  setSeed: typeof setSeed;
  setBackend: typeof setBackend;
  getBackend: typeof getBackend;
  /** Threads of the wasm backend (resolves once they run). */
  setThreadsCount(threads: number): Promise<void>;
  getThreadsCount(): number;
}

/**
 * Imports the browser build that sits beside this script (`./strata.js`).
 *
 * @example
 * const strata = await loadStrata();
 * strata.setBackend('wasm');
 */
export async function loadStrata(): Promise<StrataModule> {
  // A URL built at run time, so that a bundler leaves the import to the browser instead of inlining the library.
  const url = new URL('./strata.js', import.meta.url).href;
  return (await import(url)) as StrataModule;
}
