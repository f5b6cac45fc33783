/** The compiled WebAssembly kernels: the module (compiled once, on first use), its memory and its instances. */
import type { KernelExports } from './abi.js';
import { kernelsRelaxedWasmBase64, kernelsSingleThreadRelaxedWasmBase64, kernelsSingleThreadWasmBase64, kernelsWasmBase64 } from './kernels-wasm.js';

/** The memory limit the kernels were compiled with (`--maximumMemory`, in 64 KiB pages: 4 GiB). */
export const MAX_PAGES = 65536;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The instruction sets a build of the kernels uses: plain SIMD, or relaxed SIMD as well (fused multiply-add). */
export type KernelsBuild = 'simd' | 'relaxed-simd';

/**
 * A module of one function returning `f32x4.relaxed_madd` of three constants: it validates only where
 * the engine has relaxed SIMD (browsers since 2023; Node 20 with --experimental-wasm-relaxed-simd).
 */
const RELAXED_SIMD_PROBE = ((): Uint8Array<ArrayBuffer> => {
  const constant = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
  const body = [0x00, ...constant, ...constant, ...constant, 0xfd, 0x85, 0x02, 0x0b];
  const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const types = [0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b];
  const functions = [0x03, 0x02, 0x01, 0x00];
  const code = [0x0a, body.length + 2, 0x01, body.length, ...body];
  return Uint8Array.from([...header, ...types, ...functions, ...code]);
})();

/** The builds compiled so far, by memory kind: null where this runtime cannot compile either build. */
const compiled: { shared?: Compiled | null; single?: Compiled | null } = {};

interface Compiled {
  module: WebAssembly.Module;
  build: KernelsBuild;
}

function compile(base64: string): WebAssembly.Module | null {
  try {
    return new WebAssembly.Module(decodeBase64(base64));
  } catch {
    // Compiling fails where the engine lacks SIMD (or threads, for the shared build).
    return null;
  }
}

/** The relaxed-SIMD build where the engine validates the probe and compiles it, else the plain one (or null). */
function compileBest(relaxed: string, plain: string): Compiled | null {
  const module = WebAssembly.validate(RELAXED_SIMD_PROBE) ? compile(relaxed) : null;
  if (module) return { module, build: 'relaxed-simd' };
  const fallback = compile(plain);
  return fallback && { module: fallback, build: 'simd' };
}

function compiledFor(shared: boolean): Compiled | undefined {
  if (typeof WebAssembly !== 'object') return undefined;
  if (shared) {
    if (typeof SharedArrayBuffer !== 'function') return undefined;
    compiled.shared ??= compileBest(kernelsRelaxedWasmBase64, kernelsWasmBase64);
    return compiled.shared ?? undefined;
  }
  compiled.single ??= compileBest(kernelsSingleThreadRelaxedWasmBase64, kernelsSingleThreadWasmBase64);
  return compiled.single ?? undefined;
}

/**
 * The kernels, compiled synchronously on first use: the build on shared memory (`shared`, which worker
 * threads can run on) or the one on ordinary memory, with relaxed SIMD where the engine has it (see
 * `kernelsBuild`); undefined where this runtime cannot run that build (no SIMD; for the shared one, no
 * threads or no SharedArrayBuffer, which browsers give only to cross-origin isolated pages).
 */
export function kernelsModule(shared: boolean): WebAssembly.Module | undefined {
  return compiledFor(shared)?.module;
}

/**
 * Which instruction sets the kernels `kernelsModule(shared)` returns were compiled for: `relaxed-simd`
 * where the engine has relaxed SIMD, whose fused multiply-add rounds products once (results may differ
 * from the plain build's in the last bits), else `simd`; undefined where neither build runs.
 *
 * @example
 * kernelsBuild(true); // 'simd' on Node 20, 'relaxed-simd' with --experimental-wasm-relaxed-simd
 */
export function kernelsBuild(shared: boolean): KernelsBuild | undefined {
  return compiledFor(shared)?.build;
}

/** A memory the kernels can import: shared (for the build on shared memory) or not. */
export function createMemory(initialPages: number, shared: boolean): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: initialPages, maximum: MAX_PAGES, shared });
}

/** Instantiates the kernels on `memory` (each thread does this once, on the same memory). */
export function instantiateKernels(module: WebAssembly.Module, memory: WebAssembly.Memory): KernelExports {
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
}
