/** The compiled WebAssembly kernels: the module (compiled once, on first use), its memory and its instances. */
import type { KernelExports } from './abi.js';
import { kernelsSingleThreadWasmBase64, kernelsWasmBase64 } from './kernels-wasm.js';

/** The memory limit the kernels were compiled with (`--maximumMemory`, in 64 KiB pages: 4 GiB). */
export const MAX_PAGES = 65536;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The two builds, compiled on first use: null where this runtime cannot compile one. */
const compiled: { shared?: WebAssembly.Module | null; single?: WebAssembly.Module | null } = {};

function compile(base64: string): WebAssembly.Module | null {
  try {
    return new WebAssembly.Module(decodeBase64(base64));
  } catch {
    // Compiling fails where the engine lacks SIMD (or threads, for the shared build).
    return null;
  }
}

/**
 * The kernels, compiled synchronously on first use: the build on shared memory (`shared`, which worker
 * threads can run on) or the one on ordinary memory; undefined where this runtime cannot run that build
 * (no SIMD; for the shared one, no threads or no SharedArrayBuffer, which browsers give only to
 * cross-origin isolated pages).
 */
export function kernelsModule(shared: boolean): WebAssembly.Module | undefined {
  if (typeof WebAssembly !== 'object') return undefined;
  if (shared) {
    if (typeof SharedArrayBuffer !== 'function') return undefined;
    compiled.shared ??= compile(kernelsWasmBase64);
    return compiled.shared ?? undefined;
  }
  compiled.single ??= compile(kernelsSingleThreadWasmBase64);
  return compiled.single ?? undefined;
}

/** A memory the kernels can import: shared (for the build on shared memory) or not. */
export function createMemory(initialPages: number, shared: boolean): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: initialPages, maximum: MAX_PAGES, shared });
}

/** Instantiates the kernels on `memory` (each thread does this once, on the same memory). */
export function instantiateKernels(module: WebAssembly.Module, memory: WebAssembly.Memory): KernelExports {
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
}
