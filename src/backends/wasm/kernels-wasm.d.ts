/** The compiled kernels (written by scripts/build-wasm.mjs next to the compiled TypeScript), as base64. */
export declare const kernelsWasmBase64: string;
/** The same kernels compiled for an ordinary (unshared) memory, where SharedArrayBuffer is missing. */
export declare const kernelsSingleThreadWasmBase64: string;
/** The shared-memory kernels compiled with relaxed SIMD as well (fused multiply-add), for engines that have it. */
export declare const kernelsRelaxedWasmBase64: string;
/** The ordinary-memory kernels compiled with relaxed SIMD as well. */
export declare const kernelsSingleThreadRelaxedWasmBase64: string;
