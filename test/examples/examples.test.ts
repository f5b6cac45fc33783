/** Every example in examples/ runs and prints what the docs say it prints. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

function runExample(name: string): string {
  const path = fileURLToPath(new URL(`../../examples/${name}.js`, import.meta.url));
  return execFileSync(process.execPath, [path], { encoding: 'utf8' });
}

test('examples/engine-basics: the gradient and the fitted value', () => {
  const lines = runExample('engine-basics').trim().split('\n');
  assert.equal(lines[0], '[ -2, 2 ]');
  const w = lines[1]!.replace(/[[\]\s]/g, '').split(',').map(Number);
  assert.ok(w.every((v) => Math.abs(v - 3) < 1e-5), `w = ${lines[1]}`);
});
