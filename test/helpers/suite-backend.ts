/**
 * The suite runs twice, once per backend (scripts/run-tests.mjs). Long end-to-end runs — an
 * experiment of the lab training for a minute, the real Keras reading and writing dozens of files —
 * test what sits above the kernels, which the backend tests already compare between the two
 * backends; they run in the wasm suite and the reference backend's suite leaves them out.
 */

/**
 * For a test's `skip` option: false in the wasm suite (or outside the two-backend runner), else why
 * the cpu suite leaves the test out.
 *
 * @example
 * test('the neuron experiment on a slice', { skip: wasmSuiteOnly() }, async () => { ... });
 */
export function wasmSuiteOnly(): string | false {
  return process.env['STRATA_BACKEND'] === 'cpu' && 'an end-to-end run above the kernels: the wasm suite runs it, the kernels are compared between backends elsewhere';
}
