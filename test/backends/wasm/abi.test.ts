/**
 * The wasm kernel ABI has one source, src/backends/wasm/abi.ts: the compiled module exports exactly the
 * kernels it declares, with their argument counts, and the kernels' op codes are the ones it defines.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { KERNEL_ARITY, kernelCodeGroups } from '../../../src/backends/wasm/abi.js';
import { createMemory, kernelsModule } from '../../../src/backends/wasm/kernels-module.js';

for (const shared of [true, false]) {
  test(`the ${shared ? 'shared-memory' : 'single-thread'} build exports the kernels abi.ts declares, with their argument counts`, () => {
    const module = kernelsModule(shared);
    assert.ok(module, 'the kernels compile on Node 20');
    const exports = new WebAssembly.Instance(module, { env: { memory: createMemory(1, shared) } }).exports;
    const functions = Object.entries(exports).filter(([, value]) => typeof value === 'function');
    assert.deepEqual(functions.map(([name]) => name).sort(), Object.keys(KERNEL_ARITY).sort());
    for (const [name, fn] of functions) assert.equal((fn as (...args: number[]) => unknown).length, KERNEL_ARITY[name as keyof typeof KERNEL_ARITY], name);
  });
}

test('kernels/codes.ts holds the op codes of abi.ts, one constant each', () => {
  const source = readFileSync(new URL('../../../../src/backends/wasm/kernels/codes.ts', import.meta.url), 'utf8');
  const written = [...source.matchAll(/^export const (\w+): i32 = (-?\d+);$/gm)].map((m) => [m[1]!, Number(m[2])]);
  const declared = kernelCodeGroups().flatMap((g) => g.constants);
  assert.deepEqual(written, declared);
  assert.deepEqual(declared.slice(0, 3), [['NEG', 0], ['ABS', 1], ['SIGN', 2]]);
  assert.ok(declared.some(([name, code]) => name === 'FLOOR_DIV' && code === 8));
  assert.ok(declared.some(([name, code]) => name === 'MAX_POOL' && code === 0));
  assert.ok(declared.some(([name, code]) => name === 'BOOL_TO_FLOAT32' && code === 0));
});
