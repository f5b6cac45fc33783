/** The compiled WebAssembly kernels: the module (compiled once, at import) and the shape of its exports. */
import { kernelsSingleThreadWasmBase64, kernelsWasmBase64 } from './kernels-wasm.js';

/** The memory limit the kernels were compiled with (`--maximumMemory`, in 64 KiB pages: 4 GiB). */
export const MAX_PAGES = 65536;

/**
 * Where a pooling kernel's windows lie: batch, inH, inW, channels, outH, outW, kh, kw, strideY, strideX,
 * padTop, padLeft.
 */
export type PoolGeometry = [number, number, number, number, number, number, number, number, number, number, number, number];
/** A convolution's window geometry: PoolGeometry followed by dilationY, dilationX. */
export type WindowGeometry = [...PoolGeometry, number, number];

/** The kernels' exports; pointers are byte offsets into the shared memory, sizes are element counts. */
export interface KernelExports {
  heapBase(): number;
  unaryF32(op: number, x: number, out: number, n: number): void;
  binaryF32(
    op: number, a: number, b: number, out: number, d0: number, d1: number, d2: number, d3: number,
    a0: number, a1: number, a2: number, a3: number, b0: number, b1: number, b2: number, b3: number,
  ): void;
  where32(
    cond: number, a: number, b: number, out: number, d0: number, d1: number, d2: number, d3: number,
    c0: number, c1: number, c2: number, c3: number, a0: number, a1: number, a2: number, a3: number,
    b0: number, b1: number, b2: number, b3: number,
  ): void;
  cast(kind: number, x: number, out: number, n: number): void;
  reduceF32(op: number, x: number, out: number, outer: number, r: number, inner: number): void;
  argExtremeRowsF32(x: number, out: number, rows: number, cols: number, max: boolean): void;
  gatherRuns(x: number, idx: number, out: number, outer: number, dim: number, count: number, run: number): void;
  transpose32(x: number, out: number, batch: number, rows: number, cols: number, inner: number): void;
  gemm(
    a: number, aRow: number, aCol: number, b: number, bRow: number, bCol: number, c: number,
    n: number, k: number, rowBegin: number, rowEnd: number, scratch: number,
  ): void;
  gemmScratchBytes(): number;
  softmaxF32(x: number, out: number, rows: number, cols: number): void;
  softmaxCrossEntropyF32(logits: number, labels: number, out: number, rows: number, cols: number, sparse: boolean): void;
  softmaxCrossEntropyGradF32(logits: number, labels: number, dy: number, out: number, rows: number, cols: number, sparse: boolean): void;
  im2colF32(x: number, col: number, ...geometry: WindowGeometry): void;
  col2imF32(col: number, x: number, ...geometry: WindowGeometry): void;
  poolF32(op: number, x: number, out: number, ...geometry: PoolGeometry): void;
  maxPoolGradF32(dy: number, x: number, dx: number, ...geometry: PoolGeometry): void;
  avgPoolGradF32(dy: number, dx: number, ...geometry: PoolGeometry): void;
  adamF32(
    w: number, g: number, m: number, v: number, vHat: number, outW: number, outM: number, outV: number, outVHat: number,
    n: number, alpha: number, c1: number, c2: number, eps: number,
  ): void;
  sgdF32(w: number, g: number, mom: number, outW: number, outM: number, n: number, lr: number, momentum: number, nesterov: number): void;
  rmspropF32(
    w: number, g: number, vel: number, mom: number, avg: number, outW: number, outVel: number, outMom: number, outAvg: number,
    n: number, lr: number, rho: number, c: number, momentum: number, eps: number,
  ): void;
}

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
